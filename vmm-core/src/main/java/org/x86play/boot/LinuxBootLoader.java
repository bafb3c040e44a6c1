package org.x86play.boot;

import org.x86play.cpu.Cpu;
import org.x86play.memory.PhysicalMemory;

/**
 * Loads a Linux bzImage the way {@code qemu -kernel} does, through the 32-bit entry of the Linux/x86
 * boot protocol (Linux {@code Documentation/arch/x86/boot.rst}, protocol 2.06 and later): the setup
 * header is validated and copied into a zeroed {@code boot_params} page together with an e820 memory
 * map, the command line and the initrd location; the protected-mode kernel goes to 1 MiB and the CPU
 * starts at {@code code32_start} in flat 32-bit protected mode with ESI pointing at {@code boot_params}.
 * Every header field is bounds-checked: a malformed image gives an {@link IllegalArgumentException}.
 */
public final class LinuxBootLoader {
    /** Where the loader puts its own data; all below the EBDA at 0x9FC00. */
    static final int GDT = 0x8000, BOOT_PARAMS = 0x10000, CMDLINE = 0x20000, STACK_TOP = 0x8000;
    static final int KERNEL_BASE = 0x100000;
    /** Offsets in the setup header / boot_params (boot.rst, "The real-mode kernel header" and zero-page.rst). */
    static final int SETUP_SECTS = 0x1F1, HEADER_MAGIC = 0x202, VERSION = 0x206, TYPE_OF_LOADER = 0x210,
            LOADFLAGS = 0x211, CODE32_START = 0x214, RAMDISK_IMAGE = 0x218, RAMDISK_SIZE = 0x21C,
            CMD_LINE_PTR = 0x228, INITRD_ADDR_MAX = 0x22C, CMDLINE_SIZE = 0x238,
            ALT_MEM_K = 0x1E0, E820_ENTRIES = 0x1E8, E820_TABLE = 0x2D0;
    /** struct screen_info at the start of boot_params (include/uapi/linux/screen_info.h). */
    static final int VIDEO_MODE = 0x06, VIDEO_COLS = 0x07, VIDEO_EGA_BX = 0x0A, VIDEO_LINES = 0x0E,
            VIDEO_IS_VGA = 0x0F, VIDEO_POINTS = 0x10;
    static final int LOADED_HIGH = 0x01, MIN_VERSION = 0x0206, MAX_E820 = 128;
    static final int E820_RAM = 1, E820_RESERVED = 2;
    /** Conventional memory ends where the EBDA would start (PC convention). */
    static final int LOW_RAM_TOP = 0x9FC00;

    private final PhysicalMemory memory;
    private final Cpu cpu;

    public LinuxBootLoader(PhysicalMemory memory, Cpu cpu) {
        this.memory = memory;
        this.cpu = cpu;
    }

    /** What was placed where (for tests and the runner's messages). */
    public static final class Layout {
        public int setupBytes, kernelBytes, initrdAddress, initrdSize, version;
    }

    /**
     * Loads {@code bzImage} (and {@code initrd}, may be null) and sets the 32-bit boot state.
     * @throws IllegalArgumentException for an image that is not a bootable bzImage or does not fit
     */
    public Layout load(byte[] bzImage, byte[] initrd, String cmdline) {
        if (bzImage == null || bzImage.length < 0x300) throw bad("file too small to be a bzImage");
        if (u32(bzImage, HEADER_MAGIC) != 0x53726448) throw bad("no Linux setup header (\"HdrS\" at 0x202)");
        Layout l = new Layout();
        l.version = u16(bzImage, VERSION);
        if (l.version < MIN_VERSION) {
            throw bad("boot protocol " + (l.version >> 8) + "." + (l.version & 0xFF) + " is too old (2.06 or later needed)");
        }
        if ((bzImage[LOADFLAGS] & LOADED_HIGH) == 0) throw bad("not a bzImage (zImage kernels load below 1 MiB and are not supported)");
        int setupSects = bzImage[SETUP_SECTS] & 0xFF;
        if (setupSects == 0) setupSects = 4;
        l.setupBytes = (setupSects + 1) * 512;
        if (l.setupBytes >= bzImage.length) throw bad("setup_sects (" + setupSects + ") runs past the end of the file");
        l.kernelBytes = bzImage.length - l.setupBytes;
        int ramTop = memory.ramSize();
        if ((long) KERNEL_BASE + l.kernelBytes > ramTop) throw bad("kernel of " + l.kernelBytes + " bytes does not fit in RAM");

        // The header runs from 0x1F1 to 0x202 + the byte at 0x201 (boot.rst, "Details of header fields").
        int headerEnd = Math.min(0x202 + (bzImage[0x201] & 0xFF), l.setupBytes);
        byte[] params = new byte[4096];
        System.arraycopy(bzImage, SETUP_SECTS, params, SETUP_SECTS, headerEnd - SETUP_SECTS);
        params[TYPE_OF_LOADER] = (byte) 0xFF; // "undefined" boot loader
        params[LOADFLAGS] &= ~0x80;           // CAN_USE_HEAP concerns the real-mode entry, which we skip

        byte[] cmd = ascii(cmdline == null ? "" : cmdline);
        int cmdlineMax = u32(bzImage, CMDLINE_SIZE);
        if (Integer.compareUnsigned(cmd.length, cmdlineMax) > 0) {
            throw bad("command line of " + cmd.length + " bytes is longer than the kernel accepts (" + cmdlineMax + ")");
        }
        putU32(params, CMD_LINE_PTR, CMDLINE);

        if (initrd != null && initrd.length > 0) {
            long max = Integer.toUnsignedLong(u32(bzImage, INITRD_ADDR_MAX));
            long top = Math.min(max + 1, ramTop);
            long at = (top - initrd.length) & ~0xFFFL;
            if (at < KERNEL_BASE + (long) l.kernelBytes) throw bad("initrd of " + initrd.length + " bytes does not fit in RAM");
            l.initrdAddress = (int) at;
            l.initrdSize = initrd.length;
            putU32(params, RAMDISK_IMAGE, l.initrdAddress);
            putU32(params, RAMDISK_SIZE, l.initrdSize);
        }

        putU32(params, ALT_MEM_K, (ramTop - KERNEL_BASE) >>> 10);
        int n = 0;
        n = e820(params, n, 0, LOW_RAM_TOP, E820_RAM);
        n = e820(params, n, LOW_RAM_TOP, KERNEL_BASE - LOW_RAM_TOP, E820_RESERVED);
        n = e820(params, n, KERNEL_BASE, ramTop - KERNEL_BASE, E820_RAM);
        params[E820_ENTRIES] = (byte) n;
        describeTextScreen(params);

        // Everything validated: now write memory.
        memory.load(KERNEL_BASE, bzImage, l.setupBytes, l.kernelBytes);
        if (l.initrdSize > 0) memory.load(l.initrdAddress, initrd, 0, l.initrdSize);
        memory.load(BOOT_PARAMS, params, 0, params.length);
        byte[] cmdz = new byte[cmd.length + 1];
        System.arraycopy(cmd, 0, cmdz, 0, cmd.length);
        memory.load(CMDLINE, cmdz, 0, cmdz.length);
        enter(u32(bzImage, CODE32_START));
        return l;
    }

