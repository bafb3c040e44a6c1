package org.x86play.cpu.system;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.x86play.cpu.Cpu;
import org.x86play.cpu.CpuFault;
import org.x86play.cpu.TripleFault;
import org.x86play.io.IoBus;
import org.x86play.memory.PhysicalMemory;

/** Unit tests of the system unit against SDM Vol. 3 behaviour, driving it directly (no interpreter). */
class SystemUnitTest {
    static final int GDT = 0x1000, IDT = 0x2000, TSS0 = 0x3000, TSS1 = 0x3400;
    static final int CODE0 = 0x08, DATA0 = 0x10, CODE3 = 0x1B, DATA3 = 0x23, TSS_A = 0x28, TSS_B = 0x30,
            GATE = 0x38, NOTPRESENT = 0x40, SMALL = 0x48, CODE16 = 0x50, TASKGATE = 0x58;

    PhysicalMemory mem;
    Cpu cpu;
    SystemUnit sys;

    @BeforeEach
    void setUp() {
        mem = new PhysicalMemory(1 << 20);
        cpu = new Cpu(mem, new IoBus());
        sys = cpu.system;
    }

    void desc(int table, int sel, int base, int limit, int access, int flags) {
        int a = table + (sel & ~7);
        mem.write32(a, (limit & 0xFFFF) | (base << 16));
        mem.write32(a + 4, ((base >>> 16) & 0xFF) | (access << 8) | (limit & 0xF0000) | (flags << 20) | (base & 0xFF000000));
    }

    void gate(int table, int index8, int selector, int offset, int access, int params) {
        mem.write32(table + index8, (offset & 0xFFFF) | (selector << 16));
        mem.write32(table + index8 + 4, (offset & 0xFFFF0000) | (access << 8) | params);
    }

    /** Flat protected mode at CPL 0 with a TSS (ESP0 = 0x9000), interrupt gates for vectors 0-31 at 0x7000+v*16. */
    void enterProtected() {
        desc(GDT, CODE0, 0, 0xFFFFF, 0x9A, 0xC);
        desc(GDT, DATA0, 0, 0xFFFFF, 0x92, 0xC);
        desc(GDT, CODE3, 0, 0xFFFFF, 0xFA, 0xC);
        desc(GDT, DATA3, 0, 0xFFFFF, 0xF2, 0xC);
        desc(GDT, TSS_A, TSS0, 0x67 + 0x2000 / 8 + 1, 0x89, 0);
        desc(GDT, TSS_B, TSS1, 0x67, 0x89, 0);
        gate(GDT, GATE, CODE0, 0x5000, 0xEC, 2);
        desc(GDT, NOTPRESENT, 0, 0xFFFF, 0x12, 0x4);
        desc(GDT, SMALL, 0x8000, 0xFFF, 0x92, 0x4);
        desc(GDT, CODE16, 0, 0xFFFF, 0x9A, 0);
        gate(GDT, TASKGATE, TSS_B, 0, 0xE5, 0);
        mem.write32(TSS0 + 4, 0x9000);
        mem.write16(TSS0 + 8, DATA0);
        mem.write16(TSS0 + 0x66, 0x68);
        for (int v = 0; v < 32; v++) gate(IDT, v * 8, CODE0, 0x7000 + v * 16, 0x8E, 0);
        sys.lgdt(GDT, 0x5F);
        sys.lidt(IDT, 0x7FF);
        sys.writeCr0(cpu.cr0 | Cpu.CR0_PE);
        cpu.eip = 0x100;
        sys.jumpFar(CODE0, 0x100000, true);
        sys.loadSegment(Cpu.SS, DATA0);
        sys.loadSegment(Cpu.DS, DATA0);
        sys.loadSegment(Cpu.ES, DATA0);
        cpu.reg[Cpu.ESP] = 0x6000;
        sys.ltr(TSS_A);
    }

    static int code(Runnable r) {
        try {
            r.run();
        } catch (CpuFault f) {
            return (f.vector << 16) | (f.hasErrorCode ? f.errorCode & 0xFFFF : 0xFFFF);
        }
        return -1;
    }

    // ------------------------------------------------------------------ real mode

