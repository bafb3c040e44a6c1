package org.x86play.cpu.fpu;

import org.x86play.cpu.Cpu;

/**
 * The x87 floating-point unit (SDM Vol. 1 ch. 8). OWNER: fpu helper. Placeholder.
 */
public final class Fpu {
    private final Cpu cpu;

    public Fpu(Cpu cpu) {
        this.cpu = cpu;
    }

    public void reset() {}

    /**
     * Executes one x87 escape instruction.
     * @param opcode  0xD8..0xDF
     * @param modrm   the ModRM byte
     * @param linear  linear address of the memory operand (segment base + offset), ignored when mod == 3
     * @param op32    32-bit operand size (FLDENV/FSTENV/FSAVE/FRSTOR layout)
     */
    public void execute(int opcode, int modrm, int linear, boolean op32) {
        throw new org.x86play.cpu.UnimplementedInstruction("FPU: not yet implemented");
    }

    /** FWAIT/WAIT: raises a pending unmasked x87 exception (#MF or IRQ13 per CR0.NE). */
    public void fwait() {}

    public void fxsave(int linear) { throw new org.x86play.cpu.UnimplementedInstruction("FXSAVE"); }

    public void fxrstor(int linear) { throw new org.x86play.cpu.UnimplementedInstruction("FXRSTOR"); }
}
