package io.sheepdog.nbd.limit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ByteBudgetTest {

    @Test
    void reservesWithinTheCapacityAndWakesWaitersWhenRoomIsFree() {
        ByteBudget budget = new ByteBudget(100);
        assertThat(budget.tryReserve(60)).isTrue();
        assertThat(budget.tryReserve(50)).as("60 + 50 > 100").isFalse();
        AtomicInteger woken = new AtomicInteger();
        budget.awaitFree(50, woken::incrementAndGet);
        assertThat(woken).as("no room yet").hasValue(0);
        budget.release(20);
        assertThat(woken).as("a release wakes every waiter once").hasValue(1);
        budget.release(10);
        assertThat(woken).as("a woken waiter is gone until it waits again").hasValue(1);
        assertThat(budget.used()).isEqualTo(30);
        assertThat(budget.tryReserve(70)).isTrue();
    }

    @Test
    void aWaiterRegisteringAfterTheReleaseIsWokenAtOnce() {
        ByteBudget budget = new ByteBudget(10);
        AtomicInteger woken = new AtomicInteger();
        budget.awaitFree(10, woken::incrementAndGet);
        assertThat(woken).hasValue(1);
    }

    @Test
    void forcedBytesMayExceedTheCapacityAndRefuseEveryoneUntilReleased() {
        ByteBudget budget = new ByteBudget(10);
        budget.forceReserve(15);
        assertThat(budget.tryReserve(0)).isFalse();
        budget.release(15);
        assertThat(budget.tryReserve(10)).isTrue();
        assertThatThrownBy(() -> budget.release(11)).isInstanceOf(IllegalStateException.class);
    }
}
