package org.x86play.machine;

import java.util.function.IntConsumer;
import java.util.function.IntSupplier;
import org.x86play.boot.LinuxBootLoader;
import org.x86play.boot.MultibootLoader;
import org.x86play.cpu.Cpu;
import org.x86play.cpu.CpuFault;
import org.x86play.cpu.SegmentCache;
import org.x86play.cpu.TripleFault;
import org.x86play.cpu.UnimplementedInstruction;
import org.x86play.devices.debug.DebugExitPort;
import org.x86play.devices.debug.PostCodePort;
import org.x86play.devices.serial.Uart16550;
import org.x86play.io.IoBus;
import org.x86play.memory.PhysicalMemory;
import org.x86play.translate.BlockCacheEngine;
import org.x86play.translate.BlockCompiler;
import org.x86play.translate.ExecStats;
import org.x86play.translate.ExecutionEngine;
import org.x86play.translate.InterpreterEngine;

/**
 * A PC assembled from the core's parts: RAM, the I/O bus, one CPU and the platform devices
 * (COM1 16550A UART at 0x3F8, the debug-exit port at 0xF4, the POST-code port at 0x80).
 * <p>
 * {@link #run} steps the CPU until the guest stops it, a limit is reached or the core reports a
 * problem; it never throws for anything the guest does.
 */
public final class Machine {
    /** Host clock and input are looked at every this many steps (a power of two). */
    public static final int CHECK_INTERVAL = 4096;
    public static final int MIN_BIOS = 64 << 10, MAX_BIOS = 16 << 20;
    /** Guest RAM bounds (the physical memory holds at most 1 GiB of RAM). */
    public static final int MIN_MEMORY = 1 << 20, MAX_MEMORY = 1 << 30;
    /** Size of the firmware alias below 1 MiB (PC convention: 0xE0000..0xFFFFF). */
    static final int LOW_ALIAS = 128 << 10;

    public final PhysicalMemory memory;
    public final IoBus io;
    public final Cpu cpu;
    public final Uart16550 com1 = new Uart16550();
    public final DebugExitPort debugExit = new DebugExitPort();
    public final PostCodePort postCodes = new PostCodePort();

    private int postPort = PostCodePort.DEFAULT_PORT;
    private InterruptController interrupts;
    /** Called once per chunk of instructions (device time, host input, profiling). */
    private Runnable[] chunkHooks = new Runnable[0];
    private InstructionTrace trace;
    private IntConsumer serialOutput;
    /** Executes instructions for {@link #run}: the interpreter or the block translation cache. */
    private ExecutionEngine engine;
    /** Installed into every block-cache engine this machine makes (see {@link #setBlockCompiler}); null: none. */
    private BlockCompiler compiler;
    /** External interrupts delivered by {@link #run}. */
    private long interruptsDelivered;
    /** Set by {@link #requestStop} / {@link #powerOff}; checked at chunk boundaries. */
    private RunResult.Reason stopReason;
    private String stopMessage;
    /** Default for new machines: block translation cache on. */
    public static final boolean TCACHE_DEFAULT = true;

    /** @param memoryBytes guest RAM size in bytes, 1 MiB to 1 GiB */
    public Machine(int memoryBytes) {
        if (memoryBytes < MIN_MEMORY || memoryBytes > MAX_MEMORY) {
            throw new IllegalArgumentException("guest RAM must be 1 MiB to 1 GiB, got " + memoryBytes + " bytes");
        }
        memory = new PhysicalMemory(memoryBytes);
        io = new IoBus();
        cpu = new Cpu(memory, io);
        io.register(Uart16550.COM1, 8, com1);
        io.register(DebugExitPort.DEFAULT_PORT, 1, debugExit);
        io.register(postPort, 1, postCodes);
        setTranslationCache(TCACHE_DEFAULT);
    }

    /** Runs guest code through the block translation cache (true) or the plain interpreter (false). */
    public void setTranslationCache(boolean on) {
        if (engine != null && (engine instanceof BlockCacheEngine) == on) return;
        if (engine != null) engine.detach();
        engine = newEngine(on);
    }

