package org.x86play.cpu;

/**
 * A valid instruction or feature the emulator does not implement. Unlike #UD (a guest-visible fault),
 * this ends the run with a host-side error, so gaps in the core are never silently shown to a guest.
 */
public final class UnimplementedInstruction extends RuntimeException {
    public UnimplementedInstruction(String what) {
        super(what, null, false, false);
    }
}
