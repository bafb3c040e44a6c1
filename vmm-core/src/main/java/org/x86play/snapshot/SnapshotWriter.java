package org.x86play.snapshot;

import org.x86play.machine.Machine;
import org.x86play.machine.PcPlatform;

/**
 * Writes a whole machine as a snapshot (format in FORMAT.md): configuration, CPU, clock, every device's own
 * section, then RAM. Take it between runs ({@link Machine#run} returned), never from inside a device callback.
 */
public final class SnapshotWriter {
    private final Compression codec;
    private RamSection.Stats lastStats;

    public SnapshotWriter(Compression codec) {
        this.codec = codec;
    }

    /**
     * @param platform the PC devices around {@code m}, or null for a bare machine
     * @param config   what {@code m} was built from (must agree with {@code platform})
     * @param initial  the RAM image captured right after the guest was loaded, or null (then every non-zero page is stored)
     */
    public byte[] write(Machine m, PcPlatform platform, MachineConfig config, InitialImage initial) {
        if ((platform != null) != (config.platform == MachineConfig.PLATFORM_PC)) {
            throw new IllegalArgumentException("config says " + (config.platform == MachineConfig.PLATFORM_PC ? "PC platform" : "bare machine")
                    + " but the platform is " + (platform == null ? "missing" : "present"));
        }
        if (config.memoryBytes != m.memory.ramSize()) throw new IllegalArgumentException("config memory size differs from the machine's");
        StateWriter out = new StateWriter(1 << 16);
        out.bytes(SnapshotFormat.MAGIC).u16(SnapshotFormat.MAJOR).u16(SnapshotFormat.MINOR);
        int countAt = out.size();
        out.i32(0);
        int[] count = {0};
        StateWriter s = new StateWriter();
        config.write(s);
        section(out, SnapshotFormat.CONFIG, s, count);
        s = new StateWriter();
        s.bool(m.memory.isA20Enabled());
        section(out, SnapshotFormat.MEMORY, s, count);
        if (platform != null) {
            s = new StateWriter();
            platform.clock.saveState(s);
            section(out, SnapshotFormat.CLOCK, s, count);
        }
        s = new StateWriter(1024);
        m.cpu.saveState(s);
        section(out, SnapshotFormat.CPU, s, count);
        if (platform != null) {
            s = new StateWriter(); platform.pic.saveState(s); section(out, SnapshotFormat.PIC, s, count);
            s = new StateWriter(); platform.localApic.saveState(s); section(out, SnapshotFormat.LOCAL_APIC, s, count);
            s = new StateWriter(); platform.ioApic.saveState(s); section(out, SnapshotFormat.IO_APIC, s, count);
            s = new StateWriter(); platform.pit.saveState(s); section(out, SnapshotFormat.PIT, s, count);
            s = new StateWriter(); platform.rtc.saveState(s); section(out, SnapshotFormat.RTC, s, count);
            s = new StateWriter(); platform.keyboardController.saveState(s); section(out, SnapshotFormat.KBC, s, count);
            s = new StateWriter(); platform.portA.saveState(s); section(out, SnapshotFormat.PORT_A, s, count);
            for (int i = 0; i < platform.uarts.length; i++) {
                s = new StateWriter(); platform.uarts[i].saveState(s); section(out, SnapshotFormat.UART[i], s, count);
            }
            s = new StateWriter(1 << 16); platform.vga.saveState(s); section(out, SnapshotFormat.VGA, s, count);
            s = new StateWriter(1024); platform.pci.saveState(s); section(out, SnapshotFormat.PCI, s, count);
            s = new StateWriter(); platform.acpiPm.saveState(s); section(out, SnapshotFormat.ACPI_PM, s, count);
            s = new StateWriter(); platform.fwCfg.saveState(s); section(out, SnapshotFormat.FW_CFG, s, count);
        } else {
            s = new StateWriter(); m.com1.saveState(s); section(out, SnapshotFormat.UART[0], s, count);
        }
        s = new StateWriter(); m.debugExit.saveState(s); section(out, SnapshotFormat.DEBUG_EXIT, s, count);
        s = new StateWriter(); m.postCodes.saveState(s); section(out, SnapshotFormat.POST, s, count);
        s = new StateWriter(1 << 20);
        lastStats = RamSection.save(m.memory, initial, codec, s);
        section(out, SnapshotFormat.RAM, s, count);
        out.patch32(countAt, count[0]);
        byte[] end = Utf8.encode(SnapshotFormat.END_TAG);
        out.bytes(end);
        out.i32(Crc32.of(out.buffer(), 0, out.size()));
        return out.toByteArray();
    }

    /** Tag, encoding, stored and raw length, payload, CRC-32; payloads that deflate well are stored deflated. */
    private void section(StateWriter out, String tag, StateWriter payload, int[] count) {
        int start = out.size();
        byte[] stored = null;
        // RAM compresses its own pages; the configuration stays readable without a decompressor.
        if (payload.size() >= SnapshotFormat.COMPRESS_FROM && !tag.equals(SnapshotFormat.RAM) && !tag.equals(SnapshotFormat.CONFIG)) {
            byte[] z = codec.deflate(payload.buffer(), 0, payload.size());
            if (z.length < payload.size() - payload.size() / 8) stored = z;
        }
        out.bytes(Utf8.encode(tag)).u8(stored != null ? SnapshotFormat.ENCODING_DEFLATE : SnapshotFormat.ENCODING_RAW);
        if (stored != null) out.i32(stored.length).i32(payload.size()).bytes(stored);
        else out.i32(payload.size()).i32(payload.size()).bytes(payload.buffer(), 0, payload.size());
        out.i32(Crc32.of(out.buffer(), start, out.size() - start));
        count[0]++;
    }

    /** "N zero, N referenced, N stored pages (N bytes compressed)" for the last {@link #write}. */
    public String ramSummary() {
        RamSection.Stats s = lastStats;
        if (s == null) return "";
        return s.zero + " zero, " + s.referenced + " referenced, " + s.stored + " stored pages (" + s.compressedBytes + " bytes compressed)";
    }

    public int zeroPages() { return lastStats == null ? 0 : lastStats.zero; }
    public int referencedPages() { return lastStats == null ? 0 : lastStats.referenced; }
    public int storedPages() { return lastStats == null ? 0 : lastStats.stored; }
}
