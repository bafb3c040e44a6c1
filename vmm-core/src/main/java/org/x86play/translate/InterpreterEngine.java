package org.x86play.translate;

import org.x86play.cpu.Cpu;

/** Fetch-decode-execute for every instruction: {@link org.x86play.cpu.Interpreter#step()}. */
public final class InterpreterEngine implements ExecutionEngine {
    private final Cpu cpu;

    public InterpreterEngine(Cpu cpu) { this.cpu = cpu; }

    @Override public void step() { cpu.step(); }
    @Override public String name() { return "interpreter"; }
    @Override public CacheStats cacheStats() { return null; }
}
