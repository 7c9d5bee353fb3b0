package io.sheepdog.daemon.testing.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a {@link PatternedBlocks} writer's journal says each block may hold after a fault. Per block:
 * <ul>
 *   <li>the <em>durable</em> generation: the newest whose write was acknowledged with FUA, or acknowledged and then
 *       covered by an acknowledged flush (0 if none): it must be there, or something newer the client sent;</li>
 *   <li>the <em>undecided</em> newer generations: writes in flight when the connection broke (sent, never
 *       acknowledged), and plain writes acknowledged without a flush after them. NBD promises nothing about them:
 *       the block may hold either the durable generation or any of these.</li>
 * </ul>
 * Anything else (an older generation, zeroes over a durable write, garbage) is data lost or corrupted.
 */
public final class BlockJournal {
    private final Map<Integer, Integer> durable = new HashMap<>();
    private final Map<Integer, Set<Integer>> undecided = new HashMap<>();
    private final List<String> lines;

    private BlockJournal(List<String> lines) {
        this.lines = List.copyOf(lines);
        Map<Integer, Set<Integer>> unflushed = new HashMap<>();
        for (String line : lines) {
            String[] w = line.split(" ");
            switch (w[0]) {
                case "acked" -> durable.merge(block(w), generation(w), Math::max);
                case "written" -> unflushed.computeIfAbsent(block(w), k -> new TreeSet<>()).add(generation(w));
                case "flushed" -> {
                    unflushed.forEach((b, gens) -> durable.merge(b, gens.stream().max(Integer::compare).orElseThrow(),
                            Math::max));
                    unflushed.clear();
                }
                case "unacked" -> undecided.computeIfAbsent(block(w), k -> new TreeSet<>()).add(generation(w));
                default -> {
                    // "pass G", "failed ...", "done": progress, not data.
                }
            }
        }
        unflushed.forEach((b, gens) -> undecided.computeIfAbsent(b, k -> new TreeSet<>()).addAll(gens));
    }

    /** Reads the journal as it stands; a line still being written (no newline yet) is left out. */
    public static BlockJournal read(Path file) {
        String text;
        try {
            text = Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the journal " + file, e);
        }
        int end = text.lastIndexOf('\n');
        return new BlockJournal(end < 0 ? List.of() : text.substring(0, end).lines().toList());
    }

    /** Whether the writer has begun pass (generation) {@code generation}. */
    public boolean started(int generation) {
        return lines.contains("pass " + generation);
    }

    /** Whether the writer wrote every generation it was asked to. */
    public boolean finished() {
        return lines.contains("done");
    }

    /** The failure that stopped the writer, if one did. */
    public Optional<String> failure() {
        return lines.stream().filter(l -> l.startsWith("failed ")).findFirst();
    }

    /** The newest generation each block is known to hold durably; 0 if none. */
    public int durable(int block) {
        return durable.getOrDefault(block, 0);
    }

    /** The generations block {@code block} may hold: its durable one and the newer undecided ones. */
    public Set<Integer> allowed(int block) {
        Set<Integer> allowed = new TreeSet<>();
        int floor = durable(block);
        allowed.add(floor);
        undecided.getOrDefault(block, Set.of()).stream().filter(g -> g > floor).forEach(allowed::add);
        return allowed;
    }

    /** The blocks with an undecided write: those that may legitimately hold more than one generation. */
    public Set<Integer> undecidedBlocks() {
        Set<Integer> blocks = new TreeSet<>();
        for (int b : undecided.keySet()) {
            if (allowed(b).size() > 1) {
                blocks.add(b);
            }
        }
        return blocks;
    }

    /**
     * The blocks of {@code held} (as {@link PatternedBlocks#read} returns it) holding a generation this journal does
     * not allow, one line each; empty when nothing acknowledged was lost.
     */
    public List<String> mismatches(int[] held) {
        List<String> wrong = new ArrayList<>();
        for (int b = 0; b < held.length; b++) {
            if (!allowed(b).contains(held[b])) {
                wrong.add("block " + b + " holds " + (held[b] < 0 ? "no generation of it" : "generation " + held[b])
                        + ", allowed " + allowed(b));
            }
        }
        return wrong;
    }

    private static int block(String[] words) {
        return Integer.parseInt(words[1]);
    }

    private static int generation(String[] words) {
        return Integer.parseInt(words[2]);
    }
}
