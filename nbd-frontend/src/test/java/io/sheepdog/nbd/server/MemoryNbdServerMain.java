package io.sheepdog.nbd.server;

import io.sheepdog.nbd.memory.MemoryBlockDevice;
import io.sheepdog.nbd.memory.MemoryExportProvider;
import java.net.InetAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Serves one in-memory export for manual runs:
 * {@code MemoryNbdServerMain PORT SIZE [EXPORT]}, SIZE in bytes or with a K/M/G suffix, EXPORT defaulting to
 * "memory". Listens on 127.0.0.1 until interrupted.
 */
public final class MemoryNbdServerMain {

    private MemoryNbdServerMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: MemoryNbdServerMain PORT SIZE [EXPORT]");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        long size = parseSize(args[1]);
        String name = args.length == 3 ? args[2] : "memory";
        ExecutorService executor = Executors.newFixedThreadPool(4);
        MemoryExportProvider exports = new MemoryExportProvider()
                .add(name, "in-memory export of " + size + " bytes", new MemoryBlockDevice(size, executor));
        NbdServerConfig config = NbdServerConfig.builder()
                .bindAddress(InetAddress.getLoopbackAddress()).port(port).build();
        CountDownLatch stopped = new CountDownLatch(1);
        try (NbdServer server = new NbdServer(config, exports)) {
            int bound = server.start();
            System.out.println("serving export '" + name + "' (" + size + " bytes) on nbd://127.0.0.1:" + bound
                    + "/" + name);
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
            stopped.await();
        } finally {
            executor.shutdownNow();
        }
    }

    static long parseSize(String text) {
        String s = text.trim().toUpperCase(java.util.Locale.ROOT);
        long unit = 1;
        char last = s.charAt(s.length() - 1);
        if (last == 'K' || last == 'M' || last == 'G' || last == 'T') {
            unit = 1L << (10 * ("KMGT".indexOf(last) + 1));
            s = s.substring(0, s.length() - 1);
        }
        return Long.parseLong(s) * unit;
    }
}