    @Test
    void realModeIntPushesFlagsCsIpAndClearsIfTf() {
        mem.write16(0x21 * 4, 0x1234);
        mem.write16(0x21 * 4 + 2, 0x5678);
        cpu.seg[Cpu.CS].loadReal(0x1000);
        cpu.seg[Cpu.SS].loadReal(0x2000);
        cpu.reg[Cpu.ESP] = 0x100;
        cpu.setEflags(Cpu.IF | Cpu.TF | Cpu.CF | Cpu.AC);
        sys.softwareInterrupt(0x21, 0x0042);
        assertEquals(0x5678, cpu.seg[Cpu.CS].selector);
        assertEquals(0x56780, cpu.seg[Cpu.CS].base);
        assertEquals(0x1234, cpu.eip);
        assertEquals(0xFA, cpu.reg[Cpu.ESP]);
        assertEquals(0x0042, mem.read16(0x200FA));
        assertEquals(0x1000, mem.read16(0x200FC));
        assertEquals((Cpu.IF | Cpu.TF | Cpu.CF | 2) & 0xFFFF, mem.read16(0x200FE));
        assertEquals(0, cpu.getEflags() & (Cpu.IF | Cpu.TF | Cpu.AC));
        assertEquals(Cpu.CF, cpu.getEflags() & Cpu.CF);
        sys.iret(false);
        assertEquals(0x1000, cpu.seg[Cpu.CS].selector);
        assertEquals(0x42, cpu.eip);
        assertEquals(0x100, cpu.reg[Cpu.ESP]);
        assertEquals(Cpu.IF | Cpu.TF, cpu.getEflags() & (Cpu.IF | Cpu.TF));
    }

    @Test
    void realModeStackWrapsAt64K() {
        cpu.seg[Cpu.SS].loadReal(0x3000);
        cpu.reg[Cpu.ESP] = 0x12340000;
        cpu.seg[Cpu.CS].loadReal(0x100);
        sys.callFar(0x2000, 0x10, false, 0x55);
        assertEquals(0x1234FFFC, cpu.reg[Cpu.ESP]);
        assertEquals(0x55, mem.read16(0x30000 + 0xFFFC));
        assertEquals(0x100, mem.read16(0x30000 + 0xFFFE));
        sys.returnFar(false, 4);
        assertEquals(0x12340004, cpu.reg[Cpu.ESP]);
        assertEquals(0x100, cpu.seg[Cpu.CS].selector);
        assertEquals(0x55, cpu.eip);
    }

    @Test
    void realModeExceptionReturnsToFaultingInstructionAndUnrealLimitKept() {
        mem.write16(0, 0x10);
        mem.write16(2, 0x20);
        cpu.instructionStart = 0x77;
        cpu.reg[Cpu.ESP] = 0x1000;
        sys.deliverException(new CpuFault(CpuFault.DE));
        assertEquals(0x77, mem.read16(0xFFA));
        assertEquals(0x10, cpu.eip);
        cpu.seg[Cpu.DS].limit = 0xFFFFFFFF;
        sys.loadSegment(Cpu.DS, 0x40);
        assertEquals(0x400, cpu.seg[Cpu.DS].base);
        assertEquals(0xFFFFFFFF, cpu.seg[Cpu.DS].limit);
    }

    @Test
    void realModeExternalInterruptClearsHalt() {
        mem.write16(8 * 4, 0x99);
        cpu.halted = true;
        cpu.eip = 0x300;
        cpu.reg[Cpu.ESP] = 0x800;
        sys.deliverExternalInterrupt(8);
        assertFalse(cpu.halted);
        assertEquals(0x99, cpu.eip);
        assertEquals(0x300, mem.read16(0x7FA));
    }

    // ------------------------------------------------------------------ segments

