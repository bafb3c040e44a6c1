package org.x86play.mmu;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.x86play.cpu.CpuFault;
import org.x86play.memory.MmioHandler;
import org.x86play.memory.PhysicalMemory;

/** 32-bit paging and the software TLB (SDM Vol. 3 ch. 4), with page tables built in guest RAM. */
class MmuTest {
    static final int P = 1, RW = 2, US = 4, A = 0x20, D = 0x40, PS = 0x80, G = 0x100;
    static final int CR0_PE = 1, CR0_WP = 0x10000, CR0_PG = 0x80000000, CR4_PSE = 0x10, CR4_PGE = 0x80;
    static final int PD = 0x10000;          // page directory
    static final int PT0 = 0x11000;         // page tables, one per 4 MiB slot allocated on demand
    final PhysicalMemory mem = new PhysicalMemory(16 << 20);
    final Mmu mmu = new Mmu(mem);
    int nextTable = PT0;
    int cr0 = CR0_PE | CR0_PG, cr4;

    void enable() { mmu.setControl(cr0, PD, cr4); }

    int pdeAddr(int lin) { return PD + ((lin >>> 22) << 2); }

    /** Maps a 4 KiB page; the PDE gets {@code pdeFlags}, the PTE {@code pteFlags}. Returns the PTE address. */
    int map(int lin, int phys, int pdeFlags, int pteFlags) {
        int pde = mem.read32(pdeAddr(lin));
        int table;
        if ((pde & P) == 0 || (pde & ~0xFFF) == 0) {
            table = nextTable;
            nextTable += 0x1000;
        } else {
            table = pde & ~0xFFF;
        }
        mem.write32(pdeAddr(lin), table | pdeFlags);
        int pteAddr = table + ((lin >>> 10) & 0xFFC);
        mem.write32(pteAddr, (phys & ~0xFFF) | pteFlags);
        return pteAddr;
    }

    int map(int lin, int phys, int flags) { return map(lin, phys, P | RW | US, flags); }

    /** Runs an access that must page-fault; returns the error code and checks CR2. */
    int pf(int lin, Executable access) {
        CpuFault f = assertThrows(CpuFault.class, access);
        assertEquals(CpuFault.PF, f.vector);
        assertTrue(f.hasErrorCode);
        assertEquals(lin, mmu.faultAddress, "CR2");
        return f.errorCode;
    }

    @Test
    void pagingOffIsIdentityAndA20Applies() {
        mmu.setControl(CR0_PE, 0, 0);
        mmu.write32(0x123458, 0xCAFEF00D, true);
        assertEquals(0xCAFEF00D, mem.read32(0x123458));
        assertEquals(0xCAFEF00D, mmu.read32(0x123458, false));
        mem.write32(0x23458, 0x5555);
        mem.setA20(false);                                     // the TLB must notice
        assertEquals(0x5555, mmu.read32(0x123458, false));
        mem.setA20(true);
        assertEquals(0xCAFEF00D, mmu.read32(0x123458, false));
    }

    @Test
    void fourKilobytePagesTranslate() {
        map(0x00400000, 0x200000, P | RW);
        map(0x00401000, 0x205000, P | RW);
        map(0xC0000000, 0x300000, P | RW);
        enable();
        mmu.write32(0x00400010, 0x11223344, false);
        mmu.write8(0x00401FFF, 0x99, false);
        mmu.write16(0xC0000FFE, 0xBEEF, false);
        assertEquals(0x11223344, mem.read32(0x200010));
        assertEquals(0x99, mem.read8(0x205FFF));
        assertEquals(0xBEEF, mem.read16(0x300FFE));
        assertEquals(0x3344, mmu.read16(0x00400010, false));
        assertEquals(0x22, mmu.read8(0x00400012, false));
        assertEquals(0x99, mmu.read8(0x00401FFF, false));
        assertEquals(0x200010, mmu.translate(0x00400010, false, false));
        assertEquals(0x300FFE, mmu.translate(0xC0000FFE, true, false));
    }

