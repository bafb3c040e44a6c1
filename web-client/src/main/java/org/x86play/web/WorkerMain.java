package org.x86play.web;

import org.teavm.classlib.PlatformDetector;
import org.teavm.jso.JSObject;
import org.teavm.jso.typedarrays.Int8Array;
import org.teavm.jso.typedarrays.Uint16Array;
import org.x86play.devices.vga.TextView;
import org.x86play.snapshot.SnapshotFormatException;
import org.x86play.machine.RunResult;
import org.x86play.translate.CacheStats;
import org.x86play.translate.ExecStats;

/**
 * The Web Worker's Java side (TeaVM main class of both targets): receives the page's messages, runs a
 * {@link GuestSession} in slices of about 10 ms host time and yields between them so that pause, serial
 * and key messages are handled within one slice; posts serial output, screen frames, stats and state.
 * The message contract is in web-client/README.md.
 */
public final class WorkerMain {
    private static final String TARGET = PlatformDetector.isWebAssemblyGC() ? "wasm-gc" : "js";

    private GuestSession session;
    private ScreenFrames screen;
    private final StatsMeter stats = new StatsMeter();
    private boolean running;
    /** The guest's run ended (power off, triple fault...): only boot or reset start it again. */
    private boolean finished;
    /** Identifies the one pending slice callback; older ones (from before a pause, reset or input kick) do nothing. */
    private int token;
    private boolean sliceQueued;
    private byte[] kernel, initrd;
    private String cmdline;
    private int memMb;

    public static void main(String[] args) {
        WorkerMain worker = new WorkerMain();
        WorkerScope.onMessage(worker::onMessage);
        WorkerScope.postLoaded(TARGET);
    }

    private static long hostNanos() {
        return (long) (WorkerScope.nowMillis() * 1e6);
    }

    private void onMessage(JSObject msg) {
        try {
            String type = WorkerScope.string(msg, "type");
            if (type == null) type = "";
            switch (type) {
                case "boot": boot(msg); break;
                case "pause": pause(); break;
                case "resume": resume(); break;
                case "reset": reset(); break;
                case "save": save(); break;
                case "restore": restore(msg); break;
                case "serial": serial(WorkerScope.string(msg, "text")); break;
                case "key": key(WorkerScope.string(msg, "code"), WorkerScope.bool(msg, "down")); break;
                default: WorkerScope.postError("unknown message type '" + type + "'");
            }
        } catch (Throwable t) {
            WorkerScope.postError(describe(t));
        }
    }

    private void boot(JSObject msg) {
        Int8Array k = WorkerScope.bytes(msg, "kernel");
        if (k == null) {
            WorkerScope.postError("boot: 'kernel' must be an ArrayBuffer");
            return;
        }
        Int8Array i = WorkerScope.bytes(msg, "initrd");
        kernel = k.copyToJavaArray();
        initrd = i == null ? null : i.copyToJavaArray();
        cmdline = WorkerScope.string(msg, "cmdline");
        memMb = (int) WorkerScope.number(msg, "memMb", 128);
        start();
    }

    /** Snapshot of the current machine, taken between slices (so never mid-instruction); running or not. */
    private void save() {
        if (session == null) {
            WorkerScope.postError("save: nothing booted yet");
            return;
        }
        double start = WorkerScope.nowMillis();
        byte[] data = session.save();
        double millis = WorkerScope.nowMillis() - start;
        // The host time the save took is not guest time (as after a pause).
        if (running) session.anchorPacing();
        WorkerScope.postSnapshot(Int8Array.copyFromJavaArray(data), millis, session.lastSaveSummary(), currentState());
    }

    /** Resumes a snapshot on its kernel and initrd (the page found them by SHA-256), replacing any machine. */
    private void restore(JSObject msg) {
        Int8Array snap = WorkerScope.bytes(msg, "snapshot");
        Int8Array k = WorkerScope.bytes(msg, "kernel");
        if (snap == null || k == null) {
            WorkerScope.postError("restore: 'snapshot' and 'kernel' must be ArrayBuffers");
            return;
        }
        Int8Array i = WorkerScope.bytes(msg, "initrd");
        byte[] newKernel = k.copyToJavaArray(), newInitrd = i == null ? null : i.copyToJavaArray();
        // The current machine (if any) stays as it is until the snapshot has loaded: a bad one loses nothing.
        GuestSession resumed;
        try {
            resumed = GuestSession.resume(snap.copyToJavaArray(), newKernel, newInitrd, WorkerMain::hostNanos,
                    System::currentTimeMillis);
        } catch (SnapshotFormatException e) {
            WorkerScope.postError("restore: " + e.getMessage());
            WorkerScope.postState(currentState(), "restore failed: " + e.getMessage());
            return;
        } catch (OutOfMemoryError e) {
            WorkerScope.postError("restore: not enough memory for the snapshot's guest RAM");
            WorkerScope.postState(currentState(), "restore failed: out of memory");
            return;
        }
        stopSession();
        // Reset reboots the same guest from its images.
        kernel = newKernel;
        initrd = newInitrd;
        cmdline = resumed.config().cmdline;
        memMb = resumed.config().memoryBytes >> 20;
        run(resumed);
        postScreen(hostNanos());   // the screen as it was saved, before the first slice
    }

