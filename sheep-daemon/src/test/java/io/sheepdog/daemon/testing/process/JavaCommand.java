package io.sheepdog.daemon.testing.process;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Command lines that run a main class of this project in a child JVM: the test JVM's own {@code java} and class
 * path, so the child runs exactly the classes under test (no packaging step, no stale jar).
 */
public final class JavaCommand {
    /**
     * System property that overrides the class path given to child JVMs. Otherwise surefire's
     * {@code surefire.test.class.path} (the real class path when it runs tests from a manifest-only jar), else
     * {@code java.class.path}.
     */
    public static final String CLASSPATH_PROPERTY = "sheepdog.process.classpath";

    private JavaCommand() {
    }

    /** {@code JAVA_HOME/bin/java JVM_ARGS -cp CLASSPATH MAIN_CLASS ARGS}. */
    public static List<String> of(List<String> jvmArgs, String mainClass, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBinary().toString());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(classPath());
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }

    /** {@code java -cp CLASSPATH MAIN_CLASS ARGS} with small-heap, fast-start JVM options, for short-lived tools. */
    public static List<String> tool(String mainClass, String... args) {
        return of(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"), mainClass, Arrays.asList(args));
    }

    public static Path javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    public static String classPath() {
        for (String key : List.of(CLASSPATH_PROPERTY, "surefire.test.class.path", "java.class.path")) {
            String cp = System.getProperty(key);
            if (cp != null && !cp.isBlank()) {
                return cp;
            }
        }
        throw new IllegalStateException("no class path: java.class.path is empty");
    }
}