    @Test
    void segmentLoadChecks() {
        enterProtected();
        assertEquals(CpuFault.GP << 16, code(() -> sys.loadSegment(Cpu.SS, 0)));
        assertEquals((CpuFault.GP << 16) | 0x1B, code(() -> sys.loadSegment(Cpu.SS, CODE3)) | 3);
        assertEquals((CpuFault.NP << 16) | NOTPRESENT, code(() -> sys.loadSegment(Cpu.DS, NOTPRESENT)));
        assertEquals((CpuFault.GP << 16) | 0x100, code(() -> sys.loadSegment(Cpu.DS, 0x100))); // beyond GDT limit
        assertEquals((CpuFault.GP << 16) | TSS_A, code(() -> sys.loadSegment(Cpu.DS, TSS_A)));
        sys.loadSegment(Cpu.FS, 0);
        assertFalse(cpu.seg[Cpu.FS].valid);
        sys.loadSegment(Cpu.GS, SMALL);
        assertEquals(0x8000, cpu.seg[Cpu.GS].base);
        assertEquals(0xFFF, cpu.seg[Cpu.GS].limit);
        assertTrue((mem.read8(GDT + SMALL + 5) & 1) != 0, "accessed bit set");
        // Hidden cache survives overwriting the descriptor.
        mem.write32(GDT + SMALL, 0);
        mem.write32(GDT + SMALL + 4, 0);
        assertEquals(0x8000, cpu.seg[Cpu.GS].base);
        assertEquals((CpuFault.GP << 16) | SMALL, code(() -> sys.loadSegment(Cpu.GS, SMALL)));
    }

    @Test
    void ring3CannotLoadRing0Data() {
        enterProtected();
        cpu.reg[Cpu.ESP] = 0x6000;
        // IRET to ring 3
        pushFrame32(DATA3, 0x4000, Cpu.IF | 2, CODE3, 0x1234);
        sys.iret(true);
        assertEquals(3, cpu.cpl);
        assertEquals(DATA3, cpu.seg[Cpu.SS].selector);
        assertFalse(cpu.seg[Cpu.DS].valid, "DS (DPL 0) nulled on return to ring 3");
        assertEquals((CpuFault.GP << 16) | DATA0, code(() -> sys.loadSegment(Cpu.DS, DATA0)));
        sys.loadSegment(Cpu.DS, DATA3);
    }

    void pushFrame32(int... values) {
        for (int v : values) {
            cpu.reg[Cpu.ESP] -= 4;
            mem.write32(cpu.reg[Cpu.ESP], v);
        }
    }

    @Test
    void callGateToRing0CopiesParametersAndRetfReturns() {
        enterProtected();
        pushFrame32(DATA3, 0x4000, 2, CODE3, 0x1000);
        sys.iret(true);
        cpu.reg[Cpu.ESP] = 0x4000;
        pushFrame32(0xBBBB, 0xAAAA);   // params: [esp]=AAAA, [esp+4]=BBBB
        cpu.eip = 0x1010;
        sys.callFar(GATE | 3, 0, true, 0x1010);
        assertEquals(0, cpu.cpl);
        assertEquals(0x5000, cpu.eip);
        assertEquals(DATA0, cpu.seg[Cpu.SS].selector);
        int esp = cpu.reg[Cpu.ESP];
        assertEquals(0x9000 - 24, esp);
        assertEquals(0x1010, mem.read32(esp));
        assertEquals(CODE3, mem.read32(esp + 4));
        assertEquals(0xAAAA, mem.read32(esp + 8));
        assertEquals(0xBBBB, mem.read32(esp + 12));
        assertEquals(0x4000 - 8, mem.read32(esp + 16));
        assertEquals(DATA3, mem.read32(esp + 20));
        sys.returnFar(true, 8);
        assertEquals(3, cpu.cpl);
        assertEquals(0x4000, cpu.reg[Cpu.ESP]);
        assertEquals(0x1010, cpu.eip);
    }

    // ------------------------------------------------------------------ interrupts

