package io.sheepdog.daemon.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class KeyedSerializerTest {
    private final KeyedSerializer serializer = new KeyedSerializer();

    @Test
    void tasksOfOneKeyRunInSubmissionOrderAfterThePreviousCompletes() throws Exception {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> gate = new CompletableFuture<>();
        CompletableFuture<String> first = serializer.submit(1, () -> {
            events.add("start-1");
            return gate.thenApply(v -> "one");
        });
        CompletableFuture<String> second = serializer.submit(1, () -> {
            events.add("start-2");
            return CompletableFuture.completedFuture("two");
        });
        assertThat(events).containsExactly("start-1");
        assertThat(second).isNotDone();
        gate.complete(null);
        assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo("two");
        assertThat(first.get()).isEqualTo("one");
        assertThat(events).containsExactly("start-1", "start-2");
        assertThat(serializer.activeKeys()).isZero();
    }

    @Test
    void otherKeysDoNotWait() throws Exception {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        serializer.submit(1, () -> gate);
        CompletableFuture<String> other = serializer.submit(2, () -> CompletableFuture.completedFuture("x"));
        assertThat(other.get(5, TimeUnit.SECONDS)).isEqualTo("x");
        gate.complete(null);
    }

    @Test
    void aFailedTaskFailsOnlyItselfAndTheNextStillRuns() throws Exception {
        CompletableFuture<String> failed = serializer.submit(7,
                () -> CompletableFuture.failedFuture(new IllegalStateException("boom")));
        CompletableFuture<String> thrown = serializer.submit(7, () -> {
            throw new IllegalArgumentException("thrown");
        });
        CompletableFuture<String> next = serializer.submit(7, () -> CompletableFuture.completedFuture("ok"));
        assertThat(next.get(5, TimeUnit.SECONDS)).isEqualTo("ok");
        assertThatThrownBy(failed::get).isInstanceOf(ExecutionException.class).hasMessageContaining("boom");
        assertThatThrownBy(thrown::get).isInstanceOf(ExecutionException.class).hasMessageContaining("thrown");
    }
}
