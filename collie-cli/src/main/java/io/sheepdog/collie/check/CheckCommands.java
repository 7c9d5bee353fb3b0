package io.sheepdog.collie.check;

import io.sheepdog.collie.CollieIo;
import io.sheepdog.collie.JsonOutput;
import io.sheepdog.collie.ProgressBar;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.client.SheepClient;
import java.io.IOException;
import java.util.List;

/** What {@code vdi check} and {@code cluster check} do once they know the objects. */
public final class CheckCommands {

    private CheckCommands() {
    }

    /**
     * Checks {@code oids} with progress on stderr (so {@code --json} output stays clean), prints the report and
     * returns the exit code.
     */
    public static int check(SheepClient sheep, List<Long> oids, CheckOptions options, CollieIo io)
            throws SheepException, InterruptedException, IOException {
        int parallel = options.parallel();
        ProgressBar progress = new ProgressBar(io.err(), io.terminal(), "objects checked");
        CheckReport report = CheckReport.of(ObjectCheckRun.run(sheep, oids, parallel, progress));
        if (options.json()) {
            JsonOutput.print(io.out(), report);
        } else {
            report.print(io.out());
        }
        return report.exitCode();
    }
}
