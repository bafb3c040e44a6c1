// COM1 in an xterm.js terminal. The worker's serial text carries one byte per char code (0..255);
// xterm decodes the bytes as UTF-8 like a real terminal on a serial line would.

const ROLLING_LIMIT = 64 * 1024;   // serial text kept for tests and copying

const utf8 = new TextEncoder();

export class SerialTerminal {
    /**
     * @param {HTMLElement} container
     * @param {(bytes: string) => void} sendBytes receives typed input, one char code (0..255) per byte
     */
    constructor(container, sendBytes) {
        if (typeof Terminal !== 'function') throw new Error('xterm.js did not load (/vendor/xterm/xterm.js)');
        this.term = new Terminal({
            cols: 80, rows: 25, scrollback: 5000, convertEol: false, cursorBlink: true,
            fontFamily: '"DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace', fontSize: 13,
            theme: { background: '#101010', foreground: '#d0d0d0' },
        });
        this.term.open(container);
        // onData: typed or pasted text (UTF-16) -> UTF-8 bytes; onBinary: raw bytes (e.g. mouse reports).
        this.term.onData(data => sendBytes(bytesToText(utf8.encode(data))));
        this.term.onBinary(data => sendBytes(data));
        this.chunks = [];
        this.length = 0;
    }

    /** Output from the guest: a string of byte values. */
    write(text) {
        const bytes = new Uint8Array(text.length);
        for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xFF;
        this.term.write(bytes);
        this.chunks.push(text);
        this.length += text.length;
        if (this.length > 2 * ROLLING_LIMIT) {
            const joined = this.chunks.join('').slice(-ROLLING_LIMIT);
            this.chunks = [joined];
            this.length = joined.length;
        }
    }

    /** The last 64 KiB of serial output (bytes as char codes). */
    text() {
        return this.chunks.join('').slice(-ROLLING_LIMIT);
    }

    reset() {
        this.term.reset();
        this.chunks = [];
        this.length = 0;
    }

    focus() {
        this.term.focus();
    }
}

function bytesToText(bytes) {
    let text = '';
    for (const b of bytes) text += String.fromCharCode(b);
    return text;
}
