package org.x86play.acpi;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.x86play.devices.acpi.AcpiPm;
import org.x86play.memory.PhysicalMemory;

/** The table set as the OS finds it: walked from the RSDP in guest memory. */
class AcpiTablesTest {
    static final int RSDP = 0xF0000, BASE = 0xF0040;
    final AcpiConfig cfg = new AcpiConfig();
    final PhysicalMemory mem = new PhysicalMemory(2 << 20);

    int u8(int a) { return mem.read8(a); }

    int u16(int a) { return mem.read16(a); }

    int u32(int a) { return mem.read32(a); }

    String ascii(int a, int n) {
        byte[] b = new byte[n];
        mem.readBytes(a, b, 0, n);
        return new String(b, StandardCharsets.US_ASCII);
    }

    int sum(int a, int n) {
        int s = 0;
        for (int i = 0; i < n; i++) s += u8(a + i);
        return s & 0xFF;
    }

    /** Checks an SDT header at {@code a} and returns the table length. */
    int checkTable(int a, String sig) {
        assertEquals(sig, ascii(a, 4));
        int len = u32(a + 4);
        assertTrue(len >= 36 && a + len <= BASE + AcpiTables.MAX_TABLES_SIZE, sig + " length " + len);
        assertEquals(0, sum(a, len), sig + " checksum");
        assertEquals("X86PLY", ascii(a + 10, 6));
        assertEquals("X86PLAY ", ascii(a + 16, 8));
        assertEquals("XPLY", ascii(a + 28, 4));
        return len;
    }

    /** Installs and returns the tables listed in the RSDT, by signature. */
    Map<String, Integer> install() {
        int used = AcpiTables.install(mem, RSDP, BASE, cfg);
        assertTrue(used > 0 && used <= AcpiTables.MAX_TABLES_SIZE);
        assertEquals("RSD PTR ", ascii(RSDP, 8));
        assertEquals(0, sum(RSDP, AcpiTables.RSDP_SIZE), "RSDP checksum");
        assertEquals("X86PLY", ascii(RSDP + 9, 6));
        assertEquals(0, u8(RSDP + 15), "revision 0: ACPI 1.0 RSDP, RSDT only");
        int rsdt = u32(RSDP + 16);
        assertTrue(rsdt >= BASE && rsdt < BASE + used);
        int len = checkTable(rsdt, "RSDT");
        Map<String, Integer> found = new HashMap<>();
        for (int p = rsdt + 36; p < rsdt + len; p += 4) found.put(ascii(u32(p), 4), u32(p));
        assertEquals(2, found.size());
        return found;
    }

    @Test
    void rsdtListsFadtAndMadtWithValidHeaders() {
        Map<String, Integer> t = install();
        assertEquals(Fadt.LENGTH, checkTable(t.get("FACP"), "FACP"));
        assertEquals(Fadt.REVISION, u8(t.get("FACP") + 8));
        assertEquals(90, checkTable(t.get("APIC"), "APIC"));
    }

    @Test
    void fadtPointsToFacsAndDsdt() {
        int fadt = install().get("FACP");
        int facs = u32(fadt + Fadt.FIRMWARE_CTRL), dsdt = u32(fadt + Fadt.DSDT);
        assertEquals(0, facs & 63, "FACS is 64-byte aligned");
        assertEquals("FACS", ascii(facs, 4));
        assertEquals(64, u32(facs + 4));
        assertEquals(1, u8(facs + 32), "FACS version");
        checkTable(dsdt, "DSDT");
        assertEquals(2, u8(dsdt + 8), "DSDT revision 2: 64-bit integers");
        assertEquals(facs, u32(fadt + Fadt.X_FIRMWARE_CTRL));
        assertEquals(0, u32(fadt + Fadt.X_FIRMWARE_CTRL + 4));
        assertEquals(dsdt, u32(fadt + Fadt.X_DSDT));
        byte[] body = new byte[u32(dsdt + 4) - 36];
        mem.readBytes(dsdt + 36, body, 0, body.length);
        assertArrayEquals(Dsdt.body(cfg), body);
    }

