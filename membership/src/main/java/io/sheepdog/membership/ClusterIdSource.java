package io.sheepdog.membership;

/**
 * Where a membership reads the id of the cluster this node's store belongs to: what it presents when joining and
 * what it checks joiners against ({@link Admission}). The replicated cluster metadata implements it; before format,
 * and for a membership used on its own, it is {@link #NONE}.
 */
@FunctionalInterface
public interface ClusterIdSource {
    /** No cluster id, ever. */
    ClusterIdSource NONE = () -> "";

    /** The cluster id, empty if the store was never formatted. Called from membership threads; must not block. */
    String clusterId();
}
