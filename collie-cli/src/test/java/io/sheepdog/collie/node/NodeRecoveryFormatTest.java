package io.sheepdog.collie.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.sheepdog.daemon.api.NodeInfo;
import io.sheepdog.daemon.api.RecoveryInfo;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The layout of {@code collie node recovery}: only nodes in recovery, with done/total and a percentage. */
class NodeRecoveryFormatTest {

    private static RecoveryInfo state(String host, String state, long done, long total) {
        return new RecoveryInfo(host, 7000, 5, state, total, done, 0, 0, 4, 0, 0, 0, 2);
    }

    @Test
    void listsOnlyTheNodesInRecovery() {
        List<NodeInfo> nodes = List.of(
                new NodeInfo(1, "10.0.0.1", 7000, 10809, 128, 0, 0, 0, 0, true),
                new NodeInfo(2, "10.0.0.2", 7000, 10809, 128, 1, 0, 0, 0, false),
                new NodeInfo(3, "10.0.0.3", 7000, 10809, 128, 2, 0, 0, 0, false));
        List<RecoveryInfo> states = List.of(state("10.0.0.1", "DONE", 0, 0), state("10.0.0.2", "RECOVERING", 3, 12),
                state("10.0.0.3", "PREPARING", 0, 0));
        StringWriter text = new StringWriter();
        NodeRecoveryCommand.print(nodes, states, false, new PrintWriter(text, true));
        assertThat(text.toString()).isEqualTo(""
                + "Nodes In Recovery:\n"
                + "  Id   Host:Port         V-Nodes       Zone       Progress\n"
                + "   1   10.0.0.2:7000       \t128          1   3/12  25.0%\n"
                + "   2   10.0.0.3:7000       \t128          2   preparing\n");
        StringWriter raw = new StringWriter();
        NodeRecoveryCommand.print(nodes, states, true, new PrintWriter(raw, true));
        assertThat(raw.toString()).isEqualTo("1 10.0.0.2:7000 128 1 3 12 RECOVERING\n"
                + "2 10.0.0.3:7000 128 2 0 0 PREPARING\n");
    }

    @Test
    void progressBarFillsWithTheFractionDone() {
        assertThat(NodeRecoveryCommand.bar(0, 10)).isEqualTo("[" + ".".repeat(40) + "]   0.0%");
        assertThat(NodeRecoveryCommand.bar(5, 10)).isEqualTo("[" + "#".repeat(20) + ".".repeat(20) + "]  50.0%");
        assertThat(NodeRecoveryCommand.bar(10, 10)).isEqualTo("[" + "#".repeat(40) + "] 100.0%");
    }
}
