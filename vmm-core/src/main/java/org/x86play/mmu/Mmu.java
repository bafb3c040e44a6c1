package org.x86play.mmu;

import org.x86play.memory.PhysicalMemory;

/**
 * Linear-to-physical translation (SDM Vol. 3 ch. 4, 32-bit paging) behind a software TLB.
 * Translation strategies (guest walk today; shadow and nested paging later) sit behind one interface.
 * Page faults throw {@link org.x86play.cpu.CpuFault} #PF with the SDM error code; the faulting linear
 * address is left in {@link #faultAddress} for CR2. OWNER: mmu helper. Placeholder: identity mapping.
 */
public final class Mmu {
    private final PhysicalMemory memory;
    /** Linear address of the last page fault, copied to CR2 when the fault is delivered. */
    public int faultAddress;

    public Mmu(PhysicalMemory memory) {
        this.memory = memory;
    }

    public void setControl(int cr0, int cr3, int cr4) {}

    public void invlpg(int linear) {}

    public void flushTlb() {}

    public int read8(int lin, boolean user) { return memory.read8(lin); }
    public int read16(int lin, boolean user) { return memory.read16(lin); }
    public int read32(int lin, boolean user) { return memory.read32(lin); }
    public void write8(int lin, int v, boolean user) { memory.write8(lin, v); }
    public void write16(int lin, int v, boolean user) { memory.write16(lin, v); }
    public void write32(int lin, int v, boolean user) { memory.write32(lin, v); }
}
