package org.x86play.snapshot;

import java.util.Arrays;

/**
 * What a machine was built from, so a restorer can build the same one before loading state into it: RAM size,
 * the device set, how the guest was loaded (kind, command line) and the guest images by SHA-256 of their bytes.
 * Paths are hints for the command line (where the images were); identity is only the hashes.
 */
public final class MachineConfig {
    /** Device sets: a bare {@code Machine} (COM1, debug ports) or the full {@code PcPlatform}. */
    public static final int PLATFORM_BARE = 0, PLATFORM_PC = 1;
    /** How the guest got into memory. */
    public static final int BOOT_NONE = 0, BOOT_BIOS = 1, BOOT_LINUX = 2, BOOT_MULTIBOOT = 3;
    private static final String[] BOOT_NAMES = {"none", "bios", "linux", "multiboot"};

    public int memoryBytes;
    public int platform = PLATFORM_PC;
    public int boot = BOOT_NONE;
    /** Kernel command line (Linux, Multiboot) as passed to the loader; "" when none. */
    public String cmdline = "";
    /** SHA-256 of the kernel / initrd / firmware image, or null when not given. */
    public byte[] kernelSha, initrdSha, biosSha;
    /** Where the images were when the snapshot was taken (hints only; may be ""). */
    public String kernelPath = "", initrdPath = "", biosPath = "";
    /** POST-code port (Machine default 0x80). */
    public int postPort = 0x80;
    /** PC platform: ACPI tables were written into RAM (firmware-less boot); fw_cfg names COM1 as the firmware console. */
    public boolean acpiTables, firmwareSerialConsole;

    public String bootName() { return BOOT_NAMES[boot]; }

    /**
     * A Linux kernel (and initrd) loaded by the 32-bit boot protocol on the PC platform, with generated ACPI
     * tables: what {@code ./vmm run --kernel} and the browser build both build. Paths are left empty.
     */
    public static MachineConfig linux(int memoryBytes, byte[] kernel, byte[] initrd, String cmdline, boolean firmwareSerialConsole) {
        MachineConfig c = new MachineConfig();
        c.memoryBytes = memoryBytes;
        c.platform = PLATFORM_PC;
        c.boot = BOOT_LINUX;
        c.cmdline = cmdline == null ? "" : cmdline;
        c.kernelSha = Sha256.of(kernel);
        c.initrdSha = initrd == null ? null : Sha256.of(initrd);
        c.acpiTables = true;
        c.firmwareSerialConsole = firmwareSerialConsole;
        return c;
    }

    void write(StateWriter w) {
        w.i32(memoryBytes).u8(platform).u8(boot).text(cmdline);
        hash(w, kernelSha);
        hash(w, initrdSha);
        hash(w, biosSha);
        w.text(kernelPath).text(initrdPath).text(biosPath);
        w.u16(postPort).bool(acpiTables).bool(firmwareSerialConsole);
    }

    static MachineConfig read(StateReader r) throws SnapshotFormatException {
        MachineConfig c = new MachineConfig();
        c.memoryBytes = r.intIn(1 << 20, 1 << 30, "memory size");
        if ((c.memoryBytes & 0xFFF) != 0) throw r.fail("memory size must be a multiple of 4 KiB, got " + c.memoryBytes);
        c.platform = r.u8();
        if (c.platform > PLATFORM_PC) throw r.fail("unknown platform " + c.platform);
        c.boot = r.u8();
        if (c.boot > BOOT_MULTIBOOT) throw r.fail("unknown boot kind " + c.boot);
        c.cmdline = r.text("command line");
        c.kernelSha = hash(r, "kernel");
        c.initrdSha = hash(r, "initrd");
        c.biosSha = hash(r, "firmware");
        c.kernelPath = r.text("kernel path");
        c.initrdPath = r.text("initrd path");
        c.biosPath = r.text("firmware path");
        c.postPort = r.u16();
        c.acpiTables = r.bool("ACPI tables flag");
        c.firmwareSerialConsole = r.bool("firmware serial console flag");
        return c;
    }

    private static void hash(StateWriter w, byte[] h) {
        if (h == null) {
            w.u8(0);
        } else {
            if (h.length != 32) throw new IllegalArgumentException("SHA-256 digest must be 32 bytes");
            w.u8(1).bytes(h);
        }
    }

    private static byte[] hash(StateReader r, String what) throws SnapshotFormatException {
        if (!r.bool(what + " hash present")) return null;
        byte[] h = new byte[32];
        r.bytes(h);
        return h;
    }

    /**
     * Why a machine built from {@code built} cannot take a snapshot taken with this configuration, or null when
     * it can. Paths are not compared (images are identified by content).
     */
    public String mismatch(MachineConfig built) {
        if (memoryBytes != built.memoryBytes) return "memory size differs: snapshot " + (memoryBytes >> 20) + " MiB, machine " + (built.memoryBytes >> 20) + " MiB";
        if (platform != built.platform) return "device set differs (" + platformName(platform) + " vs " + platformName(built.platform) + ")";
        if (boot != built.boot) return "boot kind differs: snapshot " + bootName() + ", machine " + built.bootName();
        if (!cmdline.equals(built.cmdline)) return "kernel command line differs: snapshot '" + cmdline + "', machine '" + built.cmdline + "'";
        String h = hashMismatch("kernel", kernelSha, built.kernelSha);
        if (h == null) h = hashMismatch("initrd", initrdSha, built.initrdSha);
        if (h == null) h = hashMismatch("firmware", biosSha, built.biosSha);
        if (h != null) return h;
        if (postPort != built.postPort) return "POST port differs";
        if (acpiTables != built.acpiTables) return "ACPI tables differ (installed in one, not the other)";
        if (firmwareSerialConsole != built.firmwareSerialConsole) return "firmware serial console setting differs";
        return null;
    }

    private static String hashMismatch(String what, byte[] want, byte[] have) {
        if (want == null && have == null) return null;
        if (want == null) return "the machine has a " + what + " image, the snapshot none";
        if (have == null) return "the snapshot needs the " + what + " image with SHA-256 " + Sha256.hex(want);
        if (!Arrays.equals(want, have)) {
            return "the " + what + " image differs: snapshot needs SHA-256 " + Sha256.hex(want) + ", given " + Sha256.hex(have);
        }
        return null;
    }

    private static String platformName(int p) { return p == PLATFORM_PC ? "PC platform" : "bare machine"; }
}
