package org.x86play.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.x86play.cpu.Cpu;
import org.x86play.machine.RunLimits;
import org.x86play.snapshot.JdkCompression;
import org.x86play.snapshot.LinuxGuest;
import org.x86play.snapshot.Snapshot;
import org.x86play.snapshot.SnapshotFormatException;
import org.x86play.snapshot.SnapshotWriter;

/**
 * Save and resume through the worker's session, on a tiny "Linux" kernel entered by the 32-bit boot protocol:
 * it counts in ECX, keeps the count at 0x200000 and writes 'A'..'P' (count mod 16) to COM1 forever.
 * Browser snapshots (plain-Java deflate) resume natively and native ones (java.util.zip) in the session.
 */
class GuestSessionSnapshotTest {
    private static final byte[] COUNTER = {
        0x31, (byte) 0xC9,                        // xor ecx, ecx
        0x66, (byte) 0xBA, (byte) 0xF8, 0x03,     // mov dx, 0x3F8
        0x41,                                     // loop: inc ecx
        (byte) 0x89, 0x0D, 0, 0, 0x20, 0,         // mov [0x200000], ecx
        (byte) 0x89, (byte) 0xC8,                 // mov eax, ecx
        0x24, 0x0F,                               // and al, 0x0F
        0x04, 0x41,                               // add al, 'A'
        (byte) 0xEE,                              // out dx, al
        (byte) 0xEB, (byte) 0xF0,                 // jmp loop
    };
    private static final String CMDLINE = "console=ttyS0 counter";

    private long hostNs = 1_000_000_000L;

    /** A bzImage (boot protocol 2.15, loaded high) whose protected-mode kernel is {@code code}, padded to 64 KiB. */
    static byte[] bzImage(byte[] code) {
        byte[] b = new byte[5 * 512 + 65536];
        b[0x1F1] = 4;                         // setup sectors
        b[0x201] = 0x6A;                      // header length
        put32(b, 0x202, 0x53726448);          // "HdrS"
        b[0x206] = 0x0F;
        b[0x207] = 0x02;                      // version 2.15
        b[0x211] = 0x01;                      // LOADED_HIGH
        put32(b, 0x214, 0x100000);
        put32(b, 0x22C, 0x37FFFFFF);          // initrd_addr_max
        put32(b, 0x238, 2047);                // cmdline_size
        System.arraycopy(code, 0, b, 5 * 512, code.length);
        for (int i = code.length + 64; i < 65536; i++) b[5 * 512 + i] = (byte) (i * 31 + 7);   // "kernel data"
        return b;
    }

    private static void put32(byte[] b, int at, int v) {
        for (int i = 0; i < 4; i++) b[at + i] = (byte) (v >>> (8 * i));
    }

    private GuestSession boot(byte[] kernel, byte[] initrd) {
        return GuestSession.linux(kernel, initrd, CMDLINE, 16, () -> hostNs, () -> 0L);
    }

    private static String run(GuestSession s, long instructions) {
        s.machine.run(new RunLimits().maxInstructions(instructions));
        String out = s.serialOut.take();
        return out == null ? "" : out;
    }

    @Test
    void aSavedSessionResumesBitExactlyInAFreshOne() throws Exception {
        byte[] kernel = bzImage(COUNTER), initrd = "an initrd".getBytes();
        GuestSession a = boot(kernel, initrd);
        run(a, 10_000);
        byte[] snap = a.save();
        String after = run(a, 7_000);
        assertEquals(1000, after.length(), "one byte per loop of 7 instructions");

        GuestSession b = GuestSession.resume(snap, kernel, initrd, () -> hostNs, () -> 0L);
        assertEquals(CMDLINE, b.config().cmdline);
        assertEquals(16 << 20, b.config().memoryBytes);
        assertEquals(after, run(b, 7_000), "same COM1 output after the snapshot point");
        assertEquals(a.machine.cpu.eip, b.machine.cpu.eip);
        assertEquals(a.machine.cpu.reg[Cpu.ECX], b.machine.cpu.reg[Cpu.ECX]);
        assertEquals(a.machine.memory.read32(0x200000), b.machine.memory.read32(0x200000));
        assertEquals(a.machine.cpu.instructions, b.machine.cpu.instructions, "the instruction count is part of the state");
    }