    @Test
    void interruptFromRing3SwitchesStackAndClearsIf() {
        enterProtected();
        gate(IDT, 0x80 * 8, CODE0, 0x6800, 0xEE, 0);   // DPL 3 interrupt gate
        gate(IDT, 0x81 * 8, CODE0, 0x6900, 0x8F, 0);   // DPL 0 trap gate
        pushFrame32(DATA3, 0x4000, Cpu.IF | 2, CODE3, 0x1000);
        sys.iret(true);
        sys.softwareInterrupt(0x80, 0x1002);
        assertEquals(0, cpu.cpl);
        assertEquals(0x6800, cpu.eip);
        assertEquals(0, cpu.getEflags() & Cpu.IF);
        int esp = cpu.reg[Cpu.ESP];
        assertEquals(0x9000 - 20, esp);
        assertEquals(0x1002, mem.read32(esp));
        assertEquals(CODE3, mem.read32(esp + 4));
        assertEquals(0x4000, mem.read32(esp + 12));
        sys.iret(true);
        assertEquals(3, cpu.cpl);
        assertEquals(Cpu.IF, cpu.getEflags() & Cpu.IF);
        // DPL 0 gate from ring 3: #GP(vector*8+2)
        assertEquals((CpuFault.GP << 16) | (0x81 * 8 + 2), code(() -> sys.softwareInterrupt(0x81, 0)));
    }

    @Test
    void exceptionWithErrorCodeAndDoubleFault() {
        enterProtected();
        cpu.instructionStart = 0x1234;
        sys.deliverException(CpuFault.gp(0x58));
        assertEquals(0x7000 + 13 * 16, cpu.eip);
        assertEquals(0x58, mem.read32(cpu.reg[Cpu.ESP]));
        assertEquals(0x1234, mem.read32(cpu.reg[Cpu.ESP] + 4));
        assertEquals(Cpu.RF, mem.read32(cpu.reg[Cpu.ESP] + 12) & Cpu.RF, "faults push RF = 1 (SDM §17.3.1.1)");
        sys.softwareInterrupt(13, 0x4321);
        assertEquals(0, mem.read32(cpu.reg[Cpu.ESP] + 8) & Cpu.RF, "INT n pushes RF as it is");
        // #NP on the #GP gate -> double fault
        cpu.reg[Cpu.ESP] = 0x6000;
        mem.write8(IDT + 13 * 8 + 5, 0x0E);   // not present
        sys.deliverException(CpuFault.gp(0));
        assertEquals(0x7000 + 8 * 16, cpu.eip);
        assertEquals(0, mem.read32(cpu.reg[Cpu.ESP]));
        // and without a #DF handler: triple fault
        mem.write8(IDT + 8 * 8 + 5, 0x0E);
        assertThrows(TripleFault.class, () -> sys.deliverException(CpuFault.gp(0)));
    }

    @Test
    void benignThenContributoryIsSerial() {
        enterProtected();
        mem.write8(IDT + 6 * 8 + 5, 0x0E);   // #UD gate not present -> #NP(6*8+2+1)
        cpu.instructionStart = 0x40;
        sys.deliverException(CpuFault.ud());
        assertEquals(0x7000 + 11 * 16, cpu.eip);
        assertEquals(6 * 8 + 3, mem.read32(cpu.reg[Cpu.ESP]));
    }

    @Test
    void pageFaultSetsCr2() {
        enterProtected();
        cpu.mmu.faultAddress = 0xDEADB000;
        sys.deliverException(new CpuFault(CpuFault.PF, 6));
        assertEquals(0xDEADB000, cpu.cr2);
        assertEquals(6, mem.read32(cpu.reg[Cpu.ESP]));
    }

    // ------------------------------------------------------------------ tasks

