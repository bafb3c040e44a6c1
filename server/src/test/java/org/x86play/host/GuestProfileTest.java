package org.x86play.host;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.x86play.cpu.Cpu;
import org.x86play.cpu.SegmentCache;
import org.x86play.machine.Machine;

/** The profiler's inclusive table: samples attributed to every function on the EBP frame chain. */
class GuestProfileTest {
    @TempDir
    Path dir;

    Machine m;
    GuestProfile profile;

    static final int FLAT32 = SegmentCache.ATTR_P | SegmentCache.ATTR_S | SegmentCache.ATTR_DB | SegmentCache.ATTR_G;

    @BeforeEach
    void setUp() throws Exception {
        m = new Machine(1 << 20);
        Path map = dir.resolve("System.map");
        Files.writeString(map, "00001000 T leaf\n00002000 T middle\n00003000 t outer\n00004000 T entry\n00005000 T unrelated\n");
        profile = new GuestProfile(m, map);
        Cpu cpu = m.cpu;
        cpu.cr0 |= Cpu.CR0_PE;
        cpu.seg[Cpu.CS].set(0x08, 0, 0xFFFFFFFF, FLAT32 | 0x0A);
        cpu.seg[Cpu.SS].set(0x10, 0, 0xFFFFFFFF, FLAT32 | 0x02);
    }

    /** Lays out frames at the given stack addresses: each saves the next one's address and a return address. */
    void frames(int[] ebps, int[] returns) {
        for (int i = 0; i < ebps.length; i++) {
            m.memory.write32(ebps[i], i + 1 < ebps.length ? ebps[i + 1] : 0);
            m.memory.write32(ebps[i] + 4, returns[i]);
        }
    }

    @Test
    void countsEveryCallerOnceWithoutPaging() {
        // leaf <- middle <- middle (recursion) <- outer <- entry
        frames(new int[] {0x8000, 0x8040, 0x8100, 0x8400}, new int[] {0x2010, 0x2020, 0x3005, 0x4000});
        m.cpu.eip = 0x1004;
        m.cpu.reg[Cpu.EBP] = 0x8000;
        profile.sample();
        profile.sample();
        assertEquals(2, profile.inclusiveSamples("leaf"));
        assertEquals(2, profile.inclusiveSamples("middle"), "a recursive function counts once per sample");
        assertEquals(2, profile.inclusiveSamples("outer"));
        assertEquals(2, profile.inclusiveSamples("entry"));
        assertEquals(0, profile.inclusiveSamples("unrelated"));

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        profile.print(new PrintStream(out, true), 10);
        String text = out.toString(StandardCharsets.ISO_8859_1);
        assertTrue(text.contains("inclusive"), text);
        assertTrue(text.matches("(?s).*inclusive.*100\\.0%\\s+2\\s+outer.*"), text);
    }

    @Test
    void followsTheGuestPageTables() {
        // Stack at linear 0xC0008000 mapped by a 4 KiB page to physical 0x9000; page directory at 0x10000.
        int dirBase = 0x10000, table = 0x11000;
        m.memory.write32(dirBase + ((0xC0008000 >>> 22) << 2), table | 3);
        m.memory.write32(table + (((0xC0008000 >>> 12) & 0x3FF) << 2), 0x9000 | 3);
        m.memory.write32(0x9000, 0xC0008020);
        m.memory.write32(0x9004, 0x3010);
        m.memory.write32(0x9020, 0);
        m.memory.write32(0x9024, 0x4010);
        m.cpu.cr3 = dirBase;
        m.cpu.cr0 |= Cpu.CR0_PG;
        m.cpu.eip = 0x1000;
        m.cpu.reg[Cpu.EBP] = 0xC0008000;
        profile.sample();
        assertEquals(1, profile.inclusiveSamples("outer"));
        assertEquals(1, profile.inclusiveSamples("entry"));
        assertEquals(0, profile.inclusiveSamples("middle"));
    }

    @Test
    void stopsAtAnythingThatIsNotAFrame() {
        m.cpu.eip = 0x1000;
        m.cpu.reg[Cpu.EBP] = 0xFFFFFFF0; // beyond RAM
        profile.sample();
        m.cpu.reg[Cpu.EBP] = 0x8002; // misaligned
        profile.sample();
        m.memory.write32(0x8000, 0x7000); // saved EBP below the frame: the chain ends after one return address
        m.memory.write32(0x8004, 0x2000);
        m.cpu.reg[Cpu.EBP] = 0x8000;
        profile.sample();
        m.memory.write32(0x8100, 0x8200); // a zero return address: the outermost frame, nothing to name
        m.memory.write32(0x8104, 0);
        m.cpu.reg[Cpu.EBP] = 0x8100;
        profile.sample();
        assertEquals(4, profile.inclusiveSamples("leaf"));
        assertEquals(1, profile.inclusiveSamples("middle"));
        assertEquals(0, profile.inclusiveSamples("outer"));
        assertEquals(0, profile.inclusiveSamples("00000000-000000ff"));
    }
}
