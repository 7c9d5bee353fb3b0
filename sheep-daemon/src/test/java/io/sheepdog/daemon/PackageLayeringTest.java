package io.sheepdog.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layering inside sheep-daemon that docs/architecture.md ("Inside sheep-daemon") draws: which of the daemon's
 * packages each package's main code may import. The graph is acyclic, so every component can be built complete
 * before the ones that use it (no setters in {@link SheepDaemon}). The root pom's restrict-imports rule guards the
 * lines between modules; this guards the lines inside the module, main code only (tests reach across on purpose).
 */
class PackageLayeringTest {
    private static final Path SOURCES = Path.of("src/main/java/io/sheepdog/daemon");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?io\\.sheepdog\\.daemon\\.([a-z]+)\\.",
            Pattern.MULTILINE);

    /** Package → the daemon packages it may import (besides itself); the root package may import all. */
    static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("api", Set.of()),
            Map.entry("proto", Set.of("api")),
            Map.entry("security", Set.of("proto")), // proto: the opcodes each permission covers
            Map.entry("client", Set.of("api", "proto")),
            Map.entry("peer", Set.of("api", "proto", "client")),
            Map.entry("gateway", Set.of("api", "proto", "peer")),
            Map.entry("recovery", Set.of("api", "peer")),
            Map.entry("vdi", Set.of("api", "proto", "gateway")), // proto: WriteMode, part of the gateway's write
            Map.entry("cluster", Set.of("api", "peer", "recovery", "vdi")),
            Map.entry("server", Set.of("api", "proto", "peer", "security")),
            Map.entry("nbd", Set.of("api", "vdi", "security"))); // security: who may open what

    @Test
    void everyPackageImportsOnlyThePackagesBelowIt() throws IOException {
        Map<String, Set<String>> actual = importsByPackage();
        assertThat(actual.keySet()).as("every package of the daemon has a place in the layering")
                .isSubsetOf(ALLOWED.keySet());
        actual.forEach((pkg, imports) -> assertThat(imports)
                .as("daemon packages imported by daemon.%s (docs/architecture.md, Inside sheep-daemon)", pkg)
                .isSubsetOf(ALLOWED.get(pkg)));
    }

    @Test
    void theScanSeesTheImportsThatExist() throws IOException {
        // Guards the guard: if the scan found nothing (a moved source root), the test above would pass vacuously.
        assertThat(importsByPackage().get("gateway")).contains("peer");
        assertThat(importsByPackage().get("cluster")).contains("vdi", "recovery");
    }

    private static Map<String, Set<String>> importsByPackage() throws IOException {
        Map<String, Set<String>> result = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            files.filter(p -> p.toString().endsWith(".java")).forEach(p -> {
                Path rel = SOURCES.relativize(p);
                if (rel.getNameCount() < 2) {
                    return; // the root package: the composition root may import everything
                }
                String pkg = rel.getName(0).toString();
                Set<String> imports = result.computeIfAbsent(pkg, k -> new TreeSet<>());
                Matcher m = IMPORT.matcher(read(p));
                while (m.find()) {
                    if (!m.group(1).equals(pkg)) {
                        imports.add(m.group(1));
                    }
                }
            });
        }
        return result;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
