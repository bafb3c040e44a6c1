package org.x86play.pci;

import org.x86play.devices.pic.IrqLines;
import org.x86play.snapshot.SnapshotFormatException;
import org.x86play.snapshot.StateReader;
import org.x86play.snapshot.StateWriter;

/**
 * PIIX3 function 0, the PCI-to-ISA bridge (82371SB): 8086:7000, class 06/01/00, multi-function header (the
 * chip's IDE/USB functions share its slot), and the board's PCI interrupt router.
 * <p>
 * Routing: the four PIRQ lines are steered to ISA IRQs by the PIRQ Route Control registers 0x60..0x63
 * (PIRQA..D): bit 7 = routing disabled (reset value 0x80), bits 3:0 = IRQ; IRQ 0, 1, 2, 8 and 13 are
 * reserved and route nothing. PIRQ lines are level, active while any function on them asserts INTx; an IRQ
 * is high while any PIRQ routed to it is (several PIRQs may share an IRQ). The guest must mark those IRQs
 * level-triggered in the ELCR, and must not share them with ISA devices (they drive the same input).
 * <p>
 * Board wiring (the usual i440FX layout that firmware tables for this chipset describe): INTA# of slot 1
 * goes to PIRQA, and each further slot or pin rotates by one: PIRQ = (slot + pin - 2) mod 4, pin 1 = INTA#.
 * <p>
 * Other datasheet registers (IORT 0x4C, XBCS 0x4E, TOM 0x69, MSTAT 0x6A, motherboard IRQ/DMA 0x70..0x77,
 * PCSC 0x78, APICBASE 0x80, DLC 0x82, SMI 0xA0..0xAF) hold what the guest writes, with datasheet defaults.
 */
public final class Piix3IsaBridge extends PciDevice implements IntxRouter {
    public static final int VENDOR_INTEL = 0x8086, DEVICE_PIIX3_ISA = 0x7000;
    public static final int CLASS_ISA_BRIDGE = 0x060100;
    public static final int PIRQ_ROUTE = 0x60, PIRQ_COUNT = 4;
    public static final int ROUTE_DISABLED = 0x80;
    /** ISA IRQs a PIRQ may be steered to: 3-7, 9-12, 14, 15 (PIRQRC bits 3:0). */
    private static final int ROUTABLE_IRQS = 0xDEF8;

    private final IrqLines irqs;
    private final int[] assertedOnPirq = new int[PIRQ_COUNT];
    /** ISA IRQs this router currently drives high. */
    private int driven;

    /** @param irqs the ISA interrupt inputs (the 8259A pair); may be null when interrupts are not wired */
    public Piix3IsaBridge(IrqLines irqs) {
        super(VENDOR_INTEL, DEVICE_PIIX3_ISA, CLASS_ISA_BRIDGE, 0x00, HEADER_MULTIFUNCTION, CONFIG_SIZE);
        this.irqs = irqs;
        set16(COMMAND, CMD_IO | CMD_MEMORY | CMD_BUS_MASTER);
        set16(STATUS, 0x0200); // medium DEVSEL timing
        setWritable(COMMAND, 2, CMD_PARITY | CMD_SERR); // a bridge to ISA always decodes
        storage(0x4C, 1, 0x4D);   // IORT
        storage(0x4E, 2, 0x0003); // XBCS: BIOS and keyboard controller decode
        for (int n = 0; n < PIRQ_COUNT; n++) {
            set8(PIRQ_ROUTE + n, ROUTE_DISABLED);
            setWritable(PIRQ_ROUTE + n, 1, 0x8F); // bits 6:4 reserved
        }
        storage(0x69, 1, 0x02);   // TOM
        storage(0x6A, 2, 0x0000); // MSTAT
        storage(0x70, 2, 0x8080); // MBIRQ0/1 disabled
        storage(0x76, 2, 0x0404); // MBDMA0/1 disabled
        storage(0x78, 2, 0x0002); // PCSC
        storage(0x80, 1, 0x00);   // APICBASE
        storage(0x82, 1, 0x00);   // DLC
        setWritable(0xA0, 16, 0xFF); // SMI control/enable, SEE, FTMR, SMIREQ, timers
    }

    private void storage(int offset, int length, int resetValue) {
        setWritable(offset, length, -1);
        for (int k = 0; k < length; k++) set8(offset + k, resetValue >>> (k << 3));
    }

    /** The PIRQ (0 = A .. 3 = D) a slot's INTx pin (1..4) is wired to on this board. */
    public static int pirqOf(int devfn, int pin) { return ((devfn >>> 3) + pin - 2) & 3; }

    /** The ISA IRQ PIRQ {@code n} is steered to, or -1 if routing is disabled or reserved. */
    public int routedIrq(int n) {
        int route = get8(PIRQ_ROUTE + (n & 3));
        int irq = route & 0xF;
        return (route & ROUTE_DISABLED) == 0 && (ROUTABLE_IRQS >>> irq & 1) != 0 ? irq : -1;
    }

    /** True while some function on PIRQ {@code n} asserts its INTx (for an I/O APIC wired to PIRQs later). */
    public boolean pirqAsserted(int n) { return assertedOnPirq[n & 3] > 0; }

    @Override
    public void intxChanged(int devfn, int pin, boolean asserted) {
        if (pin < 1 || pin > 4) return;
        int n = pirqOf(devfn, pin);
        assertedOnPirq[n] += asserted ? 1 : -1;
        if (assertedOnPirq[n] < 0) assertedOnPirq[n] = 0;
        updateIrqs();
    }

    @Override
    protected void configWritten(int offset, int size, int value) {
        if (offset < PIRQ_ROUTE + PIRQ_COUNT && offset + size > PIRQ_ROUTE) updateIrqs();
    }

    private void updateIrqs() {
        int want = 0;
        for (int n = 0; n < PIRQ_COUNT; n++) {
            int irq = routedIrq(n);
            if (irq >= 0 && assertedOnPirq[n] > 0) want |= 1 << irq;
        }
        int changed = want ^ driven;
        driven = want;
        if (irqs == null) return;
        for (int irq = 0; irq < 16; irq++) {
            if ((changed >>> irq & 1) != 0) irqs.setIrq(irq, (want >>> irq & 1) != 0);
        }
    }

    // ------------------------------------------------------------------ snapshot (org.x86play.snapshot)

    /** Config space plus the INTx inputs seen on each PIRQ and the ISA IRQs driven. */
    @Override
    public void saveState(StateWriter w) {
        super.saveState(w);
        w.ints(assertedOnPirq).i32(driven);
    }

    @Override
    public void loadState(StateReader r) throws SnapshotFormatException {
        super.loadState(r);
        r.intsIn(assertedOnPirq, 0, PciBus.SLOTS * PciBus.FUNCTIONS * 4, "PIRQ input count");
        driven = r.i32() & 0xFFFF;
    }
}
