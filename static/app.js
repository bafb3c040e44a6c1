// The playground page: picks a guest from /api/images, downloads its files, boots it in the emulator's
// Worker and connects the worker's devices to the page (COM1 <-> xterm.js, VGA text -> canvas,
// PS/2 keyboard <- canvas keys). The message protocol is described in web-client/README.md.
import { chooseTarget, TARGET_NAMES } from './target.js';
import { fetchInRanges, formatBytes } from './image-loader.js';
import { SerialTerminal } from './serial-terminal.js';
import { VgaScreen } from './vga-screen.js';
import { bindPs2Keyboard } from './keyboard.js';
import { StatsPanel } from './stats-panel.js';

const CORE_LOAD_TIMEOUT_MS = 120_000;

const $ = id => document.getElementById(id);
const ui = {
    image: $('image'), cmdline: $('cmdline'), boot: $('boot'), pause: $('pause'), reset: $('reset'),
    progress: $('progress'), progressText: $('progress-text'), target: $('target'), state: $('state'),
    message: $('message'),
};

const params = new URLSearchParams(location.search);
const { target, how: targetHow } = chooseTarget(params);

/** Page-side view of the machine. phase: loading-core | ready | downloading | booting | running | paused | stopped | error */
const machine = {
    phase: 'loading-core',
    reason: '',
    booted: false,           // a 'boot' was sent to the current worker
    worker: null,
    coreLoaded: null,        // Promise resolved by the worker's 'loaded'
    pauseClickedAt: null,    // event time of the last Pause click (performance.now() clock)
    lastPauseLatencyMs: null,
    lastStatsAt: null,
    screenFrames: 0,         // 'screen' messages received (the VGA canvas shows the latest)
};

let catalog = [];
const downloads = new Map();   // image id -> Promise<{kernel, initrd}> (kept so Boot again does not re-download)

const screen = new VgaScreen($('screen'));
const stats = new StatsPanel($('stats'));
const terminal = new SerialTerminal($('terminal'), bytes => post({ type: 'serial', text: bytes }));
bindPs2Keyboard($('screen'), (code, down) => post({ type: 'key', code, down }));

// ---- worker ---------------------------------------------------------------------------------------

function startWorker() {
    if (machine.worker) machine.worker.terminate();
    const worker = new Worker(`worker.js?target=${target}`);
    machine.worker = worker;
    machine.booted = false;
    let loaded;
    const coreLoaded = new Promise((resolve, reject) => {
        loaded = resolve;
        setTimeout(() => reject(new Error(`the ${TARGET_NAMES[target]} core did not load within ` +
            `${CORE_LOAD_TIMEOUT_MS / 1000} s`)), CORE_LOAD_TIMEOUT_MS);
    });
    coreLoaded.catch(error => { if (machine.worker === worker) fail(error.message); });
    machine.coreLoaded = coreLoaded;
    worker.onmessage = event => { if (machine.worker === worker) onWorkerMessage(event.data, loaded); };
    worker.onerror = event => {
        if (machine.worker !== worker) return;
        event.preventDefault();
        fail(`worker error: ${event.message || 'unknown'}` + (event.filename ? ` (${event.filename}:${event.lineno})` : ''));
    };
    setPhase('loading-core');
}

function post(message) {
    if (machine.worker && machine.booted) machine.worker.postMessage(message);
}

function onWorkerMessage(message, loaded) {
    switch (message && message.type) {
        case 'loaded':
            if (message.target && message.target !== target) {
                console.warn(`worker reports target ${message.target}, asked for ${target}`);
            }
            loaded();
            if (machine.phase === 'loading-core') setPhase('ready');
            break;
        case 'serial':
            terminal.write(String(message.text));
            break;
        case 'screen':
            machine.screenFrames++;
            screen.update(message);
            break;
        case 'stats':
            stats.update(message);
            machine.lastStatsAt = performance.now();
            break;
        case 'state':
            onState(message.state, message.reason);
            break;
        case 'error':
            fail(String(message.message));
            break;
        default:
            console.warn('unknown worker message', message);
    }
}

function onState(state, reason) {
    if (state === 'paused' && machine.pauseClickedAt !== null) {
        machine.lastPauseLatencyMs = performance.now() - machine.pauseClickedAt;
        machine.pauseClickedAt = null;
    }
    if (state === 'running' || state === 'paused' || state === 'stopped') setPhase(state, reason || '');
    else console.warn('unknown machine state', state);
}

// ---- catalog and images ---------------------------------------------------------------------------

async function loadCatalog() {
    const response = await fetch('api/images');
    if (!response.ok) throw new Error(`/api/images: HTTP ${response.status}`);
    catalog = await response.json();
    if (!Array.isArray(catalog) || catalog.length === 0) throw new Error('/api/images lists no guest images');
    ui.image.replaceChildren(...catalog.map(image => new Option(`${image.title} (${image.memMb} MiB)`, image.id)));
    const wanted = params.get('image');
    if (wanted) {
        if (!catalog.some(image => image.id === wanted)) throw new Error(`no guest image "${wanted}" in /api/images`);
        ui.image.value = wanted;
    }
    showImage();
}

