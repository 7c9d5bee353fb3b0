package io.sheepdog.daemon.testing.fuzz;

import java.util.ArrayDeque;
import java.util.Deque;

/** The last cases sent, for the failure report: a daemon that breaks is often broken by one of the last few. */
public final class RecentCases {
    private final int capacity;
    private final Deque<FuzzCase> cases = new ArrayDeque<>();

    public RecentCases(int capacity) {
        this.capacity = capacity;
    }

    public void add(FuzzCase c) {
        if (cases.size() == capacity) {
            cases.removeFirst();
        }
        cases.addLast(c);
    }

    /** One line per case, oldest first. */
    public String describe() {
        StringBuilder s = new StringBuilder();
        for (FuzzCase c : cases) {
            s.append("  ").append(c.describe()).append('\n');
        }
        return s.toString();
    }
}
