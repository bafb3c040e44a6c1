package org.x86play.acpi;

/**
 * The Multiple APIC Description Table, signature "APIC" (ACPI 6.x §5.2.12), revision 1: the Local
 * APIC address, PCAT_COMPAT (dual 8259s present), one enabled processor, the I/O APIC, the two ISA
 * interrupt source overrides a PC needs, and the LINT1 NMI.
 */
final class Madt {
    static final int REVISION = 1;
    static final int LOCAL_APIC_ADDRESS = 36, FLAGS = 40, ENTRIES = 44;
    static final int PCAT_COMPAT = 1;
    // Interrupt Controller Structure types (Table 5.45).
    static final int TYPE_LOCAL_APIC = 0, TYPE_IO_APIC = 1, TYPE_SOURCE_OVERRIDE = 2, TYPE_LOCAL_APIC_NMI = 4;
    // MPS INTI flags (Table 5.50): polarity bits 1:0, trigger mode bits 3:2.
    static final int ACTIVE_HIGH = 1, EDGE = 1 << 2, LEVEL = 3 << 2;

    private Madt() {}

    static byte[] build(AcpiConfig cfg, int sciIrq) {
        ByteSink s = Sdt.begin("APIC", REVISION);
        s.u32(cfg.localApicAddress).u32(PCAT_COMPAT);
        // Processor Local APIC (§5.2.12.2): ACPI processor UID 0, APIC ID 0, Enabled.
        s.u8(TYPE_LOCAL_APIC).u8(8).u8(0).u8(0).u32(1);
        // I/O APIC (§5.2.12.3).
        s.u8(TYPE_IO_APIC).u8(12).u8(cfg.ioApicId).u8(0).u32(cfg.ioApicAddress).u32(cfg.ioApicGsiBase);
        // Interrupt Source Overrides (§5.2.12.5), bus 0 = ISA: the PIT's IRQ0 is wired to pin 2 ...
        override(s, 0, cfg.ioApicGsiBase + 2, ACTIVE_HIGH | EDGE);
        // ... and the SCI is level-triggered, active high (§5.2.12.5: SCI overrides are typical).
        override(s, sciIrq, cfg.ioApicGsiBase + sciIrq, ACTIVE_HIGH | LEVEL);
        // Local APIC NMI (§5.2.12.7): all processors (UID 0xFF), flags "conforms", LINT1.
        s.u8(TYPE_LOCAL_APIC_NMI).u8(6).u8(0xFF).u16(0).u8(1);
        return Sdt.seal(s);
    }

    private static void override(ByteSink s, int irq, int gsi, int flags) {
        s.u8(TYPE_SOURCE_OVERRIDE).u8(10).u8(0).u8(irq).u32(gsi).u16(flags);
    }
}
