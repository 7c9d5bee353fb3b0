package io.sheepdog.membership.meta;

import static io.sheepdog.membership.meta.ClusterMetadataTest.A;
import static io.sheepdog.membership.meta.ClusterMetadataTest.member;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetadataCodecTest {

    @Test
    void everyCommandRoundTrips() {
        List<MetadataCommand> all = List.of(
                ClusterMetadataTest.format("c", member(A, "a")),
                new MetadataCommand.CreateVdi(ClusterMetadataTest.vdi("x", 1, 0)),
                new MetadataCommand.UpdateVdi(ClusterMetadataTest.vdi("x", 1, 3)),
                new MetadataCommand.DeleteVdi("x", 1),
                new MetadataCommand.NewEpoch(3, 77, List.of(member(A, "a"))),
                new MetadataCommand.Resume(3, List.of(member(A, "a"))));
        for (MetadataCommand c : all) {
            byte[] b = MetadataCodec.encode(c);
            assertThat(MetadataCodec.decodeCommand(b, 0, b.length)).isEqualTo(c);
        }
        String json = new String(MetadataCodec.encode(all.get(3)), StandardCharsets.UTF_8);
        assertThat(json).isEqualTo("{\"op\":\"delete-vdi\",\"name\":\"x\",\"vid\":1}");
    }

    @Test
    void unknownFieldsAreIgnoredAndGarbageIsRejected() {
        byte[] b = "{\"op\":\"delete-vdi\",\"name\":\"x\",\"vid\":1,\"future\":true}".getBytes(StandardCharsets.UTF_8);
        assertThat(MetadataCodec.decodeCommand(b, 0, b.length)).isEqualTo(new MetadataCommand.DeleteVdi("x", 1));
        byte[] bad = "{\"op\":\"nope\"}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> MetadataCodec.decodeCommand(bad, 0, bad.length))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("corrupt");
    }

    @Test
    void theReadBarrierQueryIsNoCommand() {
        byte[] q = MetadataCodec.appliedVersionQuery();
        assertThat(MetadataCodec.isAppliedVersionQuery(q, 0, q.length)).isTrue();
        byte[] framed = new byte[q.length + 4];
        System.arraycopy(q, 0, framed, 2, q.length);
        assertThat(MetadataCodec.isAppliedVersionQuery(framed, 2, q.length)).isTrue();
        assertThat(MetadataCodec.isAppliedVersionQuery(framed, 1, q.length)).isFalse();
        assertThatThrownBy(() -> MetadataCodec.decodeCommand(q, 0, q.length))
                .isInstanceOf(IllegalArgumentException.class);
        byte[] command = MetadataCodec.encode(new MetadataCommand.DeleteVdi("x", 1));
        assertThat(MetadataCodec.isAppliedVersionQuery(command, 0, command.length)).isFalse();
        // a caller must not be able to change the query for everyone
        q[0] = 'x';
        byte[] again = MetadataCodec.appliedVersionQuery();
        assertThat(MetadataCodec.isAppliedVersionQuery(again, 0, again.length)).isTrue();
    }

    @Test
    void theFormatRecordAndVdiEntriesKeepTheirJson() {
        // The persisted form (Raft log and snapshots) of the two records that carry copies: exactly these fields,
        // whatever accessors (such as redundancy()) the records gain.
        ClusterFormat format = new ClusterFormat("c1", 3, true, 12);
        VdiEntry vdi = new VdiEntry("v", 0x7c2b25, 4096, 34, 2, 0, "", 0);
        String vdiJson = "{\"name\":\"v\",\"vid\":8137509,\"size\":4096,\"createdMillis\":34,\"copies\":2,"
                + "\"snapshotId\":0,\"tag\":\"\",\"parentVid\":0,\"working\":true}";
        byte[] command = MetadataCodec.encode(new MetadataCommand.CreateVdi(vdi));
        assertThat(new String(command, StandardCharsets.UTF_8))
                .isEqualTo("{\"op\":\"create-vdi\",\"vdi\":" + vdiJson + "}");
        MetadataState state = new MetadataState(format, Map.of(vdi.vid(), vdi), List.of(), Map.of(), 5);
        assertThat(new String(MetadataCodec.encode(state), StandardCharsets.UTF_8)).isEqualTo(
                "{\"format\":{\"clusterId\":\"c1\",\"copies\":3,\"strict\":true,\"createdMillis\":12},"
                + "\"vdis\":{\"8137509\":" + vdiJson + "},"
                + "\"epochs\":[],\"session\":{},\"version\":5,\"shuttingDown\":false,\"retiredVids\":[],\"locks\":{},\"lockGenerations\":{},\"sharedVdis\":[]}");
        assertThat(MetadataCodec.decodeState(MetadataCodec.encode(state))).isEqualTo(state);
    }
}
