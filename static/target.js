// Which TeaVM build runs the emulator: WebAssembly GC where the browser has it, the JavaScript build otherwise.
// ?target=wasm-gc or ?target=js in the page URL forces one.

// A minimal module that only validates with the WasmGC proposal (final encoding, as shipped in
// Chromium 119+, Firefox 120+, Safari 18.2+): a struct type, and a function that allocates one.
const WASM_GC_PROBE = new Uint8Array([
    0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00,   // "\0asm", version 1
    0x01, 0x0A, 0x02,                                 // type section, 10 bytes, 2 types
    0x5F, 0x01, 0x7F, 0x00,                           //   0: struct { i32 (immutable) }
    0x60, 0x00, 0x01, 0x63, 0x00,                     //   1: func () -> (ref null 0)
    0x03, 0x02, 0x01, 0x01,                           // function section: one function of type 1
    0x0A, 0x09, 0x01, 0x07, 0x00,                     // code section, one 7-byte body, no locals
    0x41, 0x2A,                                       //   i32.const 42
    0xFB, 0x00, 0x00,                                 //   struct.new 0
    0x0B,                                             //   end
]);

export function wasmGcSupported() {
    try {
        return typeof WebAssembly === 'object' && WebAssembly.validate(WASM_GC_PROBE);
    } catch (e) {
        return false;
    }
}

export const TARGET_NAMES = Object.freeze({ 'wasm-gc': 'WasmGC', 'js': 'JS' });

/**
 * @param {URLSearchParams} params the page's query
 * @returns {{target: 'wasm-gc'|'js', how: string}}
 */
export function chooseTarget(params) {
    const forced = params.get('target');
    if (forced === 'wasm-gc' || forced === 'js') return { target: forced, how: `forced by ?target=${forced}` };
    const supported = wasmGcSupported();
    const note = forced ? `; unknown ?target=${forced} ignored` : '';
    return supported
        ? { target: 'wasm-gc', how: 'WebAssembly GC supported' + note }
        : { target: 'js', how: 'no WebAssembly GC in this browser' + note };
}
