package org.x86play.devices.vga;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.x86play.io.IoBus;
import org.x86play.memory.PhysicalMemory;

class VgaTest {
    final IoBus io = new IoBus();
    final PhysicalMemory memory = new PhysicalMemory(2 << 20);
    final Vga vga = new Vga();
    final TextView text = vga.text();

    VgaTest() { vga.attach(io, memory); }

    void puts(int row, int col, String s, int attr) {
        int a = 0xB8000 + (row * 80 + col) * 2;
        for (int i = 0; i < s.length(); i++) memory.write16(a + 2 * i, attr << 8 | s.charAt(i));
    }

    void crtc(int index, int value) { io.out(0x3D4, 1, index); io.out(0x3D5, 1, value); }

    @Test
    void textWritesAppearInTheGrid() {
        assertEquals(80, text.columns());
        assertEquals(25, text.rows());
        assertEquals(' ', text.at(0, 0));
        assertEquals(0x07, text.attribute(0, 0));
        puts(0, 0, "Hello", 0x1F);
        puts(24, 75, "end!", 0x4E);
        assertEquals('H', text.at(0, 0));
        assertEquals(0x1F, text.attribute(0, 4));
        assertEquals("Hello", text.trimmedRow(0));
        assertEquals(80, text.row(0).length());
        assertEquals('!', text.at(24, 78));
        assertEquals(0x4E, text.attribute(24, 78));
        assertEquals(0x1F48, memory.read16(0xB8000), "video memory reads back");
        assertEquals(0x6C6C, memory.read16(0xB8004) & 0xFF | (memory.read16(0xB8006) & 0xFF) << 8);
        assertTrue(text.screen().startsWith("Hello\n"));
    }

    @Test
    void cursorFromCrtcRegisters() {
        crtc(0x0E, 0x01);
        crtc(0x0F, 0x45); // 0x145 = 325 = row 4, column 5
        assertEquals(4, text.cursorRow());
        assertEquals(5, text.cursorColumn());
        assertTrue(text.cursorVisible());
        io.out(0x3D4, 1, 0x0E);
        assertEquals(0x01, io.in(0x3D5, 1));
        io.out(0x3D4, 2, 0x200F); // "out dx, ax": index 0x0F, data 0x20
        assertEquals(0x120, text.cursorAddress());
        crtc(0x0A, 0x20);
        assertFalse(text.cursorVisible(), "CR0A bit 5 disables the cursor");
        crtc(0x0A, 0x0E);
        crtc(0x0B, 0x0F);
        assertEquals(14, text.cursorStart());
        assertEquals(15, text.cursorEnd());
    }

    @Test
    void startAddressScrollsTheView() {
        puts(1, 0, "second line", 0x07);
        crtc(0x0C, 0x00);
        crtc(0x0D, 80);
        assertEquals("second line", text.trimmedRow(0));
        crtc(0x0E, 0x00);
        crtc(0x0F, 80 + 3);
        assertEquals(0, text.cursorRow());
        assertEquals(3, text.cursorColumn());
    }

    @Test
    void crtcProtectBitGuardsRegisters0To7() {
        crtc(0x11, 0x8E);
        crtc(0x01, 0x27);
        assertEquals(0x4F, vga.crtcRegister(1));
        crtc(0x11, 0x0E);
        crtc(0x01, 0x27);
        assertEquals(40, text.columns());
    }

    @Test
    void monoPortsFollowMiscOutputIoSelect() {
        assertEquals(0x67, io.in(0x3CC, 1));
        io.out(0x3B4, 1, 0x0F);
        assertEquals(0xFF, io.in(0x3B5, 1), "colour addressing: 0x3Bx not decoded");
        io.out(0x3C2, 1, 0x66);
        io.out(0x3B4, 1, 0x0E);
        io.out(0x3B5, 1, 0x07);
        assertEquals(0x07, vga.crtcRegister(0x0E));
        assertEquals(0xFF, io.in(0x3D5, 1));
    }

