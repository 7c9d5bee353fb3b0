/**
 * The replica check that {@code collie vdi check} and {@code collie cluster check} share: {@link
 * io.sheepdog.collie.check.ObjectCheckRun} asks the sheep to check (OBJ_CHECK) each object of a list, a bounded
 * number at once, with a progress bar; {@link io.sheepdog.collie.check.CheckReport} sums up what was repaired and
 * what is lost, and decides the exit code.
 */
package io.sheepdog.collie.check;
