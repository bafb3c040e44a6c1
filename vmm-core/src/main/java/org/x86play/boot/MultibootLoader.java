package org.x86play.boot;

import org.x86play.cpu.Cpu;
import org.x86play.memory.PhysicalMemory;

/**
 * Loads a Multiboot (version 1, spec 0.6.96) kernel image into guest RAM and puts the CPU in the
 * state the specification's "Machine state" section requires: 32-bit protected mode with flat
 * 4 GiB code and data segments, paging off, IF=0, EAX = 0x2BADB002, EBX = the physical address
 * of the Multiboot information structure.
 * <p>
 * Supported: ELF32 i386 executables (PT_LOAD segments placed at their physical addresses, .bss
 * zeroed) and the "a.out kludge" address fields (header flag 16). The information structure
 * carries mem_lower/mem_upper, the command line, the boot loader name and a memory map.
 * Every field of the file is bounds-checked: a malformed file ends in an
 * {@link IllegalArgumentException} with a clear message, never another exception.
 */
public final class MultibootLoader {
    public static final int HEADER_MAGIC = 0x1BADB002;
    public static final int BOOTLOADER_MAGIC = 0x2BADB002;
    /** The header must lie in the first 8 KiB, 32-bit aligned (spec §3.1). */
    static final int SEARCH_LIMIT = 8192;
    static final int FLAG_PAGE_ALIGN = 1, FLAG_MEMORY_INFO = 2, FLAG_VIDEO_MODE = 4, FLAG_ADDRESS = 1 << 16;
    /** Flags bits 0-15 are requirements: a loader must refuse a kernel asking for one it does not know (spec §3.1.2). */
    static final int KNOWN_REQUIRED = FLAG_PAGE_ALIGN | FLAG_MEMORY_INFO | FLAG_VIDEO_MODE;

    // Multiboot information structure flags (spec §3.3).
    static final int INFO_MEMORY = 1, INFO_CMDLINE = 1 << 2, INFO_MMAP = 1 << 6, INFO_LOADER_NAME = 1 << 9;
    static final int INFO_SIZE = 120;
    public static final String LOADER_NAME = "x86play";

    /** Preferred place for the boot data (GDT, info, memory map, strings): free conventional memory. */
    static final int LOW_AREA = 0x8000, LOW_AREA_END = 0x10000;
    static final int MAX_CMDLINE = 4096;
    /** Conventional memory below the EBDA (639 KiB) and the start of extended memory. */
    static final int CONVENTIONAL_END = 0x9FC00, EXTENDED_START = 0x100000;

    private final PhysicalMemory memory;
    private final Cpu cpu;
    private final long ramSize;
    private long loadedLow = Long.MAX_VALUE, loadedHigh = 0;
    private final long[] ranges = new long[64];
    private int rangeCount;

    public MultibootLoader(PhysicalMemory memory, Cpu cpu) {
        this.memory = memory;
        this.cpu = cpu;
        this.ramSize = memory.ramSize() & 0xFFFFFFFFL;
    }

    /** The result of a load, for tests and messages. */
    public static final class Loaded {
        public int entry, infoAddress, headerOffset;
        public boolean aout;
    }

    /**
     * Loads {@code image}, builds the information structure with {@code cmdline} (null = empty)
     * and sets the CPU state; the CPU then starts at the kernel's entry point.
     * @throws IllegalArgumentException if the image is not a valid, loadable Multiboot kernel
     */
    public Loaded load(byte[] image, String cmdline) {
        if (image == null || image.length == 0) throw bad("the kernel file is empty");
        String cmd = cmdline == null ? "" : cmdline;
        if (cmd.length() > MAX_CMDLINE) throw bad("the command line is longer than " + MAX_CMDLINE + " characters");
        Loaded out = new Loaded();
        int h = findHeader(image);
        out.headerOffset = h;
        int flags = u32(image, h + 4);
        int unknown = flags & 0xFFFF & ~KNOWN_REQUIRED;
        if (unknown != 0) {
            throw bad("the kernel requires Multiboot features this loader does not provide (header flags 0x"
                    + Integer.toHexString(flags) + ", unknown required bits 0x" + Integer.toHexString(unknown) + ")");
        }
        if ((flags & FLAG_ADDRESS) != 0) {
            out.aout = true;
            out.entry = loadAddressFields(image, h);
        } else if (isElf(image)) {
            out.entry = loadElf(image);
        } else {
            throw bad("the kernel is not an ELF file and its Multiboot header has no address fields (flag 16)");
        }
        out.infoAddress = buildInfo(cmd);
        enterProtectedMode(out.entry, out.infoAddress);
        return out;
    }

