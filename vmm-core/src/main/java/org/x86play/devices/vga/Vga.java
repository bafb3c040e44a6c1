package org.x86play.devices.vga;

import org.x86play.io.IoBus;
import org.x86play.io.IoPortHandler;
import org.x86play.memory.MmioHandler;
import org.x86play.memory.PhysicalMemory;
import org.x86play.snapshot.SnapshotFormatException;
import org.x86play.snapshot.StateReader;
import org.x86play.snapshot.StateWriter;

/**
 * A VGA adapter as far as text mode needs: the legacy memory window 0xA0000-0xBFFFF (which part
 * answers follows graphics register 6's memory map select; text is kept as character/attribute byte
 * pairs), the CRT controller (index/data at 0x3D4/0x3D5, or 0x3B4/0x3B5 when misc output bit 0
 * selects mono addressing; registers 0-7 write-protected by CR11 bit 7), misc output (write 0x3C2,
 * read 0x3CC), input status 1 (0x3DA/0x3BA; reading it resets the attribute flip-flop), and the
 * sequencer, graphics, attribute and DAC registers stored as the VGA BIOS programs them. Register
 * meanings per the IBM VGA technical reference.
 * <p>
 * {@link #text()} gives a text-grid view (characters, attributes, cursor) for the web client and tests;
 * {@link #version()} changes whenever something visible may have changed.
 */
public final class Vga implements MmioHandler, IoPortHandler {
    public static final int WINDOW_BASE = 0xA0000, WINDOW_SIZE = 0x20000;

    /** Mode 3 (80x25 colour text) CRTC values. */
    private static final int[] CRTC_MODE3 = {
        0x5F, 0x4F, 0x50, 0x82, 0x55, 0x81, 0xBF, 0x1F, 0x00, 0x4F, 0x0D, 0x0E, 0x00, 0x00, 0x00, 0x00,
        0x9C, 0x8E, 0x8F, 0x28, 0x1F, 0x96, 0xB9, 0xA3, 0xFF,
    };
    private static final int[] SEQ_MODE3 = {0x03, 0x00, 0x03, 0x00, 0x02};
    private static final int[] GFX_MODE3 = {0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0E, 0x00, 0xFF};
    private static final int[] ATTR_MODE3 = {
        0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3A, 0x3B, 0x3C, 0x3D, 0x3E, 0x3F,
        0x0C, 0x00, 0x0F, 0x08, 0x00,
    };

    final byte[] vram = new byte[WINDOW_SIZE];
    final int[] crtc = new int[32];
    final int[] seq = new int[8];
    final int[] gfx = new int[16];
    final int[] attr = new int[32];
    final byte[] dac = new byte[256 * 3];
    private int crtcIndex, seqIndex, gfxIndex, attrIndex;
    private boolean attrFlipFlopData;
    private int misc = 0x67;
    private int pelMask = 0xFF;
    private int dacWriteIndex, dacReadIndex, dacComponent;
    private boolean dacReading;
    private int featureControl;
    private int statusReads;
    private int version;
    private final TextView text = new TextView(this);

    public Vga() {
        System.arraycopy(CRTC_MODE3, 0, crtc, 0, CRTC_MODE3.length);
        System.arraycopy(SEQ_MODE3, 0, seq, 0, SEQ_MODE3.length);
        System.arraycopy(GFX_MODE3, 0, gfx, 0, GFX_MODE3.length);
        System.arraycopy(ATTR_MODE3, 0, attr, 0, ATTR_MODE3.length);
        // Text memory starts blank: spaces in light grey on black.
        for (int i = 0x18000; i < 0x20000; i += 2) {
            vram[i] = 0x20;
            vram[i + 1] = 0x07;
        }
    }

    /** Maps 0xA0000-0xBFFFF and registers 0x3B4/0x3B5, 0x3BA, 0x3C0-0x3CF, 0x3D4/0x3D5 and 0x3DA. */
    public void attach(IoBus io, PhysicalMemory memory) {
        memory.mapMmio(WINDOW_BASE, WINDOW_SIZE, this);
        io.register(0x3B4, 2, this);
        io.register(0x3BA, 1, this);
        io.register(0x3C0, 16, this);
        io.register(0x3D4, 2, this);
        io.register(0x3DA, 1, this);
    }

    public TextView text() { return text; }

    /** Increments whenever video memory or a display register is written. */
    public int version() { return version; }

    // ------------------------------------------------------------------ memory window

