package io.sheepdog.collie;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base of a leaf command that needs no daemon (such as {@code cluster simulate}): it runs with collie's streams and
 * never connects, so the connection options are accepted and ignored. Failures propagate as exceptions, as for
 * {@link CollieCommand}.
 */
public abstract class OfflineCommand implements Callable<Integer> {

    @Spec
    protected CommandSpec spec;

    @Override
    public final Integer call() throws Exception {
        Collie collie = (Collie) spec.root().userObject();
        try {
            return run(collie.io());
        } finally {
            collie.io().out().flush();
            collie.io().err().flush();
        }
    }

    /**
     * Does the command's work.
     *
     * @return the exit code, normally {@link ExitCodes#SUCCESS}
     */
    protected abstract int run(CollieIo io) throws Exception;
}