    @Test
    void unalignedAccessesInsideAPage() {
        map(0x1000, 0x7000, P | RW);
        enable();
        mmu.write32(0x1001, 0xA1B2C3D4, false);
        mmu.write16(0x1007, 0xE5F6, false);
        assertEquals(0xA1B2C3D4, mmu.read32(0x1001, false));
        assertEquals(0xE5F6, mmu.read16(0x1007, false));
        assertEquals(0x00A1B2C3, mmu.read32(0x1002, false));
        assertEquals(0xE5F60000, mmu.read32(0x1005, false));
        assertEquals(0xE5F6, mem.read16(0x7007));
        assertEquals(0xD4, mem.read8(0x7001));
    }

    @Test
    void accessedAndDirtyBits() {
        int pte = map(0x5000, 0x9000, P | RW);
        enable();
        assertEquals(0, mem.read32(pdeAddr(0x5000)) & (A | D));
        mmu.read32(0x5000, false);
        assertEquals(A, mem.read32(pdeAddr(0x5000)) & (A | D), "PDE: A set, D untouched");
        assertEquals(A, mem.read32(pte) & (A | D), "PTE: A after a read");
        // The cached read translation must not let a write skip the dirty bit.
        mmu.write32(0x5004, 1, false);
        assertEquals(A | D, mem.read32(pte) & (A | D));
        assertEquals(0, mem.read32(pdeAddr(0x5000)) & D, "D is never set in a PDE that points to a page table");
        // Once dirty, writes stay on the fast path: no further walks.
        int walks = mmu.stats.pageWalks;
        mmu.write32(0x5008, 2, false);
        mmu.write8(0x5009, 3, false);
        assertEquals(walks, mmu.stats.pageWalks);
    }

    @Test
    void dirtyBitSetWhenWriteFollowsAReadOfAnotherSize() {
        int pte = map(0x5000, 0x9000, P | RW | US);
        enable();
        mmu.read8(0x5003, true);
        mmu.write16(0x5001, 7, true);                          // unaligned: slow path must still set D
        assertEquals(A | D, mem.read32(pte) & (A | D));
    }

    @Test
    void notPresentErrorCodes() {
        enable();                                              // empty directory
        assertEquals(0, pf(0x00800123, () -> mmu.read8(0x00800123, false)));
        assertEquals(2, pf(0x00800123, () -> mmu.write8(0x00800123, 0, false)));
        assertEquals(4, pf(0x00800123, () -> mmu.read32(0x00800123, true)));
        assertEquals(6, pf(0x00800124, () -> mmu.write32(0x00800124, 0, true)));
        // PDE present, PTE not present.
        map(0x00800000, 0x1000, P | RW | US);
        mem.write32(mem.read32(pdeAddr(0x00800000)) & ~0xFFF | 4, 0x2000 | RW | US);   // PTE for 0x801000 without P
        enable();
        assertEquals(0, pf(0x00801FFC, () -> mmu.read32(0x00801FFC, false)));
        assertEquals(6, pf(0x00801000, () -> mmu.write16(0x00801000, 0, true)));
        assertEquals(6, mmu.stats.pageFaults);
    }

    @Test
    void userAndWriteProtectionErrorCodes() {
        map(0x1000, 0x21000, P | RW);              // supervisor, writable
        map(0x2000, 0x22000, P | US);              // user, read-only
        map(0x3000, 0x23000, P | RW | US);         // user, writable
        map(0x00400000, 0x24000, P | US, P | RW | US);   // PDE read-only: combined read-only
        map(0x00800000, 0x25000, P | RW, P | RW | US);   // PDE supervisor: combined supervisor
        cr0 |= CR0_WP;
        enable();
        assertEquals(5, pf(0x1010, () -> mmu.read32(0x1010, true)));
        assertEquals(7, pf(0x1010, () -> mmu.write32(0x1010, 0, true)));
        assertEquals(7, pf(0x2000, () -> mmu.write8(0x2000, 0, true)));
        assertEquals(3, pf(0x2001, () -> mmu.write8(0x2001, 0, false)), "WP=1: supervisor write to read-only");
        assertEquals(7, pf(0x00400000, () -> mmu.write32(0x00400000, 0, true)));
        assertEquals(3, pf(0x00400000, () -> mmu.write32(0x00400000, 0, false)));
        assertEquals(5, pf(0x00800000, () -> mmu.read8(0x00800000, true)));
        // Allowed combinations.
        mmu.read8(0x2000, true);
        mmu.read8(0x00400000, true);
        mmu.write32(0x3000, 1, true);
        mmu.write32(0x1000, 1, false);
        mmu.read32(0x1000, false);
        mmu.write32(0x00800000, 5, false);
        assertEquals(5, mem.read32(0x25000));
    }