    @Test
    void callToTssAndIretBack() {
        enterProtected();
        mem.write32(TSS1 + 0x20, 0x2222);        // EIP
        mem.write32(TSS1 + 0x24, 2);             // EFLAGS
        mem.write32(TSS1 + 0x28, 0xAAAA);        // EAX
        mem.write32(TSS1 + 0x38, 0x5800);        // ESP
        mem.write16(TSS1 + 0x4C, CODE0);
        mem.write16(TSS1 + 0x50, DATA0);
        mem.write16(TSS1 + 0x54, DATA0);
        cpu.reg[Cpu.EAX] = 0x1111;
        sys.callFar(TASKGATE, 0, true, 0x3333);
        assertEquals(TSS_B, cpu.tr.selector);
        assertEquals(0x2222, cpu.eip);
        assertEquals(0xAAAA, cpu.reg[Cpu.EAX]);
        assertEquals(TSS_A, mem.read16(TSS1));
        assertTrue((cpu.getEflags() & Cpu.NT) != 0);
        assertTrue((cpu.cr0 & Cpu.CR0_TS) != 0);
        assertEquals(0x8B, mem.read8(GDT + TSS_B + 5) & 0xFF, "new TSS busy");
        assertEquals(0x3333, mem.read32(TSS0 + 0x20));
        // JMP to a busy TSS: #GP
        assertEquals((CpuFault.GP << 16) | TSS_A, code(() -> sys.jumpFar(TSS_A, 0, true)));
        cpu.eip = 0x2230;
        sys.iret(true);
        assertEquals(TSS_A, cpu.tr.selector);
        assertEquals(0x3333, cpu.eip);
        assertEquals(0x1111, cpu.reg[Cpu.EAX]);
        assertEquals(0x89, mem.read8(GDT + TSS_B + 5) & 0xFF, "old task no longer busy");
        assertEquals(0x2230, mem.read32(TSS1 + 0x20));
        assertEquals(0, mem.read32(TSS1 + 0x24) & Cpu.NT);
    }

    @Test
    void taskSwitchFaultsInNewContext() {
        enterProtected();
        mem.write32(TSS1 + 0x20, 0x2222);
        mem.write32(TSS1 + 0x24, 2);
        mem.write16(TSS1 + 0x4C, CODE0);
        mem.write16(TSS1 + 0x50, CODE0);   // SS = code segment -> #TS(sel), delivered in the new task
        mem.write32(TSS1 + 0x38, 0x5800);
        sys.jumpFar(TSS_B, 0, true);
        assertEquals(TSS_B, cpu.tr.selector);
        assertEquals(0x7000 + 10 * 16, cpu.eip);
        assertEquals(CODE0, mem.read32(cpu.reg[Cpu.ESP]));
        assertEquals(0x2222, mem.read32(cpu.reg[Cpu.ESP] + 4), "returns to the new task's first instruction");
    }

    // ------------------------------------------------------------------ I/O, V86

    @Test
    void ioBitmapInV86() {
        enterProtected();
        mem.write8(TSS0 + 0x68 + (0x3F8 >> 3), 0x00);
        mem.write8(TSS0 + 0x68 + (0x60 >> 3), 0x01);    // port 0x60 denied
        // IRET to V86 mode with IOPL 0
        pushFrame32(0, 0, 0, 0, 0x2000, 0x100, Cpu.VM | 2, 0x1000, 0x20);
        sys.iret(true);
        assertTrue(cpu.isV86());
        assertEquals(3, cpu.cpl);
        assertEquals(0x10000, cpu.seg[Cpu.CS].base);
        assertEquals(0x20000, cpu.seg[Cpu.SS].base);
        sys.checkIoPermission(0x3F8, 1);
        assertEquals(CpuFault.GP << 16, code(() -> sys.checkIoPermission(0x60, 1)));
        assertEquals(CpuFault.GP << 16, code(() -> sys.checkIoPermission(0x5F, 2)));
        // INT n is IOPL-sensitive, INT3 is not
        assertEquals(CpuFault.GP << 16, code(() -> sys.softwareInterrupt(0x21, 0x22)));
        gate(IDT, 3 * 8, CODE0, 0x6800, 0xEE, 0);
        sys.softwareInterrupt(3, 0x21, false);
        assertFalse(cpu.isV86());
        assertEquals(0x9000 - 36, cpu.reg[Cpu.ESP]);
        assertEquals(0x100, mem.read32(0x9000 - 36 + 12));
        assertFalse(cpu.seg[Cpu.DS].valid);
        sys.iret(true);
        assertTrue(cpu.isV86());
        assertEquals(0x21, cpu.eip);
    }

