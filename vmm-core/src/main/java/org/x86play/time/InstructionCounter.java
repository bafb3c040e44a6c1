package org.x86play.time;

/** The CPU's retired-instruction count (monotonic); lets device reads see time inside a run-loop chunk. */
@FunctionalInterface
public interface InstructionCounter {
    long instructions();
}
