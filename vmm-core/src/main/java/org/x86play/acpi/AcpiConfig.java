package org.x86play.acpi;

import org.x86play.devices.acpi.AcpiPm;

/**
 * What the ACPI tables describe: a single-CPU PC (Local APIC ID 0, ACPI processor UID 0), one I/O APIC,
 * the {@link AcpiPm} register block and a PCI root bridge. Public fields with PC defaults; change them
 * before {@link AcpiTables#build}.
 */
public final class AcpiConfig {
    /** I/O base of the {@link AcpiPm} block (PM1a_EVT at +0, PM1a_CNT +4, PM_TMR +8, GPE0 +0xC). */
    public int pmBase = AcpiPm.DEFAULT_BASE;
    public int localApicAddress = 0xFEE00000;
    public int ioApicId = 1, ioApicAddress = 0xFEC00000, ioApicGsiBase = 0;
    /** FADT RESET_REG: an I/O port and the byte written to reset (PIIX3 0xCF9 / 0x06); port 0 = none. */
    public int resetPort = 0xCF9, resetValue = 0x06;
    /** Describe \_SB.PCI0 (PNP0A03) with a _CRS in the DSDT. */
    public boolean pciRootBridge = true;
    /** The PCI memory window in the root bridge's _CRS; must lie above RAM and below the I/O APIC. */
    public int pciMemoryBase = 0x80000000, pciMemoryLimit = 0xFEBFFFFF;
    /** RTC CMOS index of the century byte (FADT CENTURY), 0 = none. */
    public int rtcCenturyIndex = 0x32;
}