    @Test
    void cpuidAndMsrs() {
        cpu.reg[Cpu.EAX] = 0;
        sys.cpuid();
        assertEquals(2, cpu.reg[Cpu.EAX]);
        assertEquals(0x756E6547, cpu.reg[Cpu.EBX]);
        cpu.reg[Cpu.EAX] = 1;
        sys.cpuid();
        assertEquals(0x683, cpu.reg[Cpu.EAX]);
        assertEquals(0, cpu.reg[Cpu.EDX] & (1 << 9 | 1 << 6 | 1 << 23 | 1 << 25 | 1 << 1 | 1 << 2 | 1 << 12));
        cpu.reg[Cpu.ECX] = 0x175;
        cpu.reg[Cpu.EAX] = 0x1234;
        sys.wrmsr();
        assertEquals(0x1234, cpu.sysenterEsp);
        cpu.reg[Cpu.ECX] = 0x1B;   // no APIC
        assertEquals(CpuFault.GP << 16, code(() -> sys.rdmsr()));
        assertEquals(CpuFault.GP << 16, code(() -> sys.writeCr0(Cpu.CR0_PG)));
        assertEquals(CpuFault.GP << 16, code(() -> sys.writeCr4(Cpu.CR4_VME)));
        assertEquals(CpuFault.GP << 16, code(() -> sys.writeCr4(0x20)));   // PAE not implemented
        sys.writeCr4(Cpu.CR4_PSE | Cpu.CR4_PGE | Cpu.CR4_OSFXSR);
        assertEquals(Cpu.CR4_PSE | Cpu.CR4_PGE | Cpu.CR4_OSFXSR, cpu.cr4);
    }

    // ------------------------------------------------------------------ more

    @Test
    void lldtLtrAndDescriptorQueries() {
        enterProtected();
        desc(GDT, 0x60 - 0x10, 0x4000, 0x17, 0x82, 0);     // selector 0x50 reused: LDT
        desc(0x4000, 0x04, 0x12340, 0xFFF, 0x92, 0x4);      // LDT entry 0: data
        sys.lldt(0x50);
        assertEquals(0x4000, cpu.ldtr.base);
        sys.loadSegment(Cpu.ES, 0x04);
        assertEquals(0x12340, cpu.seg[Cpu.ES].base);
        assertEquals((CpuFault.GP << 16) | 0x1C, code(() -> sys.loadSegment(Cpu.ES, 0x1C)));
        assertEquals((CpuFault.GP << 16) | DATA0, code(() -> sys.lldt(DATA0)));
        // LTR of a busy TSS
        assertEquals((CpuFault.GP << 16) | TSS_A, code(() -> sys.ltr(TSS_A)));
        assertEquals(0x00C09300, sys.lar(DATA0));
        assertTrue(sys.lastAccessOk());
        assertEquals(0xFFFFFFFF, sys.lsl(DATA0));
        assertEquals(0xFFF, sys.lsl(SMALL));
        sys.lar(GATE);                       // call gate: valid for LAR
        assertTrue(sys.lastAccessOk());
        sys.lsl(GATE);                       // but not for LSL
        assertFalse(sys.lastAccessOk());
        assertTrue(sys.verr(CODE0));
        assertFalse(sys.verw(CODE0));
        assertTrue(sys.verw(DATA0));
        assertFalse(sys.verr(0));
        cpu.cpl = 3;                         // DPL 0 data is invisible at CPL 3
        assertFalse(sys.verr(DATA0 | 3));
        cpu.cpl = 0;
        assertEquals(CpuFault.UD << 16 | 0xFFFF, code(() -> { cpu.writeCr(0, cpu.cr0 & ~1); sys.lar(DATA0); }));
    }

    @Test
    void sysenterSysexit() {
        enterProtected();
        cpu.sysenterCs = 0x08;
        cpu.sysenterEsp = 0x8800;
        cpu.sysenterEip = 0x4444;
        cpu.setEflags(Cpu.IF | 2);
        sys.sysenter();
        assertEquals(0, cpu.cpl);
        assertEquals(0x08, cpu.seg[Cpu.CS].selector);
        assertEquals(0x10, cpu.seg[Cpu.SS].selector);
        assertEquals(0x8800, cpu.reg[Cpu.ESP]);
        assertEquals(0x4444, cpu.eip);
        assertEquals(0, cpu.getEflags() & Cpu.IF);
        cpu.reg[Cpu.ECX] = 0x7000;
        cpu.reg[Cpu.EDX] = 0x5555;
        sys.sysexit();
        assertEquals(3, cpu.cpl);
        assertEquals(0x1B, cpu.seg[Cpu.CS].selector);
        assertEquals(0x23, cpu.seg[Cpu.SS].selector);
        assertEquals(0x5555, cpu.eip);
        assertEquals(CpuFault.GP << 16, code(() -> sys.sysexit()));
        cpu.cr4 |= Cpu.CR4_TSD;
        assertEquals(CpuFault.GP << 16, code(() -> sys.rdtsc()));
    }

