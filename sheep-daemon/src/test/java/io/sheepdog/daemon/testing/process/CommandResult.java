package io.sheepdog.daemon.testing.process;

import java.time.Duration;
import java.util.List;

/**
 * How an {@link ExternalCommand} ended.
 *
 * @param command  the program and its arguments
 * @param exitCode the exit status (128 + signal for a killed program)
 * @param stdout   what it printed on stdout, with stderr merged in unless {@link ExternalCommand#separateStderr()}
 * @param stderr   what it printed on stderr when kept separate, else empty
 * @param timedOut whether it was killed for running past its timeout
 * @param elapsed  how long it ran
 */
public record CommandResult(List<String> command, int exitCode, String stdout, String stderr, boolean timedOut,
                            Duration elapsed) {

    /** True iff it exited 0 within its timeout. */
    public boolean succeeded() {
        return exitCode == 0 && !timedOut;
    }

    /** Everything it printed: stdout, then stderr. */
    public String output() {
        return stderr.isEmpty() ? stdout : stdout + stderr;
    }

    /** The last non-blank line of {@link #output()}, or "" if it printed nothing. */
    public String lastLine() {
        String[] lines = output().strip().split("\\R");
        return lines[lines.length - 1].strip();
    }

    /** The command as one line; a long or multi-line argument (an inline script) is cut to its first line. */
    public String commandLine() {
        StringBuilder sb = new StringBuilder();
        for (String arg : command) {
            String first = arg.lines().findFirst().orElse("");
            boolean cut = first.length() > 120 || !first.equals(arg);
            sb.append(sb.length() == 0 ? "" : " ").append(cut ? "'" + first.substring(0, Math.min(first.length(),
                    120)) + "...'" : arg);
        }
        return sb.toString();
    }

    /** A description for assertion messages: the command, how it ended, and its output. */
    public String describe() {
        return String.format("%s%n  %s after %d ms; output:%n%s", commandLine(),
                timedOut ? "TIMED OUT (killed)" : "exited " + exitCode, elapsed.toMillis(), output());
    }
}