    @Test
    void browserSnapshotsAreCompressedAndReferenceTheKernelPages() {
        GuestSession a = boot(bzImage(COUNTER), null);
        run(a, 1_000);
        byte[] snap = a.save();
        String summary = a.lastSaveSummary();
        // The kernel's 16 pages, boot_params, the command line and the ACPI tables are unchanged (referenced);
        // the counter's page is stored.
        int referenced = Integer.parseInt(summary.replaceAll(".* (\\d+) referenced.*", "$1"));
        assertTrue(referenced >= 17, summary);
        int stored = Integer.parseInt(summary.replaceAll(".* (\\d+) stored pages.*", "$1"));
        int compressed = Integer.parseInt(summary.replaceAll(".*\\((\\d+) bytes compressed\\).*", "$1"));
        assertEquals(1, stored, summary);
        assertTrue(compressed < stored * 4096 / 8, "stored pages deflated, not stored raw: " + summary);
        assertTrue(snap.length < 64 * 1024, "snapshot of a 16 MiB guest: " + snap.length + " bytes");
    }

    @Test
    void aBrowserSnapshotResumesNativelyAndANativeOneInTheBrowser() throws Exception {
        byte[] kernel = bzImage(COUNTER);
        GuestSession browser = boot(kernel, null);
        run(browser, 3_000);
        byte[] fromBrowser = browser.save();
        String next = run(browser, 600);

        LinuxGuest nativeGuest = LinuxGuest.resume(Snapshot.parse(fromBrowser), kernel, null, () -> 0L, new JdkCompression());
        StringBuilder out = new StringBuilder();
        nativeGuest.machine.setSerialOutput(c -> out.append((char) c));
        nativeGuest.machine.run(new RunLimits().maxInstructions(600));
        assertEquals(next, out.toString());

        byte[] fromNative = nativeGuest.save(new SnapshotWriter(new JdkCompression()));
        nativeGuest.machine.run(new RunLimits().maxInstructions(600));
        GuestSession again = GuestSession.resume(fromNative, kernel, null, () -> hostNs, () -> 0L);
        run(again, 600);
        assertEquals(nativeGuest.machine.cpu.eip, again.machine.cpu.eip);
        assertEquals(nativeGuest.machine.memory.read32(0x200000), again.machine.memory.read32(0x200000));
    }

    @Test
    void aSnapshotNeedsTheImagesItWasTakenWith() {
        byte[] kernel = bzImage(COUNTER);
        GuestSession a = boot(kernel, null);
        run(a, 100);
        byte[] snap = a.save();
        byte[] other = kernel.clone();
        other[5 * 512 + 2000] ^= 1;
        SnapshotFormatException e = assertThrows(SnapshotFormatException.class,
                () -> GuestSession.resume(snap, other, null, () -> hostNs, () -> 0L));
        assertTrue(e.getMessage().contains("kernel image differs") && e.getMessage().contains("SHA-256"), e.getMessage());
        e = assertThrows(SnapshotFormatException.class,
                () -> GuestSession.resume(snap, kernel, new byte[10], () -> hostNs, () -> 0L));
        assertTrue(e.getMessage().contains("initrd"), e.getMessage());
    }

    @Test
    void damagedSnapshotsGiveClearErrors() {
        byte[] kernel = bzImage(COUNTER);
        GuestSession a = boot(kernel, null);
        run(a, 100);
        byte[] snap = a.save();
        byte[] flipped = snap.clone();
        flipped[snap.length / 2] ^= 0x40;
        SnapshotFormatException e = assertThrows(SnapshotFormatException.class,
                () -> GuestSession.resume(flipped, kernel, null, () -> hostNs, () -> 0L));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
        e = assertThrows(SnapshotFormatException.class,
                () -> GuestSession.resume(java.util.Arrays.copyOf(snap, snap.length - 9), kernel, null, () -> hostNs, () -> 0L));
        assertNotNull(e.getMessage());
        assertThrows(SnapshotFormatException.class, () -> GuestSession.resume(new byte[0], kernel, null, () -> hostNs, () -> 0L));
    }

    @Test
    void aSessionNotBuiltFromALinuxKernelCannotSave() {
        org.x86play.machine.Machine m = new org.x86play.machine.Machine(1 << 20);
        GuestSession s = new GuestSession(m, new org.x86play.machine.PcPlatform(m, () -> 0L), () -> hostNs);
        assertThrows(IllegalStateException.class, s::save);
    }
}