    /**
     * What a BIOS-based loader would have found with int 10h: colour text mode 3, 80x25, a VGA with an
     * 8x16 font. Without it {@code screen_info} stays zero and Linux's VGA console (vgacon) does not start,
     * so {@code console=tty0} would show nothing on the screen; our VGA powers up in that mode.
     */
    private static void describeTextScreen(byte[] params) {
        params[VIDEO_MODE] = 3;
        params[VIDEO_COLS] = 80;
        params[VIDEO_LINES] = 25;
        params[VIDEO_IS_VGA] = 1;
        params[VIDEO_EGA_BX] = 3;     // int 10h AH=12h BL=10h answer: BH=0 colour, BL=3 256 KiB (not 0x10: no CGA)
        params[VIDEO_POINTS] = 16;
    }

    /**
     * The 32-bit boot state (boot.rst, "32-bit Boot Protocol"): a GDT with flat __BOOT_CS (0x10) and
     * __BOOT_DS (0x18), those selectors loaded, CR0.PE set, paging and interrupts off, ESI = boot_params,
     * EBP = EDI = EBX = 0.
     */
    private void enter(int entry) {
        byte[] gdt = new byte[32];
        putU32(gdt, 0x10, 0x0000FFFF);
        putU32(gdt, 0x14, 0x00CF9B00);
        putU32(gdt, 0x18, 0x0000FFFF);
        putU32(gdt, 0x1C, 0x00CF9300);
        memory.load(GDT, gdt, 0, gdt.length);
        cpu.gdtr.set(0, GDT, gdt.length - 1, 0);
        cpu.seg[Cpu.CS].set(0x10, 0, 0xFFFFFFFF, 0xC09B);
        for (int s : new int[] {Cpu.ES, Cpu.SS, Cpu.DS, Cpu.FS, Cpu.GS}) cpu.seg[s].set(0x18, 0, 0xFFFFFFFF, 0xC093);
        cpu.writeCr(0, (cpu.cr0 | Cpu.CR0_PE) & ~Cpu.CR0_PG);
        cpu.cpl = 0;
        cpu.setEflags(0x2);
        java.util.Arrays.fill(cpu.reg, 0);
        cpu.reg[Cpu.ESI] = BOOT_PARAMS;
        cpu.reg[Cpu.ESP] = STACK_TOP; // not defined by the protocol; the kernel sets its own stack
        cpu.eip = entry;
        cpu.halted = false;
    }

    private static int e820(byte[] p, int n, long addr, long size, int type) {
        if (n >= MAX_E820) throw new IllegalStateException("e820 table full");
        int o = E820_TABLE + 20 * n;
        putU32(p, o, (int) addr);
        putU32(p, o + 4, (int) (addr >>> 32));
        putU32(p, o + 8, (int) size);
        putU32(p, o + 12, (int) (size >>> 32));
        putU32(p, o + 16, type);
        return n + 1;
    }

    private static byte[] ascii(String s) {
        byte[] b = new byte[s.length()];
        for (int i = 0; i < b.length; i++) {
            char c = s.charAt(i);
            if (c == 0 || c > 0x7E) throw bad("the command line may only hold printable ASCII");
            b[i] = (byte) c;
        }
        return b;
    }

    static int u16(byte[] b, int o) { return (b[o] & 0xFF) | (b[o + 1] & 0xFF) << 8; }
    static int u32(byte[] b, int o) { return u16(b, o) | u16(b, o + 2) << 16; }

    static void putU32(byte[] b, int o, int v) {
        b[o] = (byte) v;
        b[o + 1] = (byte) (v >> 8);
        b[o + 2] = (byte) (v >> 16);
        b[o + 3] = (byte) (v >> 24);
    }

    private static IllegalArgumentException bad(String why) {
        return new IllegalArgumentException("not a bootable Linux bzImage: " + why);
    }
}
