package org.x86play.snapshot;

import org.x86play.machine.Machine;
import org.x86play.machine.PcPlatform;

/**
 * A parsed snapshot: the container is checked (magic, major version, section bounds, each section's CRC-32
 * and the whole file's) by {@link #parse}, and the configuration decoded, so a caller can build the matching
 * machine; {@link #restore} then loads every section into it, validating each value as it goes.
 * <p>
 * On a {@link SnapshotFormatException} from {@link #restore} the machine may be partly loaded: discard it.
 */
public final class Snapshot {
    private final byte[] data;
    private final int major, minor;
    private final String[] tags;
    private final int[] offsets, lengths, rawLengths, encodings;
    private final MachineConfig config;
    /** The decompressor of the current {@link #restore} (sections other than the configuration may be deflated). */
    private Compression codec;

    private Snapshot(byte[] data, int major, int minor, String[] tags, int[] offsets, int[] lengths, int[] rawLengths,
            int[] encodings) throws SnapshotFormatException {
        this.data = data;
        this.major = major;
        this.minor = minor;
        this.tags = tags;
        this.offsets = offsets;
        this.lengths = lengths;
        this.rawLengths = rawLengths;
        this.encodings = encodings;
        StateReader r = reader(SnapshotFormat.CONFIG);
        config = MachineConfig.read(r);
        r.expectEnd();
    }

    public static Snapshot parse(byte[] data) throws SnapshotFormatException {
        if (data == null) throw new SnapshotFormatException("no snapshot data");
        int n = data.length;
        if (n < SnapshotFormat.HEADER_BYTES + SnapshotFormat.TRAILER_BYTES) {
            throw new SnapshotFormatException("not a snapshot: " + n + " bytes is shorter than the header and trailer");
        }
        for (int i = 0; i < SnapshotFormat.MAGIC.length; i++) {
            if (data[i] != SnapshotFormat.MAGIC[i]) throw new SnapshotFormatException("not an x86play snapshot (bad magic)");
        }
        int major = u16(data, 8), minor = u16(data, 10);
        if (major != SnapshotFormat.MAJOR) {
            throw new SnapshotFormatException("snapshot format version " + major + "." + minor + " is not supported: this reader reads "
                    + SnapshotFormat.MAJOR + ".x (up to " + SnapshotFormat.MAJOR + "." + SnapshotFormat.MINOR + ")");
        }
        int trailer = n - SnapshotFormat.TRAILER_BYTES;
        int wholeCrc = i32(data, trailer + 4);
        if (data[trailer] != 'E' || data[trailer + 1] != 'N' || data[trailer + 2] != 'D' || data[trailer + 3] != '.') {
            throw new SnapshotFormatException("snapshot is truncated or has trailing bytes (no end marker)");
        }
        if (Crc32.of(data, 0, trailer + 4) != wholeCrc) throw new SnapshotFormatException("snapshot checksum mismatch (file corrupted)");
        int count = i32(data, 12);
        if (count < 1 || count > SnapshotFormat.MAX_SECTIONS) throw new SnapshotFormatException("section count " + count + " out of range 1.." + SnapshotFormat.MAX_SECTIONS);
        String[] tags = new String[count];
        int[] offsets = new int[count], lengths = new int[count], rawLengths = new int[count], encodings = new int[count];
        int pos = SnapshotFormat.HEADER_BYTES;
        for (int i = 0; i < count; i++) {
            if (trailer - pos < SnapshotFormat.SECTION_OVERHEAD) throw new SnapshotFormatException("section " + i + " header runs past the end");
            String tag = tag(data, pos);
            int encoding = data[pos + 4] & 0xFF;
            int len = i32(data, pos + 5), raw = i32(data, pos + 9);
            if (len < 0 || len > trailer - pos - SnapshotFormat.SECTION_OVERHEAD) {
                throw new SnapshotFormatException("section '" + tag + "' length " + len + " runs past the end of the snapshot");
            }
            int head = SnapshotFormat.SECTION_HEAD;
            int crc = i32(data, pos + head + len);
            if (Crc32.of(data, pos, head + len) != crc) throw new SnapshotFormatException("section '" + tag + "' checksum mismatch");
            if (encoding == SnapshotFormat.ENCODING_RAW) {
                if (raw != len) throw new SnapshotFormatException("section '" + tag + "' is stored raw but declares " + raw + " bytes decoded, " + len + " stored");
            } else if (encoding == SnapshotFormat.ENCODING_DEFLATE) {
                if (raw < 0 || raw > SnapshotFormat.MAX_SECTION_RAW) {
                    throw new SnapshotFormatException("section '" + tag + "' decodes to " + raw + " bytes, more than the " + SnapshotFormat.MAX_SECTION_RAW + " allowed");
                }
            } else {
                throw new SnapshotFormatException("section '" + tag + "' has unknown encoding " + encoding);
            }
            for (int j = 0; j < i; j++) if (tags[j].equals(tag)) throw new SnapshotFormatException("section '" + tag + "' appears twice");
            tags[i] = tag;
            offsets[i] = pos + head;
            lengths[i] = len;
            rawLengths[i] = raw;
            encodings[i] = encoding;
            pos += SnapshotFormat.SECTION_OVERHEAD + len;
        }
        if (pos != trailer) throw new SnapshotFormatException((trailer - pos) + " bytes between the last section and the end marker");
        return new Snapshot(data, major, minor, tags, offsets, lengths, rawLengths, encodings);
    }

