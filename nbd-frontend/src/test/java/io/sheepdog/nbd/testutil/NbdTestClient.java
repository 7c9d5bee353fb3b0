package io.sheepdog.nbd.testutil;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small blocking NBD client for tests, written from the spec independently of the server's codecs. Requests are
 * sent from the caller's thread and may be pipelined; a reader thread decodes replies (simple or structured,
 * reassembling chunks until NBD_REPLY_FLAG_DONE) into a queue, so a test never deadlocks on full socket buffers.
 */
public final class NbdTestClient implements AutoCloseable {

    public static final int CMD_READ = 0;
    public static final int CMD_WRITE = 1;
    public static final int CMD_DISC = 2;
    public static final int CMD_FLUSH = 3;
    public static final int CMD_TRIM = 4;
    public static final int CMD_CACHE = 5;
    public static final int CMD_WRITE_ZEROES = 6;
    public static final int CMD_BLOCK_STATUS = 7;
    public static final int FLAG_FUA = 1;
    public static final int FLAG_NO_HOLE = 2;
    public static final int FLAG_DF = 4;
    public static final int FLAG_REQ_ONE = 8;

    /**
     * A complete reply.
     *
     * @param cookie     the request's cookie
     * @param error      0 or the NBD errno
     * @param data       read data (null unless a successful read)
     * @param extents    block status descriptors as {length, flags} pairs (null unless block status)
     * @param structured the reply came as structured chunks
     * @param chunks     how many chunks made up the reply (1 for simple replies)
     */
    public record Reply(long cookie, int error, byte[] data, List<long[]> extents, boolean structured, int chunks) {
    }

    private record Pending(int type, long offset, int length) {
    }

    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final boolean structured;
    private final long size;
    private final int transmissionFlags;
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final BlockingQueue<Object> replies = new LinkedBlockingQueue<>();
    private final AtomicLong cookies = new AtomicLong(1);
    private final Thread reader;

    private NbdTestClient(Socket socket, boolean structured, long size, int transmissionFlags, DataInputStream in,
                          DataOutputStream out) {
        this.socket = socket;
        this.in = in;
        this.out = out;
        this.structured = structured;
        this.size = size;
        this.transmissionFlags = transmissionFlags;
        this.reader = new Thread(this::readLoop, "nbd-test-client-reader");
        this.reader.setDaemon(true);
        this.reader.start();
    }

