package org.x86play.pci;

import org.x86play.snapshot.SnapshotFormatException;
import org.x86play.snapshot.StateReader;
import org.x86play.snapshot.StateWriter;

/**
 * One PCI function: its configuration space with a type 0 header (PCI 3.0 §6.1, §6.2) and the behaviour the
 * spec gives the header fields. Device models extend it, fill the registers in their constructor and react
 * through the hooks.
 * <p>
 * Config space: {@code config[]} holds the values; per byte, {@code writeMask} says which bits software may
 * change (everything else is read-only) and {@code w1cMask} which bits are write-one-to-clear (status error
 * bits, §6.2.3). Conventional functions have 256 bytes; PCI Express functions may have 4096 (extended
 * capabilities from 0x100, PCIe base spec §7.9), reachable only through an enhanced (ECAM) mechanism.
 * <p>
 * BARs (§6.2.5.1): the writable bits of a BAR are exactly the address bits above its size, so writing
 * all-ones reads back the size mask with the read-only type bits, which is the sizing protocol. After every
 * config write the decoded address of each BAR is recomputed: it is the BAR's base if the command register
 * enables that space, the base is not 0, not the sizing pattern and (I/O) lies below 64 KiB, (64-bit memory)
 * has a zero upper half; otherwise 0. Changes move the BAR's {@link BarRegion} (all windows unmapped first,
 * then mapped, so two BARs can swap places) and call {@link #barMoved}.
 * <p>
 * INTx (§6.2.4, §6.8.1): {@link #setIntx} drives the function's pin; status bit 3 shows the internal
 * state, command bit 10 masks the output, and the bus's {@link IntxRouter} gets the effective level.
 */
public abstract class PciDevice {
    // Type 0 header offsets (PCI 3.0 Figure 6-1).
    public static final int VENDOR_ID = 0x00, DEVICE_ID = 0x02, COMMAND = 0x04, STATUS = 0x06, REVISION_ID = 0x08,
            CLASS_CODE = 0x09, CACHE_LINE_SIZE = 0x0C, LATENCY_TIMER = 0x0D, HEADER_TYPE = 0x0E, BAR0 = 0x10,
            SUBSYSTEM_VENDOR_ID = 0x2C, SUBSYSTEM_ID = 0x2E, CAPABILITIES_POINTER = 0x34, INTERRUPT_LINE = 0x3C,
            INTERRUPT_PIN = 0x3D;
    public static final int CMD_IO = 0x1, CMD_MEMORY = 0x2, CMD_BUS_MASTER = 0x4, CMD_PARITY = 0x40,
            CMD_SERR = 0x100, CMD_INTX_DISABLE = 0x400;
    public static final int STATUS_INTERRUPT = 0x08, STATUS_CAP_LIST = 0x10;
    /** Status error bits 8 and 11..15 are write-one-to-clear (§6.2.3). */
    public static final int STATUS_W1C = 0xF900;
    /** BAR type bits, as the low bits of the BAR read back (§6.2.5.1). */
    public static final int BAR_IO = 0x1, BAR_MEM32 = 0x0, BAR_MEM64 = 0x4, BAR_PREFETCHABLE = 0x8;
    public static final int HEADER_MULTIFUNCTION = 0x80;
    public static final int CONFIG_SIZE = 256, PCIE_CONFIG_SIZE = 4096;
    public static final int BAR_COUNT = 6;
    /** First byte after the predefined header, where capabilities and device registers live (§6.1). */
    public static final int DEVICE_SPECIFIC = 0x40;
    /** First PCI Express extended capability (PCIe base spec §7.9.1). */
    public static final int EXTENDED_CAPABILITIES = 0x100;

    private final byte[] config, writeMask, w1cMask;
    /** Capability bytes already claimed, one bit per byte of 0x40..0xFF. */
    private final int[] capabilityClaimed = new int[8];

    private final int[] barType = new int[BAR_COUNT];
    /** 0 for an unused BAR and for the upper half of a 64-bit BAR. */
    private final int[] barSize = new int[BAR_COUNT];
    private final BarRegion[] regions = new BarRegion[BAR_COUNT];
    private final int[] decoded = new int[BAR_COUNT];
    private final int[] pending = new int[BAR_COUNT];

    private boolean intxLevel, intxOut;
    private PciBus bus;
    private int devfn = -1;

    /** A conventional function (256-byte config space) with a type 0 header. */
    protected PciDevice(int vendorId, int deviceId, int classCode, int revision) {
        this(vendorId, deviceId, classCode, revision, 0x00, CONFIG_SIZE);
    }

