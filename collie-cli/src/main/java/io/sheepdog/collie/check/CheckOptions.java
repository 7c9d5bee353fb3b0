package io.sheepdog.collie.check;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The options of the check commands. */
public final class CheckOptions {
    /** More would only queue on the sheep's control threads. */
    static final int MAX_PARALLEL = 64;

    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "4",
            description = "Objects checked at once (1-" + MAX_PARALLEL + ", default: ${DEFAULT-VALUE}).")
    private int parallel;

    @Option(names = "--json", description = "Print the summary, and every object that was not OK, as JSON.")
    private boolean json;

    /** Objects in flight; out of range is a usage error. */
    public int parallel() {
        if (parallel < 1 || parallel > MAX_PARALLEL) {
            throw new ParameterException(mixee.commandLine(), "--parallel must be between 1 and " + MAX_PARALLEL
                    + ", not " + parallel);
        }
        return parallel;
    }

    public boolean json() {
        return json;
    }
}
