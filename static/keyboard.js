// Keys pressed while the VGA canvas has focus go to the guest's PS/2 keyboard as KeyboardEvent.code
// (physical key, layout independent: the guest applies its own keymap) with down/up.

/**
 * @param {HTMLElement} element focusable element (canvas with tabindex=0)
 * @param {(code: string, down: boolean) => void} sendKey
 */
export function bindPs2Keyboard(element, sendKey) {
    const held = new Set();

    element.addEventListener('keydown', event => {
        if (!event.code) return;           // IME composition or an unidentified key: nothing to scan
        event.preventDefault();            // the page must not scroll, tab away or find-in-page
        held.add(event.code);
        sendKey(event.code, true);         // auto-repeat keydowns become typematic repeats, like a real keyboard
    });
    element.addEventListener('keyup', event => {
        if (!event.code) return;
        event.preventDefault();
        held.delete(event.code);
        sendKey(event.code, false);
    });
    // Keys still down when focus leaves would stay down in the guest forever: release them.
    element.addEventListener('blur', () => {
        for (const code of held) sendKey(code, false);
        held.clear();
    });
    // Clicking the canvas focuses it (tabindex alone does that in Chromium, not in every browser).
    element.addEventListener('mousedown', () => element.focus());
}
