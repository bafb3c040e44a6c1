package org.x86play.cpu.system;

import org.x86play.cpu.SegmentCache;

/**
 * One 8-byte GDT/LDT/IDT entry as read from memory (SDM Vol. 3 §3.4.5, §5.8.3, §6.11).
 * Mutable scratch object: the system unit keeps a few and refills them, so descriptor loads
 * allocate nothing.
 */
final class Descriptor {
    /** Low and high dwords of the entry. */
    int lo, hi;
    /** The selector it was read through and the linear address of the entry. */
    int selector, address;

    // System descriptor types (S = 0), SDM Vol. 3 Table 3-2.
    static final int TSS16_AVAIL = 1, LDT = 2, TSS16_BUSY = 3, CALL_GATE16 = 4, TASK_GATE = 5,
            INT_GATE16 = 6, TRAP_GATE16 = 7, TSS32_AVAIL = 9, TSS32_BUSY = 0xB, CALL_GATE32 = 0xC,
            INT_GATE32 = 0xE, TRAP_GATE32 = 0xF;

    int type() { return (hi >> 8) & 0xF; }
    /** S flag: code/data segment (true) or system descriptor (false). */
    boolean isSegment() { return (hi & 0x1000) != 0; }
    int dpl() { return (hi >> 13) & 3; }
    boolean present() { return (hi & 0x8000) != 0; }

    boolean isCode() { return isSegment() && (hi & 0x800) != 0; }
    boolean isData() { return isSegment() && (hi & 0x800) == 0; }
    boolean isConforming() { return isCode() && (hi & 0x400) != 0; }
    /** Readable code segment. */
    boolean isReadableCode() { return isCode() && (hi & 0x200) != 0; }
    boolean isWritableData() { return isData() && (hi & 0x200) != 0; }
    /** Data or non-conforming code: the segments whose DPL is checked against CPL and RPL. */
    boolean isDataOrNonConformingCode() { return isData() || (isCode() && (hi & 0x400) == 0); }

    boolean isTss() {
        int t = type();
        return !isSegment() && (t == TSS16_AVAIL || t == TSS16_BUSY || t == TSS32_AVAIL || t == TSS32_BUSY);
    }

    boolean isTssBusy() { return !isSegment() && (type() == TSS16_BUSY || type() == TSS32_BUSY); }
    boolean isTss32() { return !isSegment() && (type() & 8) != 0; }

    int base() { return (lo >>> 16) | ((hi & 0xFF) << 16) | (hi & 0xFF000000); }

    /** Limit in bytes, scaled by the G flag (SDM §3.4.5). */
    int limit() {
        int raw = (lo & 0xFFFF) | (hi & 0xF0000);
        return (hi & 0x800000) != 0 ? (raw << 12) | 0xFFF : raw;
    }

    /** Attribute bits in {@link SegmentCache} layout (descriptor bits 8..23 shifted down). */
    int attributes() { return (hi >> 8) & 0xF0FF; }

    // Gate fields (SDM §5.8.3, §6.11).
    int gateSelector() { return lo >>> 16; }
    int gateOffset() {
        return (type() & 8) != 0 ? (lo & 0xFFFF) | (hi & 0xFFFF0000) : lo & 0xFFFF;
    }
    int gateParamCount() { return hi & 0x1F; }
    boolean gateIs32() { return (type() & 8) != 0; }

    void loadInto(SegmentCache c, int sel) {
        c.set(sel, base(), limit(), attributes());
    }
}
