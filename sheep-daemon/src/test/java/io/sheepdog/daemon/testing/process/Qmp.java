package io.sheepdog.daemon.testing.process;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.io.OutputStreamWriter;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * A client of qemu's machine protocol (QMP) on a unix socket: one JSON object per line each way, the greeting
 * first, then {@code qmp_capabilities}, then commands answered by {"return": ...} or {"error": ...}. Asynchronous
 * events ({"event": ...}) that arrive between are skipped. One command at a time; not thread-safe.
 */
public final class Qmp implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SocketChannel channel;
    private final BufferedReader in;
    private final Writer out;

    private Qmp(SocketChannel channel) {
        this.channel = channel;
        this.in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
        this.out = new OutputStreamWriter(Channels.newOutputStream(channel), StandardCharsets.UTF_8);
    }

    /** Connects to the QMP socket at {@code socket}, reads the greeting and leaves capabilities negotiation. */
    public static Qmp connect(Path socket) throws IOException {
        SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        Qmp q = new Qmp(ch);
        try {
            JsonNode greeting = q.readMessage();
            if (!greeting.has("QMP")) {
                throw new IOException("not a QMP greeting: " + greeting);
            }
            q.execute("qmp_capabilities", Map.of());
            return q;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * Runs {@code command} with {@code arguments} and returns its "return" value.
     *
     * @throws IOException the connection failed, or qemu answered an error (its class and description)
     */
    public JsonNode execute(String command, Map<String, ?> arguments) throws IOException {
        ObjectNode m = JSON.createObjectNode().put("execute", command);
        if (!arguments.isEmpty()) {
            m.set("arguments", JSON.valueToTree(arguments));
        }
        out.write(JSON.writeValueAsString(m));
        out.write('\n');
        out.flush();
        while (true) {
            JsonNode answer = readMessage();
            if (answer.has("event")) {
                continue;
            }
            if (answer.has("error")) {
                JsonNode e = answer.get("error");
                throw new IOException(command + ": " + e.path("class").asText() + ": " + e.path("desc").asText());
            }
            return answer.path("return");
        }
    }

    /** Runs a human monitor (HMP) command line, for example {@code qemu-io drive0 "write -P 1 0 64k"}. */
    public String hmp(String commandLine) throws IOException {
        return execute("human-monitor-command", Map.of("command-line", commandLine)).asText();
    }

    private JsonNode readMessage() throws IOException {
        String line = in.readLine();
        if (line == null) {
            throw new IOException("QMP connection closed by qemu");
        }
        return JSON.readTree(line);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
