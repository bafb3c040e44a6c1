package org.x86play.snapshot;

/** Constants of the snapshot container (see FORMAT.md beside this file). */
public final class SnapshotFormat {
    private SnapshotFormat() {}

    /** "X86PSNAP". */
    static final byte[] MAGIC = {'X', '8', '6', 'P', 'S', 'N', 'A', 'P'};
    /** Schema version written: a reader rejects another major and reads every minor up to {@link #MINOR}. */
    public static final int MAJOR = 1, MINOR = 0;
    /** Section: tag (4), encoding (1), stored length (4), raw length (4), payload, CRC-32 (4). */
    static final int HEADER_BYTES = 16, SECTION_HEAD = 13, SECTION_OVERHEAD = SECTION_HEAD + 4, TRAILER_BYTES = 8;
    static final int ENCODING_RAW = 0, ENCODING_DEFLATE = 1;
    /** Sections from this size are stored deflated when that saves at least an eighth. */
    static final int COMPRESS_FROM = 512;
    /** Largest decoded section other than RAM (VGA memory is 128 KiB; fw_cfg items are small). */
    static final int MAX_SECTION_RAW = 32 << 20;
    static final int MAX_SECTIONS = 256;
    static final String END_TAG = "END.";

    // Section tags, in the order they are written and loaded.
    static final String CONFIG = "CONF", MEMORY = "MEM ", CLOCK = "CLK ", CPU = "CPU ", PIC = "PIC ", LOCAL_APIC = "LAPI",
            IO_APIC = "IOAP", PIT = "PIT ", RTC = "RTC ", KBC = "KBC ", PORT_A = "P92 ", VGA = "VGA ", PCI = "PCI ",
            ACPI_PM = "ACPI", FW_CFG = "FWCF", DEBUG_EXIT = "DBGX", POST = "POST", RAM = "RAM ";
    /** COM1..COM4 (a bare machine has COM1 only). */
    static final String[] UART = {"COM1", "COM2", "COM3", "COM4"};
}