    @Test
    void externalInterruptErrorCodesCarryExt() {
        enterProtected();
        mem.write8(IDT + 0x30 * 8 + 5, 0);   // vector 0x30: not a gate -> #GP(0x30*8+2+EXT)
        cpu.eip = 0x1111;
        sys.deliverExternalInterrupt(0x30);
        assertEquals(0x7000 + 13 * 16, cpu.eip);
        assertEquals(0x30 * 8 + 3, mem.read32(cpu.reg[Cpu.ESP]));
        assertEquals(0x1111, mem.read32(cpu.reg[Cpu.ESP] + 4));
    }

    @Test
    void exceptionThroughTaskGatePushesErrorCodeOnNewStack() {
        enterProtected();
        gate(IDT, 13 * 8, TSS_B, 0, 0x85, 0);
        mem.write32(TSS1 + 0x20, 0x2222);
        mem.write32(TSS1 + 0x24, 2);
        mem.write32(TSS1 + 0x38, 0x5800);
        mem.write16(TSS1 + 0x4C, CODE0);
        mem.write16(TSS1 + 0x50, DATA0);
        cpu.instructionStart = 0x999;
        sys.deliverException(CpuFault.gp(0x44));
        assertEquals(TSS_B, cpu.tr.selector);
        assertEquals(0x57FC, cpu.reg[Cpu.ESP]);
        assertEquals(0x44, mem.read32(0x57FC));
        assertEquals(0x999, mem.read32(TSS0 + 0x20), "faulting EIP saved in the old TSS");
        assertTrue((cpu.getEflags() & Cpu.NT) != 0);
    }

    @Test
    void stackLimitOnPushRaisesSs() {
        enterProtected();
        desc(GDT, SMALL, 0x8000, 0xFFF, 0x92, 0x4);
        sys.loadSegment(Cpu.SS, SMALL);
        cpu.reg[Cpu.ESP] = 2;             // a dword push wraps below 0
        cpu.seg[Cpu.CS].selector = CODE0;
        assertEquals(CpuFault.SS << 16, code(() -> sys.callFar(CODE0, 0x10, true, 0x20)));
        assertEquals(2, cpu.reg[Cpu.ESP], "ESP unchanged after the fault");
        // delivering the #SS needs the same stack -> #SS again -> double fault -> (no stack) triple fault
        assertThrows(TripleFault.class, () -> sys.deliverException(new CpuFault(CpuFault.SS, 0)));
    }

    @Test
    void jumpThroughCallGateAndConformingChecks() {
        enterProtected();
        sys.jumpFar(GATE, 0, true);
        assertEquals(0x5000, cpu.eip);
        assertEquals(CODE0, cpu.seg[Cpu.CS].selector);
        // ring 3 may not JMP through a gate to a more privileged non-conforming segment
        pushFrame32(DATA3, 0x4000, 2, CODE3, 0x1000);
        sys.iret(true);
        assertEquals((CpuFault.GP << 16) | CODE0, code(() -> sys.jumpFar(GATE | 3, 0, true)));
        assertEquals((CpuFault.GP << 16) | CODE0, code(() -> sys.jumpFar(CODE0, 0, true)));
    }

    @Test
    void tssDebugTrapRaisesDbInTheNewTask() {
        enterProtected();
        mem.write32(TSS1 + 0x20, 0x2222);
        mem.write32(TSS1 + 0x24, 2);
        mem.write32(TSS1 + 0x38, 0x5800);
        mem.write16(TSS1 + 0x4C, CODE0);
        mem.write16(TSS1 + 0x50, DATA0);
        mem.write16(TSS1 + 0x64, 1);            // T flag
        cpu.dr[7] = 0x401;                       // L0 enabled
        sys.jumpFar(TSS_B, 0, true);
        assertEquals(TSS_B, cpu.tr.selector);
        assertEquals(0x7000 + 1 * 16, cpu.eip);
        assertEquals(0x2222, mem.read32(cpu.reg[Cpu.ESP]));
        assertEquals(0x8000, cpu.dr[6] & 0x8000, "DR6.BT");
        assertEquals(0x400, cpu.dr[7], "L0-L3 cleared by the task switch");
    }

