/**
 * In-memory {@link io.sheepdog.nbd.BlockDevice} and {@link io.sheepdog.nbd.ExportProvider} implementations: the
 * reference behaviour other devices are compared against in tests, and a quick export for manual runs.
 */
package io.sheepdog.nbd.memory;