    @Test
    void fadtFixedHardwareMatchesThePmDevice() {
        int f = install().get("FACP");
        assertEquals(9, u16(f + Fadt.SCI_INT));
        assertEquals(0, u32(f + Fadt.SMI_CMD), "no SMM: always in ACPI mode");
        assertEquals(0x600, u32(f + Fadt.PM1A_EVT_BLK));
        assertEquals(0x604, u32(f + Fadt.PM1A_CNT_BLK));
        assertEquals(0x608, u32(f + Fadt.PM_TMR_BLK));
        assertEquals(0x60C, u32(f + Fadt.GPE0_BLK));
        assertEquals(4, u8(f + Fadt.PM1_EVT_LEN));
        assertEquals(2, u8(f + Fadt.PM1_CNT_LEN));
        assertEquals(4, u8(f + Fadt.PM_TMR_LEN));
        assertEquals(4, u8(f + Fadt.GPE0_BLK_LEN));
        assertEquals(0, u32(f + 60) | u32(f + 68) | u32(f + 72) | u32(f + 84), "no PM1b, PM2, GPE1");
        assertTrue(u16(f + Fadt.P_LVL2_LAT) > 100 && u16(f + Fadt.P_LVL3_LAT) > 1000, "no C2/C3");
        assertEquals(0x32, u8(f + Fadt.CENTURY));
        assertEquals(3, u16(f + Fadt.IAPC_BOOT_ARCH), "legacy devices + 8042");
        assertEquals(0x565, u32(f + Fadt.FLAGS), "WBINVD, PROC_C1, SLP_BUTTON, FIX_RTC, TMR_VAL_EXT, RESET_REG_SUP");
        assertGas(f + Fadt.RESET_REG, 8, 1, 0xCF9);
        assertEquals(6, u8(f + Fadt.RESET_VALUE));
        assertGas(f + Fadt.X_PM1A_EVT_BLK, 32, 2, 0x600);
        assertGas(f + Fadt.X_PM1A_CNT_BLK, 16, 2, 0x604);
        assertGas(f + Fadt.X_PM_TMR_BLK, 32, 3, 0x608);
        assertGas(f + Fadt.X_GPE0_BLK, 32, 1, 0x60C);
    }

    void assertGas(int a, int bits, int access, int port) {
        assertEquals(1, u8(a), "SystemIO");
        assertEquals(bits, u8(a + 1));
        assertEquals(0, u8(a + 2));
        assertEquals(access, u8(a + 3));
        assertEquals(port, u32(a + 4));
        assertEquals(0, u32(a + 8));
    }

    @Test
    void configMovesPmBlockAndDropsResetRegister() {
        cfg.pmBase = 0xB000;
        cfg.resetPort = 0;
        int f = install().get("FACP");
        assertEquals(0xB000, u32(f + Fadt.PM1A_EVT_BLK));
        assertEquals(0xB008, u32(f + Fadt.PM_TMR_BLK));
        assertGas(f + Fadt.X_PM1A_CNT_BLK, 16, 2, 0xB004);
        assertEquals(0, u32(f + Fadt.FLAGS) & Fadt.RESET_REG_SUP);
        assertEquals(0, u32(f + Fadt.RESET_REG) | u32(f + Fadt.RESET_REG + 4) | u8(f + Fadt.RESET_VALUE));
    }

    @Test
    void madtEntries() {
        int m = install().get("APIC");
        assertEquals(0xFEE00000, u32(m + 36));
        assertEquals(1, u32(m + 40), "PCAT_COMPAT");
        byte[] entries = new byte[90 - 44];
        mem.readBytes(m + 44, entries, 0, entries.length);
        assertArrayEquals(AmlTest.bytes(
                0, 8, 0, 0, 1, 0, 0, 0,                                  // Local APIC: UID 0, ID 0, enabled
                1, 12, 1, 0, 0x00, 0x00, 0xC0, 0xFE, 0, 0, 0, 0,         // I/O APIC ID 1 at FEC00000, GSI 0
                2, 10, 0, 0, 2, 0, 0, 0, 0x05, 0,                        // ISA IRQ0 -> GSI2, edge, high
                2, 10, 0, 9, 9, 0, 0, 0, 0x0D, 0,                        // ISA IRQ9 -> GSI9, level, high
                4, 6, 0xFF, 0, 0, 1), entries);                          // NMI on LINT1, all CPUs
    }

    @Test
    void layoutRulesAreEnforced() {
        assertThrows(IllegalArgumentException.class, () -> AcpiTables.build(RSDP + 8, BASE, cfg));
        assertThrows(IllegalArgumentException.class, () -> AcpiTables.build(RSDP, BASE + 16, cfg));
        assertThrows(IllegalArgumentException.class, () -> AcpiTables.build(BASE + 64, BASE, cfg));
        AcpiTables t = AcpiTables.build(RSDP, BASE, cfg);
        assertEquals(AcpiTables.RSDP_SIZE, t.rsdp().length);
        assertEquals("FACS", new String(t.tables(), 0, 4, StandardCharsets.US_ASCII));
        assertTrue(t.tables().length < 1024, "about 600 bytes today: " + t.tables().length);
    }

    @Test
    void tablesDescribeTheDevicePorts() {
        assertEquals(Fadt.LENGTH, Fadt.build(cfg, 0x1000, 0x2000).length);
        assertEquals(AcpiPm.PORTS, AcpiPm.GPE0 + AcpiPm.GPE0_LEN, "the FADT blocks fill the device's port range");
    }
}