    @Test
    void sixteenBitGatesAndFrames() {
        enterProtected();
        gate(IDT, 0x90 * 8, CODE0, 0x1234, 0xE6, 0);     // 16-bit interrupt gate, DPL 3
        // same privilege: 16-bit frame FLAGS, CS, IP
        cpu.reg[Cpu.ESP] = 0x6000;
        sys.softwareInterrupt(0x90, 0xABCDE);
        assertEquals(0x1234, cpu.eip);
        assertEquals(0x6000 - 6, cpu.reg[Cpu.ESP]);
        assertEquals(0xBCDE, mem.read16(0x6000 - 6));
        assertEquals(CODE0, mem.read16(0x6000 - 4));
        sys.iret(false);
        assertEquals(0xBCDE, cpu.eip);
        assertEquals(0x6000, cpu.reg[Cpu.ESP]);
        // from ring 3: SS, SP, FLAGS, CS, IP as words on the ring-0 stack
        pushFrame32(DATA3, 0x4000, 2, CODE3, 0x1000);
        sys.iret(true);
        sys.softwareInterrupt(0x90, 0x1002);
        assertEquals(0, cpu.cpl);
        assertEquals(0x9000 - 10, cpu.reg[Cpu.ESP]);
        assertEquals(0x1002, mem.read16(0x9000 - 10));
        assertEquals(CODE3, mem.read16(0x9000 - 8));
        assertEquals(0x4000, mem.read16(0x9000 - 4));
        assertEquals(DATA3, mem.read16(0x9000 - 2));
        sys.iret(false);                                   // 16-bit IRET to the outer level
        assertEquals(3, cpu.cpl);
        assertEquals(DATA3, cpu.seg[Cpu.SS].selector);
        assertEquals(0x4000, cpu.reg[Cpu.ESP]);
        assertEquals(0x1002, cpu.eip);
        // RETF (16-bit) to the outer level with an immediate
        sys.callFar(GATE | 3, 0, true, 0x1010);          // 32-bit gate into ring 0
        int esp0 = cpu.reg[Cpu.ESP];
        cpu.reg[Cpu.ESP] = esp0 - 12;                      // build a 16-bit frame below it
        mem.write16(esp0 - 12, 0x1020);
        mem.write16(esp0 - 10, CODE3);
        mem.write16(esp0 - 8, 0xAAAA);                     // parameter word popped by RETF 2
        mem.write16(esp0 - 6, 0x3FF0);
        mem.write16(esp0 - 4, DATA3);
        sys.returnFar(false, 2);
        assertEquals(3, cpu.cpl);
        assertEquals(0x1020, cpu.eip);
        assertEquals(0x3FF2, cpu.reg[Cpu.ESP] & 0xFFFF);
    }

    @Test
    void sixteenBitTssSuppliesTheRing0Stack() {
        enterProtected();
        desc(GDT, TSS_B, TSS1, 0x2B, 0x81, 0);            // 16-bit TSS
        mem.write16(TSS1 + 2, 0x8800);                      // SP0
        mem.write16(TSS1 + 4, DATA0);                       // SS0
        // make it the current task: LTR needs an available TSS
        cpu.tr.set(0, 0, 0, 0);
        sys.ltr(TSS_B);
        gate(IDT, 0x80 * 8, CODE0, 0x6800, 0xEE, 0);
        pushFrame32(DATA3, 0x4000, 2, CODE3, 0x1000);
        sys.iret(true);
        sys.softwareInterrupt(0x80, 0x1002);
        assertEquals(0x8800 - 20, cpu.reg[Cpu.ESP]);
        assertEquals(0x4000, mem.read32(0x8800 - 8));
    }
}
