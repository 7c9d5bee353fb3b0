package io.sheepdog.collie.it;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository is, for tests that run its scripts. */
final class ProjectPaths {
    /** Set by the failsafe configuration to the repository root; otherwise derived from the module directory. */
    static final String ROOT_PROPERTY = "sheepdog.root";

    private ProjectPaths() {
    }

    static Path root() {
        String configured = System.getProperty(ROOT_PROPERTY);
        Path root = configured != null
                ? Path.of(configured)
                // failsafe runs tests in the module directory (collie-cli/); the root is its parent.
                : Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath().getParent();
        root = root.toAbsolutePath().normalize();
        if (!Files.isRegularFile(root.resolve("scripts/start-sheepdog"))) {
            throw new IllegalStateException("no scripts/start-sheepdog under " + root + " (set -D" + ROOT_PROPERTY + ")");
        }
        return root;
    }

    static Path script(String name) {
        return root().resolve("scripts").resolve(name);
    }

    /** The jar of a module as `mvn package` leaves it, which the scripts run. */
    static Path moduleJar(String module) {
        return root().resolve(module).resolve("target").resolve(module + "-0.1.0-SNAPSHOT.jar");
    }
}
