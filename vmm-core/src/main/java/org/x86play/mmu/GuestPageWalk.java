package org.x86play.mmu;

import org.x86play.memory.PhysicalMemory;

/**
 * 32-bit paging by walking the guest's page directory and page tables (SDM Vol. 3 §4.3), with 4 MiB pages
 * (CR4.PSE), global pages (CR4.PGE), CR0.WP, and accessed/dirty updates (§4.8).
 * <p>
 * Access rights (§4.6, no SMEP/SMAP on this processor): R/W and U/S are combined across the PDE and PTE
 * (a page is writable/user only if both entries say so). User accesses need U/S = 1, user writes also R/W = 1.
 * Supervisor reads are always allowed; supervisor writes need R/W = 1 only when CR0.WP = 1.
 * Accessed/dirty bits are written only for translations that succeed (an access that faults sets none).
 */
public final class GuestPageWalk implements TranslationStrategy {
    static final int P = 1, RW = 2, US = 4, A = 0x20, D = 0x40, PS = 0x80, G = 0x100;
    /**
     * Bits 21:13 of a 4 MiB PDE: physical-address bits above 31 with PSE-36, reserved on this processor
     * (no PSE-36, MAXPHYADDR = 32; SDM Table 4-4) and checked for RSVD faults (§4.7).
     */
    static final int PDE_4M_RESERVED = 0x003FE000;

    private final PhysicalMemory memory;
    private final Mmu mmu;
    private int directory;
    private boolean wp, pse, pge;

    GuestPageWalk(PhysicalMemory memory, Mmu mmu) {
        this.memory = memory;
        this.mmu = mmu;
    }

    void configure(int cr3, boolean wp, boolean pse, boolean pge) {
        this.directory = cr3 & ~0xFFF;
        this.wp = wp;
        this.pse = pse;
        this.pge = pge;
    }

    @Override
    public int resolve(int lin, boolean write, boolean user) {
        mmu.stats.pageWalks++;
        int err = (write ? PageFaultCode.W : 0) | (user ? PageFaultCode.U : 0);
        int pdeAddr = directory | ((lin >>> 22) << 2);
        int pde = memory.read32(pdeAddr);
        if ((pde & P) == 0) throw mmu.pageFault(lin, err);
        if (pse && (pde & PS) != 0) {
            // 4 MiB page (§4.3, Table 4-4).
            if ((pde & PDE_4M_RESERVED) != 0) throw mmu.pageFault(lin, err | PageFaultCode.P | PageFaultCode.RSVD);
            if (!allowed(pde, write, user)) throw mmu.pageFault(lin, err | PageFaultCode.P);
            int updated = pde | A | (write ? D : 0);
            if (updated != pde) memory.write32(pdeAddr, updated);
            int frame = (pde & 0xFFC00000) | (lin & 0x003FF000);
            return frame | rights(pde, (updated & D) != 0) | LARGE | (pge && (pde & G) != 0 ? GLOBAL : 0);
        }
        int pteAddr = (pde & ~0xFFF) | ((lin >>> 10) & 0xFFC);
        int pte = memory.read32(pteAddr);
        if ((pte & P) == 0) throw mmu.pageFault(lin, err);
        int combined = pde & pte;
        if (!allowed(combined, write, user)) throw mmu.pageFault(lin, err | PageFaultCode.P);
        if ((pde & A) == 0) memory.write32(pdeAddr, pde | A);
        int updated = pte | A | (write ? D : 0);
        if (updated != pte) memory.write32(pteAddr, updated);
        return (pte & ~0xFFF) | rights(combined, (updated & D) != 0) | (pge && (pte & G) != 0 ? GLOBAL : 0);
    }

    private boolean allowed(int entry, boolean write, boolean user) {
        if (user) return (entry & US) != 0 && (!write || (entry & RW) != 0);
        return !write || !wp || (entry & RW) != 0;
    }

    /** Accesses a cached translation may serve without another walk (writes only once D is set). */
    private int rights(int entry, boolean dirty) {
        boolean rw = (entry & RW) != 0, us = (entry & US) != 0;
        int r = PERM_SUP_READ;
        if (us) r |= PERM_USER_READ;
        if (dirty) {
            if (rw || !wp) r |= PERM_SUP_WRITE;
            if (us && rw) r |= PERM_USER_WRITE;
        }
        return r;
    }
}