    /**
     * @param classCode  base class, sub-class and programming interface as 0xBBSSPP
     * @param headerType 0x00 or 0x80 (multi-function); only the type 0 layout is modelled
     * @param configSize {@link #CONFIG_SIZE} or {@link #PCIE_CONFIG_SIZE}
     */
    protected PciDevice(int vendorId, int deviceId, int classCode, int revision, int headerType, int configSize) {
        if (configSize != CONFIG_SIZE && configSize != PCIE_CONFIG_SIZE) throw new IllegalArgumentException("config size");
        if ((headerType & 0x7F) != 0) throw new IllegalArgumentException("only type 0 headers");
        config = new byte[configSize];
        writeMask = new byte[configSize];
        w1cMask = new byte[configSize];
        set16(VENDOR_ID, vendorId);
        set16(DEVICE_ID, deviceId);
        set8(REVISION_ID, revision);
        set8(CLASS_CODE, classCode);
        set8(CLASS_CODE + 1, classCode >>> 8);
        set8(CLASS_CODE + 2, classCode >>> 16);
        set8(HEADER_TYPE, headerType);
        setWritable(COMMAND, 2, CMD_IO | CMD_MEMORY | CMD_BUS_MASTER | CMD_PARITY | CMD_SERR | CMD_INTX_DISABLE);
        setWriteOneToClear(STATUS, 2, STATUS_W1C);
        setWritable(CACHE_LINE_SIZE, 1, 0xFF);
        setWritable(LATENCY_TIMER, 1, 0xFF);
        setWritable(INTERRUPT_LINE, 1, 0xFF);
    }

    // ------------------------------------------------------------------ guest access

    /** A config read of {@code size} (1, 2, 4) bytes, little-endian; bytes beyond the space read 0xFF. */
    public int readConfig(int offset, int size) {
        int v = 0;
        for (int k = 0; k < size; k++) {
            int i = offset + k;
            int b = i >= 0 && i < config.length ? config[i] & 0xFF : 0xFF;
            v |= b << (k << 3);
        }
        return v;
    }

    /** A config write: masked per byte, then {@link #configWritten}, then decoding and INTx are re-evaluated. */
    public final void writeConfig(int offset, int size, int value) {
        for (int k = 0; k < size; k++) {
            int i = offset + k;
            if (i < 0 || i >= config.length) break;
            int b = (value >>> (k << 3)) & 0xFF;
            int wm = writeMask[i] & 0xFF;
            int v = (config[i] & 0xFF & ~wm) | (b & wm);
            config[i] = (byte) (v & ~(b & w1cMask[i] & 0xFF));
        }
        configWritten(offset, size, value);
        updateDecoding();
        updateIntx();
    }

    // ------------------------------------------------------------------ hooks

    /** After a guest config write has been applied (device-specific registers react here). */
    protected void configWritten(int offset, int size, int value) {}

    /**
     * A BAR's decoded address changed ({@code 0} = not decoding). Its {@link BarRegion}, if any, has already
     * been moved; devices without one map their windows here.
     */
    protected void barMoved(int bar, int oldAddress, int newAddress) {}

    // ------------------------------------------------------------------ setup helpers for device models

    protected final int get8(int offset) { return config[offset] & 0xFF; }

    protected final int get16(int offset) { return get8(offset) | get8(offset + 1) << 8; }

    protected final int get32(int offset) { return get16(offset) | get16(offset + 2) << 16; }

    /** Sets register bytes directly, ignoring the write masks (device-side updates). */
    protected final void set8(int offset, int v) { config[offset] = (byte) v; }

    protected final void set16(int offset, int v) {
        set8(offset, v);
        set8(offset + 1, v >>> 8);
    }

    protected final void set32(int offset, int v) {
        set16(offset, v);
        set16(offset + 2, v >>> 16);
    }

    /**
     * Makes bits of {@code length} bytes from {@code offset} guest-writable. Up to 4 bytes, {@code mask} is a
     * little-endian register mask; for longer ranges its low byte applies to every byte.
     */
    protected final void setWritable(int offset, int length, int mask) { fillMask(writeMask, offset, length, mask); }

    /** Makes bits write-one-to-clear (same {@code mask} convention as {@link #setWritable}). */
    protected final void setWriteOneToClear(int offset, int length, int mask) { fillMask(w1cMask, offset, length, mask); }

    private static void fillMask(byte[] masks, int offset, int length, int mask) {
        for (int k = 0; k < length; k++) masks[offset + k] = (byte) (length <= 4 ? mask >>> (k << 3) : mask);
    }

    public final void setSubsystem(int vendorId, int subsystemId) {
        set16(SUBSYSTEM_VENDOR_ID, vendorId);
        set16(SUBSYSTEM_ID, subsystemId);
    }

    /** @param pin 0 (no INTx) or 1..4 for INTA#..INTD# */
    protected final void setInterruptPin(int pin) {
        if (pin < 0 || pin > 4) throw new IllegalArgumentException("interrupt pin " + pin);
        set8(INTERRUPT_PIN, pin);
    }

