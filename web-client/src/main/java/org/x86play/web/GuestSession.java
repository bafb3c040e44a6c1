package org.x86play.web;

import org.x86play.devices.rtc.WallClock;
import org.x86play.machine.Machine;
import org.x86play.machine.PcPlatform;
import org.x86play.machine.RunLimits;
import org.x86play.machine.RunResult;
import org.x86play.time.HostTime;

/**
 * One booted Linux guest run in slices by the Worker (no JS here, so it also runs on the JVM in tests).
 * Built as the native runner builds a {@code --kernel} boot: RAM, the bzImage and initrd loaded by the
 * 32-bit boot protocol, the PC platform, ACPI tables; guest time paced to host time.
 * <p>
 * Pacing in a browser: a halted guest cannot block the worker, so the platform's host wait ends the
 * slice ({@link Machine#requestStop}) and remembers how long to wait; the Worker schedules the next
 * slice after that time. An idle guest at a shell prompt therefore costs one short slice per guest
 * timer tick. When the worker did not run for much longer than planned (a throttled background tab, a
 * suspended laptop), the pacing is re-anchored: the guest sees a pause instead of a burst of catch-up
 * timer interrupts and a sudden jump of its clocks.
 */
final class GuestSession {
    /** Browser RAM limit: WasmGC traps (uncatchably) on 1 GiB arrays; 512 MiB was measured to work. */
    static final int MAX_MEM_MB = 512;
    /** A host gap this much longer than planned is dropped from guest time (see the class comment). */
    static final long MAX_GAP_NANOS = 250_000_000L;

    final Machine machine;
    final PcPlatform platform;
    final SerialOutputBuffer serialOut = new SerialOutputBuffer();
    final SerialInputQueue serialIn = new SerialInputQueue();
    final SliceBudget budget = new SliceBudget();
    private final HostTime host;
    /** Host wait the guest asked for in the current slice (ns), or -1 while it did not halt. */
    private long waitNanos = -1;
    private long expectedStart;

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
     * @throws IllegalArgumentException for a bad memory size or an image that is not a bootable bzImage
     * @throws OutOfMemoryError when the host cannot give the guest its RAM
     */
    GuestSession(byte[] kernel, byte[] initrd, String cmdline, int memMb, HostTime host, WallClock wallClock) {
        if (memMb < 16 || memMb > MAX_MEM_MB) {
            throw new IllegalArgumentException("memMb must be 16.." + MAX_MEM_MB + ", got " + memMb);
        }
        if (kernel == null || kernel.length == 0) throw new IllegalArgumentException("no kernel image given");
        this.host = host;
        machine = new Machine(memMb << 20);
        machine.loadLinux(kernel, initrd, cmdline == null ? "" : cmdline);
        platform = new PcPlatform(machine, wallClock);
        platform.installAcpiTables();   // no firmware to describe the machine
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
        expectedStart = host.nanos();
    }

    /** Runs one slice of about {@link SliceBudget#TARGET_NANOS} host time. */
    Slice run() {
        long start = host.nanos();
        if (start - expectedStart > MAX_GAP_NANOS) anchorPacing();
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
        expectedStart = end + delay;
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
