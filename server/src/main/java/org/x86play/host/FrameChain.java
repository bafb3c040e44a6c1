package org.x86play.host;

import org.x86play.cpu.Cpu;
import org.x86play.memory.PhysicalMemory;

/**
 * Return addresses of the guest's current call chain, found by following saved frame pointers
 * ({@code push ebp; mov ebp, esp}: [EBP] is the caller's EBP, [EBP+4] the return address), as a
 * kernel built with frame pointers lays them out. For the profiler only: it reads guest memory
 * without side effects (its own page walk, no accessed/dirty bits, RAM only, never MMIO) and stops
 * at anything that does not look like a frame.
 */
final class FrameChain {
    /** Frames further apart than this end the chain (an i386 kernel stack is 8 KiB; user frames may be larger). */
    static final int MAX_FRAME_BYTES = 64 * 1024;

    private final Cpu cpu;
    private final PhysicalMemory memory;

    FrameChain(Cpu cpu, PhysicalMemory memory) {
        this.cpu = cpu;
        this.memory = memory;
    }

    /**
     * Fills {@code out} with up to {@code out.length} return addresses (linear), innermost caller first.
     * @return how many were found (0 outside 32-bit protected mode)
     */
    int returnAddresses(int[] out) {
        if (!cpu.isProtected() || !cpu.seg[Cpu.SS].is32()) return 0;
        int ssBase = cpu.seg[Cpu.SS].base;
        int csBase = cpu.seg[Cpu.CS].base;
        int ebp = cpu.reg[Cpu.EBP];
        int n = 0;
        while (n < out.length) {
            if ((ebp & 3) != 0) break;
            long saved = read32(ssBase + ebp);
            long ret = read32(ssBase + ebp + 4);
            // A zero return address marks the outermost frame (a boot stack), not a call site.
            if (saved < 0 || ret <= 0) break;
            out[n++] = csBase + (int) ret;
            int next = (int) saved;
            // Stacks grow down, so callers' frames lie above: anything else is not a frame chain.
            if (Integer.compareUnsigned(next, ebp) <= 0 || Integer.toUnsignedLong(next) - Integer.toUnsignedLong(ebp) > MAX_FRAME_BYTES) break;
            ebp = next;
        }
        return n;
    }

    /** The dword at a linear address, or -1 if it is not in mapped RAM (unsigned value otherwise). */
    private long read32(int linear) {
        if ((linear & 0xFFF) > 0xFFC) return -1; // a dword crossing pages: frames are aligned, so not a frame
        int phys = physical(linear);
        if (phys == -1 || !isRam(phys)) return -1;
        return Integer.toUnsignedLong(memory.read32(phys));
    }

    /** 32-bit paging lookup (SDM Vol. 3 §4.3) without the MMU's side effects; -1 when not present. */
    private int physical(int linear) {
        if ((cpu.cr0 & Cpu.CR0_PG) == 0) return linear;
        int pdeAddr = (cpu.cr3 & ~0xFFF) | ((linear >>> 22) << 2);
        if (!isRam(pdeAddr)) return -1;
        int pde = memory.read32(pdeAddr);
        if ((pde & 1) == 0) return -1;
        if ((cpu.cr4 & Cpu.CR4_PSE) != 0 && (pde & 0x80) != 0) return (pde & 0xFFC00000) | (linear & 0x003FFFFF);
        int pteAddr = (pde & ~0xFFF) | ((linear >>> 10) & 0xFFC);
        if (!isRam(pteAddr)) return -1;
        int pte = memory.read32(pteAddr);
        if ((pte & 1) == 0) return -1;
        return (pte & ~0xFFF) | (linear & 0xFFF);
    }

    private boolean isRam(int phys) {
        return Integer.compareUnsigned(phys, memory.ramSize()) < 0
                && (memory.pageEntry(phys) & 3) == PhysicalMemory.KIND_RAM;
    }
}
