package dev.strata.replication.wire;

import dev.strata.replication.ReplicationException;
import dev.strata.replication.ReplicationException.Reason;
import dev.strata.replication.epoch.EpochHistory;
import dev.strata.replication.testing.Frames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The frame codec: every message round-trips; every malformation is refused with a typed error. */
class FrameCodecTest {
    private static final int MAX = FrameFormat.MIN_MAX_FRAME_SIZE;

    private static EmbeddedChannel channel() {
        EmbeddedChannel ch = new EmbeddedChannel();
        FrameDecoder.install(ch.pipeline(), MAX);
        return ch;
    }

    private static Message roundTrip(Message m) {
        EmbeddedChannel ch = channel();
        ch.writeOutbound(m);
        ByteBuf bytes = ch.readOutbound();
        ch.writeInbound(bytes);
        Message back = ch.readInbound();
        assertThat(ch.finishAndReleaseAll()).isFalse();
        return back;
    }

    @Test
    void everyMessageRoundTrips() {
        EpochHistory h = new EpochHistory(new long[]{1, 3}, new long[]{1, 500});
        byte[] nonce = new byte[32];
        new Random(1).nextBytes(nonce);
        byte[] records = ByteBuffer.allocate(4 + 24 + 4 + 30).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(24).put(new byte[24]).putInt(30).put(new byte[30]).array();
        List<Message> all = List.of(
                new Messages.Challenge(1, nonce),
                new Messages.Auth(nonce, nonce),
                new Messages.AuthOk(nonce),
                new Messages.Hello("cluster", "follower-é", 3, 700, 0xdeadbeef, 42, 2, 4096),
                new Messages.Continue(701, h),
                new Messages.Reject(Reason.STALE_LEADER, "older"),
                new Messages.FullSync(9, 800, h, List.of(new Messages.SyncFile("sst/1.sst", 100, 7),
                        new Messages.SyncFile("MANIFEST", 0, 0)), 1, 0),
                new Messages.FileChunk(1, 4096, new byte[]{1, 2, 3}),
                new Messages.FullSyncEnd(),
                new Messages.Heartbeat(800, 123456789L),
                new Messages.Ack(800, 799, 798));
        for (Message m : all) {
            Message back = roundTrip(m);
            assertThat(back.type()).isEqualTo(m.type());
            assertThat(back).usingRecursiveComparison().isEqualTo(m);
        }
        Messages.Records r = (Messages.Records) roundTrip(new Messages.Records(2, records, records.length));
        assertThat(r.count()).isEqualTo(2);
        assertThat(r.data()).isEqualTo(records);
    }

    @Test
    void compressedBatchesRoundTripAndBombsAreRefusedBeforeAllocating() {
        ByteBuffer b = ByteBuffer.allocate(20 * 104).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 20; i++) {
            b.putInt(100).put(new byte[100]);
        }
        Messages.Records plain = new Messages.Records(20, b.array(), b.position());
        Message packed = RecordsCompression.compress(plain);
        assertThat(packed).isInstanceOf(Messages.CompressedRecords.class);
        assertThat(((Messages.CompressedRecords) packed).compressed().length).isLessThan(plain.length() / 4);
        Messages.Records back = (Messages.Records) roundTrip(packed);
        assertThat(back.count()).isEqualTo(20);
        assertThat(back.data()).isEqualTo(plain.data());
        // Small or incompressible batches go as they are.
        assertThat(RecordsCompression.compress(new Messages.Records(1, new byte[]{0, 0, 0, 0}, 4))).isInstanceOf(Messages.Records.class);
        byte[] noise = new byte[4096];
        new Random(3).nextBytes(noise);
        ByteBuffer n = ByteBuffer.allocate(4 + noise.length).order(ByteOrder.LITTLE_ENDIAN).putInt(noise.length).put(noise);
        assertThat(RecordsCompression.compress(new Messages.Records(1, n.array(), n.position()))).isInstanceOf(Messages.Records.class);

