package org.x86play.cpu;

/**
 * Fetch, decode (through the opcode table) and execute. OWNER: cpu-integer helper. Placeholder.
 */
public final class Interpreter {
    private final Cpu cpu;

    public Interpreter(Cpu cpu) {
        this.cpu = cpu;
    }

    /**
     * Executes one instruction (or delivers the fault it raised) and retires it.
     * Does nothing if the CPU is halted.
     */
    public void step() {
        throw new org.x86play.cpu.UnimplementedInstruction("Interpreter: not yet implemented");
    }
}
