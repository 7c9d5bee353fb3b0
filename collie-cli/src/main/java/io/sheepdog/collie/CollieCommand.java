package io.sheepdog.collie;

import io.sheepdog.daemon.client.SheepClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base of every leaf command: connects to the daemon named by the global options, runs, disconnects. Failures
 * propagate as exceptions; {@link Collie} turns them into a message on stderr and an exit code.
 */
public abstract class CollieCommand implements Callable<Integer> {

    @Spec
    protected CommandSpec spec;

    @Override
    public final Integer call() throws Exception {
        Collie collie = (Collie) spec.root().userObject();
        try (SheepClient sheep = collie.connect()) {
            return run(sheep, collie.io());
        } finally {
            collie.io().out().flush();
        }
    }

    /** The root command, for connections to other members. */
    protected Collie collie() {
        return (Collie) spec.root().userObject();
    }

    /**
     * Does the command's work against {@code sheep}.
     *
     * @return the exit code, normally {@link ExitCodes#SUCCESS}
     */
    protected abstract int run(SheepClient sheep, CollieIo io) throws Exception;
}
