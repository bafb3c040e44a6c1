package org.x86play.acpi;

import org.x86play.devices.acpi.AcpiPm;

/**
 * The Fixed ACPI Description Table, signature "FACP" (ACPI 6.x §5.2.9, Table 5.9), revision 3
 * (ACPI 2.0 layout, 244 bytes). Revision 3 rather than 1 because it carries IAPC_BOOT_ARCH (Linux
 * ignores that field in FADTs of at most 132 bytes, and from revision 2 on it treats a missing 8042
 * flag as "no keyboard controller"), RESET_REG, and the X_ fields; the revision 5/6 additions are for
 * hardware-reduced platforms. 32-bit and X_ addresses are filled with the same values.
 */
final class Fadt {
    static final int REVISION = 3, LENGTH = 244;
    // Offsets used by tests and by the table layout (Table 5.9).
    static final int FIRMWARE_CTRL = 36, DSDT = 40, SCI_INT = 46, SMI_CMD = 48, PM1A_EVT_BLK = 56,
            PM1A_CNT_BLK = 64, PM_TMR_BLK = 76, GPE0_BLK = 80, PM1_EVT_LEN = 88, PM1_CNT_LEN = 89,
            PM_TMR_LEN = 91, GPE0_BLK_LEN = 92, P_LVL2_LAT = 96, P_LVL3_LAT = 98, CENTURY = 108,
            IAPC_BOOT_ARCH = 109, FLAGS = 112, RESET_REG = 116, RESET_VALUE = 128, X_FIRMWARE_CTRL = 132,
            X_DSDT = 140, X_PM1A_EVT_BLK = 148, X_PM1A_CNT_BLK = 172, X_PM_TMR_BLK = 208, X_GPE0_BLK = 220;
    // Fixed feature flags (Table 5.10).
    static final int WBINVD = 1, PROC_C1 = 1 << 2, SLP_BUTTON = 1 << 5, FIX_RTC = 1 << 6,
            TMR_VAL_EXT = 1 << 8, RESET_REG_SUP = 1 << 10;
    // IA-PC boot architecture flags (Table 5.11).
    static final int LEGACY_DEVICES = 1, I8042 = 1 << 1;
    /** Generic Address Structure (§5.2.3.2): address space ids and access sizes. */
    static final int GAS_SYSTEM_IO = 1, ACCESS_BYTE = 1, ACCESS_WORD = 2, ACCESS_DWORD = 3;

    private Fadt() {}

    static byte[] build(AcpiConfig cfg, int facs, int dsdt) {
        int pm = cfg.pmBase;
        boolean reset = cfg.resetPort != 0;
        ByteSink s = Sdt.begin("FACP", REVISION);
        s.u32(facs).u32(dsdt);
        s.u8(0).u8(0);                 // reserved (1.0 INT_MODEL), Preferred_PM_Profile: unspecified
        s.u16(AcpiPm.SCI_IRQ);         // SCI_INT: ISA IRQ 9 (the MADT overrides it to level, active high)
        s.u32(0).u8(0).u8(0);          // SMI_CMD = 0: no SMM, the system is always in ACPI mode
        s.u8(0).u8(0);                 // S4BIOS_REQ, PSTATE_CNT
        s.u32(pm + AcpiPm.PM1_EVT).u32(0).u32(pm + AcpiPm.PM1_CNT).u32(0).u32(0);  // PM1a/b_EVT, PM1a/b_CNT, PM2
        s.u32(pm + AcpiPm.PM_TMR).u32(pm + AcpiPm.GPE0).u32(0);                   // PM_TMR, GPE0, GPE1
        s.u8(AcpiPm.PM1_EVT_LEN).u8(AcpiPm.PM1_CNT_LEN).u8(0).u8(AcpiPm.PM_TMR_LEN);
        s.u8(AcpiPm.GPE0_LEN).u8(0).u8(0).u8(0);                                  // GPE1_LEN, GPE1_BASE, CST_CNT
        s.u16(101).u16(1001);          // P_LVL2/3_LAT above 100/1000 µs: C2 and C3 not supported
        s.u16(0).u16(0).u8(0).u8(0);   // FLUSH_SIZE/STRIDE (WBINVD works), DUTY_OFFSET/WIDTH
        s.u8(0).u8(0).u8(cfg.rtcCenturyIndex);  // DAY_ALRM, MON_ALRM, CENTURY
        s.u16(LEGACY_DEVICES | I8042).u8(0);
        s.u32(WBINVD | PROC_C1 | SLP_BUTTON | FIX_RTC | TMR_VAL_EXT | (reset ? RESET_REG_SUP : 0));
        gas(s, reset ? cfg.resetPort : 0, reset ? 1 : 0, ACCESS_BYTE);
        s.u8(reset ? cfg.resetValue : 0).u16(0).u8(0);  // RESET_VALUE, ARM_BOOT_ARCH, minor version
        s.u64(facs).u64(dsdt);
        gas(s, pm + AcpiPm.PM1_EVT, AcpiPm.PM1_EVT_LEN, ACCESS_WORD);
        gas(s, 0, 0, 0);
        gas(s, pm + AcpiPm.PM1_CNT, AcpiPm.PM1_CNT_LEN, ACCESS_WORD);
        gas(s, 0, 0, 0);
        gas(s, 0, 0, 0);
        gas(s, pm + AcpiPm.PM_TMR, AcpiPm.PM_TMR_LEN, ACCESS_DWORD);
        gas(s, pm + AcpiPm.GPE0, AcpiPm.GPE0_LEN, ACCESS_BYTE);
        gas(s, 0, 0, 0);
        if (s.size() != LENGTH) throw new IllegalStateException("FADT size " + s.size());
        return Sdt.seal(s);
    }

    /** A Generic Address Structure for {@code bytes} of system I/O at {@code port}; all zero when port is 0. */
    private static void gas(ByteSink s, int port, int bytes, int accessSize) {
        if (port == 0) {
            s.zeros(12);
            return;
        }
        s.u8(GAS_SYSTEM_IO).u8(bytes * 8).u8(0).u8(accessSize).u64(port);
    }
}