    public int major() { return major; }
    public int minor() { return minor; }
    public MachineConfig config() { return config; }

    public boolean has(String tag) {
        for (String t : tags) if (t.equals(tag)) return true;
        return false;
    }

    private StateReader reader(String tag) throws SnapshotFormatException {
        for (int i = 0; i < tags.length; i++) {
            if (!tags[i].equals(tag)) continue;
            if (encodings[i] == SnapshotFormat.ENCODING_RAW) return new StateReader(data, offsets[i], lengths[i], tag.trim(), minor);
            if (codec == null) throw new SnapshotFormatException("section '" + tag.trim() + "' is compressed: a decompressor is needed");
            byte[] raw;
            try {
                raw = codec.inflate(data, offsets[i], lengths[i], rawLengths[i]);
            } catch (SnapshotFormatException e) {
                throw new SnapshotFormatException("section '" + tag.trim() + "': " + e.getMessage());
            }
            return new StateReader(raw, 0, raw.length, tag.trim(), minor);
        }
        throw new SnapshotFormatException("snapshot has no '" + tag.trim() + "' section");
    }

    /**
     * Loads the snapshot into {@code m} (and {@code platform}, null for a bare machine), which must have been
     * built from the same configuration ({@code built}) and not run since; translation caches are dropped.
     * Sections of later minor versions that this reader does not know are ignored.
     */
    public void restore(Machine m, PcPlatform platform, MachineConfig built, Compression codec) throws SnapshotFormatException {
        this.codec = codec;
        String why = config.mismatch(built);
        if (why != null) throw new SnapshotFormatException("snapshot does not fit this machine: " + why);
        if ((platform != null) != (config.platform == MachineConfig.PLATFORM_PC)) {
            throw new SnapshotFormatException("snapshot needs " + (platform == null ? "the PC platform" : "a bare machine"));
        }
        if (m.memory.ramSize() != config.memoryBytes) throw new SnapshotFormatException("machine RAM size differs from the snapshot's");
        StateReader r = reader(SnapshotFormat.MEMORY);
        boolean a20 = r.bool("A20 gate");
        r.expectEnd();
        // RAM first: it checks the referenced pages against this machine before anything is changed.
        r = reader(SnapshotFormat.RAM); RamSection.load(m.memory, codec, r); r.expectEnd();
        loadMachineState(m, platform);
        m.memory.setA20(a20);
        m.flushTranslations();
    }

    /** RAM for {@link #validate}: device states do not depend on the RAM size, and the PAM area below 1 MiB exists. */
    private static final int SCRATCH_RAM = 1 << 20;

