package io.sheepdog.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The semantics every {@link MetadataStore} shares; each test starts with an empty store. */
public abstract class MetadataStoreContract {

    protected abstract MetadataStore store();

    @Test
    void putGetDelete() throws Exception {
        assertThat(store().get(b("k"))).isEmpty();
        store().put(b("k"), b("v1"));
        store().put(b("k"), b("v2"));
        assertThat(store().get(b("k"))).hasValueSatisfying(v -> assertThat(v).isEqualTo(b("v2")));
        store().delete(b("k"));
        store().delete(b("k"));
        assertThat(store().get(b("k"))).isEmpty();
    }

    @Test
    void putAllAppliesPutsAndDeletes() throws Exception {
        store().put(b("a"), b("1"));
        Map<byte[], byte[]> changes = new HashMap<>();
        changes.put(b("a"), null);
        changes.put(b("b"), b("2"));
        store().putAll(changes);
        assertThat(store().get(b("a"))).isEmpty();
        assertThat(store().get(b("b"))).hasValueSatisfying(v -> assertThat(v).isEqualTo(b("2")));
    }

    @Test
    void scanVisitsThePrefixInUnsignedOrder() throws Exception {
        store().put(new byte[] {1, (byte) 0xff}, b("high"));
        store().put(new byte[] {1, 0x01}, b("low"));
        store().put(new byte[] {1}, b("prefix itself"));
        store().put(new byte[] {2, 0}, b("other"));
        store().put(new byte[] {0, 9}, b("before"));
        List<String> seen = new ArrayList<>();
        store().scan(new byte[] {1}, (k, v) -> seen.add(new String(v, UTF_8)));
        assertThat(seen).containsExactly("prefix itself", "low", "high");
    }

    @Test
    void storedBytesAreNotAliased() throws Exception {
        byte[] key = b("k");
        byte[] value = b("v");
        store().put(key, value);
        value[0] = 'x';
        key[0] = 'z';
        assertThat(store().get(b("k"))).hasValueSatisfying(v -> assertThat(v).isEqualTo(b("v")));
    }

    protected static byte[] b(String s) {
        return s.getBytes(UTF_8);
    }
}
