package org.x86play.time;

/** A monotonic host time source in nanoseconds (for wall-clock pacing); the embedder supplies it. */
@FunctionalInterface
public interface HostTime {
    long nanos();
}
