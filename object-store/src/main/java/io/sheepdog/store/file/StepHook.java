package io.sheepdog.store.file;

import java.io.IOException;

/**
 * Test hook called between the steps of a data write, to fail or halt the process exactly there. Package-private:
 * production code always uses {@link #NONE}.
 */
@FunctionalInterface
interface StepHook {
    StepHook NONE = (step, oid) -> { };

    /** The steps of a write, in order. */
    enum Step {
        /** The index batch (new checksums, version) is applied; the data file is not written yet. */
        INDEX_APPLIED,
        /** The data file is written (not fsynced). */
        DATA_WRITTEN
    }

    void reached(Step step, long oid) throws IOException;
}
