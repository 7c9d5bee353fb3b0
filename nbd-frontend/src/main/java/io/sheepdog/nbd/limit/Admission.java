package io.sheepdog.nbd.limit;

/**
 * What a decoder asks before it accepts a request: room in the connection's share of its server's budget for the
 * bytes the request will hold (its payload, the reply it asks for). Used on the connection's event loop only.
 */
public interface Admission {

    /** Admits everything and counts nothing: for decoders used without a server (tests, clients). */
    Admission UNLIMITED = new Admission() {
        @Override
        public boolean admit(long bytes, boolean payloadFollows, Runnable retry) {
            return true;
        }

        @Override
        public void payloadComplete() {
        }

        @Override
        public void release(long bytes) {
        }

        @Override
        public void forceReserve(long bytes) {
        }
    };

    /**
     * Reserves {@code bytes} for the request whose header was just read.
     *
     * @param bytes          what the request will hold at most
     * @param payloadFollows its payload is still to arrive (the unfinished-frame clock starts)
     * @param retry          run on the event loop when the reservation may succeed, if it is refused now; the
     *                       decoder then decodes what it holds again
     * @return false: the request must not be accepted now; reading from the socket stops until {@code retry}
     */
    boolean admit(long bytes, boolean payloadFollows, Runnable retry);

    /** The payload of the request admitted last has arrived whole. */
    void payloadComplete();

    /** The request's bytes are gone (its reply written, its payload freed). */
    void release(long bytes);

    /** Counts bytes that exist already beyond what was admitted (a reply larger than reserved). */
    void forceReserve(long bytes);
}