    @Test
    void supervisorWritesToReadOnlyPagesSucceedWithWpClear() {
        int pte = map(0x2000, 0x22000, P | US);
        enable();
        mmu.write32(0x2000, 0x1234, false);
        assertEquals(0x1234, mem.read32(0x22000));
        assertEquals(A | D, mem.read32(pte) & (A | D));
        assertEquals(7, pf(0x2000, () -> mmu.write32(0x2000, 0, true)), "user still faults");
        // Setting WP drops the cached supervisor write permission.
        cr0 |= CR0_WP;
        enable();
        assertEquals(3, pf(0x2004, () -> mmu.write32(0x2004, 0, false)));
        assertEquals(0x1234, mem.read32(0x22000));
    }

    @Test
    void faultingAccessSetsNoAccessedBits() {
        int pte = map(0x1000, 0x21000, P | RW);
        enable();
        pf(0x1000, () -> mmu.read8(0x1000, true));
        assertEquals(0, mem.read32(pte) & A);
        assertEquals(0, mem.read32(pdeAddr(0x1000)) & A);
    }

    @Test
    void fourMegabytePagesWithPse() {
        mem.write32(pdeAddr(0x00C00000), 0x00400000 | PS | P | RW);
        cr4 = CR4_PSE;
        enable();
        mmu.write32(0x00C12344, 0x77, false);
        assertEquals(0x77, mem.read32(0x00412344));
        assertEquals(0x00412344, mmu.translate(0x00C12344, false, false));
        assertEquals(0x007FFFFC, mmu.translate(0x00FFFFFC, false, false));
        assertEquals(A | D, mem.read32(pdeAddr(0x00C00000)) & (A | D), "A and D live in the 4 MiB PDE");
        assertEquals(5, pf(0x00C00000, () -> mmu.read8(0x00C00000, true)));
    }

    @Test
    void fourMegabytePageDirtyBitOnlyOnWrite() {
        mem.write32(pdeAddr(0), 0x00400000 | PS | P | RW | US);
        cr4 = CR4_PSE;
        enable();
        mmu.read32(0x100, true);
        assertEquals(A, mem.read32(pdeAddr(0)) & (A | D));
        mmu.write32(0x3FF000, 1, true);
        assertEquals(A | D, mem.read32(pdeAddr(0)) & (A | D));
    }

    @Test
    void psBitIgnoredWithoutPse() {
        // Without CR4.PSE the PDE points to a page table even if PS is set.
        int pte = map(0x00400000, 0x30000, P | RW | PS, P | RW);
        enable();
        mmu.write32(0x00400008, 0x42, false);
        assertEquals(0x42, mem.read32(0x30008));
        assertEquals(A | D, mem.read32(pte) & (A | D));
    }

