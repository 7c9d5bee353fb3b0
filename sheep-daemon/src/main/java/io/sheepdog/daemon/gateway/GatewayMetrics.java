package io.sheepdog.daemon.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What the gateway counts, registered once in the registry handed in (the daemon's; the operations' exporter reads it
 * from there). One place for the meter names, so the docs and the exporter have one list to follow.
 *
 * <ul>
 * <li>{@code sheep.repair.objects}: replicas repaired outside recovery: a missing, damaged or stale copy found by a
 *     read, a write or {@code cluster check} and rewritten from a good one.</li>
 * </ul>
 */
public final class GatewayMetrics {
    static final String REPAIRS = "sheep.repair.objects";

    private final Counter repairs;

    public GatewayMetrics(MeterRegistry registry) {
        this.repairs = Counter.builder(REPAIRS).description("replicas repaired (missing, damaged or stale copies)")
                .register(registry);
    }

    void replicaRepaired() {
        repairs.increment();
    }

    /** Replicas repaired since this daemon started. */
    public long repaired() {
        return (long) repairs.count();
    }
}
