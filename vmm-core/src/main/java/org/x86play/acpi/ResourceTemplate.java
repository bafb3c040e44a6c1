package org.x86play.acpi;

/**
 * Resource data for _CRS buffers (ACPI 6.x §6.4): the descriptors a PCI host bridge needs, appended in
 * order and closed by an End Tag. Address space descriptors here are producers (bridge windows) with
 * fixed minimum and maximum, positive decode, no translation and _LEN = _MAX - _MIN + 1 (§6.4.3.5).
 */
public final class ResourceTemplate {
    // Address space resource types (byte 3) and general flags (byte 4), §6.4.3.5.
    static final int TYPE_MEMORY = 0, TYPE_IO = 1, TYPE_BUS = 2;
    static final int MIN_FIXED = 1 << 2, MAX_FIXED = 1 << 3;

    private final ByteSink s = new ByteSink();

    /** WordBusNumber (§6.4.3.5.3, large item 0x88): the bus range decoded below the bridge. */
    public ResourceTemplate wordBusNumber(int min, int max) { return word(TYPE_BUS, 0, min, max); }

    /** WordIO window, _RNG = 3 (ISA and non-ISA ranges) (§6.4.3.5.3, Table 6.50). */
    public ResourceTemplate wordIo(int min, int max) { return word(TYPE_IO, 3, min, max); }

    /** DWordMemory window, read-write, cacheable (_MEM = 1), AddressRangeMemory (§6.4.3.5.2, Table 6.49). */
    public ResourceTemplate dwordMemory(int min, int max) {
        s.u8(0x87).u16(23).u8(TYPE_MEMORY).u8(MIN_FIXED | MAX_FIXED).u8(1 | 1 << 1);
        s.u32(0).u32(min).u32(max).u32(0).u32(max - min + 1);
        return this;
    }

    /** I/O port descriptor (§6.4.2.5, small item 0x47), 16-bit decode. */
    public ResourceTemplate io(int min, int max, int align, int length) {
        s.u8(0x47).u8(1).u16(min).u16(max).u8(align).u8(length);
        return this;
    }

    private ResourceTemplate word(int type, int typeFlags, int min, int max) {
        s.u8(0x88).u16(13).u8(type).u8(MIN_FIXED | MAX_FIXED).u8(typeFlags);
        s.u16(0).u16(min).u16(max).u16(0).u16(max - min + 1);
        return this;
    }

    /** The descriptors plus End Tag (§6.4.2.9: 0x79, checksum 0 = "treat as valid"). */
    public byte[] bytes() {
        return Aml.concat(s.toArray(), new byte[] {0x79, 0});
    }

    /** As an AML Buffer object (what ASL ResourceTemplate() compiles to). */
    public byte[] toBuffer() { return Aml.buffer(bytes()); }
}