    /**
     * Decodes every section a restore reads — the CPU and every device's state into a throwaway machine, RAM's page
     * map and every compressed chunk — without needing the guest images: what a store checks before it keeps a
     * snapshot. A snapshot that passes can then fail to restore only on a machine built from other images (the
     * referenced pages' digest differs), never on its own content.
     */
    public void validate(Compression codec) throws SnapshotFormatException {
        this.codec = codec;
        StateReader r = reader(SnapshotFormat.MEMORY);
        r.bool("A20 gate");
        r.expectEnd();
        r = reader(SnapshotFormat.RAM); RamSection.check(config.memoryBytes, codec, r); r.expectEnd();
        Machine scratch = new Machine(SCRATCH_RAM);
        PcPlatform platform = config.platform == MachineConfig.PLATFORM_PC ? new PcPlatform(scratch, () -> 0L) : null;
        try {
            loadMachineState(scratch, platform);
        } catch (RuntimeException e) {   // a loadState that missed a check: still the snapshot's fault, not the caller's
            throw new SnapshotFormatException("snapshot state does not load: " + e);
        }
    }

    /** Clock, CPU, every device and the debug ports (everything but RAM and the A20 gate), in restore order. */
    private void loadMachineState(Machine m, PcPlatform platform) throws SnapshotFormatException {
        StateReader r;
        if (platform != null) {
            r = reader(SnapshotFormat.CLOCK); platform.clock.loadState(r); r.expectEnd();
        }
        r = reader(SnapshotFormat.CPU); m.cpu.loadState(r); r.expectEnd();
        if (platform != null) {
            r = reader(SnapshotFormat.PIC); platform.pic.loadState(r); r.expectEnd();
            r = reader(SnapshotFormat.LOCAL_APIC); platform.localApic.loadState(r); r.expectEnd();
            r = reader(SnapshotFormat.IO_APIC); platform.ioApic.loadState(r); r.expectEnd();
            r = reader(SnapshotFormat.PIT); platform.pit.loadState(r); r.expectEnd();
            r = reader(SnapshotFormat.RTC); platform.rtc.loadState(r); r.expectEnd();
            r = reader(SnapshotFormat.KBC); platform.keyboardController.loadState(r); r.expectEnd();
            r = reader(SnapshotFormat.PORT_A); platform.portA.loadState(r); r.expectEnd();
            for (int i = 0; i < platform.uarts.length; i++) {
                r = reader(SnapshotFormat.UART[i]); platform.uarts[i].loadState(r); r.expectEnd();
            }
            r = reader(SnapshotFormat.VGA); platform.vga.loadState(r); r.expectEnd();
            r = reader(SnapshotFormat.PCI); platform.pci.loadState(r); r.expectEnd();
            r = reader(SnapshotFormat.ACPI_PM); platform.acpiPm.loadState(r); r.expectEnd();
            r = reader(SnapshotFormat.FW_CFG); platform.fwCfg.loadState(r); r.expectEnd();
        } else {
            r = reader(SnapshotFormat.UART[0]); m.com1.loadState(r); r.expectEnd();
        }
        r = reader(SnapshotFormat.DEBUG_EXIT); m.debugExit.loadState(r); r.expectEnd();
        r = reader(SnapshotFormat.POST); m.postCodes.loadState(r); r.expectEnd();
    }

    private static String tag(byte[] d, int at) {
        char[] c = new char[4];
        for (int i = 0; i < 4; i++) {
            int b = d[at + i] & 0xFF;
            c[i] = b >= 0x20 && b < 0x7F ? (char) b : '?';
        }
        return new String(c);
    }

    private static int u16(byte[] d, int at) { return (d[at] & 0xFF) | (d[at + 1] & 0xFF) << 8; }

    private static int i32(byte[] d, int at) {
        return (d[at] & 0xFF) | (d[at + 1] & 0xFF) << 8 | (d[at + 2] & 0xFF) << 16 | (d[at + 3] & 0xFF) << 24;
    }
}
