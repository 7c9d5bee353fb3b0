package io.sheepdog.daemon.testing.netns;

import io.sheepdog.daemon.testing.process.CommandResult;
import io.sheepdog.daemon.testing.process.ExternalCommand;
import io.sheepdog.daemon.testing.process.Processes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code ip} commands the namespace harness runs, whether it can run them here, and the removal of what earlier
 * test runs left behind. Every name the harness creates starts with {@value #PREFIX} followed by the creating JVM's
 * PID and {@code _}, so leftovers of a JVM that is gone are recognised and removed, and a test JVM running at the
 * same time is left alone.
 */
public final class NetNs {
    /** The prefix of every namespace and root-namespace link the harness creates. */
    public static final String PREFIX = "sdn";
    private static final Pattern OURS = Pattern.compile("^" + PREFIX + "(\\d+)_\\w+");
    private static final Duration IP_TIMEOUT = Duration.ofSeconds(30);
    private static Optional<String> unavailable;

    private NetNs() {
    }

    /**
     * Why network namespaces cannot be used here (not root, no iproute2, no veth or bridge support), or empty if
     * they can: found once by creating and removing a probe namespace with a veth pair.
     */
    public static synchronized Optional<String> unavailableReason() {
        if (unavailable == null) {
            unavailable = probe();
        }
        return unavailable;
    }

    /** True if {@link #unavailableReason()} is empty. */
    public static boolean available() {
        return unavailableReason().isEmpty();
    }

    private static Optional<String> probe() {
        if (!ExternalCommand.isOnPath("ip")) {
            return Optional.of("network namespace tests need iproute2's 'ip' on the PATH");
        }
        String ns = PREFIX + ProcessHandle.current().pid() + "_probe";
        try {
            CommandResult add = ExternalCommand.of("ip", "netns", "add", ns).timeout(IP_TIMEOUT).run();
            if (!add.succeeded()) {
                return Optional.of("network namespace tests need root ('ip netns add' failed: "
                        + add.output().strip() + ")");
            }
            CommandResult link = ExternalCommand.of("ip", "-n", ns, "link", "add", "name", "pa", "type", "veth", "peer",
                    "name", "pb").timeout(IP_TIMEOUT).run();
            CommandResult bridge = ExternalCommand.of("ip", "-n", ns, "link", "add", "name", "pbr", "type", "bridge")
                    .timeout(IP_TIMEOUT).run();
            if (!link.succeeded() || !bridge.succeeded()) {
                return Optional.of("network namespace tests need veth and bridge devices: "
                        + link.output().strip() + " " + bridge.output().strip());
            }
            return Optional.empty();
        } finally {
            ExternalCommand.of("ip", "netns", "del", ns).timeout(IP_TIMEOUT).run();
        }
    }

    /** Runs {@code ip ARGS}; throws with its output if it fails. */
    static String ip(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        CommandResult r = ExternalCommand.of(cmd).timeout(IP_TIMEOUT).run();
        if (!r.succeeded()) {
            throw new IllegalStateException("network set-up failed: " + r.describe());
        }
        return r.stdout();
    }

    /** Runs {@code ip ARGS} and ignores a failure (cleanup of what may be gone already). */
    static void ipQuietly(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        ExternalCommand.of(cmd).timeout(IP_TIMEOUT).run();
    }

    /**
     * Removes the namespaces and root-namespace links of earlier test JVMs that are no longer running, killing any
     * process still inside such a namespace (a daemon a crashed test left behind).
     */
    public static void removeLeftovers() {
        for (String ns : names(ip("netns", "list"))) {
            if (staleOwner(ns)) {
                for (String pid : ip("netns", "pids", ns).split("\\s+")) {
                    if (!pid.isBlank()) {
                        ProcessHandle.of(Long.parseLong(pid.strip())).ifPresent(ProcessHandle::destroyForcibly);
                    }
                }
                ipQuietly("netns", "del", ns);
            }
        }
        for (String line : ip("-o", "link", "show").split("\\R")) {
            // "7: sdn123_1u@if2: <...>": the name is the second field, up to '@' or ':'.
            String[] f = line.split(":\\s+", 3);
            if (f.length >= 2) {
                String name = f[1].split("@")[0];
                if (staleOwner(name)) {
                    ipQuietly("link", "del", name);
                }
            }
        }
    }

    /** The first word of each line ({@code ip netns list} prints "name (id: 3)"). */
    private static List<String> names(String listing) {
        List<String> out = new ArrayList<>();
        for (String line : listing.split("\\R")) {
            if (!line.isBlank()) {
                out.add(line.strip().split("\\s+")[0]);
            }
        }
        return out;
    }

    /** Whether {@code name} is one of ours and the JVM that created it is gone. */
    private static boolean staleOwner(String name) {
        Matcher m = OURS.matcher(name);
        return m.find() && !Processes.isRunning(Long.parseLong(m.group(1)));
    }
}