    // ------------------------------------------------------------------ header

    private int findHeader(byte[] image) {
        int limit = Math.min(image.length, SEARCH_LIMIT);
        int badChecksumAt = -1;
        for (int off = 0; off + 12 <= limit; off += 4) {
            if (u32(image, off) != HEADER_MAGIC) continue;
            if (HEADER_MAGIC + u32(image, off + 4) + u32(image, off + 8) == 0) return off;
            if (badChecksumAt < 0) badChecksumAt = off;
        }
        if (badChecksumAt >= 0) {
            throw bad("the Multiboot header at file offset 0x" + Integer.toHexString(badChecksumAt) + " has a bad checksum");
        }
        throw bad("no Multiboot header (magic 0x1BADB002) in the first 8 KiB of the file");
    }

    // ------------------------------------------------------------------ a.out kludge

    /** Header flag 16: load_addr..load_end_addr from the file, zero up to bss_end_addr (spec §3.1.3). */
    private int loadAddressFields(byte[] image, int h) {
        if (h + 32 > image.length) throw bad("the Multiboot header's address fields run past the end of the file");
        long headerAddr = u32(image, h + 12) & 0xFFFFFFFFL;
        long loadAddr = u32(image, h + 16) & 0xFFFFFFFFL;
        long loadEnd = u32(image, h + 20) & 0xFFFFFFFFL;
        long bssEnd = u32(image, h + 24) & 0xFFFFFFFFL;
        long entry = u32(image, h + 28) & 0xFFFFFFFFL;
        if (loadAddr > headerAddr) throw bad("Multiboot header: load_addr 0x" + hex(loadAddr) + " is above header_addr 0x" + hex(headerAddr));
        long fileStart = h - (headerAddr - loadAddr);
        if (fileStart < 0) throw bad("Multiboot header: header_addr - load_addr points before the start of the file");
        long size;
        if (loadEnd == 0) {
            size = image.length - fileStart;
        } else {
            if (loadEnd < loadAddr) throw bad("Multiboot header: load_end_addr 0x" + hex(loadEnd) + " is below load_addr 0x" + hex(loadAddr));
            size = loadEnd - loadAddr;
            if (fileStart + size > image.length) {
                throw bad("Multiboot header: load_end_addr asks for " + size + " bytes but the file has only "
                        + (image.length - fileStart) + " from the load offset");
            }
        }
        long end = loadAddr + size;
        if (bssEnd != 0 && bssEnd < end) throw bad("Multiboot header: bss_end_addr 0x" + hex(bssEnd) + " is below load_end_addr 0x" + hex(end));
        long memEnd = bssEnd == 0 ? end : bssEnd;
        checkInRam("the kernel image", loadAddr, memEnd - loadAddr);
        copy(image, (int) fileStart, loadAddr, (int) size);
        zero(end, memEnd - end);
        addRange(loadAddr, memEnd);
        checkEntry(entry);
        return (int) entry;
    }

    // ------------------------------------------------------------------ ELF

    private static boolean isElf(byte[] image) {
        return image.length >= 4 && image[0] == 0x7F && image[1] == 'E' && image[2] == 'L' && image[3] == 'F';
    }

