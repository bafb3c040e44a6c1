// The emulator's Web Worker: loads one TeaVM build of the core (worker.js?target=wasm-gc or ?target=js).
// The Java main (org.x86play.web.WorkerMain) binds self.onmessage and speaks the protocol of
// web-client/README.md; this file only loads it and reports load failures as 'error' messages.
'use strict';

const target = new URL(self.location.href).searchParams.get('target') === 'js' ? 'js' : 'wasm-gc';

function reportError(what, error) {
    const detail = error && error.message ? error.message : String(error);
    self.postMessage({ type: 'error', message: `${what} (${target}): ${detail}` });
}

try {
    if (target === 'js') {
        importScripts('client/js/classes.js');
        main([]);
    } else {
        importScripts('client/wasm-gc/classes.wasm-runtime.js');
        TeaVM.wasmGC.load('client/wasm-gc/classes.wasm')
            .then(teavm => teavm.exports.main([]))
            .catch(error => reportError('loading the WasmGC core failed', error));
    }
} catch (error) {
    reportError('loading the core failed', error);
}
