package io.sheepdog.membership.meta;

import java.util.Objects;

/**
 * The state machine's answer to one command: the same on every node.
 *
 * @param outcome {@link Outcome#OK} or why the command was rejected
 * @param message empty if OK, else a sentence for the operator
 * @param version the {@link MetadataState#version()} after the command
 */
public record CommandResult(Outcome outcome, String message, long version) {

    public CommandResult {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(message, "message");
    }

    /** Success, version to be filled in by {@link ClusterMetadata}. */
    static CommandResult success() {
        return new CommandResult(Outcome.OK, "", 0);
    }

    /** The answer to the read barrier's query: nothing applied, the state is at {@code version}. */
    public static CommandResult appliedVersion(long version) {
        return new CommandResult(Outcome.OK, "", version);
    }

    /** A rejection, version to be filled in by {@link ClusterMetadata}. */
    static CommandResult rejected(Outcome outcome, String message) {
        return new CommandResult(outcome, message, 0);
    }

    CommandResult withVersion(long v) {
        return new CommandResult(outcome, message, v);
    }

    public boolean ok() {
        return outcome == Outcome.OK;
    }

    /** Throws the rejection as a {@link MetadataException}. */
    public CommandResult orThrow() throws MetadataException {
        if (!ok()) {
            throw new MetadataException(outcome, message);
        }
        return this;
    }
}