    /**
     * Compiles hot blocks to host code with {@code c} (null: blocks stay interpreted, the default). Only the
     * block cache uses it; it stays installed across {@link #setTranslationCache} and snapshot loads.
     */
    public void setBlockCompiler(BlockCompiler c) {
        compiler = c;
        if (engine instanceof BlockCacheEngine) ((BlockCacheEngine) engine).setCompiler(c);
    }

    private ExecutionEngine newEngine(boolean blocks) {
        if (!blocks) return new InterpreterEngine(cpu);
        BlockCacheEngine e = new BlockCacheEngine(cpu);
        e.setCompiler(compiler);
        return e;
    }

    public ExecutionEngine engine() { return engine; }

    /** Execution counters (instructions, block cache, TLB, interrupts) since this machine was built. */
    public ExecStats stats() { return new ExecStats(cpu, engine, interruptsDelivered); }

    /**
     * Maps a firmware ROM at the top of the 4 GiB space (base 2^32 - size), its last 128 KiB (or
     * all of a smaller image) aliased below 1 MiB ending at 0xFFFFF, and resets the CPU, which then
     * starts at the reset vector F000:FFF0 = linear 0xFFFFFFF0 (SDM Vol. 3 §9.1.4).
     * @throws IllegalArgumentException for an image that is empty, larger than 16 MiB or not a multiple of 64 KiB
     */
    public void loadBios(byte[] image) {
        if (image == null || image.length == 0) throw new IllegalArgumentException("BIOS image is empty");
        if (image.length > MAX_BIOS) {
            throw new IllegalArgumentException("BIOS image is " + image.length + " bytes; at most 16 MiB is supported");
        }
        if (image.length % MIN_BIOS != 0) {
            throw new IllegalArgumentException("BIOS image is " + image.length
                    + " bytes; its size must be a multiple of 64 KiB (65536 bytes)");
        }
        memory.mapRom(-image.length, image);
        int alias = Math.min(LOW_ALIAS, image.length);
        byte[] low = new byte[alias];
        System.arraycopy(image, image.length - alias, low, 0, alias);
        memory.mapRom(0x100000 - alias, low);
        cpu.reset();
    }

    /**
     * Loads a Multiboot v1 kernel and sets the CPU to the Multiboot machine state (32-bit protected
     * mode, EAX = 0x2BADB002, EBX = the info structure).
     * @throws IllegalArgumentException for a file that is not a loadable Multiboot kernel
     */
    public void loadMultiboot(byte[] kernel, String cmdline) {
        new MultibootLoader(memory, cpu).load(kernel, cmdline);
    }

    /**
     * Loads a Linux bzImage (and an initrd, may be null) by the 32-bit boot protocol and sets the CPU to
     * its entry state.
     * @throws IllegalArgumentException for an image that is not a bootable bzImage or does not fit in RAM
     */
    public LinuxBootLoader.Layout loadLinux(byte[] bzImage, byte[] initrd, String cmdline) {
        return new LinuxBootLoader(memory, cpu).load(bzImage, initrd, cmdline);
    }

    /** Bytes the guest wrote to COM1 go to {@code sink} (one call per byte, 0..255). */
    public void setSerialOutput(IntConsumer sink) {
        serialOutput = sink;
        com1.setOutput(sink);
    }

    /** Host input for COM1: returns the next byte or -1; asked only when the UART has room. */
    public void setSerialInput(IntSupplier source) {
        com1.setInput(source);
    }

    /** Receives every byte written to the POST-code port. */
    public void setPostCodeListener(IntConsumer listener) {
        postCodes.setListener(listener);
    }

    /** Moves the POST-code port (default 0x80). */
    public void setPostCodePort(int port) {
        if (port < 0 || port > 0xFFFF) throw new IllegalArgumentException("POST port must be 0..0xFFFF, got " + port);
        if (port == DebugExitPort.DEFAULT_PORT || (port >= Uart16550.COM1 && port < Uart16550.COM1 + 8)) {
            throw new IllegalArgumentException("POST port 0x" + Integer.toHexString(port) + " is already used by another device");
        }
        io.unregister(postPort, 1);
        postPort = port;
        io.register(postPort, 1, postCodes);
    }