    @Test
    void reservedBitsInFourMegabytePde() {
        cr4 = CR4_PSE;
        mem.write32(pdeAddr(0x00400000), 0x00400000 | (1 << 21) | PS | P | RW | US);
        mem.write32(pdeAddr(0x00800000), 0x00800000 | (1 << 13) | PS | P);
        enable();
        assertEquals(9, pf(0x00400010, () -> mmu.read8(0x00400010, false)));
        assertEquals(0xB, pf(0x00400010, () -> mmu.write8(0x00400010, 0, false)));
        assertEquals(0xF, pf(0x00400010, () -> mmu.write8(0x00400010, 0, true)));
        assertEquals(0xD, pf(0x00800000, () -> mmu.read8(0x00800000, true)), "RSVD wins over U/S");
        assertEquals(0, mem.read32(pdeAddr(0x00400000)) & A);
        // Without PSE those bits are part of a page-table address: no RSVD fault.
        cr4 = 0;
        mem.write32(pdeAddr(0x00400000), 0x00020000 | P | RW);
        mem.write32(0x00020000 + 4 * 0x10, 0x44000 | P | RW);
        enable();
        assertEquals(0x44000, mmu.translate(0x00410000, false, false));
    }

    @Test
    void globalPagesSurviveCr3ReloadOnlyWithPge() {
        int gpte = map(0xC0000000, 0x40000, P | RW | G);
        int upte = map(0x00001000, 0x41000, P | RW | G);
        mem.write32(0x40000, 0xAAAA);
        mem.write32(0x41000, 0xBBBB);
        mem.write32(0x50000, 0xCCCC);
        // Without PGE the G bit is ignored: a CR3 reload drops everything.
        enable();
        assertEquals(0xBBBB, mmu.read32(0x1000, false));
        mem.write32(upte, 0x50000 | P | RW | G);
        assertEquals(0xBBBB, mmu.read32(0x1000, false), "stale until flushed (TLB caches translations)");
        mmu.flushTlb();
        assertEquals(0xCCCC, mmu.read32(0x1000, false));
        // With PGE: global translations survive the CR3 reload, non-global ones do not.
        cr4 = CR4_PGE;
        enable();
        mem.write32(upte, 0x41000 | P | RW);               // non-global now
        assertEquals(0xAAAA, mmu.read32(0xC0000000, false));
        assertEquals(0xBBBB, mmu.read32(0x1000, false));
        mem.write32(gpte, 0x50000 | P | RW | G);
        mem.write32(upte, 0x50000 | P | RW);
        mmu.flushTlb();                                     // MOV CR3 with the same value
        assertEquals(0xAAAA, mmu.read32(0xC0000000, false), "global survives");
        assertEquals(0xCCCC, mmu.read32(0x1000, false), "non-global re-walked");
        // A different CR3 value through setControl also keeps globals.
        for (int i = 0; i < 0x1000; i += 4) mem.write32(0x90000 + i, mem.read32(PD + i));
        mmu.setControl(cr0, 0x90000, cr4);
        assertEquals(0xAAAA, mmu.read32(0xC0000000, false));
        // INVLPG drops a global translation.
        mmu.invlpg(0xC0000123);
        assertEquals(0xCCCC, mmu.read32(0xC0000000, false));
        // Clearing CR4.PGE flushes globals too.
        mem.write32(gpte, 0x40000 | P | RW | G);
        cr4 = 0;
        enable();
        assertEquals(0xAAAA, mmu.read32(0xC0000000, false));
    }

    @Test
    void globalFourMegabytePage() {
        cr4 = CR4_PSE | CR4_PGE;
        mem.write32(pdeAddr(0xC0000000), 0x00400000 | PS | P | RW | G);
        enable();
        mem.write32(0x00400000, 1);
        mem.write32(0x00800000, 2);
        assertEquals(1, mmu.read32(0xC0000000, false));
        mem.write32(pdeAddr(0xC0000000), 0x00800000 | PS | P | RW | G);
        mmu.flushTlb();
        assertEquals(1, mmu.read32(0xC0000000, false));
        mmu.setControl(cr0, PD, cr4 & ~CR4_PGE);
        assertEquals(2, mmu.read32(0xC0000000, false));
    }

