package io.sheepdog.daemon.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ResourceLeakDetector;
import java.lang.reflect.Field;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class if Netty reports a leaked buffer while it runs. Netty only logs leaks; this extension listens on
 * the buffer leak detector (level PARANOID, so every buffer is tracked), and after the class nudges the garbage
 * collector and allocates, which is when Netty reports what it found. Use with {@code @ExtendWith(NettyLeakCheck.class)}.
 */
public final class NettyLeakCheck implements BeforeAllCallback, AfterAllCallback {

    private static final int SETTLE_ROUNDS = 10;
    private final List<String> leaks = new CopyOnWriteArrayList<>();

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        detector().setLeakListener((type, records) -> leaks.add(type + ": " + records));
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            for (int i = 0; i < SETTLE_ROUNDS && leaks.isEmpty(); i++) {
                System.gc();
                // Netty reports collected-but-unreleased buffers when the next buffer is tracked.
                for (int j = 0; j < 64; j++) {
                    ByteBufAllocator.DEFAULT.buffer(1).release();
                    Unpooled.directBuffer(1).release();
                }
                Thread.sleep(10);
            }
        } finally {
            detector().setLeakListener(null);
        }
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " leaked buffer(s) in " + context.getDisplayName() + ":\n"
                    + String.join("\n", leaks));
        }
    }

    /** The detector every ByteBuf is tracked by (a package-private static of Netty's AbstractByteBuf). */
    @SuppressWarnings("unchecked")
    private static ResourceLeakDetector<ByteBuf> detector() throws ReflectiveOperationException {
        Field field = Class.forName("io.netty.buffer.AbstractByteBuf").getDeclaredField("leakDetector");
        field.setAccessible(true);
        return (ResourceLeakDetector<ByteBuf>) field.get(null);
    }
}