    /** Adds {@code hook}, run after every chunk of instructions (the platform's clock and IRQ lines use it). */
    public void addChunkHook(Runnable hook) {
        Runnable[] h = java.util.Arrays.copyOf(chunkHooks, chunkHooks.length + 1);
        h[h.length - 1] = hook;
        chunkHooks = h;
    }

    /**
     * Ends the current (or next) run at the next chunk boundary with {@link RunResult.Reason#STOPPED}.
     * Safe to call from device callbacks such as the serial output sink.
     */
    public void requestStop(String why) {
        if (stopReason == null) {
            stopReason = RunResult.Reason.STOPPED;
            stopMessage = why;
        }
    }

    /** The guest turned the power off (ACPI S5): the run ends with {@link RunResult.Reason#POWER_OFF}. */
    public void powerOff() {
        stopReason = RunResult.Reason.POWER_OFF;
        stopMessage = "the guest powered the machine off";
    }

    /** Connects the interrupt controller the run loop polls (none on a bare machine; {@code PcPlatform} sets one). */
    public void setInterruptController(InterruptController controller) {
        interrupts = controller;
    }

    /** Records the last {@code entries} instructions during runs; 0 turns tracing off. */
    public void setTrace(int entries) {
        trace = entries == 0 ? null : new InstructionTrace(entries);
    }

    /** The trace of the last run, or null when tracing is off. */
    public InstructionTrace trace() { return trace; }

    /** Runs until the guest stops or a limit is reached. Never throws for guest behaviour. */
    public RunResult run(RunLimits limits) {
        final long maxSteps = limits == null ? 0 : limits.maxInstructions;
        final long timeout = limits == null ? 0 : limits.timeoutMillis;
        final long startTime = timeout > 0 ? System.currentTimeMillis() : 0;
        final Cpu cpu = this.cpu;
        final InstructionTrace trace = this.trace;
        final InterruptController pic = interrupts;
        final ExecutionEngine engine = this.engine;
        debugExit.clear();
        long steps = 0;
        int i = 0; // position in the current chunk: steps + i instructions have completed
        int pending = 0; // steps of an engine call that threw (counted in the result)
        try {
            while (true) {
                int chunk = CHECK_INTERVAL;
                int hard = Integer.MAX_VALUE;
                if (maxSteps > 0) {
                    long left = maxSteps - steps;
                    if (left <= 0) {
                        return result(RunResult.Reason.INSTRUCTION_LIMIT, 0,
                                "instruction limit of " + maxSteps + " reached at " + where(cpu.eip), steps);
                    }
                    if (left < chunk) chunk = (int) left;
                    if (left < hard) hard = (int) left;
                }
                i = 0;
                while (i < chunk) {
                    // One instruction at a time while tracing, halted, or in an interrupt shadow (an interrupt
                    // waiting for it must be taken right after the next instruction); else whole blocks: the
                    // engine returns whenever something polled below may have changed, so interrupts are
                    // still recognised at the next instruction boundary after they become deliverable.
                    pending = 1;
                    if (trace != null || cpu.halted || cpu.interruptShadow) {
                        if (trace != null && !cpu.halted) trace.record(cpu);
                        engine.step();
                        i++;
                    } else {
                        i += engine.run(chunk - i, hard - i);
                    }
                    pending = 0;
                    if (debugExit.exitRequested()) {
                        return result(RunResult.Reason.DEBUG_EXIT, debugExit.exitCode(),
                                "guest wrote 0x" + Integer.toHexString(debugExit.exitCode() >>> 1)
                                        + " to the debug-exit port", steps + i);
                    }
                    if (pic != null && (cpu.flags.getSystem() & Cpu.IF) != 0 && !cpu.interruptShadow && pic.hasInterrupt()) {
                        // External interrupts are recognised between instructions (SDM Vol. 3 §6.9); delivery clears halted.
                        cpu.system.deliverExternalInterrupt(pic.acknowledge() & 0xFF);
                        interruptsDelivered++;
                    } else if (cpu.halted) {
                        String why = haltedForever(pic);
                        if (why != null) {
                            // A power-off or stop request usually comes just before the final HLT.
                            if (stopReason != null) return takeStop(steps + i);
                            return result(RunResult.Reason.HALTED_FOREVER, 0, why, steps + i);
                        }
                        pic.idle();
                        if (stopReason != null) break; // e.g. an embedder ending its slice while the guest idles
                    }
                }
                steps += i;      // may pass the chunk by the rest of a block; never the instruction limit
                i = 0;
                com1.pollInput();
                for (Runnable hook : chunkHooks) hook.run();
                if (stopReason != null) return takeStop(steps);
                if (timeout > 0 && System.currentTimeMillis() - startTime >= timeout) {
                    return result(RunResult.Reason.TIMEOUT, 0, "timeout of " + timeout + " ms reached at " + where(cpu.eip), steps);
                }
            }
        } catch (TripleFault t) {
            return result(RunResult.Reason.TRIPLE_FAULT, 0,
                    "triple fault at " + where(cpu.instructionStart) + ": " + t.getMessage(), steps + i + aborted(pending));
        } catch (UnimplementedInstruction u) {
            return result(RunResult.Reason.UNIMPLEMENTED, 0,
                    "unimplemented: " + u.getMessage() + " at " + where(cpu.instructionStart), steps + i + aborted(pending));
        } catch (CpuFault f) {
            return result(RunResult.Reason.HOST_ERROR, 0, "internal error: guest fault escaped the CPU core: "
                    + f + " at " + where(cpu.instructionStart) + origin(f), steps + i + aborted(pending));
        } catch (RuntimeException | StackOverflowError e) {
            return result(RunResult.Reason.HOST_ERROR, 0, "internal error: " + e + " at "
                    + where(cpu.instructionStart) + origin(e), steps + i + aborted(pending));
        }
    }

