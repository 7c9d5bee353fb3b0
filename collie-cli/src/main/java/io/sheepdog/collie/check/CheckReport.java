package io.sheepdog.collie.check;

import io.sheepdog.collie.ExitCodes;
import io.sheepdog.daemon.api.ObjectCheck;
import io.sheepdog.daemon.api.ObjectCheck.Finding;
import io.sheepdog.daemon.api.ObjectCheck.Outcome;
import io.sheepdog.daemon.api.ObjectCheck.Problem;
import io.sheepdog.store.ObjectId;
import java.io.PrintWriter;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The summary of a check run, as printed and as {@code --json}.
 *
 * @param objects       objects checked
 * @param repaired      replicas repaired, by what was wrong with them
 * @param unrecoverable objects no replica holds a good copy of (hex ids)
 * @param incomplete    objects with a replica that could not be checked or repaired (hex ids)
 * @param notOk         the results of every object that was not OK (absent objects included), by object id
 */
public record CheckReport(int objects, Map<Problem, Long> repaired, List<String> unrecoverable,
                          List<String> incomplete, List<ObjectCheck> notOk) {

    /** The report of {@code results}. */
    public static CheckReport of(List<ObjectCheck> results) {
        Map<Problem, Long> repaired = new EnumMap<>(Problem.class);
        for (ObjectCheck r : results) {
            for (Finding f : r.findings()) {
                if (f.repaired()) {
                    repaired.merge(f.problem(), 1L, Long::sum);
                }
            }
        }
        List<ObjectCheck> notOk = results.stream().filter(r -> r.outcome() != Outcome.OK)
                .sorted(Comparator.comparing(ObjectCheck::oid, Long::compareUnsigned)).toList();
        return new CheckReport(results.size(), repaired, oids(notOk, Outcome.UNRECOVERABLE),
                oids(notOk, Outcome.INCOMPLETE), notOk);
    }

    private static List<String> oids(List<ObjectCheck> results, Outcome outcome) {
        return results.stream().filter(r -> r.outcome() == outcome).map(r -> ObjectId.toString(r.oid())).toList();
    }

    /** Replicas repaired in all. */
    public long repairedTotal() {
        return repaired.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Failure when an object is lost or could not be checked whole; repairs made are a success. */
    public int exitCode() {
        return unrecoverable.isEmpty() && incomplete.isEmpty() ? ExitCodes.SUCCESS : ExitCodes.FAILURE;
    }

    /** The summary as text: counts, one line per replica that was not good, and the verdict. */
    public void print(PrintWriter out) {
        out.println("Objects checked: " + objects);
        String byProblem = repaired.entrySet().stream()
                .map(e -> e.getKey().name().toLowerCase() + " " + e.getValue()).collect(Collectors.joining(", "));
        out.println("Replicas repaired: " + repairedTotal() + (byProblem.isEmpty() ? "" : " (" + byProblem + ")"));
        for (ObjectCheck r : notOk) {
            for (Finding f : r.findings()) {
                if (r.outcome() != Outcome.ABSENT) {
                    out.printf("  %s on %s: %s, %s: %s%n", ObjectId.toString(r.oid()), f.node(),
                            f.problem().name().toLowerCase(), f.repaired() ? "repaired" : "NOT repaired", f.detail());
                }
            }
        }
        out.println("Unrecoverable objects: " + (unrecoverable.isEmpty() ? "none" : String.join(" ", unrecoverable)));
        if (!incomplete.isEmpty()) {
            out.println("Objects not checked whole: " + String.join(" ", incomplete));
        }
        if (!unrecoverable.isEmpty()) {
            out.println("DATA LOST: " + unrecoverable.size() + " object" + (unrecoverable.size() == 1 ? " has" : "s have")
                    + " no good replica left.");
        } else if (!incomplete.isEmpty()) {
            out.println("Some replicas could not be checked or repaired: check again once every node is up.");
        } else if (repairedTotal() > 0) {
            out.println("Repairs were made: every object has all its replicas again.");
        } else {
            out.println("Every replica is consistent.");
        }
    }
}
