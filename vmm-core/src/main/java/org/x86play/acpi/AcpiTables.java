package org.x86play.acpi;

import org.x86play.devices.acpi.AcpiPm;
import org.x86play.memory.PhysicalMemory;

/**
 * Builds the ACPI tables of the PC (ACPI 6.x chapter 5): a revision 0 RSDP pointing to an RSDT with
 * the FADT and MADT; the FADT points to the FACS and DSDT.
 * <p>
 * Why RSDP revision 0 / RSDT and no XSDT: the platform is 32-bit (all tables below 4 GiB), Linux and
 * ACPICA accept an ACPI 1.0 root pointer with any later table revisions, and one pointer table means
 * no 32/64-bit copies to keep consistent.
 * <p>
 * Layout: the 20-byte RSDP at {@code rsdpAddress} (16-byte aligned; Linux scans 0xE0000-0xFFFFF for it
 * unless the boot protocol's acpi_rsdp_addr is set), and at {@code tablesBase} (64-byte aligned, for
 * the FACS): FACS (64 bytes), DSDT, FADT, MADT, RSDT, each 16-byte aligned, at most
 * {@link #MAX_TABLES_SIZE} bytes in all (about 600 today). The two areas must not overlap and should be
 * reported as reserved (or ACPI) in the e820 map.
 */
public final class AcpiTables {
    public static final int RSDP_SIZE = 20;
    public static final int MAX_TABLES_SIZE = 4096;
    static final int FACS_SIZE = 64;

    private final byte[] rsdp, tables;
    private final int rsdpAddress, tablesBase;

    private AcpiTables(int rsdpAddress, byte[] rsdp, int tablesBase, byte[] tables) {
        this.rsdpAddress = rsdpAddress;
        this.rsdp = rsdp;
        this.tablesBase = tablesBase;
        this.tables = tables;
    }

    public static AcpiTables build(int rsdpAddress, int tablesBase, AcpiConfig cfg) {
        if ((rsdpAddress & 15) != 0) throw new IllegalArgumentException("RSDP must be 16-byte aligned");
        if ((tablesBase & 63) != 0) throw new IllegalArgumentException("tables must be 64-byte aligned (FACS)");
        ByteSink region = new ByteSink();
        int facs = tablesBase + append(region, facs());
        int dsdt = tablesBase + append(region, Dsdt.build(cfg));
        int fadt = tablesBase + append(region, Fadt.build(cfg, facs, dsdt));
        int madt = tablesBase + append(region, Madt.build(cfg, AcpiPm.SCI_IRQ));
        int rsdt = tablesBase + append(region, rsdt(fadt, madt));
        byte[] tables = region.toArray();
        if (tables.length > MAX_TABLES_SIZE) throw new IllegalStateException("ACPI tables too large");
        long rsdpEnd = (rsdpAddress & 0xFFFFFFFFL) + RSDP_SIZE, base = tablesBase & 0xFFFFFFFFL;
        if (rsdpEnd > base && (rsdpAddress & 0xFFFFFFFFL) < base + tables.length) {
            throw new IllegalArgumentException("RSDP overlaps the tables");
        }
        return new AcpiTables(rsdpAddress, rsdp(rsdt), tablesBase, tables);
    }

    /** Builds and copies the RSDP and tables into guest memory; returns the size of the tables region. */
    public static int install(PhysicalMemory mem, int rsdpAddress, int tablesBase, AcpiConfig cfg) {
        return build(rsdpAddress, tablesBase, cfg).install(mem);
    }

    public int install(PhysicalMemory mem) {
        mem.load(rsdpAddress, rsdp, 0, rsdp.length);
        mem.load(tablesBase, tables, 0, tables.length);
        return tables.length;
    }

    /** The RSDP bytes, for {@link #rsdpAddress()}. */
    public byte[] rsdp() { return rsdp.clone(); }

    /** The tables region, for {@link #tablesBase()}. */
    public byte[] tables() { return tables.clone(); }

    public int rsdpAddress() { return rsdpAddress; }

    public int tablesBase() { return tablesBase; }

    /** Appends {@code table} at the next 16-byte boundary; returns its offset. */
    private static int append(ByteSink region, byte[] table) {
        region.align(16);
        int at = region.size();
        region.bytes(table);
        return at;
    }

    /** Firmware ACPI Control Structure (§5.2.10, Table 5.13): no header checksum; no waking vector, no global lock. */
    static byte[] facs() {
        ByteSink s = new ByteSink().ascii("FACS", 4).u32(FACS_SIZE);
        s.u32(0).u32(0).u32(0).u32(0);  // hardware signature, waking vector, global lock, flags
        s.u64(0).u8(1).zeros(3).u32(0);   // X waking vector, version 1 (ACPI 2.0), reserved, OSPM flags
        return s.zeros(FACS_SIZE - s.size()).toArray();
    }

    /** Root System Description Table (§5.2.7): 32-bit physical addresses of the other tables. */
    static byte[] rsdt(int... entries) {
        ByteSink s = Sdt.begin("RSDT", 1);
        for (int e : entries) s.u32(e);
        return Sdt.seal(s);
    }

    /** Root System Description Pointer (§5.2.5.3), revision 0: checksum over its 20 bytes. */
    static byte[] rsdp(int rsdt) {
        ByteSink s = new ByteSink().ascii("RSD PTR ", 8).u8(0).ascii(Sdt.OEM_ID, 6).u8(0).u32(rsdt);
        byte[] b = s.toArray();
        b[8] = (byte) -Sdt.sum(b, 0, RSDP_SIZE);
        return b;
    }
}
