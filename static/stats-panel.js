// The live counters from the worker's ~1/s 'stats' messages.

const whole = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** Field id -> how to show it, from a stats message. */
const FIELDS = [
    ['mips', s => fixed(s.mips, 1)],
    ['run-mips', s => fixed(s.runMips, 1)],
    ['instructions', s => count(s.instructions)],
    ['virtual-seconds', s => fixed(s.virtualSeconds, 2) + ' s'],
    ['hit-rate', s => fixed(100 * s.hitRate, 2) + ' %'],
    ['blocks-translated', s => count(s.blocksTranslated)],
    ['block-executions', s => count(s.blockExecutions)],
    ['invalidations', s => invalidations(s.invalidations)],
    ['tlb-hits', s => count(s.tlbHits)],
    ['tlb-misses', s => count(s.tlbMisses)],
    ['tlb-flushes', s => count(s.tlbFlushes)],
    ['interrupts', s => count(s.interrupts)],
];

export class StatsPanel {
    /** @param {HTMLElement} root element holding <dd data-stat="..."> fields */
    constructor(root) {
        this.fields = FIELDS.map(([name, show]) => [root.querySelector(`[data-stat="${name}"]`), show]);
        this.latest = null;
    }

    update(stats) {
        this.latest = stats;
        for (const [element, show] of this.fields) if (element) element.textContent = show(stats);
    }

    clear() {
        this.latest = null;
        for (const [element] of this.fields) if (element) element.textContent = '—';
    }
}

function count(n) {
    return typeof n === 'number' && isFinite(n) ? whole.format(n) : '—';
}

function fixed(n, digits) {
    return typeof n === 'number' && isFinite(n) ? n.toFixed(digits) : '—';
}

function invalidations(inv) {
    if (!inv || typeof inv !== 'object') return '—';
    const parts = ['cpuWrite', 'dma', 'remap', 'capacity'].map(k => Number(inv[k]) || 0);
    const total = parts.reduce((a, b) => a + b, 0);
    return `${whole.format(total)} (CPU writes ${whole.format(parts[0])}, DMA ${whole.format(parts[1])}, ` +
        `remaps ${whole.format(parts[2])}, capacity ${whole.format(parts[3])})`;
}
