package org.x86play.web;

import org.teavm.jso.JSBody;
import org.teavm.jso.JSFunctor;
import org.teavm.jso.JSObject;
import org.teavm.jso.typedarrays.Int8Array;
import org.teavm.jso.typedarrays.Uint16Array;

/**
 * The dedicated worker's global scope as the Java side needs it (teavm-jso-apis has no worker classes):
 * message in/out, timers, host time and field access on plain message objects. Works for both TeaVM
 * targets. Messages are described in web-client/README.md.
 */
final class WorkerScope {
    private WorkerScope() {}

    @JSFunctor
    interface MessageListener extends JSObject {
        void onMessage(JSObject data);
    }

    @JSFunctor
    interface TokenCallback extends JSObject {
        void run(int token);
    }

    @JSBody(params = "listener", script = "self.onmessage = function(e) { listener(e.data); };")
    static native void onMessage(MessageListener listener);

    /**
     * Calls {@code callback(token)} after {@code ms}. A wait goes to setTimeout rounded up to whole ms
     * (setTimeout truncates: a 3.9 ms wait would wake 0.9 ms early and then spin on sub-ms waits until the
     * guest's timer is due). No wait (0) goes through a MessageChannel, which, unlike a chain of
     * setTimeout(0), is not clamped to 4 ms and still lets queued page messages run first.
     */
    @JSBody(params = {"callback", "token", "ms"}, script = ""
            + "if (ms > 0) { setTimeout(function() { callback(token); }, Math.ceil(ms)); return; }"
            + "var q = self.x86playTicks;"
            + "if (!q) {"
            + "  q = self.x86playTicks = { channel: new MessageChannel(), pending: [] };"
            + "  q.channel.port1.onmessage = function() { var f = q.pending.shift(); if (f) f(); };"
            + "}"
            + "q.pending.push(function() { callback(token); });"
            + "q.channel.port2.postMessage(0);")
    static native void schedule(TokenCallback callback, int token, double ms);

    /** Host time in ms with sub-ms precision (monotonic). */
    @JSBody(script = "return performance.now();")
    static native double nowMillis();

    // ------------------------------------------------------------------ reading page messages

    @JSBody(params = {"o", "key"}, script = "var v = o == null ? null : o[key]; return v == null ? null : String(v);")
    static native String string(JSObject o, String key);

    @JSBody(params = {"o", "key", "dflt"}, script = "var v = o == null ? null : o[key]; return typeof v === 'number' ? v : dflt;")
    static native double number(JSObject o, String key, double dflt);

    @JSBody(params = {"o", "key"}, script = "return o != null && !!o[key];")
    static native boolean bool(JSObject o, String key);

    /** The ArrayBuffer (or typed array) field {@code key} as bytes, or null when absent. */
    @JSBody(params = {"o", "key"}, script = "var v = o == null ? null : o[key];"
            + "if (v instanceof ArrayBuffer) return new Int8Array(v);"
            + "if (ArrayBuffer.isView(v)) return new Int8Array(v.buffer, v.byteOffset, v.byteLength);"
            + "return null;")
    static native Int8Array bytes(JSObject o, String key);

    // ------------------------------------------------------------------ messages to the page

    @JSBody(params = "target", script = "self.postMessage({type: 'loaded', target: target});")
    static native void postLoaded(String target);

    @JSBody(params = "text", script = "self.postMessage({type: 'serial', text: text});")
    static native void postSerial(String text);

    @JSBody(params = {"state", "reason"}, script = "var m = {type: 'state', state: state};"
            + "if (reason != null) m.reason = reason; self.postMessage(m);")
    static native void postState(String state, String reason);

    @JSBody(params = "message", script = "self.postMessage({type: 'error', message: message});")
    static native void postError(String message);

    @JSBody(params = {"cols", "rows", "cells", "cursorRow", "cursorCol", "cursorVisible"}, script = ""
            + "self.postMessage({type: 'screen', cols: cols, rows: rows, cells: cells, cursorRow: cursorRow,"
            + " cursorCol: cursorCol, cursorVisible: cursorVisible});")
    static native void postScreen(int cols, int rows, Uint16Array cells, int cursorRow, int cursorCol, boolean cursorVisible);

    @JSBody(params = {"instructions", "mips", "runMips", "blocksTranslated", "blockExecutions", "hitRate",
        "cpuWrite", "dma", "remap", "capacity", "tlbHits", "tlbMisses", "tlbFlushes", "interrupts",
        "virtualSeconds"}, script = ""
            + "self.postMessage({type: 'stats', instructions: instructions, mips: mips, runMips: runMips,"
            + " blocksTranslated: blocksTranslated, blockExecutions: blockExecutions, hitRate: hitRate,"
            + " invalidations: {cpuWrite: cpuWrite, dma: dma, remap: remap, capacity: capacity},"
            + " tlbHits: tlbHits, tlbMisses: tlbMisses, tlbFlushes: tlbFlushes, interrupts: interrupts,"
            + " virtualSeconds: virtualSeconds});")
    static native void postStats(double instructions, double mips, double runMips, double blocksTranslated,
            double blockExecutions, double hitRate, double cpuWrite, double dma, double remap, double capacity,
            double tlbHits, double tlbMisses, double tlbFlushes, double interrupts, double virtualSeconds);

    /**
     * A snapshot for the page. {@code bytes} is a fresh copy, so its buffer is transferred (no second copy of
     * many MB); {@code state} is the machine state the page should show afterwards.
     */
    @JSBody(params = {"bytes", "millis", "summary", "state"}, script = ""
            + "var b = bytes.buffer.byteLength === bytes.byteLength ? bytes.buffer : bytes.slice().buffer;"
            + "self.postMessage({type: 'snapshot', bytes: b, size: bytes.byteLength, millis: millis, summary: summary,"
            + " state: state}, [b]);")
    static native void postSnapshot(Int8Array bytes, double millis, String summary, String state);
}