    /**
     * Offset within {@link #vram} of window offset {@code off}, or -1 if the memory map select does
     * not decode it. Storage is by address, so e.g. a font loaded through A0000 does not overwrite
     * text at B8000 (on the card they live in different planes).
     */
    private int decode(int off) {
        switch ((gfx[6] >>> 2) & 3) {
            case 0: return off;                                      // A0000-BFFFF
            case 1: return off < 0x10000 ? off : -1;                 // A0000-AFFFF
            case 2: return off >= 0x10000 && off < 0x18000 ? off : -1; // B0000-B7FFF
            default: return off >= 0x18000 ? off : -1;               // B8000-BFFFF
        }
    }

    /** Where text mode's character/attribute pairs start in {@link #vram}: B0000 for map 2, else B8000. */
    int textBase() { return ((gfx[6] >>> 2) & 3) == 2 ? 0x10000 : 0x18000; }

    @Override
    public int read(int offset, int size) {
        int v = 0;
        for (int k = 0; k < size; k++) {
            int i = decode((offset + k) & (WINDOW_SIZE - 1));
            v |= (i < 0 ? 0xFF : vram[i] & 0xFF) << (k << 3);
        }
        return v;
    }

    @Override
    public void write(int offset, int size, int value) {
        for (int k = 0; k < size; k++) {
            int i = decode((offset + k) & (WINDOW_SIZE - 1));
            if (i >= 0) vram[i] = (byte) (value >>> (k << 3));
        }
        version++;
    }

    /** Text memory byte {@code offset} bytes from the text base (wraps within the 32 KiB text window). */
    int textByte(int offset) { return vram[textBase() + (offset & 0x7FFF)] & 0xFF; }

    // ------------------------------------------------------------------ ports

    private boolean colorIo() { return (misc & 1) != 0; }

    @Override
    public int in(int port, int size) {
        int v = inByte(port);
        return size == 1 ? v : v | (inByte(port + 1) << 8) | (size == 4 ? (inByte(port + 2) | inByte(port + 3) << 8) << 16 : 0);
    }

    private int inByte(int port) {
        switch (port) {
            case 0x3D4: return colorIo() ? crtcIndex : 0xFF;
            case 0x3D5: return colorIo() ? crtc[crtcIndex & 31] : 0xFF;
            case 0x3B4: return colorIo() ? 0xFF : crtcIndex;
            case 0x3B5: return colorIo() ? 0xFF : crtc[crtcIndex & 31];
            case 0x3DA: return colorIo() ? inputStatus1() : 0xFF;
            case 0x3BA: return colorIo() ? 0xFF : inputStatus1();
            case 0x3C0: return attrIndex;
            case 0x3C1: return attr[attrIndex & 31];
            case 0x3C2: return 0x10; // input status 0: switch sense
            case 0x3C3: return 1;    // video subsystem enabled
            case 0x3C4: return seqIndex;
            case 0x3C5: return seq[seqIndex & 7];
            case 0x3C6: return pelMask;
            case 0x3C7: return dacReading ? 3 : 0;
            case 0x3C8: return dacWriteIndex;
            case 0x3C9: {
                int v = dac[(dacReadIndex * 3 + dacComponent) % dac.length] & 0x3F;
                if (++dacComponent == 3) {
                    dacComponent = 0;
                    dacReadIndex = (dacReadIndex + 1) & 0xFF;
                }
                return v;
            }
            case 0x3CA: return featureControl;
            case 0x3CC: return misc;
            case 0x3CE: return gfxIndex;
            case 0x3CF: return gfx[gfxIndex & 15];
            default: return 0xFF;
        }
    }

    /**
     * Input status 1: bit 0 display disabled, bit 3 vertical retrace. Toggled per read (deterministic,
     * so retrace-wait loops finish quickly whatever the clock); reading resets the attribute flip-flop.
     */
    private int inputStatus1() {
        attrFlipFlopData = false;
        int n = statusReads++;
        return (n & 1) | ((n >>> 2) & 1) << 3;
    }

    @Override
    public void out(int port, int size, int value) {
        outByte(port, value & 0xFF);
        if (size >= 2) outByte(port + 1, (value >>> 8) & 0xFF); // e.g. "out dx, ax" to an index/data pair
        if (size == 4) {
            outByte(port + 2, (value >>> 16) & 0xFF);
            outByte(port + 3, (value >>> 24) & 0xFF);
        }
    }

