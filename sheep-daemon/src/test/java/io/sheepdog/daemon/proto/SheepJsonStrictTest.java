package io.sheepdog.daemon.proto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What SheepJson refuses: a scalar of another type where a name is expected, and trailing garbage. */
class SheepJsonStrictTest {

    private static ByteBuf json(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    }

    @Test
    void aNameIsAString() throws Exception {
        assertThat(SheepJson.decode(json("\"alice\""), String.class)).isEqualTo("alice");
        for (String notAName : new String[] {"123", "1.5", "true"}) {
            assertThatThrownBy(() -> SheepJson.decode(json(notAName), String.class)).as(notAName)
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void trailingTokensAreRefused() {
        assertThatThrownBy(() -> SheepJson.decode(json("\"alice\" \"bob\""), String.class))
                .isInstanceOf(IOException.class);
    }

    @Test
    void aRecordFieldOfTheWrongTypeIsRefused() {
        assertThatThrownBy(() -> SheepJson.decode(json("{\"name\": 7, \"tag\": \"t\"}"),
                VdiRequests.Snapshot.class)).isInstanceOf(IOException.class);
    }
}
