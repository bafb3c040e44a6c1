package org.x86play.time;

/** Whole ticks of a fixed-frequency clock at a guest time, and back, without 64-bit overflow. */
public final class Rate {
    private Rate() {}

    /** Ticks of an {@code hz} clock elapsed at guest time {@code ns}: floor(ns * hz / 1e9). */
    public static long ticksAt(long ns, long hz) {
        long s = VirtualClock.NS_PER_SECOND;
        return ns / s * hz + (ns % s) * hz / s;
    }

    /** The first guest time (ns) at which {@link #ticksAt} reaches {@code tick}: ceil(tick * 1e9 / hz). */
    public static long nsOfTick(long tick, long hz) {
        long s = VirtualClock.NS_PER_SECOND;
        return tick / hz * s + ((tick % hz) * s + hz - 1) / hz;
    }
}