    /**
     * Declares BAR {@code bar} ({@code 0..5}). {@code type} is {@link #BAR_IO}, or {@link #BAR_MEM32} /
     * {@link #BAR_MEM64} optionally with {@link #BAR_PREFETCHABLE}; a 64-bit BAR also occupies {@code bar + 1}.
     * {@code size}: a power of 2, 4..256 for I/O, at least 16 for memory (§6.2.5.1). {@code region} (may be
     * null) is mapped and unmapped as the BAR decodes.
     */
    protected final void defineBar(int bar, int type, int size, BarRegion region) {
        boolean isIo = type == BAR_IO;
        boolean is64 = (type & BAR_MEM64) != 0;
        if (!isIo && (type & ~(BAR_MEM64 | BAR_PREFETCHABLE)) != 0) throw new IllegalArgumentException("BAR type");
        if (bar < 0 || bar >= (is64 ? BAR_COUNT - 1 : BAR_COUNT)) throw new IllegalArgumentException("BAR index");
        if (barSize[bar] != 0 || (is64 && barSize[bar + 1] != 0) || isUpperHalf(bar)) {
            throw new IllegalArgumentException("BAR " + bar + " already defined");
        }
        if ((size & (size - 1)) != 0 || (isIo ? size < 4 || size > 256 : size < 16)) {
            throw new IllegalArgumentException("BAR size " + size);
        }
        if (region != null && (region.isIo() != isIo || region.size() != size)) {
            throw new IllegalArgumentException("region does not match BAR");
        }
        barType[bar] = type;
        barSize[bar] = size;
        regions[bar] = region;
        int reg = BAR0 + (bar << 2);
        set32(reg, type);
        setWritable(reg, 4, -size & (isIo ? ~0x3 : ~0xF));
        if (is64) setWritable(reg + 4, 4, -1);
    }

    /**
     * Adds a capability structure of {@code length} bytes at {@code offset} (dword-aligned, inside
     * 0x40..0xFF, §6.7): writes its ID, appends it to the list (Capabilities Pointer at 0x34 for the first)
     * and sets status bit 4. The ID and next-pointer bytes are read-only; the device makes the body writable.
     * @return {@code offset}
     */
    protected final int addCapability(int offset, int id, int length) {
        if ((offset & 3) != 0 || offset < DEVICE_SPECIFIC || length < 2 || offset + length > CONFIG_SIZE) {
            throw new IllegalArgumentException("capability at " + offset);
        }
        for (int i = offset; i < offset + length; i++) {
            int bit = 1 << (i & 31);
            if ((capabilityClaimed[i >>> 5] & bit) != 0) throw new IllegalArgumentException("capabilities overlap");
            capabilityClaimed[i >>> 5] |= bit;
        }
        set8(offset, id);
        set8(offset + 1, 0);
        int p = get8(CAPABILITIES_POINTER);
        if (p == 0) {
            set8(CAPABILITIES_POINTER, offset);
        } else {
            while (get8(p + 1) != 0) p = get8(p + 1); // the list only contains offsets added here: it ends
            set8(p + 1, offset);
        }
        set16(STATUS, get16(STATUS) | STATUS_CAP_LIST);
        return offset;
    }

    /**
     * Adds a PCI Express extended capability (PCIe base spec §7.9.1): header dword = ID (15:0), version
     * (19:16), next offset (31:20). The first one must sit at 0x100. Needs a 4 KiB config space.
     */
    protected final int addExtendedCapability(int offset, int id, int version, int length) {
        if (config.length != PCIE_CONFIG_SIZE || (offset & 3) != 0 || offset < EXTENDED_CAPABILITIES
                || length < 4 || offset + length > PCIE_CONFIG_SIZE) {
            throw new IllegalArgumentException("extended capability at " + offset);
        }
        boolean first = get32(EXTENDED_CAPABILITIES) == 0;
        if (first != (offset == EXTENDED_CAPABILITIES)) throw new IllegalArgumentException("first one goes at 0x100");
        set32(offset, (id & 0xFFFF) | (version & 0xF) << 16);
        if (!first) {
            int p = EXTENDED_CAPABILITIES;
            while (get32(p) >>> 20 != 0) p = get32(p) >>> 20;
            if (offset <= p) throw new IllegalArgumentException("extended capabilities must be added in ascending order");
            set32(p, get32(p) | offset << 20);
        }
        return offset;
    }

    // ------------------------------------------------------------------ INTx

    /** The device raises (true) or releases its INTx# pin; status bit 3 follows, command bit 10 may mask it. */
    protected final void setIntx(boolean asserted) {
        intxLevel = asserted;
        set16(STATUS, asserted ? get16(STATUS) | STATUS_INTERRUPT : get16(STATUS) & ~STATUS_INTERRUPT);
        updateIntx();
    }

