package org.x86play.acpi;

import static org.x86play.acpi.Aml.*;

import org.x86play.devices.acpi.AcpiPm;

/**
 * The Differentiated System Description Table (ACPI 6.x §5.2.11.1), revision 2 (64-bit AML integers).
 * Its definition block is, in ASL:
 * <pre>
 *   Name (\_S0, Package () {0, 0, 0, 0})        // §7.4.2: SLP_TYPa, SLP_TYPb, reserved, reserved
 *   Name (\_S5, Package () {5, 5, 0, 0})        // soft off: AcpiPm.SLP_TYP_SOFT_OFF
 *   Scope (\_SB) {
 *     Device (PCI0) {                           // PCI root bridge (PNP0A03), bus 0
 *       Name (_HID, EisaId ("PNP0A03"))
 *       Name (_ADR, 0)
 *       Name (_UID, 0)
 *       Name (_CRS, ResourceTemplate () { buses 0-FF, I/O 0-CF7 and D00-FFFF, CF8-CFF (config
 *             mechanism #1, consumed), memory A0000-BFFFF (VGA) and the PCI hole })
 *     }
 *   }
 * </pre>
 */
final class Dsdt {
    static final int REVISION = 2;

    private Dsdt() {}

    static byte[] build(AcpiConfig cfg) {
        ByteSink s = Sdt.begin("DSDT", REVISION);
        s.bytes(body(cfg));
        return Sdt.seal(s);
    }

    /** The AML TermList after the header. */
    static byte[] body(AcpiConfig cfg) {
        int s0 = AcpiPm.SLP_TYP_S0, s5 = AcpiPm.SLP_TYP_SOFT_OFF;
        byte[] sleep = concat(name("\\_S0", pkg(s0, s0, 0, 0)), name("\\_S5", pkg(s5, s5, 0, 0)));
        if (!cfg.pciRootBridge) return sleep;
        return concat(sleep, scope("\\_SB", device("PCI0",
                name("_HID", eisaId("PNP0A03")),
                name("_ADR", integer(0)),
                name("_UID", integer(0)),
                name("_CRS", pciCrs(cfg).toBuffer()))));
    }

    /** Windows the host bridge forwards to PCI (§6.2.2 _CRS; PCI Firmware Spec: root bridge producers). */
    static ResourceTemplate pciCrs(AcpiConfig cfg) {
        return new ResourceTemplate()
                .wordBusNumber(0x00, 0xFF)
                .io(0x0CF8, 0x0CF8, 1, 8)
                .wordIo(0x0000, 0x0CF7)
                .wordIo(0x0D00, 0xFFFF)
                .dwordMemory(0x000A0000, 0x000BFFFF)
                .dwordMemory(cfg.pciMemoryBase, cfg.pciMemoryLimit);
    }
}
