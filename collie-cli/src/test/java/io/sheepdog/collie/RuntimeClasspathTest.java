package io.sheepdog.collie;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * collie ships without the daemon's storage and membership technologies: no RocksDB (its jar carries the native
 * library) and no JGroups or jgroups-raft. collie-cli's pom excludes them from the runtime class path that the build
 * copies to {@code target/lib} for {@code scripts/collie}; the build also writes that class path to the file this test
 * reads ({@code collie.runtime.classpath.file}, see the pom).
 *
 * <p>Two checks: no entry of that class path holds a class of theirs (so the exclusions hold, whatever a dependency
 * brings in later), and no class collie can load refers, through the Sheepdog classes it uses in turn, to a class
 * that is not on that class path (which would be a {@code NoClassDefFoundError} when the command runs). The second
 * follows jdeps' class-level dependencies from every collie class through every {@code io.sheepdog} class reached.
 */
class RuntimeClasspathTest {

    /** Where the classes and the native library of the excluded artifacts live inside a jar. */
    private static final List<String> BANNED_ENTRY_PREFIXES =
            List.of("org/rocksdb/", "org/jgroups/", "librocksdbjni");

    /** A line of {@code jdeps -verbose:class}: origin class, target class, where the target was found. */
    private static final Pattern EDGE = Pattern.compile("^\\s+(\\S+)\\s+->\\s+(\\S+)\\s+(.*?)\\s*$");

    private static List<Path> runtimeClasspath;
    private static Path collieClasses;

    @BeforeAll
    static void readClasspath() throws IOException {
        String file = System.getProperty("collie.runtime.classpath.file");
        String classes = System.getProperty("collie.classes.dir");
        if (file == null || classes == null) {
            fail("run through Maven: collie-cli's pom sets collie.runtime.classpath.file and collie.classes.dir");
        }
        String text = Files.readString(Path.of(file), StandardCharsets.UTF_8).trim();
        runtimeClasspath = Arrays.stream(text.split(Pattern.quote(File.pathSeparator)))
                .filter(s -> !s.isBlank()).map(Path::of).toList();
        collieClasses = Path.of(classes);
        // A class path without Sheepdog's own modules would make the closure check below vacuous.
        assertThat(runtimeClasspath).as("runtime class path in %s", file)
                .anySatisfy(p -> assertThat(p.toString()).contains("sheep-daemon"));
    }

    @Test
    void noEntryOfTheRuntimeClasspathHoldsRocksDbOrJGroups() throws IOException {
        Map<Path, String> offending = new LinkedHashMap<>();
        for (Path entry : runtimeClasspath) {
            firstEntryIn(entry, RuntimeClasspathTest::isBanned).ifPresent(name -> offending.put(entry, name));
        }
        assertThat(offending)
                .as("collie's runtime class path must not carry RocksDB or JGroups (exclude them in collie-cli/pom.xml,"
                        + " or declare them there in test scope if the tests need them); entry -> what it holds")
                .isEmpty();
    }

    @Test
    void noCollieClassReachesAClassMissingFromTheRuntimeClasspath() throws IOException {
        // jdeps lists the dependencies of the classes of its targets: collie's and those of Sheepdog's modules.
        List<String> sheepdogEntries = new ArrayList<>();
        for (Path entry : runtimeClasspath) {
            if (firstEntryIn(entry, name -> name.startsWith("io/sheepdog/")).isPresent()) {
                sheepdogEntries.add(entry.toString());
            }
        }
        List<String> args = new ArrayList<>(List.of("-verbose:class", "-filter:none", "--multi-release", "17",
                "-cp", runtimeClasspath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)),
                collieClasses.toString()));
        args.addAll(sheepdogEntries);

        Map<String, Map<String, String>> edges = jdeps(args);
        Map<String, String> reachedFrom = new HashMap<>();
        Deque<String> queue = new ArrayDeque<>();
        edges.keySet().stream().filter(c -> c.startsWith("io.sheepdog.collie.")).forEach(c -> {
            reachedFrom.put(c, null);
            queue.add(c);
        });
        assertThat(queue).as("collie classes seen by jdeps in %s", collieClasses).isNotEmpty();

        // Missing class -> the first (shortest) chain of classes that leads to it from a collie class.
        Map<String, String> missing = new TreeMap<>();
        while (!queue.isEmpty()) {
            String from = queue.remove();
            for (Map.Entry<String, String> to : edges.getOrDefault(from, Map.of()).entrySet()) {
                if (to.getValue().equals("not found")) {
                    missing.putIfAbsent(to.getKey(), chain(from, reachedFrom));
                } else if (to.getKey().startsWith("io.sheepdog.") && !reachedFrom.containsKey(to.getKey())) {
                    reachedFrom.put(to.getKey(), from);
                    queue.add(to.getKey());
                }
            }
        }
        assertThat(missing)
                .as("classes that collie's classes refer to, directly or through the Sheepdog classes listed, and"
                        + " that its runtime class path lacks: they would fail with NoClassDefFoundError when a"
                        + " command runs; missing class -> the chain of references")
                .isEmpty();
        // The closure does cover the client: if it did not, an empty result would prove nothing.
        assertThat(reachedFrom).containsKey("io.sheepdog.daemon.client.SheepClient");
    }

    /** The first entry name (a jar's entry, or a path relative to a class directory) of entry that wanted takes. */
    private static Optional<String> firstEntryIn(Path entry, Predicate<String> wanted) throws IOException {
        if (Files.isDirectory(entry)) {
            try (Stream<Path> files = Files.walk(entry)) {
                return files.map(f -> entry.relativize(f).toString().replace(File.separatorChar, '/'))
                        .filter(wanted).findFirst();
            }
        }
        if (!Files.isRegularFile(entry)) {
            return Optional.empty();
        }
        try (ZipFile zip = new ZipFile(entry.toFile())) {
            return zip.stream().map(e -> e.getName()).filter(wanted).findFirst();
        }
    }

    private static boolean isBanned(String entryName) {
        return BANNED_ENTRY_PREFIXES.stream().anyMatch(entryName::startsWith);
    }

    /** Runs jdeps in this JVM; returns origin class -> (target class -> where found, or "not found"). */
    private static Map<String, Map<String, String>> jdeps(List<String> args) {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps")
                .orElseThrow(() -> new AssertionError("no jdeps in this JVM: build with a JDK, not a JRE"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = jdeps.run(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
        assertThat(rc).as("jdeps %s: %s", args, err).isZero();
        Map<String, Map<String, String>> edges = new HashMap<>();
        for (String line : out.toString().split("\\R")) {
            Matcher m = EDGE.matcher(line);
            if (m.matches()) {
                edges.computeIfAbsent(m.group(1), k -> new HashMap<>()).put(m.group(2), m.group(3));
            }
        }
        return edges;
    }

    private static String chain(String cls, Map<String, String> reachedFrom) {
        List<String> path = new ArrayList<>();
        for (String c = cls; c != null; c = reachedFrom.get(c)) {
            path.add(c);
        }
        Collections.reverse(path);
        return String.join(" -> ", path);
    }
}
