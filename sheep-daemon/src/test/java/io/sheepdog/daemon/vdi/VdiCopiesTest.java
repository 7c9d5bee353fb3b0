package io.sheepdog.daemon.vdi;

import static org.assertj.core.api.Assertions.assertThat;

import io.sheepdog.membership.NodeAddress;
import io.sheepdog.membership.NodeId;
import io.sheepdog.membership.local.LocalClusterNode;
import io.sheepdog.membership.local.LocalNetwork;
import io.sheepdog.membership.meta.VdiEntry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class VdiCopiesTest {
    private final LocalClusterNode node = new LocalClusterNode(new LocalNetwork(),
            new NodeAddress(new NodeId(1), "127.0.0.1", 7000, 10809, 1, 128));

    @AfterEach
    void close() {
        node.close();
    }

    @Test
    void theVdisOwnCountTheAnnouncedCountWhileCreatingElseTheClusterDefault() throws Exception {
        node.start();
        VdiCopies copies = new VdiCopies(node.metadata());
        assertThat(copies.applyAsInt(7)).as("before format").isEqualTo(1);
        node.metadata().format(3, false).get(10, TimeUnit.SECONDS);
        assertThat(copies.applyAsInt(7)).as("the cluster default").isEqualTo(3);

        copies.creating(7, 2);
        assertThat(copies.applyAsInt(7)).as("while VDI 7 is being created").isEqualTo(2);
        assertThat(copies.applyAsInt(8)).as("another VDI").isEqualTo(3);
        node.metadata().createVdi(new VdiEntry("seven", 7, 1 << 20, 1L, 2, 0, "", 0)).get(10, TimeUnit.SECONDS);
        copies.created(7);
        assertThat(copies.applyAsInt(7)).as("from the VDI table").isEqualTo(2);

        copies.creating(9, 5);
        copies.created(9);
        assertThat(copies.applyAsInt(9)).as("a creation that failed").isEqualTo(3);
    }
}
