// Draws the VGA text screen (the worker's 'screen' messages) on a canvas.
// cells[r*cols+c] = CP437 code | attribute << 8. Attribute byte (VGA attribute controller with the
// power-on "blink enable" mode): bits 0-3 foreground (bit 3 = intensity), bits 4-6 background,
// bit 7 = blink (the foreground alternates with the background about twice a second).
import { CP437 } from './cp437.js';

/** The 16 CGA/EGA default palette colours (RGB as the VGA DAC's default palette produces them). */
export const CGA_COLOURS = Object.freeze([
    '#000000', '#0000aa', '#00aa00', '#00aaaa', '#aa0000', '#aa00aa', '#aa5500', '#aaaaaa',
    '#555555', '#5555ff', '#55ff55', '#55ffff', '#ff5555', '#ff55ff', '#ffff55', '#ffffff',
]);

const CELL_WIDTH = 9;    // CSS pixels: the VGA's 9x16 character box, so 80x25 is 720x400 like the real thing
const CELL_HEIGHT = 16;
const FONT = '15px "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace';
const CURSOR_TICK_MS = 267;  // VGA toggles the cursor every 16 frames at 60 Hz; text blink is half as fast

// Block elements drawn as rectangles so adjacent cells join without font gaps: [x, y, w, h] in cell fractions.
const BLOCKS = new Map([
    [0xDB, [0, 0, 1, 1]], [0xDC, [0, 0.5, 1, 0.5]], [0xDD, [0, 0, 0.5, 1]],
    [0xDE, [0.5, 0, 0.5, 1]], [0xDF, [0, 0, 1, 0.5]],
]);

export class VgaScreen {
    /** @param {HTMLCanvasElement} canvas */
    constructor(canvas) {
        this.canvas = canvas;
        this.cols = 80;
        this.rows = 25;
        this.cells = new Uint16Array(this.cols * this.rows).fill(0x0720);
        this.cursorRow = 0;
        this.cursorCol = 0;
        this.cursorVisible = false;
        this.tick = 0;                 // cursor phase = tick & 1, text blink phase = (tick >> 1) & 1
        this.drawnKeys = null;         // what each cell shows now, to redraw only changed cells
        this.framePending = false;
        this.resize(this.cols, this.rows);
        this.timer = setInterval(() => { this.tick++; this.requestFrame(); }, CURSOR_TICK_MS);
    }

    /** Applies a worker 'screen' message. */
    update(message) {
        const cols = message.cols | 0, rows = message.rows | 0;
        if (cols <= 0 || rows <= 0 || cols > 256 || rows > 128 || !message.cells
            || message.cells.length < cols * rows) {
            console.warn('ignoring a malformed screen message', message);
            return;
        }
        if (cols !== this.cols || rows !== this.rows) this.resize(cols, rows);
        this.cells = message.cells instanceof Uint16Array ? message.cells : Uint16Array.from(message.cells);
        this.cursorRow = message.cursorRow | 0;
        this.cursorCol = message.cursorCol | 0;
        this.cursorVisible = !!message.cursorVisible;
        this.requestFrame();
    }

    /** Blank screen (new machine). */
    clear() {
        this.cells = new Uint16Array(this.cols * this.rows).fill(0x0720);
        this.cursorVisible = false;
        this.requestFrame();
    }

    /** The screen as text lines (Unicode), for tests and copying. */
    text() {
        const lines = [];
        for (let r = 0; r < this.rows; r++) {
            let line = '';
            for (let c = 0; c < this.cols; c++) line += CP437[this.cells[r * this.cols + c] & 0xFF];
            lines.push(line.replace(/\s+$/, ''));
        }
        return lines.join('\n');
    }

    resize(cols, rows) {
        this.cols = cols;
        this.rows = rows;
        const ratio = window.devicePixelRatio || 1;
        this.canvas.style.width = cols * CELL_WIDTH + 'px';
        this.canvas.style.height = rows * CELL_HEIGHT + 'px';
        this.canvas.width = Math.round(cols * CELL_WIDTH * ratio);
        this.canvas.height = Math.round(rows * CELL_HEIGHT * ratio);
        this.ctx = this.canvas.getContext('2d', { alpha: false });
        this.ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
        this.ctx.font = FONT;
        this.ctx.textBaseline = 'middle';
        this.ctx.textAlign = 'center';
        this.drawnKeys = new Int32Array(cols * rows).fill(-1);
    }

    requestFrame() {
        if (this.framePending) return;
        this.framePending = true;
        requestAnimationFrame(() => { this.framePending = false; this.draw(); });
    }

    draw() {
        const { cols, rows, cells, drawnKeys } = this;
        const cursorOn = this.cursorVisible && (this.tick & 1) === 0;
        const blinkHidden = ((this.tick >> 1) & 1) === 1;
        const cursorIndex = cursorOn && this.cursorRow < rows && this.cursorCol < cols
            ? this.cursorRow * cols + this.cursorCol : -1;
        for (let i = 0; i < cols * rows; i++) {
            const cell = cells[i];
            const hidden = (cell & 0x8000) !== 0 && blinkHidden;
            const key = cell | (hidden ? 1 << 16 : 0) | (i === cursorIndex ? 1 << 17 : 0);
            if (drawnKeys[i] === key) continue;
            drawnKeys[i] = key;
            this.drawCell(i % cols, (i / cols) | 0, cell, hidden, i === cursorIndex);
        }
    }

    drawCell(col, row, cell, hidden, cursor) {
        const ctx = this.ctx;
        const x = col * CELL_WIDTH, y = row * CELL_HEIGHT;
        const code = cell & 0xFF;
        const foreground = CGA_COLOURS[(cell >> 8) & 0x0F];
        ctx.fillStyle = CGA_COLOURS[(cell >> 12) & 0x07];
        ctx.fillRect(x, y, CELL_WIDTH, CELL_HEIGHT);
        if (!hidden) {
            ctx.fillStyle = foreground;
            const block = BLOCKS.get(code);
            if (block) {
                ctx.fillRect(x + block[0] * CELL_WIDTH, y + block[1] * CELL_HEIGHT,
                    block[2] * CELL_WIDTH, block[3] * CELL_HEIGHT);
            } else if (code !== 0x00 && code !== 0x20 && code !== 0xFF) {
                ctx.fillText(CP437[code], x + CELL_WIDTH / 2, y + CELL_HEIGHT / 2 + 1, CELL_WIDTH);
            }
        }
        if (cursor) {  // the BIOS default cursor: scan lines 14-15 of the 16-line cell, in the cell's foreground
            ctx.fillStyle = foreground;
            ctx.fillRect(x, y + CELL_HEIGHT - 3, CELL_WIDTH, 2);
        }
    }
}
