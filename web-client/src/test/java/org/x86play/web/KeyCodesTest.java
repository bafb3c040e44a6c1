package org.x86play.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.x86play.devices.ps2.A20Control;
import org.x86play.devices.ps2.I8042;

class KeyCodesTest {
    @Test
    void lettersFollowTheQwertyRows() {
        assertEquals(0x10, KeyCodes.set1("KeyQ"));
        assertEquals(0x19, KeyCodes.set1("KeyP"));
        assertEquals(0x1E, KeyCodes.set1("KeyA"));
        assertEquals(0x26, KeyCodes.set1("KeyL"));
        assertEquals(0x2C, KeyCodes.set1("KeyZ"));
        assertEquals(0x32, KeyCodes.set1("KeyM"));
        assertEquals(0x12, KeyCodes.set1("KeyE"));
        assertEquals(0x2D, KeyCodes.set1("KeyX"));
    }

    @Test
    void digitsFunctionKeysAndControls() {
        assertEquals(0x02, KeyCodes.set1("Digit1"));
        assertEquals(0x0A, KeyCodes.set1("Digit9"));
        assertEquals(0x0B, KeyCodes.set1("Digit0"));
        assertEquals(0x3B, KeyCodes.set1("F1"));
        assertEquals(0x44, KeyCodes.set1("F10"));
        assertEquals(0x57, KeyCodes.set1("F11"));
        assertEquals(0x58, KeyCodes.set1("F12"));
        assertEquals(0x1C, KeyCodes.set1("Enter"));
        assertEquals(0x2A, KeyCodes.set1("ShiftLeft"));
        assertEquals(0x39, KeyCodes.set1("Space"));
        assertEquals(0x01, KeyCodes.set1("Escape"));
    }

    @Test
    void extendedKeysCarryTheE0Prefix() {
        assertEquals(0xE048, KeyCodes.set1("ArrowUp"));
        assertEquals(0xE050, KeyCodes.set1("ArrowDown"));
        assertEquals(0xE01D, KeyCodes.set1("ControlRight"));
        assertEquals(0xE01C, KeyCodes.set1("NumpadEnter"));
        assertEquals(0xE053, KeyCodes.set1("Delete"));
    }

    @Test
    void unknownNamesGiveNone() {
        assertEquals(KeyCodes.NONE, KeyCodes.set1(null));
        assertEquals(KeyCodes.NONE, KeyCodes.set1(""));
        assertEquals(KeyCodes.NONE, KeyCodes.set1("Keya"));
        assertEquals(KeyCodes.NONE, KeyCodes.set1("KeyAB"));
        assertEquals(KeyCodes.NONE, KeyCodes.set1("F13"));
        assertEquals(KeyCodes.NONE, KeyCodes.set1("F0"));
        assertEquals(KeyCodes.NONE, KeyCodes.set1("Fx"));
        assertEquals(KeyCodes.NONE, KeyCodes.set1("Pause"));
        assertEquals(KeyCodes.NONE, KeyCodes.set1("MediaPlayPause"));
    }

    @Test
    void noTwoKeysShareACode() {
        Map<Integer, String> seen = new HashMap<>();
        String[] names = {"Escape", "Minus", "Equal", "Backspace", "Tab", "BracketLeft", "BracketRight", "Enter",
            "ControlLeft", "Semicolon", "Quote", "Backquote", "ShiftLeft", "Backslash", "Comma", "Period", "Slash",
            "ShiftRight", "NumpadMultiply", "AltLeft", "Space", "CapsLock", "NumLock", "ScrollLock", "Numpad0",
            "Numpad1", "Numpad2", "Numpad3", "Numpad4", "Numpad5", "Numpad6", "Numpad7", "Numpad8", "Numpad9",
            "NumpadSubtract", "NumpadAdd", "NumpadDecimal", "IntlBackslash", "IntlRo", "IntlYen", "NumpadEnter",
            "ControlRight", "NumpadDivide", "PrintScreen", "AltRight", "Home", "ArrowUp", "PageUp", "ArrowLeft",
            "ArrowRight", "End", "ArrowDown", "PageDown", "Insert", "Delete", "MetaLeft", "MetaRight", "ContextMenu"};
        for (String n : names) put(seen, n);
        for (char c = 'A'; c <= 'Z'; c++) put(seen, "Key" + c);
        for (int d = 0; d <= 9; d++) put(seen, "Digit" + d);
        for (int f = 1; f <= 12; f++) put(seen, "F" + f);
        assertEquals(names.length + 26 + 10 + 12, seen.size());
    }

    @Test
    void theControllerDeliversTheKeysAsTheGuestReadsThem() {
        I8042 kbc = new I8042((irq, high) -> { }, new A20Control(on -> { }, true), () -> { });
        // Power-on command byte translates the keyboard's set 2 to set 1 (what Linux's atkbd reads by default).
        assertEquals("1c 9c", keystroke(kbc, "Enter"));
        assertEquals("1e 9e", keystroke(kbc, "KeyA"));
        assertEquals("e0 48 e0 c8", keystroke(kbc, "ArrowUp"));
        kbc.out(I8042.COMMAND_PORT, 1, 0x60); // write command byte: interrupts off, translation off
        kbc.out(I8042.DATA_PORT, 1, 0x04);
        assertEquals("1c f0 1c", keystroke(kbc, "KeyA"));  // set 2: A = 1C, break = F0 1C
        assertEquals("5a f0 5a", keystroke(kbc, "Enter"));
        assertEquals("e0 75 e0 f0 75", keystroke(kbc, "ArrowUp"));
    }

    private static String keystroke(I8042 kbc, String code) {
        int key = KeyCodes.set1(code);
        kbc.keyDown(key);
        kbc.keyUp(key);
        StringBuilder sb = new StringBuilder();
        while ((kbc.in(I8042.COMMAND_PORT, 1) & 1) != 0) {
            if (sb.length() > 0) sb.append(' ');
            sb.append(String.format("%02x", kbc.in(I8042.DATA_PORT, 1)));
        }
        return sb.toString();
    }

    private static void put(Map<Integer, String> seen, String name) {
        int code = KeyCodes.set1(name);
        assertTrue(code != KeyCodes.NONE, name + " is mapped");
        String other = seen.put(code, name);
        assertEquals(null, other, name + " shares 0x" + Integer.toHexString(code));
    }
}
