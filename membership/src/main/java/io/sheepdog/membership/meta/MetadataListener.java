package io.sheepdog.membership.meta;

/**
 * Told about every applied command, on one dedicated thread per service, in log order. Must return quickly. On
 * start, the state rebuilt from disk is reported once through {@link #restored}.
 */
public interface MetadataListener {

    /** {@code command} was applied with {@code result}; {@code after} is the state it produced. */
    void applied(MetadataCommand command, CommandResult result, MetadataState after);

    /** The whole state was replaced (start from disk, or a snapshot from the leader). */
    default void restored(MetadataState state) {
    }
}
