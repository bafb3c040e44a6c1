package org.x86play.devices.apic;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.x86play.cpu.Cpu;
import org.x86play.cpu.CpuFault;
import org.x86play.cpu.system.SystemUnit;
import org.x86play.io.IoBus;
import org.x86play.memory.PhysicalMemory;
import org.x86play.time.VirtualClock;

/** IA32_APIC_BASE (MSR 0x1B) and CPUID.1 with and without a local APIC attached (SDM Vol. 3 §10.4.3-4). */
class ApicBaseMsrTest {
    final PhysicalMemory mem = new PhysicalMemory(1 << 20);
    final Cpu cpu = new Cpu(mem, new IoBus());
    final SystemUnit sys = cpu.system;
    final LocalApic apic = new LocalApic(new VirtualClock());

    int rdmsr(int index) {
        cpu.reg[Cpu.ECX] = index;
        sys.rdmsr();
        assertEquals(0, cpu.reg[Cpu.EDX]);
        return cpu.reg[Cpu.EAX];
    }

    void wrmsr(int index, int hi, int lo) {
        cpu.reg[Cpu.ECX] = index;
        cpu.reg[Cpu.EDX] = hi;
        cpu.reg[Cpu.EAX] = lo;
        sys.wrmsr();
    }

    static void assertGp(Runnable r) {
        CpuFault f = assertThrows(CpuFault.class, r::run);
        assertEquals(CpuFault.GP, f.vector);
        assertEquals(0, f.errorCode);
    }

    int cpuidEdx1() {
        cpu.reg[Cpu.EAX] = 1;
        sys.cpuid();
        return cpu.reg[Cpu.EDX];
    }

    @Test
    void withoutAnApicThereIsNoMsrAndNoCpuidBit() {
        assertEquals(0, cpuidEdx1() & (1 << 9));
        assertGp(() -> rdmsr(0x1B));
        assertGp(() -> wrmsr(0x1B, 0, 0xFEE00900));
    }

    @Test
    void attachedApicIsReportedAndMapped() {
        apic.attach(cpu);
        assertEquals(1 << 9, cpuidEdx1() & (1 << 9));
        assertEquals(0, cpu.reg[Cpu.EBX] >>> 24, "initial APIC ID");
        assertEquals(0xFEE00900, rdmsr(0x1B));
        assertEquals(LocalApic.VERSION, mem.read32(0xFEE00030));
        mem.write32(0xFEE00080, 0x30);
        assertEquals(0x30, apic.readRegister(LocalApic.TPR));
    }

    @Test
    void writesMoveDisableAndRejectReservedBits() {
        apic.attach(cpu);
        wrmsr(0x1B, 0, 0xFED00800);
        assertEquals(0xFED00900, rdmsr(0x1B));
        assertEquals(LocalApic.VERSION, mem.read32(0xFED00030));
        assertEquals(-1, mem.read32(0xFEE00030), "old page unmapped");
        assertGp(() -> wrmsr(0x1B, 1, 0xFEE00800));   // above MAXPHYADDR 32
        assertGp(() -> wrmsr(0x1B, 0, 0xFEE00C00));   // x2APIC enable: not supported
        assertEquals(0xFED00900, rdmsr(0x1B));
        wrmsr(0x1B, 0, 0xFED00000);                   // global disable
        assertEquals(0xFED00100, rdmsr(0x1B));
        assertEquals(-1, mem.read32(0xFED00030), "a disabled APIC is off the bus");
        assertTrue(apic.picConnected());
        cpu.reset();                                  // RESET restores the power-up APIC
        assertEquals(0xFEE00900, rdmsr(0x1B));
        assertEquals(LocalApic.VERSION, mem.read32(0xFEE00030));
    }

    @Test
    void msrNeedsRingZeroLikeEveryMsr() {
        apic.attach(cpu);
        cpu.cr0 |= Cpu.CR0_PE;
        cpu.cpl = 3;
        assertGp(() -> rdmsr(0x1B));
    }
}
