// The playground page: picks a guest from /api/images, downloads its files, boots it in the emulator's
// Worker and connects the worker's devices to the page (COM1 <-> xterm.js, VGA text -> canvas,
// PS/2 keyboard <- canvas keys). The message protocol is described in web-client/README.md.
import { chooseTarget, TARGET_NAMES } from './target.js';
import { fetchInRanges, formatBytes } from './image-loader.js';
import { SerialTerminal } from './serial-terminal.js';
import { VgaScreen } from './vga-screen.js';
import { bindPs2Keyboard } from './keyboard.js';
import { StatsPanel } from './stats-panel.js';
import {
    shareIdFromPath, uploadSnapshot, fetchSnapshotMeta, fetchSnapshotBytes, imageForSnapshot, copyToClipboard,
} from './share.js';

const CORE_LOAD_TIMEOUT_MS = 120_000;

const $ = id => document.getElementById(id);
const ui = {
    image: $('image'), cmdline: $('cmdline'), boot: $('boot'), pause: $('pause'), reset: $('reset'),
    progress: $('progress'), progressText: $('progress-text'), progressLabel: $('progress-label'),
    target: $('target'), state: $('state'), message: $('message'), share: $('share'), shareLink: $('share-link'),
    shareUrl: $('share-url'), shareNote: $('share-note'),
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
    sharing: false,          // a Share is saving or uploading
    pendingSave: null,       // {resolve, reject} of the 'save' waiting for its 'snapshot' message
    resumedFrom: null,       // id of the snapshot the current machine continues (parent of its next share)
    lastShare: null,         // {id, url, size, saveMillis, uploadMillis, summary, copied} of the last Share
    restoredAt: null,        // screenFrames when the last restore started (the next frame is the restored screen)
};

const shareId = shareIdFromPath(location.pathname);

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
        case 'snapshot':
            if (machine.pendingSave) machine.pendingSave.resolve(message);
            machine.pendingSave = null;
            break;
        case 'error':
            if (machine.pendingSave) machine.pendingSave.reject(new Error(String(message.message)));
            machine.pendingSave = null;
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
    const show = done => showProgress('Download', finished + done, total);
    show(0);
    const buffers = [];
    for (const file of parts) {
        buffers.push(await fetchInRanges(file, show));
        finished += file.size;
    }
    return { kernel: buffers[0], initrd: files.initrd ? buffers[1] : null };
}

function showProgress(label, done, total) {
    ui.progressLabel.textContent = label;
    ui.progress.max = Math.max(total, 1);
    ui.progress.value = done;
    ui.progressText.textContent = `${formatBytes(done)} / ${formatBytes(total)} ` +
        `(${total ? Math.floor(100 * done / total) : 100} %)`;
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
        machine.resumedFrom = null;
        terminal.focus();
    } catch (error) {
        fail(error.message);
    }
}

// ---- share links --------------------------------------------------------------------------------------

/** Share: pause, save (in the worker, compressed), upload with progress, show and copy the link, resume. */
async function share() {
    if (machine.sharing || !(machine.phase === 'running' || machine.phase === 'paused')) return;
    const wasRunning = machine.phase === 'running';
    machine.sharing = true;
    setPhase(machine.phase, machine.reason);
    ui.shareNote.textContent = 'saving…';
    try {
        // The worker handles messages in order: the save is taken after the pause, between two slices.
        post({ type: 'pause' });
        const saved = await new Promise((resolve, reject) => {
            machine.pendingSave = { resolve, reject };
            post({ type: 'save' });
        });
        const image = selectedImage();
        const title = `${image ? image.title : 'guest'} at ${new Date().toISOString().slice(0, 19).replace('T', ' ')} UTC`;
        const uploadStart = performance.now();
        const uploaded = await uploadSnapshot(saved.bytes, { title, parent: machine.resumedFrom },
            (sent, total) => showProgress('Upload', sent, total));
        const copied = await copyToClipboard(uploaded.url);
        machine.lastShare = {
            id: uploaded.id, url: uploaded.url, size: saved.size, saveMillis: saved.millis,
            uploadMillis: performance.now() - uploadStart, summary: saved.summary, copied,
        };
        ui.shareUrl.href = uploaded.url;
        ui.shareUrl.textContent = uploaded.url;
        ui.shareLink.hidden = false;
        ui.shareNote.textContent = `${formatBytes(saved.size)} (saved in ${Math.round(saved.millis)} ms)` +
            (copied ? ', link copied to the clipboard' : ', select the link to copy it');
    } catch (error) {
        ui.shareNote.textContent = '';
        fail(`share: ${error.message}`);
    } finally {
        machine.sharing = false;
        if (wasRunning && machine.phase === 'paused') post({ type: 'resume' });
        else setPhase(machine.phase, machine.reason);
    }
}

/** A page opened at /s/{id}: download the snapshot and its guest image, then resume it. */
async function resumeShared(id) {
    setPhase('downloading');
    try {
        const meta = await fetchSnapshotMeta(id);
        const image = imageForSnapshot(catalog, meta);
        if (image instanceof Error) throw image;
        ui.image.value = image.id;
        ui.cmdline.value = (meta.config && meta.config.cmdline) || '';
        const files = await download(image);
        const snapshot = await fetchSnapshotBytes(meta, done => showProgress('Snapshot', done, meta.size));
        await machine.coreLoaded;
        setPhase('booting');
        screen.clear();
        terminal.reset();
        machine.restoredAt = machine.screenFrames;
        machine.worker.postMessage({ type: 'restore', snapshot, kernel: files.kernel, initrd: files.initrd }, [snapshot]);
        machine.booted = true;
        machine.resumedFrom = id;
        document.title = `${meta.title || id} — x86play`;
        // COM1's earlier output is not part of the machine: say why the terminal starts empty.
        ui.shareNote.textContent = `resumed from ${meta.title ? `"${meta.title}"` : `snapshot ${id}`}` +
            ' — the terminal shows output from here on; press Enter for a fresh prompt';
        terminal.focus();
    } catch (error) {
        fail(`share link: ${error.message}`);
    }
}

ui.boot.addEventListener('click', boot);
ui.share.addEventListener('click', share);
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
    ui.share.disabled = machine.sharing || !(phase === 'running' || phase === 'paused');
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
    get sharing() { return machine.sharing; },
    get lastShare() { return machine.lastShare; },
    get resumedFrom() { return machine.resumedFrom; },
    /** True once the first screen frame after a restore has been drawn. */
    get restoredScreenShown() { return machine.restoredAt !== null && machine.screenFrames > machine.restoredAt; },
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
        if (shareId) resumeShared(shareId);
        else if (params.get('autoboot') === '1') boot();
    })
    .catch(error => fail(error.message));