    /** Steps of the engine call that threw (0 if the exception came from elsewhere, e.g. a chunk hook). */
    private int aborted(int pending) {
        return pending == 0 ? 0 : engine.abortedSteps();
    }

    private RunResult takeStop(long steps) {
        RunResult.Reason why = stopReason;
        stopReason = null;
        return result(why, 0, stopMessage + " at " + where(cpu.eip), steps);
    }

    /** Null if an interrupt can still wake the halted CPU, else why not. */
    private String haltedForever(InterruptController pic) {
        if ((cpu.flags.getSystem() & Cpu.IF) == 0) {
            return "CPU halted with interrupts disabled at " + where(cpu.eip);
        }
        if (pic == null || !pic.canInterruptLater()) {
            return "CPU halted at " + where(cpu.eip) + " with interrupts enabled, but no device can raise an interrupt";
        }
        return null;
    }

    private RunResult result(RunResult.Reason reason, int exitCode, String message, long steps) {
        com1.pollInput();
        return new RunResult(reason, exitCode, message, steps);
    }

    /** "CS:EIP" of the given offset in the current code segment, e.g. {@code F000:0000FFF0}. */
    private String where(int eip) {
        SegmentCache cs = cpu.seg[Cpu.CS];
        return Hex.w16(cs.selector) + ":" + Hex.w32(eip);
    }

    private static String origin(Throwable t) {
        StackTraceElement[] st = t.getStackTrace();
        return st != null && st.length > 0 ? " (" + st[0] + ")" : "";
    }

    /** The COM1 output sink set by {@link #setSerialOutput}, or null. */
    public IntConsumer serialOutput() { return serialOutput; }

    // ------------------------------------------------------------------ snapshot (org.x86play.snapshot)

    /**
     * Drops every translation derived from guest memory and CPU state: the block cache (a fresh engine of the
     * same kind) and the TLB. Called after a snapshot was loaded; a plain flush is all that is needed because
     * neither holds state that is not derived from RAM, the page tables and the control registers.
     */
    public void flushTranslations() {
        boolean blocks = engine instanceof BlockCacheEngine;
        engine.detach();
        engine = newEngine(blocks);
        cpu.mmu.flushAll();
    }
}
