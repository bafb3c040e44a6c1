package org.x86play.web;

import org.x86play.devices.rtc.WallClock;
import org.x86play.machine.Machine;
import org.x86play.machine.PcPlatform;
import org.x86play.machine.RunLimits;
import org.x86play.machine.RunResult;
import org.x86play.snapshot.Compression;
import org.x86play.snapshot.LinuxGuest;
import org.x86play.snapshot.MachineConfig;
import org.x86play.snapshot.PortableCompression;
import org.x86play.snapshot.Snapshot;
import org.x86play.snapshot.SnapshotFormatException;
import org.x86play.snapshot.SnapshotWriter;
import org.x86play.time.HostTime;

/**
 * One booted Linux guest run in slices by the Worker (no JS here, so it also runs on the JVM in tests).
 * Built as the native runner builds a {@code --kernel} boot: RAM, the bzImage and initrd loaded by the
 * 32-bit boot protocol, the PC platform, ACPI tables; guest time paced to host time.
 * <p>
 * Pacing in a browser: a halted guest cannot block the worker, so the platform's host wait ends the
 * slice ({@link Machine#requestStop}) and remembers how long to wait; the Worker schedules the next
 * slice after that time. An idle guest at a shell prompt therefore costs one short slice per guest
 * timer tick (or per 10 ms at most).
 * <p>
 * Lag: guest time may fall behind host time by at most {@link #MAX_LAG_NANOS}; any more is dropped by
 * re-anchoring the pacing. Guest time falls behind whenever the emulator runs slower than the clock's
 * nominal instruction rate (a boot in the browser is) and whenever the worker does not run (a throttled
 * background tab, a suspended laptop, a pause). Without the cap, the next idle phase would fire the whole
 * backlog of timer ticks at full speed (seconds of busy catch-up, clocks racing); with it, the guest just
 * sees its time run slower, like a VM whose host was busy.
 */
final class GuestSession {
    /** Browser RAM limit: WasmGC traps (uncatchably) on 1 GiB arrays; 512 MiB was measured to work. */
    static final int MAX_MEM_MB = 512;
    /** Guest time lagging host time by more than this is dropped (see the class comment). */
    static final long MAX_LAG_NANOS = 100_000_000L;

    /** Snapshots from the browser are deflated in plain Java (java.util.zip does not exist there). */
    private static final Compression CODEC = new PortableCompression();

    private final LinuxGuest guest;
    private SnapshotWriter lastSave;
    final Machine machine;
    final PcPlatform platform;
    final SerialOutputBuffer serialOut = new SerialOutputBuffer();
    final SerialInputQueue serialIn = new SerialInputQueue();
    final SliceBudget budget = new SliceBudget();
    private final HostTime host;
    /** Host wait the guest asked for in the current slice (ns), or -1 while it did not halt. */
    private long waitNanos = -1;
    /** Host and guest time when pacing was last anchored: guest time may reach anchorGuest + host time since. */
    private long anchorHost, anchorGuest;

    /** What one slice did and what comes next. */
    static final class Slice {
        /** The guest's run ended for good (power off, triple fault...): the result says why. */
        final RunResult finished;
        /** Host ns to wait before the next slice (0: at once). */
        final long delayNanos;
        final long instructions, nanos;

        Slice(RunResult finished, long delayNanos, long instructions, long nanos) {
            this.finished = finished;
            this.delayNanos = delayNanos;
            this.instructions = instructions;
            this.nanos = nanos;
        }
    }

    /**
     * A Linux guest, built as {@code ./vmm run --kernel ... --initrd ... --append ...} builds it ({@link LinuxGuest}).
     * @throws IllegalArgumentException for a bad memory size or an image that is not a bootable bzImage
     * @throws OutOfMemoryError when the host cannot give the guest its RAM
     */
    static GuestSession linux(byte[] kernel, byte[] initrd, String cmdline, int memMb, HostTime host,
            WallClock wallClock) {
        if (memMb < 16 || memMb > MAX_MEM_MB) {
            throw new IllegalArgumentException("memMb must be 16.." + MAX_MEM_MB + ", got " + memMb);
        }
        return new GuestSession(LinuxGuest.boot(kernel, initrd, cmdline, memMb, wallClock, false), host);
    }

