package io.sheepdog.nbd.codec;

/**
 * The client's 32-bit flags, the first thing a client sends.
 *
 * @param flags the raw flags word
 */
public record NbdClientFlags(int flags) {

    /** True if {@code flag} is set. */
    public boolean has(NbdClientFlag flag) {
        return (flags & flag.mask()) != 0;
    }

    /** The bits this server does not know; a client setting any of them must be disconnected. */
    public int unknownBits() {
        return flags & ~NbdClientFlag.knownMask();
    }
}
