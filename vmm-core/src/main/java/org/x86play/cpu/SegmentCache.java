package org.x86play.cpu;

import org.x86play.snapshot.SnapshotFormatException;
import org.x86play.snapshot.StateReader;
import org.x86play.snapshot.StateWriter;

/**
 * The visible selector plus the hidden descriptor cache of one segment register
 * (SDM Vol. 3 §3.4.3). Instructions use only the cached base/limit/attributes, so a segment
 * keeps working after its GDT/LDT entry is overwritten, exactly as on real hardware.
 */
public final class SegmentCache {
    public int selector;
    public int base;
    /** Limit in bytes, already scaled by the G bit (0..0xFFFFFFFF as unsigned). */
    public int limit;
    /**
     * Descriptor attribute bits in the layout of bits 8..23 of the descriptor's high dword,
     * shifted down by 8: bits 0-3 type, 4 S, 5-6 DPL, 7 P, 12 AVL, 14 D/B, 15 G.
     */
    public int attributes;
    /** False after loading a null selector in protected mode: any access faults. */
    public boolean valid = true;

    public static final int ATTR_TYPE = 0x0F, ATTR_S = 0x10, ATTR_P = 0x80, ATTR_DB = 0x4000, ATTR_G = 0x8000;

    public int dpl() { return (attributes >> 5) & 3; }
    public boolean isPresent() { return (attributes & ATTR_P) != 0; }
    /** D/B bit: 32-bit default operand/address size for CS, 32-bit stack pointer for SS. */
    public boolean is32() { return (attributes & ATTR_DB) != 0; }
    public boolean isCode() { return (attributes & ATTR_S) != 0 && (attributes & 0x8) != 0; }
    public boolean isExpandDown() { return (attributes & (ATTR_S | 0x8 | 0x4)) == (ATTR_S | 0x4); }

    /** Real-mode / virtual-8086 load: base = selector * 16, attributes left as they are (SDM §20.1.1). */
    public void loadReal(int sel) {
        selector = sel & 0xFFFF;
        base = selector << 4;
        valid = true;
    }

    public void set(int sel, int base, int limit, int attributes) {
        this.selector = sel & 0xFFFF;
        this.base = base;
        this.limit = limit;
        this.attributes = attributes;
        this.valid = true;
    }

    public void copyFrom(SegmentCache o) {
        selector = o.selector; base = o.base; limit = o.limit; attributes = o.attributes; valid = o.valid;
    }

    // ------------------------------------------------------------------ snapshot (org.x86play.snapshot)

    /** Selector and the whole hidden part (base, limit, attributes, valid). */
    public void saveState(StateWriter w) {
        w.u16(selector).i32(base).i32(limit).i32(attributes).bool(valid);
    }

    public void loadState(StateReader r) throws SnapshotFormatException {
        selector = r.u16();
        base = r.i32();
        limit = r.i32();
        attributes = r.intIn(0, 0xFFFF, "segment attributes");
        valid = r.bool("segment valid flag");
    }
}
