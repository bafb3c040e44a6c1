package org.x86play.web;

/**
 * Browser key names ({@code KeyboardEvent.code}, W3C "UI Events KeyboardEvent code Values") to the key
 * numbers {@link org.x86play.devices.ps2.I8042#keyDown} takes: the key's scan code set 1 make code, with
 * 0xE0nn for the extended (E0-prefixed) keys. The keyboard model turns them into set 1 or set 2 bytes
 * as the guest selected. {@code code} names the physical key, so the guest's own keymap decides the
 * character (a US layout by default), as with a real keyboard.
 */
public final class KeyCodes {
    private KeyCodes() {}

    /** Unknown keys (and Pause, whose make/break sequence has no single code). */
    public static final int NONE = -1;

    private static final String[] ROW_DIGITS = {"Digit1", "Digit2", "Digit3", "Digit4", "Digit5", "Digit6",
            "Digit7", "Digit8", "Digit9", "Digit0"};

    /** The set 1 key number of {@code code}, or {@link #NONE}. */
    public static int set1(String code) {
        if (code == null) return NONE;
        if (code.length() == 4 && code.startsWith("Key")) return letter(code.charAt(3));
        for (int i = 0; i < ROW_DIGITS.length; i++) {
            if (ROW_DIGITS[i].equals(code)) return 0x02 + i; // 1..9, 0 are 0x02..0x0B
        }
        if (code.length() >= 2 && code.charAt(0) == 'F' && code.length() <= 3) {
            int n = parseSmall(code.substring(1));
            if (n >= 1 && n <= 10) return 0x3A + n; // F1..F10 are 0x3B..0x44
            if (n == 11) return 0x57;
            if (n == 12) return 0x58;
            return NONE;
        }
        switch (code) {
            case "Escape": return 0x01;
            case "Minus": return 0x0C;
            case "Equal": return 0x0D;
            case "Backspace": return 0x0E;
            case "Tab": return 0x0F;
            case "BracketLeft": return 0x1A;
            case "BracketRight": return 0x1B;
            case "Enter": return 0x1C;
            case "ControlLeft": return 0x1D;
            case "Semicolon": return 0x27;
            case "Quote": return 0x28;
            case "Backquote": return 0x29;
            case "ShiftLeft": return 0x2A;
            case "Backslash": return 0x2B;
            case "Comma": return 0x33;
            case "Period": return 0x34;
            case "Slash": return 0x35;
            case "ShiftRight": return 0x36;
            case "NumpadMultiply": return 0x37;
            case "AltLeft": return 0x38;
            case "Space": return 0x39;
            case "CapsLock": return 0x3A;
            case "NumLock": return 0x45;
            case "ScrollLock": return 0x46;
            case "Numpad7": return 0x47;
            case "Numpad8": return 0x48;
            case "Numpad9": return 0x49;
            case "NumpadSubtract": return 0x4A;
            case "Numpad4": return 0x4B;
            case "Numpad5": return 0x4C;
            case "Numpad6": return 0x4D;
            case "NumpadAdd": return 0x4E;
            case "Numpad1": return 0x4F;
            case "Numpad2": return 0x50;
            case "Numpad3": return 0x51;
            case "Numpad0": return 0x52;
            case "NumpadDecimal": return 0x53;
            case "IntlBackslash": return 0x56;
            case "IntlRo": return 0x73;
            case "IntlYen": return 0x7D;
            // Extended keys: E0 prefix, then the code of the key they duplicate (or a new one).
            case "NumpadEnter": return 0xE01C;
            case "ControlRight": return 0xE01D;
            case "NumpadDivide": return 0xE035;
            case "PrintScreen": return 0xE037;
            case "AltRight": return 0xE038;
            case "Home": return 0xE047;
            case "ArrowUp": return 0xE048;
            case "PageUp": return 0xE049;
            case "ArrowLeft": return 0xE04B;
            case "ArrowRight": return 0xE04D;
            case "End": return 0xE04F;
            case "ArrowDown": return 0xE050;
            case "PageDown": return 0xE051;
            case "Insert": return 0xE052;
            case "Delete": return 0xE053;
            case "MetaLeft": return 0xE05B;
            case "MetaRight": return 0xE05C;
            case "ContextMenu": return 0xE05D;
            default: return NONE;
        }
    }

    /** Set 1 make codes of A..Z (the keyboard's QWERTY rows: Q=0x10.., A=0x1E.., Z=0x2C..). */
    private static final int[] LETTERS = {
        0x1E, 0x30, 0x2E, 0x20, 0x12, 0x21, 0x22, 0x23, 0x17, 0x24, 0x25, 0x26, 0x32,
        0x31, 0x18, 0x19, 0x10, 0x13, 0x1F, 0x14, 0x16, 0x2F, 0x11, 0x2D, 0x15, 0x2C,
    };

    private static int letter(char c) {
        return c >= 'A' && c <= 'Z' ? LETTERS[c - 'A'] : NONE;
    }

    private static int parseSmall(String digits) {
        if (digits.isEmpty() || digits.length() > 2) return NONE;
        int n = 0;
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') return NONE;
            n = n * 10 + (c - '0');
        }
        return n;
    }
}
