package io.sheepdog.daemon.vdi;

import io.sheepdog.daemon.api.VdiOps;
import io.sheepdog.daemon.testing.VdiOpsContract;
import org.junit.jupiter.api.AfterEach;

/** The daemon's {@link VdiService}, over the unit-test fixture (the daemon's object path on a one-node cluster). */
class VdiServiceVdiOpsTest extends VdiOpsContract {
    private VdiFixture fx;

    @AfterEach
    void close() {
        if (fx != null) {
            fx.close();
        }
    }

    @Override
    protected VdiOps formatted(int defaultCopies) throws Exception {
        fx = new VdiFixture(defaultCopies);
        return fx.service;
    }

    @Override
    protected VdiOps unformatted() throws Exception {
        fx = new VdiFixture(false);
        return fx.service;
    }
}
