package org.x86play.devices.vga;

/**
 * The text screen as the CRT controller would display it: geometry from CR01 (columns), CR12/CR07
 * (vertical display end), CR09 (character height) and CR13 (row pitch); contents from video memory
 * starting at the CR0C/CR0D start address; the cursor from CR0E/CR0F (CR0A bit 5 hides it).
 * Character addresses count character/attribute pairs.
 */
public final class TextView {
    private final Vga vga;

    TextView(Vga vga) { this.vga = vga; }

    public int columns() { return (vga.crtc[0x01] & 0xFF) + 1; }

    public int rows() {
        int lines = (vga.crtc[0x12] | (vga.crtc[0x07] & 0x02) << 7 | (vga.crtc[0x07] & 0x40) << 3) + 1;
        int height = (vga.crtc[0x09] & 0x1F) + 1;
        int r = lines / height;
        return r < 1 ? 1 : Math.min(r, 100);
    }

    /** Characters between the starts of two rows (CR13 counts words in text mode). */
    public int pitch() {
        int p = (vga.crtc[0x13] & 0xFF) * 2;
        return p == 0 ? columns() : p;
    }

    public int startAddress() { return vga.crtc[0x0C] << 8 | vga.crtc[0x0D]; }

    public int cursorAddress() { return vga.crtc[0x0E] << 8 | vga.crtc[0x0F]; }

    private int address(int row, int col) { return startAddress() + row * pitch() + col; }

    /** The character code (CP437 byte) at {@code row, col}. */
    public int code(int row, int col) { return vga.textByte(address(row, col) * 2); }

    /** The character at {@code row, col} as Unicode. */
    public char at(int row, int col) { return Cp437.toUnicode(code(row, col)); }

    /** The attribute byte at {@code row, col}: bits 0-3 foreground, 4-6 background, 7 blink/intensity. */
    public int attribute(int row, int col) { return vga.textByte(address(row, col) * 2 + 1); }

    /** Row {@code r} as a string of {@link #columns()} characters. */
    public String row(int r) {
        int n = columns();
        char[] c = new char[n];
        for (int i = 0; i < n; i++) c[i] = at(r, i);
        return new String(c);
    }

    /** Row {@code r} without trailing spaces. */
    public String trimmedRow(int r) {
        String s = row(r);
        int e = s.length();
        while (e > 0 && (s.charAt(e - 1) == ' ' || s.charAt(e - 1) == '\u00A0')) e--;
        return s.substring(0, e);
    }

    /** The whole screen, rows trimmed and separated by newlines. */
    public String screen() {
        StringBuilder b = new StringBuilder();
        int rows = rows();
        for (int r = 0; r < rows; r++) {
            if (r > 0) b.append('\n');
            b.append(trimmedRow(r));
        }
        return b.toString();
    }

    public boolean cursorVisible() {
        if ((vga.crtc[0x0A] & 0x20) != 0) return false;
        int rel = cursorAddress() - startAddress();
        return rel >= 0 && rel < rows() * pitch() && rel % pitch() < columns();
    }

    /** Cursor row relative to the start address (may be outside the screen). */
    public int cursorRow() { return Math.floorDiv(cursorAddress() - startAddress(), pitch()); }

    public int cursorColumn() { return Math.floorMod(cursorAddress() - startAddress(), pitch()); }

    /** Cursor shape: first and last scan line (CR0A/CR0B bits 0-4). */
    public int cursorStart() { return vga.crtc[0x0A] & 0x1F; }

    public int cursorEnd() { return vga.crtc[0x0B] & 0x1F; }
}
