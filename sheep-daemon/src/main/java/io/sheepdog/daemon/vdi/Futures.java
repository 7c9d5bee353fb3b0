package io.sheepdog.daemon.vdi;

import java.util.concurrent.CompletionException;

/** Helpers for futures that fail with checked exceptions. */
final class Futures {
    private Futures() {
    }

    /** Rethrows the cause of a failed stage from inside another stage, unwrapped once. */
    static CompletionException propagate(Throwable e) {
        return e instanceof CompletionException ce ? ce : new CompletionException(e);
    }
}
