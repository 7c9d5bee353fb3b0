package io.sheepdog.collie;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SizesTest {

    @Test
    void parsesBytesAndBinarySuffixes() {
        assertThat(Sizes.parse("0")).isZero();
        assertThat(Sizes.parse("4096")).isEqualTo(4096);
        assertThat(Sizes.parse("512b")).isEqualTo(512);
        assertThat(Sizes.parse("4K")).isEqualTo(4096);
        assertThat(Sizes.parse("512M")).isEqualTo(512L << 20);
        assertThat(Sizes.parse("512m")).isEqualTo(512L << 20);
        assertThat(Sizes.parse("40G")).isEqualTo(40L << 30);
        assertThat(Sizes.parse("40GB")).isEqualTo(40L << 30);
        assertThat(Sizes.parse("40GiB")).isEqualTo(40L << 30);
        assertThat(Sizes.parse("1T")).isEqualTo(1L << 40);
        assertThat(Sizes.parse("2P")).isEqualTo(2L << 50);
        assertThat(Sizes.parse("1.5G")).isEqualTo(3L << 29);
        // Fractions of a byte are dropped, as dog's (uint64_t) cast does.
        assertThat(Sizes.parse("1.0001K")).isEqualTo(1024);
    }

    @Test
    void rejectsWhatIsNotASize() {
        for (String bad : new String[] {"", "twelve", "-1", "1X", "1 G", "G", "1.G", "40GG", "0x10", "7E"}) {
            assertThatThrownBy(() -> Sizes.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("invalid size '" + bad + "'");
        }
        assertThatThrownBy(() -> Sizes.parse("8192P")).hasMessage("size '8192P' is too large");
    }

    @Test
    void formatsAsDogsStrnumber() {
        assertThat(Sizes.human(0)).isEqualTo("0.0 MB");
        assertThat(Sizes.human(4L << 20)).isEqualTo("4.0 MB");
        assertThat(Sizes.human(512L << 20)).isEqualTo("512 MB");
        assertThat(Sizes.human(1023L << 20)).isEqualTo("1023 MB");
        assertThat(Sizes.human(1L << 30)).isEqualTo("1.0 GB");
        assertThat(Sizes.human(10L << 30)).isEqualTo("10 GB");
        assertThat(Sizes.human(40L << 30)).isEqualTo("40 GB");
        assertThat(Sizes.human(1L << 40)).isEqualTo("1.0 TB");
        assertThat(Sizes.human(1536L << 20)).isEqualTo("1.5 GB");
        // printf rounds exact halves to even: 0.25 MB is "0.2 MB", 10.5 GB is "10 GB", 11.5 GB is "12 GB".
        assertThat(Sizes.human(256L << 10)).isEqualTo("0.2 MB");
        assertThat(Sizes.human(10752L << 20)).isEqualTo("10 GB");
        assertThat(Sizes.human(11776L << 20)).isEqualTo("12 GB");
        assertThat(Sizes.human(Long.MAX_VALUE)).isEqualTo("8.0 EB");
        assertThat(Sizes.format(12345, true)).isEqualTo("12345");
    }
}
