package org.x86play.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The native harness on its own, with hand-computed expectations; and the comparator's sensitivity. */
class HostHarnessTest {
    private static DiffCase bytes(int... b) {
        DiffCase c = new DiffCase();
        for (int x : b) c.code[c.codeLen++] = (byte) x;
        return c;
    }

    @Test
    void harnessRunsKnownInstructions() throws Exception {
        assumeTrue(HostHarness.unsupportedReason() == null, "needs an x86-64 Linux host");
        HostHarness h = HostHarness.build(HostDiffTest.buildDir());

        DiffCase add = bytes(0x01, 0xD8); // add eax, ebx
        add.regs[0] = 0x7FFFFFFF;
        add.regs[3] = 1;
        DiffCase div = bytes(0xF7, 0xF1); // div ecx with ecx = 0 -> #DE
        div.regs[0] = 5;
        DiffCase mem = bytes(0x01, 0x03); // add [ebx], eax (0x67 prefix on the host)
        mem.addr32 = true;
        mem.mem = new byte[DiffCase.BLOCK_SIZE];
        mem.mem[0] = 0x10;
        mem.regs[0] = 0x01020304;
        mem.regs[3] = DiffCase.BLOCK_ADDR;
        DiffCase ud = bytes(0x0F, 0x0B); // ud2
        DiffCase std = bytes(0xFD); // std
        DiffCase jzTaken = bytes(0x74, DiffCase.TAKEN_OFF - 2); // jz to the "taken" stub
        jzTaken.eflags = CaseBuilder.ZF;
        DiffCase jzNot = bytes(0x74, DiffCase.TAKEN_OFF - 2);

        List<DiffCase.Outcome> o = h.run(List.of(add, div, mem, ud, std, jzTaken, jzNot));
        assertEquals(DiffCase.TAKEN, o.get(5).status);
        assertEquals(0, o.get(6).status);
        assertEquals(0, o.get(0).status);
        assertEquals(0x80000000, o.get(0).regs[0]);
        assertEquals(CaseBuilder.OF | CaseBuilder.SF | CaseBuilder.AF | CaseBuilder.PF, o.get(0).eflags & DiffCompare.FLAG_MASK);
        assertEquals(DiffCompare.SIGFPE, o.get(1).status);
        assertEquals(5, o.get(1).regs[0], "a faulting DIV leaves EAX alone");
        assertEquals(0, o.get(2).status);
        assertEquals(0x14, o.get(2).mem[0]);
        assertEquals(0x03, o.get(2).mem[1]);
        assertEquals(DiffCompare.SIGILL, o.get(3).status);
        assertEquals(CaseBuilder.DF, o.get(4).eflags & CaseBuilder.DF);
    }

    @Test
    void thirtyTwoBitHarnessRunsBcdAndStackInstructions() throws Exception {
        assumeTrue(HostHarness.unsupportedReason() == null, "needs an x86-64 Linux host");
        HostHarness h;
        try {
            h = HostHarness.build(HostDiffTest.buildDir(), true);
        } catch (java.io.IOException e) {
            assumeTrue(false, "no gcc -m32 here: " + e.getMessage());
            return;
        }
        DiffCase aaa = bytes(0x37); // aaa with AL = 0x0F
        aaa.regs[0] = 0x0F;
        DiffCase push = bytes(0x50, 0x50, 0x5B); // push eax; push eax; pop ebx
        push.regs[0] = 0x12345678;
        DiffCase into = bytes(0xCE); // into with OF = 1: #OF -> SIGSEGV on Linux
        into.eflags = CaseBuilder.OF;
        List<DiffCase.Outcome> o = h.run(List.of(aaa, push, into));
        assertEquals(0x0105, o.get(0).regs[0] & 0xFFFF);
        assertEquals(0x12345678, o.get(1).regs[3]);
        assertEquals(-4, o.get(1).regs[4], "ESP change");
        assertEquals(DiffCompare.SIGSEGV, o.get(2).status);
    }

