package org.x86play.snapshot;

import org.x86play.devices.rtc.WallClock;
import org.x86play.machine.Machine;
import org.x86play.machine.PcPlatform;

/**
 * A PC-platform machine booted from a Linux bzImage (and initrd) by the 32-bit boot protocol, with ACPI tables
 * generated because there is no firmware — the machine {@code ./vmm run --kernel} and the browser build, so a
 * snapshot taken by one resumes in the other. It keeps what snapshots need: the {@link MachineConfig} it was
 * built from and its RAM right after loading ({@link InitialImage}), whose pages a snapshot references instead
 * of storing them.
 */
public final class LinuxGuest {
    public final Machine machine;
    public final PcPlatform platform;
    public final MachineConfig config;
    private final InitialImage initial;

    private LinuxGuest(Machine machine, PcPlatform platform, MachineConfig config) {
        this.machine = machine;
        this.platform = platform;
        this.config = config;
        this.initial = InitialImage.capture(machine.memory);
    }

    /**
     * Builds and loads the guest, ready for its first instruction.
     * @param firmwareSerialConsole name COM1 as the firmware console in fw_cfg (the native runner does when COM1 is watched)
     * @throws IllegalArgumentException for a bad memory size or an image that is not a bootable bzImage
     * @throws OutOfMemoryError when the host cannot give the guest its RAM
     */
    public static LinuxGuest boot(byte[] kernel, byte[] initrd, String cmdline, int memMb, WallClock wallClock,
            boolean firmwareSerialConsole) {
        if (kernel == null || kernel.length == 0) throw new IllegalArgumentException("no kernel image given");
        String line = cmdline == null ? "" : cmdline;
        return build(kernel, initrd, memMb, wallClock, MachineConfig.linux(memMb << 20, kernel, initrd, line, firmwareSerialConsole));
    }

    /** Builds the machine {@code config} describes from these images (their hashes already in {@code config}). */
    private static LinuxGuest build(byte[] kernel, byte[] initrd, int memMb, WallClock wallClock, MachineConfig config) {
        if (memMb < 2 || memMb > 1024) throw new IllegalArgumentException("memory must be 2..1024 MiB, got " + memMb);
        Machine m = new Machine(memMb << 20);
        m.loadLinux(kernel, initrd, config.cmdline);
        PcPlatform p = new PcPlatform(m, wallClock);
        p.installAcpiTables();
        if (config.firmwareSerialConsole) p.enableFirmwareSerialConsole();
        return new LinuxGuest(m, p, config);
    }

    /**
     * Builds the machine {@code snapshot} was taken on from the same images (checked by SHA-256) and loads its
     * state; the guest continues where it was when {@link Machine#run} is called.
     * @throws SnapshotFormatException when the snapshot is not of a Linux guest on the PC platform, the images
     *         differ from the ones it was taken with, or its state does not load (the machine is then discarded)
     */
    public static LinuxGuest resume(Snapshot snapshot, byte[] kernel, byte[] initrd, WallClock wallClock, Compression codec)
            throws SnapshotFormatException {
        MachineConfig c = snapshot.config();
        if (c.platform != MachineConfig.PLATFORM_PC || c.boot != MachineConfig.BOOT_LINUX) {
            throw new SnapshotFormatException("this snapshot is not of a Linux guest booted with --kernel (it booted "
                    + c.bootName() + (c.platform == MachineConfig.PLATFORM_PC ? "" : " on a bare machine") + ")");
        }
        if (!c.acpiTables) throw new SnapshotFormatException("this snapshot's machine had no generated ACPI tables");
        if ((c.memoryBytes & ((1 << 20) - 1)) != 0) throw new SnapshotFormatException("memory size is not a whole number of MiB");
        // Compare the images before building: a wrong image is the common mistake, and a clear message beats a
        // failed restore (the same check runs again in Snapshot.restore).
        // The images are hashed once, for this check and for the machine's own configuration.
        MachineConfig built = MachineConfig.linux(c.memoryBytes, kernel, initrd, c.cmdline, c.firmwareSerialConsole);
        String why = c.mismatch(built);
        if (why != null) throw new SnapshotFormatException("snapshot does not fit these images: " + why);
        built.postPort = c.postPort;
        LinuxGuest g;
        try {
            g = build(kernel, initrd, c.memoryBytes >> 20, wallClock, built);
        } catch (IllegalArgumentException e) {
            throw new SnapshotFormatException("cannot rebuild the snapshot's machine: " + e.getMessage());
        }
        if (c.postPort != 0x80) g.machine.setPostCodePort(c.postPort);
        snapshot.restore(g.machine, g.platform, g.config, codec);
        return g;
    }

    /** The whole machine as a snapshot (take it between runs, never from inside a device callback). */
    public byte[] save(SnapshotWriter writer) {
        return writer.write(machine, platform, config, initial);
    }
}
