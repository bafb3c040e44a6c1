package org.x86play.cpu.decoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.x86play.cpu.Cpu;
import org.x86play.cpu.CpuFault;

/** Consistency of the declarative table and the decoder's use of it. */
class OpcodeTableTest {
    private static void rows(java.util.function.Consumer<OpcodeRow> check) {
        for (OpcodeRow r : OpcodeTable.primary) if (r != null && !r.has(OpcodeRow.GROUP)) check.accept(r);
        for (OpcodeRow r : OpcodeTable.group) if (r != null) check.accept(r);
    }

    @Test
    void lockableRowsHaveAMemoryCapableDestination() {
        rows(r -> {
            if (r.has(OpcodeRow.LOCKABLE)) {
                assertTrue(r.has(OpcodeRow.MODRM), r.mnemonic);
                assertTrue(r.op1 == Operand.Eb || r.op1 == Operand.Ev || r.op1 == Operand.Mq, r.mnemonic);
            }
        });
    }

    @Test
    void groupHeadersHaveForms() {
        for (int op = 0; op < 512; op++) {
            OpcodeRow r = OpcodeTable.primary[op];
            if (r == null || !r.has(OpcodeRow.GROUP)) continue;
            int forms = 0;
            for (int reg = 0; reg < 8; reg++) if (OpcodeTable.lookupGroup(op, reg) != null) forms++;
            assertTrue(forms > 0, "group " + Integer.toHexString(op));
        }
    }

    @Test
    void p6LacksMmxSseAndThreeByteMaps() {
        for (int op : new int[] {0x10F, 0x110, 0x128, 0x138, 0x13A, 0x16F, 0x177, 0x17E, 0x1C2, 0x1D0, 0x1EF, 0x1FF}) {
            assertNull(OpcodeTable.lookup(op), Integer.toHexString(op));
        }
        for (int op : new int[] {0x140, 0x1A2, 0x131, 0x134, 0x1C7, 0x1C8, 0x1AE, 0x11F}) {
            assertNotNull(OpcodeTable.lookup(op), Integer.toHexString(op));
        }
    }

    @Test
    void flagColumns() {
        assertEquals(1, OpcodeTable.lookup(0x12).flagsRead);                    // adc reads CF
        assertEquals(0x8D5, OpcodeTable.lookup(0x01).flagsWritten);             // add writes all six
        assertEquals(0x8D5 & ~1, OpcodeTable.lookup(0x40).flagsWritten);        // inc keeps CF
        assertEquals(0, OpcodeTable.lookup(0x89).flagsWritten);                 // mov
    }

    /** A decode through the CPU-facing interface: the reused Instruction is fully reset each time. */
    @Test
    void decoderReusesInstructionObject() {
        int[] bytes = {0x26, 0x66, 0x8b, 0x44, 0x24, 0x08, 0x90};
        CodeSource src = off -> bytes[off];
        Instruction in = new Instruction();
        Decoder.decode(src, 0, true, in);
        assertEquals(6, in.length);
        assertEquals(Cpu.ES, in.memSeg);
        assertEquals(4, in.base);
        assertEquals(8, in.disp);
        assertTrue(!in.op32);
        Decoder.decode(src, 6, true, in);
        assertEquals(1, in.length);
        assertEquals(-1, in.segOverride);
        assertEquals(Op.NOP, in.exec);
        // 16 bytes of prefixes: #GP(0) at the length limit
        CodeSource longSrc = off -> 0x66;
        CpuFault f = org.junit.jupiter.api.Assertions.assertThrows(CpuFault.class, () -> Decoder.decode(longSrc, 0, true, in));
        assertEquals(CpuFault.GP, f.vector);
    }
}