    /** Forms named for the exception they expect really raise it on the host (so they are not vacuous). */
    @Test
    void faultingFormsFaultOnTheHost() throws Exception {
        assumeTrue(HostHarness.unsupportedReason() == null, "needs an x86-64 Linux host");
        HostHarness h64 = HostHarness.build(HostDiffTest.buildDir()), h32 = null;
        try {
            h32 = HostHarness.build(HostDiffTest.buildDir(), true);
        } catch (java.io.IOException e) {
            // no gcc -m32: the 32-bit forms are skipped by the suite as well
        }
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(2);
        int checked = 0;
        for (DiffForm f : HostDiffSuite.forms()) {
            int want = f.name.contains("(#UD)") ? DiffCompare.SIGILL : f.name.contains("#MF)") ? DiffCompare.SIGFPE
                    : f.name.contains("(#GP)") ? DiffCompare.SIGSEGV : f.name.contains("(#DB") || f.name.contains("(#BP)") ? DiffCompare.SIGTRAP : 0;
            HostHarness h = f.host32 ? h32 : h64;
            if (want == 0 || h == null) continue;
            java.util.List<DiffCase> cases = new java.util.ArrayList<>();
            for (int i = 0; i < 20; i++) cases.add(f.generate(rnd));
            for (DiffCase.Outcome o : h.run(cases)) assertEquals(want, o.status, f.name);
            checked++;
        }
        assertEquals(true, checked >= 10, "forms checked: " + checked);
    }

    @Test
    void comparatorDetectsDifferencesAndMasksOnlyUndefinedFlags() {
        DiffCase c = bytes(0x01, 0xD8);
        DiffCase.Outcome h = new DiffCase.Outcome();
        DiffCase.Outcome e = new DiffCase.Outcome();
        e.status = -1;
        e.eip = DiffCase.CODE_ADDR + 2;
        assertNull(DiffCompare.compare(c, h, e));
        e.regs[7] = 1;
        assertNotNull(DiffCompare.compare(c, h, e), "EDI differs");
        e.regs[7] = 0;
        e.regs[4] = 123;
        assertNull(DiffCompare.compare(c, h, e), "ESP is not compared");
        e.eflags = CaseBuilder.AF;
        assertNotNull(DiffCompare.compare(c, h, e), "AF differs");
        c.undefFlags = CaseBuilder.AF;
        assertNull(DiffCompare.compare(c, h, e), "AF undefined for this case");
        e.eflags = CaseBuilder.CF;
        assertNotNull(DiffCompare.compare(c, h, e), "CF is still compared");
        e.eflags = 0;
        e.eip = DiffCase.CODE_ADDR + 3;
        assertNotNull(DiffCompare.compare(c, h, e), "wrong instruction length");
        e.eip = DiffCase.CODE_ADDR + 2;
        h.status = DiffCompare.SIGFPE;
        assertNotNull(DiffCompare.compare(c, h, e), "host faulted, emulator did not");
        e.status = 0;
        assertNull(DiffCompare.compare(c, h, e), "#DE matches SIGFPE");
        e.status = 13;
        assertNotNull(DiffCompare.compare(c, h, e), "#GP does not match SIGFPE");
    }

    @Test
    void everyFormGeneratesEncodableCases() {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(1);
        for (DiffForm f : HostDiffSuite.forms()) {
            for (int i = 0; i < 50; i++) {
                DiffCase c = f.generate(rnd);
                // One instruction is at most 15 bytes; multi-instruction forms (";" or "sequence") fill the harness's 32.
                int max = f.name.startsWith("sequence") || f.name.contains(";") ? 32 : f.name.startsWith("16-byte") ? 16 : 15;
                assertEquals(true, c.codeLen > 0 && c.codeLen <= max, f.name + " length " + c.codeLen);
                assertEquals(true, c.hostCode().length <= 32, f.name + " host length");
                // No REX prefixes (they are INC/DEC in 32-bit mode): no 0x40-0x4F right after the legacy prefixes.
                int k = 0;
                while (k < c.codeLen && isLegacyPrefix(c.code[k] & 0xFF)) k++;
                int first = c.code[k] & 0xFF;
                if (!f.host32) assertEquals(false, first >= 0x40 && first <= 0x4F, f.name + ": REX byte");
                assertEquals(f.host32, c.host32, f.name);
            }
        }
    }

    private static boolean isLegacyPrefix(int b) {
        return b == 0x66 || b == 0x67 || b == 0xF0 || b == 0xF2 || b == 0xF3;
    }
}