    @Test
    void inputStatusTogglesRetraceAndResetsAttributeFlipFlop() {
        boolean sawRetrace = false, sawNoRetrace = false;
        for (int i = 0; i < 16; i++) {
            int s = io.in(0x3DA, 1);
            if ((s & 8) != 0) sawRetrace = true; else sawNoRetrace = true;
        }
        assertTrue(sawRetrace && sawNoRetrace);
        io.out(0x3C0, 1, 0x10); // index
        io.in(0x3DA, 1);        // flip-flop back to index
        io.out(0x3C0, 1, 0x12); // index again, not data
        io.out(0x3C0, 1, 0x0F); // data for 0x12
        assertEquals(0x0F, vga.attributeRegister(0x12));
        assertEquals(0x0C, vga.attributeRegister(0x10), "untouched");
        io.out(0x3C0, 1, 0x31); // index 0x11 with PAS
        assertEquals(0x31, io.in(0x3C0, 1));
        io.out(0x3C0, 1, 0x05);
        assertEquals(0x05, io.in(0x3C1, 1));
    }

    @Test
    void sequencerGraphicsAndDacRegistersAreStored() {
        io.out(0x3C4, 2, 0x0302);
        assertEquals(0x03, vga.sequencerRegister(2));
        io.out(0x3C4, 1, 0x02);
        assertEquals(0x03, io.in(0x3C5, 1));
        io.out(0x3CE, 1, 0x05);
        io.out(0x3CF, 1, 0x40);
        assertEquals(0x40, io.in(0x3CF, 1));
        io.out(0x3C8, 1, 0x10);
        io.out(0x3C9, 1, 0x3F); io.out(0x3C9, 1, 0x20); io.out(0x3C9, 1, 0x01);
        io.out(0x3C9, 1, 0x02); // entry 0x11 red
        assertEquals(0x3F2001, vga.dacEntry(0x10));
        assertEquals(0x11, io.in(0x3C8, 1));
        io.out(0x3C7, 1, 0x10);
        assertEquals(0x3F, io.in(0x3C9, 1));
        assertEquals(0x20, io.in(0x3C9, 1));
        assertEquals(0x01, io.in(0x3C9, 1));
        assertEquals(0x02, io.in(0x3C9, 1));
    }

    @Test
    void memoryMapSelectDecidesWhichWindowAnswers() {
        memory.write8(0xA0000, 0x12);
        assertEquals(0xFF, memory.read8(0xA0000), "mode 3 decodes only B8000-BFFFF");
        io.out(0x3CE, 1, 0x06);
        io.out(0x3CF, 1, 0x02); // map 0: A0000-BFFFF
        memory.write8(0xA0000, 0x12);
        assertEquals(0x12, memory.read8(0xA0000));
        memory.write16(0xB8000, 0x0741);
        io.out(0x3CF, 1, 0x06); // map 1: A0000-AFFFF (how a VGA BIOS loads the font)
        memory.write8(0xA0000, 0x99);
        assertEquals(0xFF, memory.read8(0xB8000), "B8000 not decoded in map 1");
        io.out(0x3CF, 1, 0x0E); // back to B8000
        assertEquals(0xFF, memory.read8(0xA0000));
        assertEquals('A', text.at(0, 0), "font writes did not clobber text");
        io.out(0x3C2, 1, 0x66);
        io.out(0x3CF, 1, 0x0A); // map 2: B0000 (mono text)
        memory.write16(0xB0000, 0x074D);
        assertEquals('M', text.at(0, 0));
    }

    @Test
    void versionChangesOnVisibleWrites() {
        int v = vga.version();
        puts(0, 0, "x", 7);
        assertNotEquals(v, vga.version());
        v = vga.version();
        crtc(0x0F, 1);
        assertNotEquals(v, vga.version());
    }

    @Test
    void cp437Mapping() {
        assertEquals('A', Cp437.toUnicode('A'));
        assertEquals('\u2500', Cp437.toUnicode(0xC4));
        assertEquals('\u2588', Cp437.toUnicode(0xDB));
        assertEquals('\u00E9', Cp437.toUnicode(0x82));
        assertEquals(' ', Cp437.toUnicode(0));
        assertEquals('\u00A0', Cp437.toUnicode(0xFF));
        memory.write16(0xB8000, 0x07C9);
        assertEquals('\u2554', text.at(0, 0));
        assertEquals(0xC9, text.code(0, 0));
    }
}