    @Test
    void invlpgDropsOnePage() {
        int pte1 = map(0x1000, 0x21000, P | RW);
        int pte2 = map(0x2000, 0x22000, P | RW);
        mem.write32(0x21000, 1);
        mem.write32(0x22000, 2);
        mem.write32(0x23000, 3);
        enable();
        assertEquals(1, mmu.read32(0x1000, false));
        assertEquals(2, mmu.read32(0x2000, false));
        mem.write32(pte1, 0x23000 | P | RW);
        mem.write32(pte2, 0x23000 | P | RW);
        mmu.invlpg(0x1FFF);
        assertEquals(3, mmu.read32(0x1000, false));
        assertEquals(2, mmu.read32(0x2000, false), "other pages keep their (stale) translation");
        // INVLPG of a not-present page makes the next access fault.
        mem.write32(pte2, 0);
        mmu.invlpg(0x2000);
        assertEquals(0, pf(0x2000, () -> mmu.read32(0x2000, false)));
        assertEquals(2, mmu.stats.invlpgs);
    }

    @Test
    void invlpgInsideFourMegabytePageDropsAllItsPieces() {
        cr4 = CR4_PSE;
        mem.write32(pdeAddr(0x00400000), 0x00400000 | PS | P | RW);
        enable();
        mem.write32(0x00400000, 1);
        mem.write32(0x00800000, 2);
        assertEquals(1, mmu.read32(0x00400000, false));
        mem.write32(pdeAddr(0x00400000), 0x00800000 | PS | P | RW);
        mmu.invlpg(0x007FF000);                               // another 4 KiB piece of the same large page
        assertEquals(2, mmu.read32(0x00400000, false));
    }

    @Test
    void pageFaultDropsStaleEntry() {
        int pte = map(0x1000, 0x21000, P | RW);
        enable();
        mmu.read32(0x1000, false);
        mem.write32(pte, 0x21000 | P);                       // now read-only, not flushed
        cr0 |= CR0_WP;
        mmu.setControl(cr0, PD, cr4);
        assertEquals(3, pf(0x1000, () -> mmu.write32(0x1000, 0, false)));
        mem.write32(pte, 0x22000 | P | RW);                  // the fault dropped the entry
        mem.write32(0x22000, 9);
        assertEquals(9, mmu.read32(0x1000, false));
    }

    @Test
    void crossingAccessChecksBothPagesBeforeWriting() {
        map(0x1000, 0x21000, P | RW | US);
        map(0x2000, 0x35000, P | US);                         // read-only user page next to it
        enable();
        mem.write32(0x21FFC, 0x11111111);
        assertEquals(7, pf(0x2000, () -> mmu.write32(0x1FFE, 0xAABBCCDD, true)), "CR2 = start of 2nd page");
        assertEquals(0x11111111, mem.read32(0x21FFC), "no partial write on the first page");
        // Not-present second page.
        map(0x4000, 0x36000, P | RW | US);
        mem.write32(0x36FFC, 0x22222222);
        assertEquals(6, pf(0x5000, () -> mmu.write32(0x4FFE, 0, true)));
        assertEquals(0x22222222, mem.read32(0x36FFC));
        assertEquals(4, pf(0x3000, () -> mmu.read32(0x2FFD, true)));
        assertEquals(7, pf(0x2FFF, () -> mmu.write16(0x2FFF, 0, true)), "first page checked first");
        // A successful crossing access joins two unrelated frames.
        mem.write8(0x35000, 0x44);
        mem.write8(0x35001, 0x55);
        mmu.write16(0x1FFE, 0x2233, false);
        assertEquals(0x55442233, mmu.read32(0x1FFE, true));
        assertEquals(0x4422, mmu.read16(0x1FFF, true));
        assertEquals(0x2233, mem.read16(0x21FFE));
    }

    @Test
    void crossingWriteSetsDirtyOnBothPages() {
        int pte1 = map(0x1000, 0x21000, P | RW);
        int pte2 = map(0x2000, 0x35000, P | RW);
        enable();
        mmu.write32(0x1FFF, -1, false);
        assertEquals(A | D, mem.read32(pte1) & (A | D));
        assertEquals(A | D, mem.read32(pte2) & (A | D));
        assertEquals(0xFF, mem.read8(0x21FFF));
        assertEquals(0xFFFFFF, mem.read32(0x35000) & 0xFFFFFF);
    }

