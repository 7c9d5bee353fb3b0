package io.sheepdog.daemon.recovery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What recovery counts, registered once in the registry handed in (the daemon's).
 *
 * <ul>
 * <li>{@code sheep.recovery.objects}: objects this node installed from another node while recovering an epoch.</li>
 * <li>{@code sheep.recovery.bytes}: the allocated bytes of those objects.</li>
 * </ul>
 */
public final class RecoveryMetrics {
    static final String OBJECTS = "sheep.recovery.objects";
    static final String BYTES = "sheep.recovery.bytes";

    private final Counter objects;
    private final Counter bytes;

    public RecoveryMetrics(MeterRegistry registry) {
        this.objects = Counter.builder(OBJECTS).description("objects recovered").register(registry);
        this.bytes = Counter.builder(BYTES).description("bytes recovered").baseUnit("bytes").register(registry);
    }

    void installed(long allocatedBytes) {
        objects.increment();
        bytes.increment(allocatedBytes);
    }
}
