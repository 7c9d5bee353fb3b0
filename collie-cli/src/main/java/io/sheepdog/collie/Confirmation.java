package io.sheepdog.collie;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** The question a destructive command asks before it acts, as dog asks it: only "yes" goes on. */
public final class Confirmation {
    private Confirmation() {
    }

    /**
     * Prints {@code caution} (one line each) and "Are you sure you want to continue? [yes/no]: ", reads one line;
     * throws the refusal ("not confirmed; nothing changed", exit 1) unless the answer is "yes".
     */
    public static void require(CollieIo io, String... caution) throws IOException, CollieException {
        for (String line : caution) {
            io.out().println(line);
        }
        io.out().print("Are you sure you want to continue? [yes/no]: ");
        io.out().flush();
        String answer = new BufferedReader(new InputStreamReader(io.in(), StandardCharsets.UTF_8)).readLine();
        if (answer == null || !answer.strip().equalsIgnoreCase("yes")) {
            throw new CollieException(ExitCodes.FAILURE, "not confirmed; nothing changed");
        }
    }
}
