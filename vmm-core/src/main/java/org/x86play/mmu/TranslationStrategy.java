package org.x86play.mmu;

/**
 * How a linear address becomes a physical one. {@link GuestPageWalk} walks the guest's own page tables
 * (SDM Vol. 3 §4.3); {@link PagingDisabled} is the identity of CR0.PG = 0. Shadow page tables and nested
 * paging are meant to be further implementations; the {@link Mmu} caches every result in its software TLB.
 */
public interface TranslationStrategy {
    /** Result bits below the 4 KiB frame address: which accesses the cached translation allows. */
    int PERM_SUP_READ = 1, PERM_SUP_WRITE = 2, PERM_USER_READ = 4, PERM_USER_WRITE = 8;
    /** The translation survives CR3 loads (CR4.PGE and G=1, SDM §4.10.2.4). */
    int GLOBAL = 0x10;
    /** The translation comes from a 4 MiB page (INVLPG anywhere in it must drop it). */
    int LARGE = 0x20;

    /**
     * Translates {@code linear} for one access, updating accessed/dirty bits as the hardware would.
     * Write permissions in the result are granted only when no further dirty-bit update is needed, so a
     * cached read translation never lets a write skip setting the dirty bit.
     * @return physical address of the 4 KiB frame | PERM_* | GLOBAL | LARGE
     * @throws org.x86play.cpu.CpuFault #PF (after {@link Mmu#pageFault} recorded the address)
     */
    int resolve(int linear, boolean write, boolean user);
}