    private void outByte(int port, int v) {
        switch (port) {
            case 0x3D4: if (colorIo()) crtcIndex = v & 0x3F; break;
            case 0x3D5: if (colorIo()) writeCrtc(v); break;
            case 0x3B4: if (!colorIo()) crtcIndex = v & 0x3F; break;
            case 0x3B5: if (!colorIo()) writeCrtc(v); break;
            case 0x3DA: if (colorIo()) featureControl = v; break;
            case 0x3BA: if (!colorIo()) featureControl = v; break;
            case 0x3C0:
                if (!attrFlipFlopData) attrIndex = v & 0x3F;
                else attr[attrIndex & 31] = v;
                attrFlipFlopData = !attrFlipFlopData;
                break;
            case 0x3C2: misc = v; break;
            case 0x3C4: seqIndex = v & 7; break;
            case 0x3C5: seq[seqIndex & 7] = v; break;
            case 0x3C6: pelMask = v; break;
            case 0x3C7: dacReadIndex = v; dacComponent = 0; dacReading = true; break;
            case 0x3C8: dacWriteIndex = v; dacComponent = 0; dacReading = false; break;
            case 0x3C9:
                dac[(dacWriteIndex * 3 + dacComponent) % dac.length] = (byte) (v & 0x3F);
                if (++dacComponent == 3) {
                    dacComponent = 0;
                    dacWriteIndex = (dacWriteIndex + 1) & 0xFF;
                }
                break;
            case 0x3CE: gfxIndex = v & 15; break;
            case 0x3CF: gfx[gfxIndex & 15] = v; break;
            default: return;
        }
        version++;
    }

    private void writeCrtc(int v) {
        int i = crtcIndex & 31;
        if (crtcIndex > 0x18) return;
        // CR11 bit 7 protects CR0-CR7, except the line compare overflow bit 4 of CR7.
        if ((crtc[0x11] & 0x80) != 0 && i <= 7) {
            if (i == 7) crtc[7] = (crtc[7] & ~0x10) | (v & 0x10);
            return;
        }
        crtc[i] = v;
    }

    public int miscOutput() { return misc; }

    public int crtcRegister(int i) { return crtc[i & 31]; }

    public int sequencerRegister(int i) { return seq[i & 7]; }

    public int graphicsRegister(int i) { return gfx[i & 15]; }

    public int attributeRegister(int i) { return attr[i & 31]; }

    /** DAC entry {@code i}: 0x00RRGGBB with 6-bit components. */
    public int dacEntry(int i) {
        int b = (i & 0xFF) * 3;
        return (dac[b] & 0x3F) << 16 | (dac[b + 1] & 0x3F) << 8 | (dac[b + 2] & 0x3F);
    }

    // ------------------------------------------------------------------ snapshot (org.x86play.snapshot)

    /** Text memory, CRTC/sequencer/graphics/attribute registers, the DAC, indices and flip-flops. */
    public void saveState(StateWriter w) {
        w.bytes(vram).ints(crtc).ints(seq).ints(gfx).ints(attr).bytes(dac);
        w.u8(crtcIndex).u8(seqIndex).u8(gfxIndex).u8(attrIndex).bool(attrFlipFlopData).u8(misc).u8(pelMask);
        w.u8(dacWriteIndex).u8(dacReadIndex).u8(dacComponent).bool(dacReading).u8(featureControl).i32(statusReads);
    }

    public void loadState(StateReader r) throws SnapshotFormatException {
        r.bytes(vram);
        r.intsIn(crtc, 0, 0xFF, "VGA CRTC");
        r.intsIn(seq, 0, 0xFF, "VGA sequencer");
        r.intsIn(gfx, 0, 0xFF, "VGA graphics");
        r.intsIn(attr, 0, 0xFF, "VGA attribute");
        r.bytes(dac);
        crtcIndex = r.u8() & 0x3F;
        seqIndex = r.u8();
        gfxIndex = r.u8();
        attrIndex = r.u8() & 0x3F;
        attrFlipFlopData = r.bool("VGA attribute flip-flop");
        misc = r.u8();
        pelMask = r.u8();
        dacWriteIndex = r.u8();
        dacReadIndex = r.u8();
        dacComponent = r.u8();
        if (dacComponent > 2) throw r.fail("VGA DAC component must be 0..2, got " + dacComponent);
        dacReading = r.bool("VGA DAC reading");
        featureControl = r.u8();
        statusReads = r.i32();
        version++;
    }
}
