package io.sheepdog.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sheepdog.store.file.CrashChild;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A store directory open in another process is refused until that process closes it. */
class StoreLockIT {
    @TempDir
    Path dir;

    @Test
    void anotherProcessHoldingTheStoreLocksUsOut() throws Exception {
        try (ChildJvm child = ChildJvm.start(CrashChild.class, "hold", dir.toString())) {
            child.awaitLine("OPEN", Duration.ofSeconds(60));
            String format = Files.readString(dir.resolve("FORMAT"));

            assertThatThrownBy(() -> LocalStore.open(dir)).isInstanceOf(StoreSetupException.class)
                    .hasMessageContaining("locked by another process");
            assertThat(Files.readString(dir.resolve("FORMAT"))).isEqualTo(format);

            child.closeInput();
            assertThat(child.awaitExit(Duration.ofSeconds(60))).isZero();
        }
        LocalStore.open(dir).close();
    }
}
