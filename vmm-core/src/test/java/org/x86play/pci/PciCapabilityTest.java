package org.x86play.pci;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.x86play.io.IoBus;
import org.x86play.memory.PhysicalMemory;

class PciCapabilityTest {
    final IoBus io = new IoBus();
    final PhysicalMemory memory = new PhysicalMemory(1 << 20);
    final PciPlatform pci = PciPlatform.create(io, memory, null);

    int cfg8(int slot, int reg) {
        io.out(0xCF8, 4, 0x80000000 | slot << 11 | (reg & 0xFC));
        return io.in(0xCFC + (reg & 3), 1);
    }

    @Test
    void osWalksTheCapabilityList() {
        pci.bus.plug(2, 0, new PciTestDevice(io, memory));
        assertNotEquals(0, cfg8(2, 0x06) & 0x10, "status: capabilities list present");
        StringBuilder ids = new StringBuilder();
        int p = cfg8(2, 0x34);
        for (int guard = 0; p != 0 && guard < 48; guard++) {
            ids.append(Integer.toHexString(p)).append(':').append(cfg8(2, p)).append(' ');
            p = cfg8(2, p + 1) & 0xFC;
        }
        assertEquals("40:5 50:9 ", ids.toString());
    }

    @Test
    void capabilityHeadersAreReadOnlyBodiesAsDeclared() {
        PciTestDevice d = new PciTestDevice(io, memory);
        d.writeConfig(0x50, 4, 0xBEEF0000);
        assertEquals(0xBEEF0009, d.readConfig(0x50, 4), "ID and next stay, the declared body word is written");
        d.writeConfig(0x34, 1, 0x80);
        assertEquals(0x40, d.readConfig(0x34, 1));
        d.writeConfig(0x42, 2, 0xFFFF);
        assertEquals(0, d.readConfig(0x42, 2), "undeclared bytes are read-only");
    }

    @Test
    void hostBridgeHasNoCapabilities() {
        assertEquals(0, cfg8(0, 0x06) & 0x10);
        assertEquals(0, cfg8(0, 0x34));
    }

    @Test
    void overlappingOrMisplacedCapabilitiesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new PciDevice(1, 2, 0, 0) {{
            addCapability(0x40, 1, 8);
            addCapability(0x44, 2, 4);
        }});
        assertThrows(IllegalArgumentException.class, () -> new PciDevice(1, 2, 0, 0) {{ addCapability(0x30, 1, 8); }});
        assertThrows(IllegalArgumentException.class, () -> new PciDevice(1, 2, 0, 0) {{ addCapability(0x42, 1, 8); }});
    }

    @Test
    void pcieExtendedCapabilitiesChainFrom0x100() {
        PciDevice d = new PciDevice(0x8086, 0x10C9, 0x020000, 1, 0x80, PciDevice.PCIE_CONFIG_SIZE) {{
            addCapability(0x40, 0x10, 0x3C); // PCI Express capability
            addExtendedCapability(0x100, 0x0001, 1, 0x40); // AER
            addExtendedCapability(0x160, 0x0010, 1, 0x40); // SR-IOV
        }};
        assertEquals(4096, d.configSize());
        assertEquals(0x16010001, d.readConfig(0x100, 4), "AER v1, next at 0x160");
        assertEquals(0x00010010, d.readConfig(0x160, 4), "SR-IOV v1, end of list");
        assertEquals(0xFFFFFFFF, d.readConfig(0x1000, 4), "beyond the space");
        assertThrows(IllegalArgumentException.class, () -> new PciDevice(1, 2, 0, 0) {{
            addExtendedCapability(0x100, 1, 1, 8);
        }}, "conventional functions have no extended space");
    }
}
