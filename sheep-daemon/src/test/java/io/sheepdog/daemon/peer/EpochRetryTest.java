package io.sheepdog.daemon.peer;

import static org.assertj.core.api.Assertions.assertThat;

import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.testing.ManualTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * {@link EpochRetry} on a stepped clock: which waits it asks for, when it gives up, and that an epoch change ends a
 * wait at once. Nothing here waits for real time.
 */
class EpochRetryTest {
    private static final Duration FIRST = Duration.ofMillis(5);
    private static final Duration MAX = Duration.ofMillis(200);

    private final ManualTime time = new ManualTime();
    private final AtomicLong epoch = new AtomicLong(1);
    /** When (ms on the stepped clock) and in which epoch each attempt ran. */
    private final List<Long> attemptMillis = new ArrayList<>();
    private final List<Long> attemptEpochs = new ArrayList<>();

    private EpochRetry retry(Duration timeout) {
        return new EpochRetry(epoch::get, new EpochRetryConfig(timeout, FIRST, MAX), time, time);
    }

    /** An attempt that fails with {@code code} while the epoch is 1 and succeeds from epoch 2 on. */
    private CompletableFuture<String> attempt(long e, ResultCode code) {
        attemptMillis.add(time.elapsed().toMillis());
        attemptEpochs.add(e);
        return e == 1 ? CompletableFuture.failedFuture(new SheepException(code, "node 10.0.0.2:7000: " + code))
                : CompletableFuture.completedFuture("written in epoch " + e);
    }

    @Test
    void aReplicaBehindIsAskedAgainEveryFirstBackoffAndTheRequestFailsExactlyAtTheTimeout() {
        CompletableFuture<String> result = retry(Duration.ofMillis(100))
                .run(() -> "write of object 1", e -> attempt(e, ResultCode.NEW_NODE_VER));

        time.advance(Duration.ofMillis(99));
        assertThat(result).as("1 ms before the timeout").isNotDone();
        List<Long> every5 = new ArrayList<>();
        for (long t = 0; t < 100; t += 5) {
            every5.add(t);
        }
        assertThat(attemptMillis).isEqualTo(every5);
        assertThat(time.delays()).hasSize(20).containsOnly(FIRST);

        time.advance(Duration.ofMillis(1));
        assertThat(attemptMillis).last().isEqualTo(100L);
        assertThat(failure(result)).satisfies(e -> {
            assertThat(e.result()).isEqualTo(ResultCode.NEW_NODE_VER);
            assertThat(e.getMessage()).startsWith("write of object 1: the epochs of this node (1) and the replicas "
                    + "did not agree within 100 ms; last answer: node 10.0.0.2:7000");
        });
        assertThat(time.pending()).as("no wait left behind").isZero();
    }

    @Test
    void aNodeBehindWaitsWithADoublingBackoffUntilItsEpochMovesAndIsWokenAtOnceWhenItDoes() {
        EpochRetry retry = retry(Duration.ofSeconds(60));
        CompletableFuture<String> result = retry.run(() -> "write", e -> attempt(e, ResultCode.OLD_NODE_VER));

        time.advance(Duration.ofSeconds(1));
        assertThat(attemptMillis).as("no retry while this node's epoch stands still").containsExactly(0L);
        assertThat(time.delays()).extracting(Duration::toMillis)
                .containsExactly(5L, 10L, 20L, 40L, 80L, 160L, 200L, 200L, 200L, 200L);

        epoch.set(2);
        retry.epochChanged();
        time.runDue();
        assertThat(result).isCompletedWithValue("written in epoch 2");
        assertThat(attemptEpochs).containsExactly(1L, 2L);
        assertThat(attemptMillis).as("retried the moment the epoch changed").containsExactly(0L, 1000L);
        assertThat(time.pending()).as("the interrupted wait's alarm is cancelled").isZero();
    }

    @Test
    void aNodeBehindFailsWhenTheSteppedTimePassesTheTimeoutWithTheLastWaitCutShort() {
        CompletableFuture<String> result = retry(Duration.ofSeconds(1))
                .run(() -> "write", e -> attempt(e, ResultCode.OLD_NODE_VER));

        time.advance(Duration.ofMillis(999));
        assertThat(result).isNotDone();
        time.advance(Duration.ofMillis(1));
        assertThat(time.delays()).extracting(Duration::toMillis)
                .containsExactly(5L, 10L, 20L, 40L, 80L, 160L, 200L, 200L, 200L, 85L);
        assertThat(failure(result).getMessage()).contains("did not agree within 1000 ms");
        assertThat(result).isCompletedExceptionally();
    }

    @Test
    void anUnreachableReplicaFailsNamingHowLongItStayedUnreachable() {
        CompletableFuture<String> result = retry(Duration.ofMillis(50))
                .run(() -> "read of object 7", e -> attempt(e, ResultCode.NETWORK_ERROR));

        time.advance(Duration.ofMillis(50));
        assertThat(attemptMillis).hasSize(11);
        SheepException e = failure(result);
        assertThat(e.result()).isEqualTo(ResultCode.NETWORK_ERROR);
        assertThat(e.getMessage()).startsWith("read of object 7: a replica stayed unreachable for 50 ms");
    }

    @Test
    void theEpochMovingDuringAnAttemptRetriesAtOnceWithoutWaiting() {
        CompletableFuture<String> result = retry(Duration.ofSeconds(1)).run(() -> "write", e -> {
            epoch.set(2); // the epoch moves while the attempt of epoch e is in flight: its answer counts for nothing
            return attempt(e, ResultCode.NEW_NODE_VER);
        });

        assertThat(result).isCompletedWithValue("written in epoch 2");
        assertThat(attemptEpochs).containsExactly(1L, 2L);
        assertThat(time.delays()).isEqualTo(Collections.emptyList());
    }

    private static SheepException failure(CompletableFuture<?> f) {
        assertThat(f).isCompletedExceptionally();
        try {
            f.get();
            throw new AssertionError("not failed");
        } catch (ExecutionException e) {
            return (SheepException) e.getCause();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