function selectedImage() {
    return catalog.find(image => image.id === ui.image.value);
}

function showImage() {
    const image = selectedImage();
    if (image) ui.cmdline.value = image.cmdline || '';
}

function download(image) {
    if (!downloads.has(image.id)) {
        const promise = downloadFiles(image);
        promise.catch(() => downloads.delete(image.id));  // a failed download is retried by the next Boot
        downloads.set(image.id, promise);
    }
    return downloads.get(image.id);
}

async function downloadFiles(image) {
    const files = image.files || {};
    if (!files.kernel) throw new Error(`image ${image.id} has no kernel`);
    const parts = [files.kernel, files.initrd].filter(Boolean);
    const total = parts.reduce((sum, file) => sum + file.size, 0);
    let finished = 0;
    const show = done => {
        ui.progress.max = total;
        ui.progress.value = finished + done;
        ui.progressText.textContent = `${formatBytes(finished + done)} / ${formatBytes(total)} ` +
            `(${total ? Math.floor(100 * (finished + done) / total) : 100} %)`;
    };
    show(0);
    const buffers = [];
    for (const file of parts) {
        buffers.push(await fetchInRanges(file, show));
        finished += file.size;
    }
    return { kernel: buffers[0], initrd: files.initrd ? buffers[1] : null };
}

// ---- buttons --------------------------------------------------------------------------------------

async function boot() {
    const image = selectedImage();
    if (!image) return;
    if (machine.booted) startWorker();   // Boot again: a fresh worker, a fresh machine
    screen.clear();
    stats.clear();
    terminal.reset();
    setPhase('downloading');
    try {
        const files = await download(image);
        await machine.coreLoaded;
        setPhase('booting');
        // Structured clone copies the buffers, so the page keeps its own for the next Boot.
        machine.worker.postMessage({
            type: 'boot', kernel: files.kernel, initrd: files.initrd,
            cmdline: ui.cmdline.value, memMb: image.memMb,
        });
        machine.booted = true;
        terminal.focus();
    } catch (error) {
        fail(error.message);
    }
}

ui.boot.addEventListener('click', boot);
ui.image.addEventListener('change', showImage);

ui.pause.addEventListener('click', event => {
    if (machine.phase === 'running') {
        machine.pauseClickedAt = event.timeStamp;   // when the click happened, same clock as performance.now()
        post({ type: 'pause' });
    } else if (machine.phase === 'paused') {
        post({ type: 'resume' });
    }
});

ui.reset.addEventListener('click', () => {
    if (!machine.booted) return;
    screen.clear();
    terminal.reset();
    post({ type: 'reset' });
});

// ---- status ---------------------------------------------------------------------------------------

const PHASE_TEXT = {
    'loading-core': 'loading the emulator core…', ready: 'ready: pick a guest and Boot',
    downloading: 'downloading the guest…', booting: 'booting…', running: 'running', paused: 'paused',
    stopped: 'stopped', error: 'error',
};

function setPhase(phase, reason = '') {
    machine.phase = phase;
    machine.reason = reason;
    ui.state.textContent = PHASE_TEXT[phase] + (reason ? ` (${reason})` : '');
    ui.state.dataset.phase = phase;
    const busy = phase === 'loading-core' || phase === 'downloading' || phase === 'booting';
    ui.boot.disabled = catalog.length === 0 || phase === 'downloading' || phase === 'booting';
    ui.pause.disabled = !(phase === 'running' || phase === 'paused');
    ui.pause.textContent = phase === 'paused' ? 'Resume' : 'Pause';
    ui.reset.disabled = !machine.booted || busy;
    if (phase !== 'error') ui.message.textContent = '';
}

function fail(text) {
    console.error(text);
    // Keep the first errors too: a later one is often a consequence of an earlier one.
    const earlier = machine.phase === 'error' ? ui.message.textContent.split('\n').slice(-2) : [];
    setPhase('error');
    ui.message.textContent = [...earlier, text].join('\n');
}

// ---- test hook (read-only view for the e2e tests and the console) -----------------------------------

window.playground = Object.freeze({
    get state() { return machine.phase; },
    get reason() { return machine.reason; },
    get target() { return target; },
    get stats() { return stats.latest; },
    get lastPauseLatencyMs() { return machine.lastPauseLatencyMs; },
    get screenFrames() { return machine.screenFrames; },
    get error() { return machine.phase === 'error' ? ui.message.textContent : null; },
    serialText: () => terminal.text(),
    screenText: () => screen.text(),
});

// ---- start ------------------------------------------------------------------------------------------

ui.target.textContent = `${TARGET_NAMES[target]} (${targetHow})`;
ui.target.dataset.target = target;
startWorker();
loadCatalog()
    .then(() => {
        setPhase(machine.phase, machine.reason);   // enables Boot
        if (params.get('autoboot') === '1') boot();
    })
    .catch(error => fail(error.message));
