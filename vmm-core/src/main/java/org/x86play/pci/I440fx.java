package org.x86play.pci;


/**
 * The Intel 82441FX PCI and Memory Controller (PMC) as seen from PCI: function 00:00.0, vendor 8086 device
 * 1237, class 06/00/00 (host bridge). OSes look for it to decide configuration mechanism #1 works and which
 * chipset quirks apply.
 * <p>
 * The PAM registers 0x59..0x5F control shadow RAM in the BIOS area ({@link PamShadowing}) once
 * {@link #enableShadowing} connected the memory. The other chipset registers from 0x50 (PMCCFG, DRAM control,
 * DRB row boundaries, SMRAM at 0x72, error command/status 0x90..0x93) hold what the guest writes but have no
 * effect. Defaults from the 82441FX datasheet register summary.
 */
public final class I440fx extends PciDevice {
    public static final int VENDOR_INTEL = 0x8086, DEVICE_82441FX = 0x1237;
    public static final int CLASS_HOST_BRIDGE = 0x060000;
    /** SMRAM control: compatible SMRAM base segment 010b = A0000h at reset. */
    static final int SMRAM = 0x72, SMRAM_DEFAULT = 0x02;

    public I440fx() {
        super(VENDOR_INTEL, DEVICE_82441FX, CLASS_HOST_BRIDGE, 0x02);
        set16(COMMAND, CMD_MEMORY | CMD_BUS_MASTER);
        set16(STATUS, 0x0280); // fast back-to-back capable, medium DEVSEL timing
        setWritable(COMMAND, 2, CMD_PARITY | CMD_SERR); // decoding and mastering are always on for the host
        setWritable(0x50, 0x30, 0xFF);
        setWritable(0x90, 4, -1);
        set8(SMRAM, SMRAM_DEFAULT);
    }

    private PamShadowing pam;

    /**
     * Lets the PAM registers switch the BIOS area between its current contents (the firmware side) and RAM.
     * With {@code firmwarePresent} the registers start at 0 (power-on: everything from the firmware side);
     * without, they start as firmware leaves them after POST (0xC0000..0xFFFFF read/write RAM), which is what a
     * firmware-less boot already has.
     */
    public void enableShadowing(org.x86play.memory.PhysicalMemory memory, boolean firmwarePresent) {
        for (int i = 0; i < PamShadowing.REGISTERS; i++) {
            set8(PamShadowing.PAM0 + i, firmwarePresent ? 0 : (i == 0 ? 0x30 : 0x33));
        }
        pam = new PamShadowing(memory);
        pam.apply(pamValues());
    }

    private int[] pamValues() {
        int[] v = new int[PamShadowing.REGISTERS];
        for (int i = 0; i < v.length; i++) v[i] = get8(PamShadowing.PAM0 + i);
        return v;
    }

    @Override
    protected void configWritten(int offset, int size, int value) {
        if (pam != null && offset < PamShadowing.PAM0 + PamShadowing.REGISTERS && offset + size > PamShadowing.PAM0) {
            pam.apply(pamValues());
        }
    }

    // ------------------------------------------------------------------ snapshot (org.x86play.snapshot)

    /** PAM registers were loaded with the config space: map the BIOS area as they say. */
    @Override
    protected void configLoaded() {
        if (pam != null) pam.apply(pamValues());
    }
}
