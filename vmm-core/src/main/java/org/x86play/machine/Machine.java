package org.x86play.machine;

import org.x86play.cpu.Cpu;
import org.x86play.io.IoBus;
import org.x86play.memory.PhysicalMemory;

/**
 * A PC assembled from the core's parts: RAM, the I/O bus, one CPU and the platform devices.
 * OWNER: machine helper. Placeholder with the agreed API.
 */
public final class Machine {
    public final PhysicalMemory memory;
    public final IoBus io;
    public final Cpu cpu;

    /** @param memoryBytes guest RAM size in bytes */
    public Machine(int memoryBytes) {
        memory = new PhysicalMemory(memoryBytes);
        io = new IoBus();
        cpu = new Cpu(memory, io);
    }

    /**
     * Maps a firmware ROM at the top of the 4 GiB space, its last 128 KiB (or all of a smaller image)
     * aliased below 1 MiB ending at 0xFFFFF; the CPU starts at the reset vector F000:FFF0.
     * @throws IllegalArgumentException for an image that is empty, too large or not a multiple of 64 KiB... as documented
     */
    public void loadBios(byte[] image) {}

    /** Bytes the guest wrote to COM1 go to {@code sink} (one call per byte, 0..255). */
    public void setSerialOutput(java.util.function.IntConsumer sink) {}

    /** Runs until the guest stops or a limit is reached. Never throws for guest behaviour. */
    public RunResult run(RunLimits limits) { return null; }
}