    @Test
    void crossingAtTopOfAddressSpaceWraps() {
        mmu.setControl(CR0_PE, 0, 0);
        mem.write8(0, 0x12);
        // Paging off, linear 0xFFFFFFFF + 1 wraps to 0; 0xFFFFFFFF itself is unmapped (no ROM here).
        assertEquals(0x12FF, mmu.read16(0xFFFFFFFF, false));
    }

    @Test
    void romAndMmioThroughPaging() {
        byte[] rom = new byte[0x1000];
        rom[0] = 0x5A;
        mem.mapRom(0x00E00000, rom);
        List<String> log = new ArrayList<>();
        mem.mapMmio(0xFEE00000, 0x1000, new MmioHandler() {
            @Override public int read(int offset, int size) { log.add("r" + offset + "/" + size); return 0x1234; }
            @Override public void write(int offset, int size, int value) { log.add("w" + offset + "/" + size + "=" + value); }
        });
        map(0x1000, 0x00E00000, P | RW);
        map(0x2000, 0xFEE00000, P | RW);
        enable();
        assertEquals(0x5A, mmu.read8(0x1000, false));
        mmu.write8(0x1000, 0x77, false);                    // ROM ignores the write
        assertEquals(0x5A, mmu.read8(0x1000, false));
        assertEquals(0x1234, mmu.read32(0x20F0, false));
        mmu.write32(0x2300, 5, false);
        mmu.write32(0x2300, 6, false);
        assertEquals(List.of("r240/4", "w768/4=5", "w768/4=6"), log, "every MMIO access reaches the device");
    }

    @Test
    void watchedPageWritesBypassTheTlb() {
        map(0x1000, 0x21000, P | RW);
        enable();
        mmu.write32(0x1000, 1, false);                       // cached direct write path
        List<Integer> hits = new ArrayList<>();
        mem.setPageWriteListener((page, flags) -> hits.add(page));
        mem.watchPage(0x21, 1);
        mmu.write32(0x1004, 2, false);
        mmu.write8(0x1008, 3, false);
        assertEquals(List.of(0x21, 0x21), hits);
        assertEquals(2, mem.read32(0x21004));
        assertEquals(2, mmu.read32(0x1004, false), "reads stay direct");
        mem.unwatchPage(0x21, 1);
        mmu.flushAll();
        mmu.write32(0x1004, 4, false);
        assertEquals(2, hits.size());
    }

    @Test
    void statsCountHitsMissesWalksFlushes() {
        map(0x1000, 0x21000, P | RW);
        enable();
        mmu.stats.clear();
        mmu.read32(0x1000, false);
        mmu.read32(0x1004, false);
        mmu.read32(0x1008, false);
        assertEquals(1, mmu.stats.tlbMisses);
        assertEquals(1, mmu.stats.pageWalks);
        assertEquals(2, mmu.stats.fastHits);
        mmu.read32(0x1001, false);                            // unaligned: slow path, TLB hit
        assertEquals(1, mmu.stats.tlbHits);
        assertEquals(1, mmu.tlbEntries());
        mmu.flushTlb();
        assertEquals(1, mmu.stats.tlbFlushes);
        assertEquals(0, mmu.tlbEntries());
        pf(0x5000, () -> mmu.read8(0x5000, false));
        assertEquals(1, mmu.stats.pageFaults);
        assertTrue(mmu.stats.toString().contains("walks=2"));
    }

    @Test
    void tlbConflictsEvictCorrectly() {
        // Linear pages 4096 apart share a TLB slot.
        map(0x00001000, 0x21000, P | RW);
        map(0x01001000, 0x22000, P | RW);
        enable();
        mem.write32(0x21000, 1);
        mem.write32(0x22000, 2);
        for (int n = 0; n < 3; n++) {
            assertEquals(1, mmu.read32(0x00001000, false));
            assertEquals(2, mmu.read32(0x01001000, false));
        }
        mmu.write32(0x01001000, 7, false);
        assertEquals(1, mmu.read32(0x00001000, false));
        assertEquals(7, mem.read32(0x22000));
    }