    /** Connects with NBD_OPT_GO, optionally negotiating structured replies and base:allocation first. */
    public static NbdTestClient connect(int port, String export, boolean structured, boolean baseAllocation)
            throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(30_000);
        DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
        long[] export0 = handshake(socket, in, out, export, structured, baseAllocation);
        return new NbdTestClient(socket, structured, export0[0], (int) export0[1], in, out);
    }

    /**
     * A socket in the transmission phase of {@code export} (simple replies) that nobody reads from: what a client
     * that sends requests and never reads their replies looks like to the server. The caller closes it.
     */
    public static Socket connectUnread(int port, String export) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(30_000);
        DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
        handshake(socket, in, out, export, false, false);
        return socket;
    }

    /** Runs the handshake up to NBD_OPT_GO; returns the export's size and transmission flags. */
    private static long[] handshake(Socket socket, DataInputStream in, DataOutputStream out, String export,
                                    boolean structured, boolean baseAllocation) throws IOException {
        try {
            expect(in.readLong() == Wire.NBDMAGIC, "NBDMAGIC");
            expect(in.readLong() == Wire.IHAVEOPT, "IHAVEOPT");
            int handshakeFlags = in.readUnsignedShort();
            expect((handshakeFlags & 3) == 3, "FIXED_NEWSTYLE and NO_ZEROES");
            out.writeInt(3);
            if (structured) {
                sendOption(out, 8, new byte[0]);
                expectAck(in, 8);
            }
            if (baseAllocation) {
                sendOption(out, 10, Wire.metaData(export, "base:allocation"));
                readUntilAck(in, 10);
            }
            sendOption(out, 7, Wire.infoData(export, 3));
            long size = -1;
            int flags = 0;
            while (true) {
                long[] header = readOptionReplyHeader(in, 7);
                byte[] data = new byte[(int) header[1]];
                in.readFully(data);
                if (header[0] == 1) {
                    break;
                }
                expect(header[0] == 3, "NBD_REP_INFO or ACK, got 0x" + Long.toHexString(header[0]));
                if (data[0] == 0 && data[1] == 0) {
                    size = java.nio.ByteBuffer.wrap(data, 2, 8).getLong();
                    flags = ((data[10] & 0xff) << 8) | (data[11] & 0xff);
                }
            }
            expect(size >= 0, "NBD_INFO_EXPORT");
            return new long[] {size, flags};
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    public long size() {
        return size;
    }

    public int transmissionFlags() {
        return transmissionFlags;
    }

    public boolean structured() {
        return structured;
    }

    /** Sends NBD_CMD_READ; returns the cookie. */
    public long sendRead(long offset, int length, int flags) throws IOException {
        return send(CMD_READ, flags, offset, length, null);
    }

    /** Sends NBD_CMD_WRITE with {@code data}; returns the cookie. */
    public long sendWrite(long offset, byte[] data, int flags) throws IOException {
        return send(CMD_WRITE, flags, offset, data.length, data);
    }

    /** Sends a request without payload of any type; returns the cookie. */
    public long send(int type, int flags, long offset, long length) throws IOException {
        return send(type, flags, offset, length, null);
    }

    /** Sends NBD_CMD_DISC. */
    public void disconnect() throws IOException {
        synchronized (out) {
            out.write(Wire.request(0, CMD_DISC, 0, 0, 0));
            out.flush();
        }
    }

    /** Sends arbitrary bytes. */
    public void sendRaw(byte[] bytes) throws IOException {
        synchronized (out) {
            out.write(bytes);
            out.flush();
        }
    }

    /** The next reply, in the order the server sent them. */
    public Reply reply(Duration timeout) throws IOException, InterruptedException {
        Object r = replies.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (r == null) {
            throw new IOException("no reply within " + timeout);
        }
        if (r instanceof IOException e) {
            replies.add(e); // keep reporting the end of the stream
            throw new IOException("connection ended: " + e.getMessage(), e);
        }
        return (Reply) r;
    }

    /** Sends one request and waits for its reply (nothing else may be pending). */
    public Reply call(int type, int flags, long offset, long length, byte[] data) throws Exception {
        long cookie = send(type, flags, offset, length, data);
        Reply r = reply(Duration.ofSeconds(30));
        expect(r.cookie() == cookie, "reply to cookie " + cookie + ", got " + r.cookie());
        return r;
    }

    /** True once the server closed the connection (the reader saw end of stream). */
    public boolean awaitClosed(Duration timeout) throws InterruptedException {
        reader.join(timeout.toMillis());
        return !reader.isAlive();
    }

    @Override
    public void close() throws IOException {
        socket.close();
        try {
            reader.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private long send(int type, int flags, long offset, long length, byte[] data) throws IOException {
        long cookie = cookies.getAndIncrement();
        pending.put(cookie, new Pending(type, offset, (int) length));
        synchronized (out) {
            out.write(Wire.request(flags, type, cookie, offset, length));
            if (data != null) {
                out.write(data);
            }
            out.flush();
        }
        return cookie;
    }

    private void readLoop() {
        Map<Long, List<Object>> partial = new ConcurrentHashMap<>();
        try {
            while (true) {
                int magic = in.readInt();
                if (magic == Wire.SIMPLE_MAGIC) {
                    readSimple();
                } else if (magic == Wire.STRUCTURED_MAGIC) {
                    readChunk(partial);
                } else {
                    throw new IOException("bad reply magic 0x" + Integer.toHexString(magic));
                }
            }
        } catch (IOException e) {
            replies.add(e instanceof EOFException ? new IOException("server closed the connection") : e);
        }
    }

    private void readSimple() throws IOException {
        int error = in.readInt();
        long cookie = in.readLong();
        Pending p = pending.remove(cookie);
        if (p == null) {
            throw new IOException("simple reply for unknown cookie " + cookie);
        }
        byte[] data = null;
        if (p.type() == CMD_READ && error == 0) {
            data = new byte[p.length()];
            in.readFully(data);
        }
        replies.add(new Reply(cookie, error, data, null, false, 1));
    }

    private void readChunk(Map<Long, List<Object>> partial) throws IOException {
        int flags = in.readUnsignedShort();
        int type = in.readUnsignedShort();
        long cookie = in.readLong();
        int length = in.readInt();
        byte[] payload = new byte[length];
        in.readFully(payload);
        Pending p = pending.get(cookie);
        if (p == null) {
            throw new IOException("chunk for unknown cookie " + cookie);
        }
        List<Object> chunks = partial.computeIfAbsent(cookie, c -> new ArrayList<>());
        chunks.add(new Object[] {type, payload});
        if ((flags & 1) == 0) {
            return;
        }
        partial.remove(cookie);
        pending.remove(cookie);
        replies.add(assemble(cookie, p, chunks));
    }

    private static Reply assemble(long cookie, Pending p, List<Object> chunks) throws IOException {
        int error = 0;
        byte[] data = p.type() == CMD_READ ? new byte[p.length()] : null;
        List<long[]> extents = null;
        for (Object o : chunks) {
            int type = (Integer) ((Object[]) o)[0];
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap((byte[]) ((Object[]) o)[1]);
            if (type == 1) { // OFFSET_DATA
                long offset = b.getLong();
                b.get(data, (int) (offset - p.offset()), b.remaining());
            } else if (type == 5) { // BLOCK_STATUS
                b.getInt();
                extents = new ArrayList<>();
                while (b.hasRemaining()) {
                    extents.add(new long[] {b.getInt() & 0xFFFF_FFFFL, b.getInt() & 0xFFFF_FFFFL});
                }
            } else if (type == 0x8001) { // ERROR
                error = b.getInt();
                int messageLength = b.getShort() & 0xffff;
                if (messageLength != b.remaining()) {
                    throw new IOException("error message length " + messageLength + " != " + b.remaining());
                }
            } else if (type != 0) {
                throw new IOException("unexpected chunk type " + type);
            }
        }
        return new Reply(cookie, error, error == 0 ? data : null, extents, true, chunks.size());
    }

    private static void sendOption(DataOutputStream out, int code, byte[] data) throws IOException {
        out.write(Wire.option(code, data));
        out.flush();
    }

    private static long[] readOptionReplyHeader(DataInputStream in, int option) throws IOException {
        expect(in.readLong() == Wire.OPT_REPLY_MAGIC, "option reply magic");
        expect(in.readInt() == option, "reply to option " + option);
        long type = in.readInt() & 0xFFFF_FFFFL;
        long length = in.readInt() & 0xFFFF_FFFFL;
        if ((type & 0x8000_0000L) != 0) {
            byte[] message = new byte[(int) length];
            in.readFully(message);
            throw new IOException("option " + option + " failed: 0x" + Long.toHexString(type) + " "
                    + new String(message, StandardCharsets.UTF_8));
        }
        return new long[] {type, length};
    }

    private static void expectAck(DataInputStream in, int option) throws IOException {
        long[] header = readOptionReplyHeader(in, option);
        expect(header[0] == 1 && header[1] == 0, "ACK to option " + option);
    }

    private static void readUntilAck(DataInputStream in, int option) throws IOException {
        while (true) {
            long[] header = readOptionReplyHeader(in, option);
            in.skipNBytes(header[1]);
            if (header[0] == 1) {
                return;
            }
        }
    }

    private static void expect(boolean condition, String what) throws IOException {
        if (!condition) {
            throw new IOException("protocol error: expected " + what);
        }
    }
}
