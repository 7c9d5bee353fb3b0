/**
 * In-memory implementations of the store SPIs for the tests of other modules: {@link
 * io.sheepdog.store.memory.MemoryObjectStore} (same semantics as the file store, plus fault injection: damaged
 * blocks, a capacity limit) and {@link io.sheepdog.store.memory.MemoryMetadataStore}. Nothing here is durable.
 */
package io.sheepdog.store.memory;