        // A bomb: 20 MB of zeros behind a header claiming 1 KiB, and one whose header admits 20 MB.
        byte[] bomb = com.github.luben.zstd.Zstd.compress(new byte[20 << 20]);
        assertRefused(withCrc(FrameType.RECORDS_ZSTD.code(), le(x -> x.putInt(1024).put(bomb))), Reason.PROTOCOL);
        assertRefused(withCrc(FrameType.RECORDS_ZSTD.code(), le(x -> x.putInt(20 << 20).put(bomb))), Reason.PROTOCOL);
        // Garbage where the zstd frame should be, and a valid frame whose records are malformed.
        assertRefused(withCrc(FrameType.RECORDS_ZSTD.code(), le(x -> x.putInt(64).put(new byte[40]))), Reason.PROTOCOL);
        byte[] lies = com.github.luben.zstd.Zstd.compress(le(x -> x.putInt(5).putInt(3).put(new byte[3])));
        assertRefused(withCrc(FrameType.RECORDS_ZSTD.code(), le(x -> x.putInt(11).put(lies))), Reason.PROTOCOL);
    }

    @Test
    void aFrameSplitAcrossReadsIsReassembled() {
        byte[] frame = Frames.encode(new Messages.Ack(1, 2, 3));
        EmbeddedChannel ch = channel();
        for (byte b : frame) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[]{b}));
        }
        assertThat((Message) ch.readInbound()).isEqualTo(new Messages.Ack(1, 2, 3));
        ch.finishAndReleaseAll();
    }

    @Test
    void everySingleByteFlipIsRefused() {
        byte[] frame = Frames.encode(new Messages.Hello("c", "f", 1, 2, 3, 0, -1, 0));
        for (int i = 4; i < frame.length; i++) { // the length field is checked by the frame decoder
            byte[] bad = frame.clone();
            bad[i] ^= 0x01;
            assertRefused(bad, Reason.PROTOCOL);
        }
    }

    @Test
    void oversizedLengthsFailFastWithoutReadingTheBody() {
        EmbeddedChannel ch = channel();
        ByteBuf huge = Unpooled.buffer().writeIntLE(Integer.MAX_VALUE).writeByte(1);
        assertThatThrownBy(() -> ch.writeInbound(huge)).isInstanceOf(TooLongFrameException.class);
        ch.finishAndReleaseAll();
        EmbeddedChannel ch2 = channel();
        ByteBuf negative = Unpooled.buffer().writeIntLE(-1).writeByte(1);
        assertThatThrownBy(() -> ch2.writeInbound(negative)).isInstanceOf(DecoderException.class);
        ch2.finishAndReleaseAll();
    }

    @Test
    void encoderRefusesAFrameLargerThanTheMaximum() {
        EmbeddedChannel ch = channel();
        assertThatThrownBy(() -> ch.writeOutbound(new Messages.FileChunk(0, 0, new byte[MAX])))
                .hasRootCauseInstanceOf(ReplicationException.class).rootCause().hasMessageContaining("exceeds the maximum frame size");
        ch.finishAndReleaseAll();
    }

    @Test
    void malformedPayloadsAreRefused() {
        // unknown type
        assertRefused(withCrc(99, new byte[0]), Reason.PROTOCOL);
        // trailing bytes after an ACK
        assertRefused(withCrc(FrameType.ACK.code(), new byte[25]), Reason.PROTOCOL);
        // a short ACK
        assertRefused(withCrc(FrameType.ACK.code(), new byte[23]), Reason.PROTOCOL);
        // RECORDS whose record length runs past the frame
        assertRefused(withCrc(FrameType.RECORDS.code(), le(b -> b.putInt(1).putInt(1000).put(new byte[10]))), Reason.PROTOCOL);
        // RECORDS with bytes after its last record
        assertRefused(withCrc(FrameType.RECORDS.code(), le(b -> b.putInt(1).putInt(2).put(new byte[5]))), Reason.PROTOCOL);
        // RECORDS claiming more records than bytes
        assertRefused(withCrc(FrameType.RECORDS.code(), le(b -> b.putInt(1000).putInt(0))), Reason.PROTOCOL);
        // a string longer than the frame
        assertRefused(withCrc(FrameType.HELLO.code(), le(b -> b.putShort((short) 900).put(new byte[10]))), Reason.PROTOCOL);
        // an epoch history out of order
        assertRefused(withCrc(FrameType.CONTINUE.code(), le(b -> b.putLong(1).putInt(2).putLong(2).putLong(1).putLong(1).putLong(1))),
                Reason.PROTOCOL);
        // a history claiming a million entries
        assertRefused(withCrc(FrameType.CONTINUE.code(), le(b -> b.putLong(1).putInt(1_000_000))), Reason.PROTOCOL);
        // a reject with an unknown reason
        assertRefused(withCrc(FrameType.REJECT.code(), le(b -> b.put((byte) 99).putShort((short) 0))), Reason.PROTOCOL);
        // a full sync naming more files than bytes
        assertRefused(withCrc(FrameType.FULL_SYNC.code(), le(b -> b.putLong(1).putLong(1).putInt(1).putLong(1).putLong(1)
                .putInt(100_000))), Reason.PROTOCOL);
        // a frame too short for its header
        EmbeddedChannel ch = channel();
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.buffer().writeIntLE(2).writeShort(0)))
                .hasRootCauseInstanceOf(ReplicationException.class);
        ch.finishAndReleaseAll();
    }

    private interface Filler {
        void fill(ByteBuffer b);
    }

    private static byte[] le(Filler f) {
        ByteBuffer b = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        f.fill(b);
        byte[] out = new byte[b.position()];
        System.arraycopy(b.array(), 0, out, 0, out.length);
        return out;
    }

    /** A frame with a correct CRC around an arbitrary type and payload. */
    private static byte[] withCrc(int type, byte[] payload) {
        ByteBuf b = Unpooled.buffer();
        b.writeIntLE(5 + payload.length).writeByte(type).writeIntLE(0).writeBytes(payload);
        b.setIntLE(5, FrameEncoder.crc(b, 4, 9, b.writerIndex()));
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        b.release();
        return out;
    }

    private static void assertRefused(byte[] frame, Reason reason) {
        EmbeddedChannel ch = channel();
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(frame)))
                .isInstanceOf(DecoderException.class)
                .rootCause().isInstanceOfSatisfying(ReplicationException.class, e -> assertThat(e.reason()).isEqualTo(reason));
        ch.finishAndReleaseAll();
    }
}
