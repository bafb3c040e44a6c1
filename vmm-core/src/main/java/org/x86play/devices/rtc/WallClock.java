package org.x86play.devices.rtc;

/** The embedder's calendar time source (milliseconds since 1970-01-01 UTC), read at RTC power-on. */
@FunctionalInterface
public interface WallClock {
    long epochMillis();
}
