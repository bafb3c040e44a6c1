package org.x86play.translate;

import org.x86play.cpu.Cpu;
import org.x86play.cpu.decoder.Instruction;

/**
 * Turns a hot block into host code (a {@link CompiledBlock}). The core has no implementation of its own: a
 * host that can generate code plugs one in (the JVM runner compiles to bytecode, {@code translate.jvm} in the
 * server module); in the browser blocks stay interpreted.
 */
public interface BlockCompiler {
    /** Full runs of a block before it is compiled: compiling costs host time, so only hot blocks repay it. */
    int threshold();

    /**
     * @param insns the block's pre-decoded instructions (never changed afterwards)
     * @param ends  ends[i] = offset of the byte after instruction i from the block start
     * @param stop  how many leading instructions the compiled code runs (the engine runs the rest)
     * @param eipMask 0xFFFF for 16-bit code, else -1
     * @return the compiled code, or null to keep interpreting this block
     */
    CompiledBlock compile(Cpu cpu, Instruction[] insns, int[] ends, int stop, int eipMask);
}
