package io.sheepdog.nbd.limit;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.base.Ticker;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The share, the wake-up and the read gate, on an EmbeddedChannel (its event loop runs the retries). */
class ConnectionBudgetTest {

    private final ByteBudget server = new ByteBudget(100);
    private final ReadGate gate = new ReadGate();
    private final EmbeddedChannel channel = new EmbeddedChannel(gate);
    private final AtomicInteger retries = new AtomicInteger();

    private ConnectionBudget budget(long share) {
        return new ConnectionBudget(server, share, channel, gate, Ticker.systemTicker());
    }

    @Test
    void aConnectionOverItsShareStopsReadingUntilItReleases() {
        ConnectionBudget one = budget(40);
        assertThat(one.admit(30, false, retries::incrementAndGet)).isTrue();
        assertThat(one.admit(30, false, retries::incrementAndGet)).as("30 + 30 > share 40").isFalse();
        assertThat(channel.config().isAutoRead()).isFalse();
        assertThat(gate.holds(ReadGate.Reason.BUDGET)).isTrue();
        one.release(30);
        channel.runPendingTasks();
        assertThat(retries).hasValue(1);
        assertThat(gate.holds(ReadGate.Reason.BUDGET)).as("a retry that does not wait again opens the gate").isFalse();
        assertThat(channel.config().isAutoRead()).isTrue();
    }

    @Test
    void oneRequestLargerThanTheShareIsAdmittedWhenNothingIsHeld() {
        ConnectionBudget one = budget(10);
        assertThat(one.admit(50, true, retries::incrementAndGet)).isTrue();
        assertThat(one.held()).isEqualTo(50);
        assertThat(one.payloadSince()).isNotEqualTo(ConnectionBudget.NO_PAYLOAD);
        one.payloadComplete();
        assertThat(one.payloadSince()).isEqualTo(ConnectionBudget.NO_PAYLOAD);
    }

    @Test
    void anotherConnectionsReleaseWakesAConnectionWaitingForTheServerBudget() {
        ConnectionBudget hog = budget(100);
        ConnectionBudget other = budget(100);
        assertThat(hog.admit(90, false, () -> { })).isTrue();
        assertThat(other.admit(20, false, retries::incrementAndGet)).isFalse();
        hog.close();
        assertThat(server.used()).as("a closed connection gives everything back").isZero();
        channel.runPendingTasks();
        assertThat(retries).hasValue(1);
        assertThat(hog.admit(1, false, () -> { })).as("closed: nothing more is admitted").isFalse();
    }
}
