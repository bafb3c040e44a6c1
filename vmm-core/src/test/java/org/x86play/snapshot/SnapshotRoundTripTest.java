package org.x86play.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.x86play.machine.RunLimits;
import org.x86play.machine.RunResult;

/**
 * The bit-exact proof: run N instructions, snapshot, restore into a freshly built machine, run M more; the
 * serial output, the registers and the whole machine state (a second snapshot, byte for byte) equal those of
 * an uninterrupted run of N + M instructions.
 */
class SnapshotRoundTripTest {
    private static final Compression CODEC = new JdkCompression();

    @Test
    void resumedRunEqualsUninterruptedRun() throws Exception {
        final long total = 3_000_000;
        // Uninterrupted run; the chunk hook records where the run loop's chunks end (timers fire there).
        TestGuest.Built straight = new TestGuest.Built();
        List<Long> boundaries = new ArrayList<>();
        straight.m.addChunkHook(() -> boundaries.add(straight.m.cpu.instructions));
        RunResult r = straight.m.run(new RunLimits().maxInstructions(total));
        assertEquals(RunResult.Reason.INSTRUCTION_LIMIT, r.reason, r.message);
        assertTrue(straight.serial.length() > 200, "guest printed: " + straight.serial);
        // Split at a chunk end near the middle: the resumed run sees the same chunk boundaries.
        long n = boundaries.stream().filter(b -> b >= total / 2).findFirst().orElseThrow();

        TestGuest.Built first = new TestGuest.Built();
        assertEquals(RunResult.Reason.INSTRUCTION_LIMIT, first.m.run(new RunLimits().maxInstructions(n)).reason);
        SnapshotWriter writer = new SnapshotWriter(CODEC);
        byte[] snap = writer.write(first.m, first.p, first.config, first.initial);
        assertTrue(writer.storedPages() < TestGuest.MEMORY / 4096 / 4, writer.ramSummary());
        assertTrue(writer.referencedPages() > 0, writer.ramSummary());
        System.out.println("round trip: split at " + n + " of " + total + " instructions, snapshot " + snap.length
                + " bytes: " + writer.ramSummary());

        TestGuest.Built resumed = new TestGuest.Built();
        Snapshot s = Snapshot.parse(snap);
        s.restore(resumed.m, resumed.p, resumed.config, CODEC);
        assertArrayEquals(snap, new SnapshotWriter(CODEC).write(resumed.m, resumed.p, resumed.config, resumed.initial),
                "restored state saves to the same bytes");
        r = resumed.m.run(new RunLimits().maxInstructions(total - n));
        assertEquals(RunResult.Reason.INSTRUCTION_LIMIT, r.reason, r.message);

        assertEquals(straight.serial.toString(), first.serial.toString() + resumed.serial, "serial output");
        String[] lines = straight.serial.toString().split("\n");
        System.out.println("round trip: last guest line " + lines[lines.length - 1]);
        assertTrue(!lines[1].split(" ")[1].equals(lines[lines.length - 1].split(" ")[1]), "timer ticks advance");
        assertArrayEquals(straight.m.cpu.reg, resumed.m.cpu.reg, "general registers");
        assertEquals(straight.m.cpu.eip, resumed.m.cpu.eip, "EIP");
        assertEquals(straight.m.cpu.getEflags(), resumed.m.cpu.getEflags(), "EFLAGS");
        assertEquals(straight.m.cpu.instructions, resumed.m.cpu.instructions, "instruction count");
        assertEquals(straight.m.cpu.tsc, resumed.m.cpu.tsc, "TSC");
        assertArrayEquals(new SnapshotWriter(CODEC).write(straight.m, straight.p, straight.config, straight.initial),
                new SnapshotWriter(CODEC).write(resumed.m, resumed.p, resumed.config, resumed.initial),
                "whole machine state after N+M equals the resumed machine's");
    }

    @Test
    void interpreterAndBlockCacheResumeAlike() throws Exception {
        // A snapshot taken under the block cache resumes under the plain interpreter with the same result.
        TestGuest.Built a = new TestGuest.Built();
        a.m.run(new RunLimits().maxInstructions(700_000));
        byte[] snap = new SnapshotWriter(CODEC).write(a.m, a.p, a.config, a.initial);
        TestGuest.Built b = new TestGuest.Built();
        b.m.setTranslationCache(false);
        Snapshot.parse(snap).restore(b.m, b.p, b.config, CODEC);
        a.m.run(new RunLimits().maxInstructions(300_000));
        b.m.run(new RunLimits().maxInstructions(300_000));
        assertEquals(a.serial.substring(a.serial.length() - b.serial.length()), b.serial.toString());
        assertArrayEquals(a.m.cpu.reg, b.m.cpu.reg);
    }

    @Test
    void mismatchedImageIsRejectedClearly() throws Exception {
        TestGuest.Built a = new TestGuest.Built();
        a.m.run(new RunLimits().maxInstructions(100_000));
        byte[] snap = new SnapshotWriter(CODEC).write(a.m, a.p, a.config, a.initial);
        TestGuest.Built b = new TestGuest.Built();
        b.config.kernelSha = new byte[32];
        SnapshotFormatException e = org.junit.jupiter.api.Assertions.assertThrows(SnapshotFormatException.class,
                () -> Snapshot.parse(snap).restore(b.m, b.p, b.config, CODEC));
        assertTrue(e.getMessage().contains("kernel image differs"), e.getMessage());
    }

    @Test
    void unknownMajorVersionIsRejected() {
        TestGuest.Built a = new TestGuest.Built();
        byte[] snap = new SnapshotWriter(CODEC).write(a.m, a.p, a.config, a.initial);
        snap[8] = 2;
        SnapshotFormatException e = org.junit.jupiter.api.Assertions.assertThrows(SnapshotFormatException.class, () -> Snapshot.parse(snap));
        assertTrue(e.getMessage().contains("version 2.0 is not supported"), e.getMessage());
    }
}
