package io.sheepdog.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The printed form of object ids: 16 lowercase hex digits, read back by {@link ObjectId#parse}. */
class ObjectIdTest {

    @Test
    void idsPrintAsSixteenHexDigitsAndParseBack() {
        assertThat(ObjectId.toString(0)).isEqualTo("0000000000000000");
        assertThat(ObjectId.toString(0x2aL)).isEqualTo("000000000000002a");
        assertThat(ObjectId.toString(-1)).isEqualTo("ffffffffffffffff");
        assertThat(ObjectId.toString(ObjectId.data(0x5c4d71, 42))).isEqualTo(String.format("%016x",
                ObjectId.data(0x5c4d71, 42)));
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int i = 0; i < 1000; i++) {
            long oid = random.nextLong() >>> random.nextInt(64);
            String text = ObjectId.toString(oid);
            assertThat(text).as("seed %d", seed).hasSize(16).isEqualTo(String.format("%016x", oid));
            assertThat(ObjectId.parse(text)).isEqualTo(oid);
        }
    }
}
