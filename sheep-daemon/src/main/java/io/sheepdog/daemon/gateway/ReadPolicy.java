package io.sheepdog.daemon.gateway;

/** Which replica serves a read ({@code sheep --read-policy}). */
public enum ReadPolicy {
    /** The local replica when this node holds one, else the primary. */
    LOCAL_FIRST,
    /** Always the primary (the first replica on the ring). */
    PRIMARY,
    /** Replicas in turn, spreading reads over them as multipath round-robin spreads I/O over paths. */
    ROUND_ROBIN;

    /** Parses the command-line form: local-first, primary, round-robin. */
    public static ReadPolicy parse(String s) {
        return switch (s) {
            case "local-first" -> LOCAL_FIRST;
            case "primary" -> PRIMARY;
            case "round-robin" -> ROUND_ROBIN;
            default -> throw new IllegalArgumentException(
                    "unknown read policy '" + s + "': use local-first, primary or round-robin");
        };
    }
}