    private void updateIntx() {
        boolean out = intxLevel && (get16(COMMAND) & CMD_INTX_DISABLE) == 0 && get8(INTERRUPT_PIN) != 0;
        if (out == intxOut) return;
        intxOut = out;
        if (bus != null) bus.intxChanged(devfn, get8(INTERRUPT_PIN), out);
    }

    /** The level the function drives onto its INTx# wire (after the Interrupt Disable bit). */
    public final boolean intxAsserted() { return intxOut; }

    // ------------------------------------------------------------------ decoding

    private boolean isUpperHalf(int bar) { return bar > 0 && (barType[bar - 1] & BAR_MEM64) != 0 && barSize[bar - 1] != 0; }

    /** Where BAR {@code bar} currently decodes, 0 if it does not. */
    public final int barAddress(int bar) { return bar >= 0 && bar < BAR_COUNT ? decoded[bar] : 0; }

    public final int barSize(int bar) { return bar >= 0 && bar < BAR_COUNT ? barSize[bar] : 0; }

    public final boolean isBusMaster() { return (get16(COMMAND) & CMD_BUS_MASTER) != 0; }

    private int decodeAddress(int bar) {
        int size = barSize[bar];
        if (size == 0) return 0;
        int command = get16(COMMAND);
        int value = get32(BAR0 + (bar << 2));
        if (barType[bar] == BAR_IO) {
            int a = value & ~0x3;
            if ((command & CMD_IO) == 0 || a == 0) return 0;
            return Integer.compareUnsigned(a, 0x10000 - size) > 0 ? 0 : a; // includes the sizing pattern
        }
        if ((command & CMD_MEMORY) == 0) return 0;
        if ((barType[bar] & BAR_MEM64) != 0 && get32(BAR0 + (bar << 2) + 4) != 0) return 0; // above 4 GiB
        int a = value & ~0xF;
        return a == 0 || a == -size ? 0 : a; // -size: all-ones written for sizing
    }

    private void updateDecoding() {
        boolean changed = false;
        for (int bar = 0; bar < BAR_COUNT; bar++) {
            pending[bar] = decodeAddress(bar);
            if (pending[bar] != decoded[bar]) {
                changed = true;
                if (regions[bar] != null) regions[bar].moveTo(0);
            }
        }
        if (!changed) return;
        for (int bar = 0; bar < BAR_COUNT; bar++) {
            int old = decoded[bar], now = pending[bar];
            if (old == now) continue;
            decoded[bar] = now;
            if (regions[bar] != null) regions[bar].moveTo(now);
            barMoved(bar, old, now);
        }
    }

    // ------------------------------------------------------------------ bus membership

    final void plugged(PciBus bus, int devfn) {
        if (this.bus != null) throw new IllegalStateException("already on a bus");
        this.bus = bus;
        this.devfn = devfn;
        updateDecoding(); // a function re-plugged with decoding enabled maps its windows again
        if (intxOut) bus.intxChanged(devfn, get8(INTERRUPT_PIN), true);
    }

    /** Leaves the bus: windows are removed and INTx released. */
    final void unplugged() {
        for (int bar = 0; bar < BAR_COUNT; bar++) {
            if (decoded[bar] == 0) continue;
            int old = decoded[bar];
            decoded[bar] = 0;
            if (regions[bar] != null) regions[bar].moveTo(0);
            barMoved(bar, old, 0);
        }
        if (intxOut) bus.intxChanged(devfn, get8(INTERRUPT_PIN), false);
        bus = null;
        devfn = -1;
    }

    /** The bus this function is plugged into, or null. */
    protected final PciBus bus() { return bus; }

    /** Device number << 3 | function number, or -1 when not plugged. */
    public final int devfn() { return devfn; }

    public final int vendorId() { return get16(VENDOR_ID); }

    public final int deviceId() { return get16(DEVICE_ID); }

    public final int interruptPin() { return get8(INTERRUPT_PIN); }

    public final int configSize() { return config.length; }

    // ------------------------------------------------------------------ snapshot (org.x86play.snapshot)

    /**
     * The configuration space as the guest sees it and the INTx levels. Read-only masks, BAR sizes and
     * capabilities come from the device's construction; decoding is derived again on load.
     */
    public void saveState(StateWriter w) {
        w.i32(config.length).bytes(config).bool(intxLevel).bool(intxOut);
    }

    public void loadState(StateReader r) throws SnapshotFormatException {
        int n = r.i32();
        if (n != config.length) throw r.fail("PCI config space of " + n + " bytes, this function has " + config.length);
        r.bytes(config);
        intxLevel = r.bool("PCI INTx level");
        intxOut = r.bool("PCI INTx output");
        configLoaded();
        updateDecoding();
    }

    /** After {@link #loadState} put back the config space: device-specific registers re-apply their effects. */
    protected void configLoaded() {}
}