    @Test
    void supervisorAndUserTagsAreSeparate() {
        map(0x1000, 0x21000, P | RW);                          // supervisor page
        enable();
        mmu.read32(0x1000, false);                            // cached for supervisor
        assertEquals(5, pf(0x1000, () -> mmu.read32(0x1000, true)));
        mmu.write32(0x1000, 3, false);
        assertEquals(7, pf(0x1000, () -> mmu.write32(0x1000, 3, true)));
    }

    @Test
    void pagingOnOffFlushes() {
        map(0x1000, 0x21000, P | RW);
        enable();
        mem.write32(0x21000, 0x21);
        mem.write32(0x1000, 0x10);
        assertEquals(0x21, mmu.read32(0x1000, false));
        mmu.setControl(CR0_PE, PD, 0);
        assertEquals(0x10, mmu.read32(0x1000, false));
        enable();
        assertEquals(0x21, mmu.read32(0x1000, false));
    }

    @Test
    void randomAccessesAgreeWithAReferenceModel() {
        // 16 linear pages mapped to scattered frames; random sizes/offsets incl. page crossings.
        int[] frames = new int[16];
        for (int p = 0; p < 16; p++) {
            frames[p] = 0x100000 + ((p * 7) % 16) * 0x1000;
            map(0x00400000 + p * 0x1000, frames[p], P | RW | US);
        }
        enable();
        java.util.Random rnd = new java.util.Random(42);
        for (int n = 0; n < 20000; n++) {
            int size = 1 << rnd.nextInt(3);
            int off = rnd.nextInt(16 * 0x1000 - 4);
            int lin = 0x00400000 + off;
            boolean user = rnd.nextBoolean();
            if (rnd.nextBoolean()) {
                int v = rnd.nextInt();
                if (size == 1) mmu.write8(lin, v, user);
                else if (size == 2) mmu.write16(lin, v, user);
                else mmu.write32(lin, v, user);
                for (int k = 0; k < size; k++) {
                    int o = off + k;
                    assertEquals((v >>> (8 * k)) & 0xFF, mem.read8(frames[o >>> 12] + (o & 0xFFF)));
                }
            } else {
                int want = 0;
                for (int k = 0; k < size; k++) {
                    int o = off + k;
                    want |= mem.read8(frames[o >>> 12] + (o & 0xFFF)) << (8 * k);
                }
                int got = size == 1 ? mmu.read8(lin, user) : size == 2 ? mmu.read16(lin, user) : mmu.read32(lin, user);
                assertEquals(want, got, "lin " + Integer.toHexString(lin) + " size " + size);
            }
        }
    }

    @Test
    void directIndicesForBulkPaths() {
        map(0x1000, 0x21000, P | RW);
        map(0x2000, 0x22000, P);                               // read-only
        enable();
        mem.write32(0x21010, 0x55667788);
        int r = mmu.directReadIndex(0x1010, false);
        assertEquals(0x55667788, org.x86play.memory.WordStore.load32(mmu.store(), r));
        int w = mmu.directWriteIndex(0x1FFC, false);
        org.x86play.memory.WordStore.store32(mmu.store(), w, 0x0BADF00D);
        assertEquals(0x0BADF00D, mem.read32(0x21FFC));
        assertEquals(D, mem.read32(0x11000 + 4) & D, "directWriteIndex sets the dirty bit");
        assertEquals(5, pf(0x2000, () -> mmu.directReadIndex(0x2000, true)));
        assertTrue(mmu.directWriteIndex(0x2000, false) >= 0, "WP=0: supervisor may write a read-only page");
        mem.mapRom(0x00E00000, new byte[0x1000]);
        mem.mapMmio(0x00F00000, 0x1000, new MmioHandler() {
            @Override public int read(int offset, int size) { return 0; }
            @Override public void write(int offset, int size, int value) {}
        });
        map(0x3000, 0x00E00000, P | RW);
        map(0x4000, 0x00F00000, P | RW);
        assertTrue(mmu.directReadIndex(0x3000, false) >= 0, "ROM reads are direct");
        assertEquals(-1, mmu.directWriteIndex(0x3000, false), "ROM writes are not");
        assertEquals(-1, mmu.directReadIndex(0x4000, false), "MMIO is never direct");
    }

