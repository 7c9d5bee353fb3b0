package io.sheepdog.daemon.testing.process;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * nbdkit's nbd plugin as a TLS client of a sheep: it serves plaintext NBD on a loopback port and reaches the export
 * with {@code tls=require} and a key, one upstream TLS connection per client connection. Lets tools that know no TLS
 * (the shared conformance script builds plain {@code nbd://} URIs) drive the sheep's TLS path.
 */
public final class NbdTlsProxy implements AutoCloseable {
    private final Process process;
    private final int port;

    private NbdTlsProxy(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts nbdkit serving {@code export} of the sheep at {@code host:nbdPort} over TLS with the key in {@code key},
     * and waits until it listens.
     */
    public static NbdTlsProxy start(String host, int nbdPort, String export, Path key, Path log) throws IOException {
        int port = FreePorts.pick(1)[0];
        Process p = new ProcessBuilder(List.of("nbdkit", "--exit-with-parent", "-f", "-i", "127.0.0.1", "-p",
                Integer.toString(port), "nbd", "hostname=" + host, "port=" + nbdPort, "export=" + export,
                "tls=require", "tls-certificates=" + key)).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        NbdTlsProxy proxy = new NbdTlsProxy(p, port);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!proxy.listens()) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                proxy.close();
                throw new IOException("nbdkit did not start listening on " + port + " (log " + log + ")");
            }
            try {
                p.waitFor(100, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                proxy.close();
                throw new IOException("interrupted", e);
            }
        }
        return proxy;
    }

    private boolean listens() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The plaintext port nbdkit listens on (127.0.0.1). */
    public int port() {
        return port;
    }

    @Override
    public void close() {
        ProcessReaper.killTree(process);
    }
}
