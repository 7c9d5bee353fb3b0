package io.sheepdog.collie.check;

import io.sheepdog.collie.ProgressBar;
import io.sheepdog.daemon.api.ObjectCheck;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.client.SheepClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Checks a list of objects through one sheep (OBJ_CHECK each), {@code parallel} at once over the one pipelined
 * connection, and shows the progress as they finish. The first failure of a check request (the sheep unreachable,
 * the cluster not serving) stops the run with that failure; what each object's replicas were is in its result.
 */
public final class ObjectCheckRun {

    private ObjectCheckRun() {
    }

    /** The results of checking {@code oids}, in the order they finished. */
    public static List<ObjectCheck> run(SheepClient sheep, List<Long> oids, int parallel, ProgressBar progress)
            throws SheepException, InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(parallel, r -> {
            Thread t = new Thread(r, "collie-check");
            t.setDaemon(true);
            return t;
        });
        try {
            CompletionService<ObjectCheck> checks = new ExecutorCompletionService<>(pool);
            for (long oid : oids) {
                checks.submit(() -> sheep.check(oid));
            }
            List<ObjectCheck> results = new ArrayList<>(oids.size());
            progress.update(0, oids.size());
            for (int i = 0; i < oids.size(); i++) {
                results.add(result(checks));
                progress.update(results.size(), oids.size());
            }
            progress.finish();
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    private static ObjectCheck result(CompletionService<ObjectCheck> checks)
            throws SheepException, InterruptedException {
        try {
            return checks.take().get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SheepException se) {
                throw se;
            }
            throw new IllegalStateException("object check failed: " + e.getCause(), e.getCause());
        }
    }
}