    @Test
    void cpuCr3ReloadWithSameValueFlushes() {
        org.x86play.cpu.Cpu cpu = new org.x86play.cpu.Cpu(mem, new org.x86play.io.IoBus());
        int pte = map(0x1000, 0x21000, P | RW);
        mem.write32(0x21000, 1);
        mem.write32(0x22000, 2);
        cpu.writeCr(0, cpu.cr0 | CR0_PE);
        cpu.writeCr(3, PD);
        cpu.writeCr(0, cpu.cr0 | CR0_PG);
        assertEquals(1, cpu.readLinear32(0x1000));
        mem.write32(pte, 0x22000 | P | RW);
        cpu.writeCr(3, PD);
        assertEquals(2, cpu.readLinear32(0x1000));
        cpu.cpl = 3;
        CpuFault f = assertThrows(CpuFault.class, () -> cpu.readLinear8(0x1000));
        assertEquals(5, f.errorCode);
        assertEquals(0x1000, cpu.mmu.faultAddress);
    }

    @Test
    void replaceablePagingStrategy() {
        map(0x1000, 0x21000, P | RW);
        mem.write32(0x1000, 0x10);
        mem.write32(0x21000, 0x21);
        mem.write32(0x101000, 0x101);
        // A stand-in for shadow/nested paging: linear + 1 MiB, read-only for supervisor.
        TranslationStrategy plusOneMiB = (lin, write, user) -> {
            if (write) throw mmu.pageFault(lin, PageFaultCode.P | PageFaultCode.W);
            return ((lin + 0x100000) & ~0xFFF) | TranslationStrategy.PERM_SUP_READ;
        };
        mmu.setControl(CR0_PE, PD, 0);
        mmu.setPagingStrategy(plusOneMiB);
        assertEquals(0x10, mmu.read32(0x1000, false), "paging off: identity");
        enable();
        assertSame(plusOneMiB, mmu.strategy());
        assertEquals(PD, mmu.cr3());
        assertEquals(0x101, mmu.read32(0x1000, false));
        assertEquals(3, pf(0x1000, () -> mmu.write32(0x1000, 0, false)));
        mmu.setPagingStrategy(null);
        assertSame(mmu.guestPageWalk(), mmu.strategy());
        assertEquals(0x21, mmu.read32(0x1000, false));
    }

    @Test
    void storeReallocationIsPickedUp() {
        mmu.setControl(CR0_PE, 0, 0);
        mmu.write32(0x1000, 0x1111, false);                  // cached direct path into the old store
        mem.mapRom(0xFF000000, new byte[8 << 20]);             // larger than the reserve: store grows
        mmu.write32(0x1004, 0x2222, false);
        assertEquals(0x1111, mmu.read32(0x1000, false));
        assertEquals(0x2222, mem.read32(0x1004));
        assertEquals(0, mmu.read32(0xFF000000, false));
    }

    @Test
    void unwatchedPageRegainsTheFastPath() {
        map(0x1000, 0x21000, P | RW);
        enable();
        List<Integer> calls = new ArrayList<>();
        mem.setPageWriteListener((page, flags) -> { calls.add(page); mem.unwatchPage(page, flags); });
        mmu.write32(0x1000, 1, false);
        mem.watchPage(0x21, 2);                                // e.g. snapshot dirty tracking
        int fast = mmu.stats.fastHits;
        mmu.write32(0x1004, 2, false);                         // slow: notifies, listener unwatches, re-tagged
        assertEquals(fast, mmu.stats.fastHits);
        mmu.write32(0x100C, 4, false);
        assertEquals(fast + 1, mmu.stats.fastHits);
        assertEquals(List.of(0x21), calls);
        assertEquals(4, mem.read32(0x2100C));
    }
}
