package io.sheepdog.daemon.testing;

import io.sheepdog.daemon.api.VdiOps;

/** {@link FakeSheep} follows the daemon's VDI rules. */
class FakeSheepVdiOpsTest extends VdiOpsContract {

    @Override
    protected VdiOps formatted(int defaultCopies) throws Exception {
        FakeSheep sheep = new FakeSheep();
        sheep.format(defaultCopies, false, false);
        return sheep;
    }

    @Override
    protected VdiOps unformatted() {
        return new FakeSheep();
    }
}
