package io.sheepdog.daemon.testing.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FuzzSettingsTest {
    private final FuzzSettings settings = new FuzzSettings(7, 0, 100, Duration.ofSeconds(5), 10);

    @Test
    void aCaseDependsOnTheSeedAndItsIndexOnly() {
        assertThat(settings.random(12).nextLong()).isEqualTo(settings.random(12).nextLong());
        assertThat(settings.random(12).nextLong()).isNotEqualTo(settings.random(13).nextLong());
        assertThat(new FuzzSettings(8, 0, 100, Duration.ofSeconds(5), 10).random(12).nextLong())
                .isNotEqualTo(settings.random(12).nextLong());
    }

    @Test
    void theReplayHintNamesSeedAndFirstCase() {
        assertThat(settings.replayFrom(40)).isEqualTo("-Dfuzz.seed=7 -Dfuzz.first=40");
    }

    @Test
    void emptyRunsAreRefused() {
        assertThatThrownBy(() -> new FuzzSettings(7, 0, 0, Duration.ofSeconds(5), 10))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FuzzSettings(7, 0, 10, Duration.ZERO, 10))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
