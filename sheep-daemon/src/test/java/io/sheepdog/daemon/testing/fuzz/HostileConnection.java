package io.sheepdog.daemon.testing.fuzz;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One loopback connection of a fuzzer. It may first talk to the server in order ({@link #in()}, for a greeting or a
 * valid handshake); then {@link #startDraining} reads everything the server sends on a thread of its own, so that replies never fill the socket buffers and stall the server, and so that the connection notices when
 * the server closes it. The server closing a hostile connection, at any point, is a fine outcome: the fuzzer simply
 * opens the next one.
 */
public final class HostileConnection implements AutoCloseable {
    /** How one connection ended. */
    public enum Outcome {
        /** The server closed it (end of stream or reset). */
        CLOSED_BY_SERVER,
        /** It was still open when the client closed it. */
        CLOSED_BY_CLIENT,
        /** A send did not complete within the write timeout: the server stopped reading; the client gave up. */
        STALLED
    }

    /** What the drainer does with the server's bytes: reads them until end of stream. */
    @FunctionalInterface
    public interface Drain {
        /** Discards everything. */
        Drain DISCARD = in -> {
            byte[] buf = new byte[64 * 1024];
            while (in.read(buf) >= 0) {
                // nothing to keep
            }
        };

        /** Reads {@code in} to its end; returns normally at end of stream. */
        void read(InputStream in) throws IOException;
    }

    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "hostile-write-watchdog");
        t.setDaemon(true);
        return t;
    });

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private Thread drainer;
    private volatile boolean serverClosed;
    private volatile boolean stalled;

    private HostileConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /**
     * Connects to {@code host:port}; reads during the in-order phase time out after {@code readTimeout}.
     *
     * @throws IOException if the server does not accept the connection
     */
    public static HostileConnection open(String host, int port, Duration readTimeout) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(host, port), (int) readTimeout.toMillis());
            s.setTcpNoDelay(true);
            s.setSoTimeout((int) readTimeout.toMillis());
            return new HostileConnection(s);
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /** The server's bytes, for the in-order phase before {@link #startDraining}. */
    public DataInputStream in() {
        return in;
    }

    /** Writes {@code bytes} in order, before or while draining. */
    public void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** From now on a thread reads whatever the server sends with {@code drain}, until it closes or this does. */
    public void startDraining(Drain drain) {
        drainer = new Thread(() -> drain(drain), "hostile-drain-" + socket.getLocalPort());
        drainer.setDaemon(true);
        drainer.start();
    }

    private void drain(Drain drain) {
        try {
            socket.setSoTimeout(0);
            drain.read(socket.getInputStream());
            serverClosed = true;
        } catch (IOException e) {
            // A reset from the server, or this side closed the socket; only the former counts as the server's.
            serverClosed = !socket.isClosed();
        }
    }

    /**
     * Sends {@code bytes} while draining; a server that closed the connection midway is fine. A send the server
     * does not take within {@code writeTimeout} (it stopped reading) ends the connection as {@link Outcome#STALLED}.
     *
     * @return false if the connection is gone (closed by the server, or stalled)
     */
    public boolean send(byte[] bytes, Duration writeTimeout) {
        ScheduledFuture<?> watchdog = WATCHDOG.schedule(() -> {
            stalled = true;
            closeQuietly();
        }, writeTimeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            write(bytes);
            return true;
        } catch (IOException e) {
            return false;
        } finally {
            watchdog.cancel(false);
        }
    }

    /**
     * Ends the case: with {@code halfClose} the client shuts its output down (the server sees end of stream at once)
     * and waits up to {@code wait} for the server to close; otherwise it leaves the connection open for up to
     * {@code wait}, in the middle of whatever it sent, unless the server closes it first. Then it closes.
     */
    public Outcome finish(boolean halfClose, Duration wait) {
        if (!stalled && halfClose && !socket.isClosed()) {
            try {
                socket.shutdownOutput();
            } catch (IOException e) {
                // already reset by the server: the drainer has seen it or will
            }
        }
        join(wait);
        boolean byServer = serverClosed;
        close();
        return stalled ? Outcome.STALLED : byServer ? Outcome.CLOSED_BY_SERVER : Outcome.CLOSED_BY_CLIENT;
    }

    private void closeQuietly() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a socket that failed: nothing left to do
        }
    }

    private void join(Duration wait) {
        if (drainer == null) {
            return;
        }
        try {
            drainer.join(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Closes the socket and waits (up to 10 s) for the drainer to see it. */
    @Override
    public void close() {
        closeQuietly();
        join(Duration.ofSeconds(10));
    }
}