    /** ELF32 executable: PT_LOAD segments at p_paddr, p_memsz - p_filesz bytes zeroed (System V ABI, ELF ch. 5). */
    private int loadElf(byte[] image) {
        if (image.length < 52) throw bad("ELF: the file is too short for an ELF header");
        if (image[4] != 1) throw bad("ELF: not a 32-bit ELF file (EI_CLASS " + image[4] + "); Multiboot v1 kernels are ELF32");
        if (image[5] != 1) throw bad("ELF: not little-endian (EI_DATA " + image[5] + ")");
        int type = u16(image, 16), machine = u16(image, 18);
        if (type != 2) throw bad("ELF: not an executable (e_type " + type + ")");
        if (machine != 3) throw bad("ELF: not an i386 file (e_machine " + machine + ")");
        long entry = u32(image, 24) & 0xFFFFFFFFL;
        long phoff = u32(image, 28) & 0xFFFFFFFFL;
        int phentsize = u16(image, 42), phnum = u16(image, 44);
        if (phnum == 0) throw bad("ELF: no program headers");
        if (phentsize < 32) throw bad("ELF: program header entries of " + phentsize + " bytes (at least 32 expected)");
        if (phoff + (long) phnum * phentsize > image.length) throw bad("ELF: the program header table runs past the end of the file");
        long physEntry = -1;
        int loaded = 0;
        for (int i = 0; i < phnum; i++) {
            int p = (int) (phoff + (long) i * phentsize);
            if (u32(image, p) != 1) continue; // PT_LOAD only
            long offset = u32(image, p + 4) & 0xFFFFFFFFL;
            long vaddr = u32(image, p + 8) & 0xFFFFFFFFL;
            long paddr = u32(image, p + 12) & 0xFFFFFFFFL;
            long filesz = u32(image, p + 16) & 0xFFFFFFFFL;
            long memsz = u32(image, p + 20) & 0xFFFFFFFFL;
            String what = "ELF: program header " + i;
            if (filesz > memsz) throw bad(what + ": p_filesz 0x" + hex(filesz) + " exceeds p_memsz 0x" + hex(memsz));
            if (offset + filesz > image.length) throw bad(what + ": file bytes 0x" + hex(offset) + "+0x" + hex(filesz) + " run past the end of the file");
            if (memsz == 0) continue;
            checkInRam(what, paddr, memsz);
            copy(image, (int) offset, paddr, (int) filesz);
            zero(paddr + filesz, memsz - filesz);
            addRange(paddr, paddr + memsz);
            loaded++;
            // Paging is off at entry: translate a virtual entry point through its segment (as GRUB does).
            if (physEntry < 0 && entry >= vaddr && entry - vaddr < memsz) physEntry = entry - vaddr + paddr;
        }
        if (loaded == 0) throw bad("ELF: no loadable (PT_LOAD) segment");
        long e = physEntry >= 0 ? physEntry : entry;
        checkEntry(e);
        return (int) e;
    }

    // ------------------------------------------------------------------ information structure

    /** Builds GDT, info structure, memory map and strings; returns the info structure's address. */
    private int buildInfo(String cmdline) {
        byte[] cmd = ascii(cmdline);
        byte[] name = ascii(LOADER_NAME);
        int gdtSize = 24;
        int mmapEntries = 4;
        int mmapSize = mmapEntries * 24;
        long size = gdtSize + INFO_SIZE + mmapSize + cmd.length + name.length;
        long base = LOW_AREA;
        if (base + size > LOW_AREA_END || overlaps(base, base + size)) {
            base = (loadedHigh + 0xFFF) & ~0xFFFL;
            if (base + size > ramSize) throw bad("no room in guest RAM for the Multiboot information after the kernel");
        }
        int gdt = (int) base;
        int info = gdt + gdtSize;
        int mmap = info + INFO_SIZE;
        int cmdAddr = mmap + mmapSize;
        int nameAddr = cmdAddr + cmd.length;
        // GDT: null, 0x08 flat 32-bit code, 0x10 flat data (SDM Vol. 3 §3.4.5), so a kernel may reload selectors.
        write32(gdt, 0); write32(gdt + 4, 0);
        write32(gdt + 8, 0x0000FFFF); write32(gdt + 12, 0x00CF9B00);
        write32(gdt + 16, 0x0000FFFF); write32(gdt + 20, 0x00CF9300);
        for (int i = 0; i < INFO_SIZE; i += 4) write32(info + i, 0);
        int ram = (int) ramSize;
        write32(info, INFO_MEMORY | INFO_CMDLINE | INFO_MMAP | INFO_LOADER_NAME);
        write32(info + 4, CONVENTIONAL_END >>> 10);                    // mem_lower, KiB
        write32(info + 8, (int) ((ramSize - EXTENDED_START) >>> 10));  // mem_upper, KiB from 1 MiB
        write32(info + 16, cmdAddr);
        write32(info + 44, mmapSize);
        write32(info + 48, mmap);
        write32(info + 64, nameAddr);
        // Memory map (spec §3.3): size, base_addr, length, type; 1 = available RAM, 2 = reserved.
        int m = mmap;
        m = mmapEntry(m, 0, CONVENTIONAL_END, 1);
        m = mmapEntry(m, CONVENTIONAL_END, 0xA0000 - CONVENTIONAL_END, 2);
        m = mmapEntry(m, 0xE0000, EXTENDED_START - 0xE0000, 2);
        mmapEntry(m, EXTENDED_START, ram - EXTENDED_START, 1);
        memory.load(cmdAddr, cmd, 0, cmd.length);
        memory.load(nameAddr, name, 0, name.length);
        return info;
    }

