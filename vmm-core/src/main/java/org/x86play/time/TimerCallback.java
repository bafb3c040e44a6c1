package org.x86play.time;

/** What a {@link Timer} does when guest time reaches its deadline. */
@FunctionalInterface
public interface TimerCallback {
    /** @param now the guest time (ns) at which the timer fired: exactly its deadline */
    void fire(long now);
}