    /**
     * The guest of {@code snapshot} (taken here or by {@code ./vmm run --save-snapshot}), rebuilt from the same
     * kernel and initrd (checked by SHA-256) and resumed where it was.
     * @throws SnapshotFormatException for a damaged snapshot, one of another kind of machine, other images, or
     *         more RAM than the browser build allows
     * @throws OutOfMemoryError when the host cannot give the guest its RAM
     */
    static GuestSession resume(byte[] snapshot, byte[] kernel, byte[] initrd, HostTime host, WallClock wallClock)
            throws SnapshotFormatException {
        Snapshot s = Snapshot.parse(snapshot);
        int memMb = s.config().memoryBytes >> 20;
        if (memMb > MAX_MEM_MB) throw new SnapshotFormatException("the snapshot's guest has " + memMb + " MiB of RAM, more than the " + MAX_MEM_MB + " MiB the browser build allows");
        return new GuestSession(LinuxGuest.resume(s, kernel, initrd, wallClock, CODEC), host);
    }

    /** The whole machine as a snapshot, RAM pages deflated; between slices only. */
    byte[] save() {
        if (guest == null) throw new IllegalStateException("this session's machine was not built as a Linux guest");
        lastSave = new SnapshotWriter(CODEC);
        return guest.save(lastSave);
    }

    /** "N zero, N referenced, N stored pages (N bytes compressed)" of the last {@link #save}. */
    String lastSaveSummary() {
        return lastSave == null ? "" : lastSave.ramSummary();
    }

    /** The snapshot's configuration: the command line and memory size a reset boots with. */
    MachineConfig config() {
        return guest == null ? null : guest.config;
    }

    /** Runs {@code guest} (booted or restored) paced to {@code host} time. */
    private GuestSession(LinuxGuest guest, HostTime host) {
        this(guest, guest.machine, guest.platform, host);
    }

    /** A session of a machine loaded by other means (tests): it cannot {@link #save}. */
    GuestSession(Machine machine, PcPlatform platform, HostTime host) {
        this(null, machine, platform, host);
    }

    private GuestSession(LinuxGuest guest, Machine machine, PcPlatform platform, HostTime host) {
        this.guest = guest;
        this.machine = machine;
        this.platform = platform;
        this.host = host;
        machine.setSerialOutput(serialOut);
        machine.setSerialInput(serialIn);
        anchorPacing();
    }

    /** Guest time continues from here at host speed (after building, a pause or a long host gap). */
    void anchorPacing() {
        platform.setRealTime(host, ns -> {
            waitNanos = ns;
            machine.requestStop("waiting for host time");
        });
        anchorHost = host.nanos();
        anchorGuest = platform.clock.committed();
    }

    /** How far guest time is behind host time (ns). */
    long lagNanos() {
        return anchorGuest + (host.nanos() - anchorHost) - platform.clock.committed();
    }

    /** Runs one slice of about {@link SliceBudget#TARGET_NANOS} host time. */
    Slice run() {
        if (lagNanos() > MAX_LAG_NANOS) anchorPacing();
        long start = host.nanos();
        waitNanos = -1;
        long before = machine.cpu.instructions;
        RunResult r = machine.run(new RunLimits().maxInstructions(budget.instructions()));
        long end = host.nanos();
        long executed = machine.cpu.instructions - before;
        long delay;
        if (r.reason == RunResult.Reason.INSTRUCTION_LIMIT) {
            budget.fullSlice(r.instructions, end - start);
            delay = 0;
        } else if (r.reason == RunResult.Reason.STOPPED && waitNanos >= 0) {
            delay = waitNanos;
        } else {
            return new Slice(r, 0, executed, end - start);
        }
        return new Slice(null, delay, executed, end - start);
    }

    /** A key from the page: {@code code} is KeyboardEvent.code; unknown keys are ignored (false). */
    boolean key(String code, boolean down) {
        int key = KeyCodes.set1(code);
        if (key == KeyCodes.NONE) return false;
        if (down) platform.keyboardController.keyDown(key);
        else platform.keyboardController.keyUp(key);
        return true;
    }
}