    private void reset() {
        if (kernel == null) {
            WorkerScope.postError("reset: nothing booted yet");
            return;
        }
        start();
    }

    /** (Re)builds the machine from the stored images and starts running it. */
    private void start() {
        stopSession();
        GuestSession booted;
        try {
            booted = GuestSession.linux(kernel, initrd, cmdline, memMb, WorkerMain::hostNanos, System::currentTimeMillis);
        } catch (IllegalArgumentException e) {
            WorkerScope.postError("boot: " + e.getMessage());
            WorkerScope.postState("stopped", e.getMessage());
            return;
        } catch (OutOfMemoryError e) {
            WorkerScope.postError("boot: not enough memory for " + memMb + " MiB of guest RAM");
            WorkerScope.postState("stopped", "out of memory");
            return;
        }
        run(booted);
    }

    /** Drops the current machine (its pending slice callback becomes a no-op). */
    private void stopSession() {
        session = null;
        running = false;
        finished = false;
        token++;
        sliceQueued = false;
    }

    /** Makes {@code s} the machine and starts running it. */
    private void run(GuestSession s) {
        session = s;
        screen = new ScreenFrames(s.platform.vga);
        stats.start(hostNanos(), s.machine.cpu.instructions);
        running = true;
        WorkerScope.postState("running", null);
        schedule(0);
    }

    private void pause() {
        if (session != null && running) {
            running = false;
            token++;
            sliceQueued = false;
        }
        WorkerScope.postState(currentState(), null);
    }

    private String currentState() {
        return session == null || finished ? "stopped" : running ? "running" : "paused";
    }

    private void resume() {
        if (session != null && !running && !finished) {
            running = true;
            session.anchorPacing(); // the paused time is not guest time
            stats.start(hostNanos(), session.machine.cpu.instructions);
            schedule(0);
        }
        WorkerScope.postState(currentState(), null);
    }

    private void serial(String text) {
        if (session == null || text == null) return;
        session.serialIn.add(text);
        kick();
    }

    private void key(String code, boolean down) {
        if (session == null) return;
        if (session.key(code, down)) kick();
    }

    /** Input while the guest waits for a timer: run a slice now instead of at the end of the wait. */
    private void kick() {
        if (running) {
            token++;
            sliceQueued = false;
            schedule(0);
        }
    }

    private void schedule(long delayNanos) {
        if (sliceQueued) return;
        sliceQueued = true;
        WorkerScope.schedule(this::slice, token, delayNanos / 1e6);
    }

    private void slice(int forToken) {
        if (forToken != token || !running) return;
        sliceQueued = false;
        GuestSession s = session;
        GuestSession.Slice result;
        try {
            result = s.run();
        } catch (Throwable t) { // Machine.run reports guest problems as results; this is a bug in the glue
            stop("internal error: " + describe(t));
            WorkerScope.postError(describe(t));
            return;
        }
        long now = hostNanos();
        stats.addBusy(result.nanos);
        flushSerial(s);
        if (screen.due(now)) postScreen(now);
        if (stats.due(now, s.machine.cpu.instructions)) postStats(s);
        if (result.finished != null) {
            RunResult r = result.finished;
            postStats(s);
            stop(r.message);
            return;
        }
        schedule(result.delayNanos);
    }

    private void stop(String reason) {
        running = false;
        finished = true;
        token++;
        WorkerScope.postState("stopped", reason);
    }

    private void flushSerial(GuestSession s) {
        String out = s.serialOut.take();
        if (out != null) WorkerScope.postSerial(out);
    }

    private void postScreen(long now) {
        char[] cells = screen.take(now);
        TextView t = session.platform.vga.text();
        // A fresh typed array per frame (a copy, posted without transfer: the JS target's
        // copyFromJavaArray may share the Java array's storage).
        WorkerScope.postScreen(t.columns(), t.rows(), Uint16Array.copyFromJavaArray(cells), t.cursorRow(),
                t.cursorColumn(), t.cursorVisible());
    }

    private void postStats(GuestSession s) {
        ExecStats e = s.machine.stats();
        CacheStats c = e.cache;
        WorkerScope.postStats(e.instructions, stats.mips(), stats.busyMips(),
                c == null ? 0 : c.blocksTranslated, c == null ? 0 : c.blockExecutions, c == null ? 0 : c.hitRate() / 100,   // the core gives per cent; the protocol 0..1
                c == null ? 0 : c.invalCpuWrite, c == null ? 0 : c.invalOtherWrite, c == null ? 0 : c.invalMapChange,
                c == null ? 0 : c.invalCapacity, unsigned(e.mmu.fastHits) + unsigned(e.mmu.tlbHits),
                unsigned(e.mmu.tlbMisses), unsigned(e.mmu.tlbFlushes), e.interruptsDelivered,
                s.platform.clock.committed() / 1e9);
    }

    private static double unsigned(int counter) {
        return counter & 0xFFFFFFFFL;
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getName() + (m == null ? "" : ": " + m);
    }
}