    private int mmapEntry(int at, int base, int length, int type) {
        write32(at, 20);
        write32(at + 4, base); write32(at + 8, 0);
        write32(at + 12, length); write32(at + 16, 0);
        write32(at + 20, type);
        return at + 24;
    }

    // ------------------------------------------------------------------ machine state

    /** Spec §3.2 "Machine state". Segment caches are loaded directly (flat, base 0, limit 4 GiB - 1). */
    private void enterProtectedMode(int entry, int info) {
        cpu.reset();
        memory.setA20(true);
        int gdt = info - 24;
        cpu.gdtr.set(0, gdt, 23, 0);
        cpu.seg[Cpu.CS].set(0x08, 0, 0xFFFFFFFF, 0xC09B);
        for (int s : new int[] {Cpu.ES, Cpu.SS, Cpu.DS, Cpu.FS, Cpu.GS}) cpu.seg[s].set(0x10, 0, 0xFFFFFFFF, 0xC093);
        cpu.writeCr(0, (cpu.cr0 | Cpu.CR0_PE) & ~Cpu.CR0_PG);
        cpu.cpl = 0;
        cpu.setEflags(0x2); // IF=0, VM=0
        cpu.reg[Cpu.EAX] = BOOTLOADER_MAGIC;
        cpu.reg[Cpu.EBX] = info;
        cpu.reg[Cpu.ESP] = gdt; // undefined by the spec; a sane stack below the boot data
        cpu.eip = entry;
        cpu.instructionStart = entry;
        cpu.halted = false;
    }

    // ------------------------------------------------------------------ helpers

    private void checkInRam(String what, long addr, long size) {
        if (addr + size > ramSize) {
            throw bad(what + " (0x" + hex(addr) + "..0x" + hex(addr + size) + ") does not fit in guest RAM ("
                    + (ramSize >> 20) + " MiB)");
        }
    }

    private void checkEntry(long entry) {
        if (entry >= ramSize) throw bad("the entry point 0x" + hex(entry) + " is outside guest RAM");
        if (!overlaps(entry, entry + 1)) throw bad("the entry point 0x" + hex(entry) + " is not inside the loaded kernel");
    }

    private void addRange(long lo, long hi) {
        if (rangeCount + 2 > ranges.length) throw bad("too many loadable segments (at most " + ranges.length / 2 + ")");
        ranges[rangeCount++] = lo;
        ranges[rangeCount++] = hi;
        loadedLow = Math.min(loadedLow, lo);
        loadedHigh = Math.max(loadedHigh, hi);
    }

    private boolean overlaps(long lo, long hi) {
        for (int i = 0; i < rangeCount; i += 2) if (lo < ranges[i + 1] && ranges[i] < hi) return true;
        return false;
    }

    private void copy(byte[] image, int offset, long addr, int length) {
        if (length > 0) memory.load((int) addr, image, offset, length);
    }

    private void zero(long addr, long length) {
        byte[] zeros = new byte[(int) Math.min(length, 1 << 16)];
        while (length > 0) {
            int n = (int) Math.min(length, zeros.length);
            memory.load((int) addr, zeros, 0, n);
            addr += n;
            length -= n;
        }
    }

    private void write32(int a, int v) {
        for (int i = 0; i < 4; i++) memory.write8(a + i, v >>> (8 * i));
    }

    private static byte[] ascii(String s) {
        byte[] b = new byte[s.length() + 1];
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b[i] = (byte) (c < 0x100 ? c : '?');
        }
        return b;
    }

    private static int u32(byte[] b, int off) {
        if (off < 0 || off + 4 > b.length) throw bad("the file is truncated (a field at offset " + off + " is past its end)");
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8 | (b[off + 2] & 0xFF) << 16 | (b[off + 3] & 0xFF) << 24;
    }

    private static int u16(byte[] b, int off) {
        if (off < 0 || off + 2 > b.length) throw bad("the file is truncated (a field at offset " + off + " is past its end)");
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8;
    }

    private static String hex(long v) { return Long.toHexString(v); }

    private static IllegalArgumentException bad(String message) {
        return new IllegalArgumentException("not a loadable Multiboot kernel: " + message);
    }
}
