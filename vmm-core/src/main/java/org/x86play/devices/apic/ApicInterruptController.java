package org.x86play.devices.apic;

import org.x86play.machine.InterruptController;
import org.x86play.time.VirtualClock;

/**
 * The CPU's INTR input on an APIC machine: the local APIC's fixed interrupts plus the 8259A's INTR
 * where it reaches the CPU ({@link LocalApic#picConnected()}: APIC disabled, or LINT0 in ExtINT mode).
 * ExtINT requests bypass the APIC's priority scheme (SDM Vol. 3 §10.5.1), so the PIC is served first;
 * its INTA cycle supplies the vector.
 */
public final class ApicInterruptController implements InterruptController {
    private final LocalApic apic;
    private final InterruptController pic;
    private final VirtualClock clock;

    /** @param pic the 8259A pair ({@code DualPic}); {@code clock} is the one {@link #idle()} advances */
    public ApicInterruptController(LocalApic apic, InterruptController pic, VirtualClock clock) {
        this.apic = apic;
        this.pic = pic;
        this.clock = clock;
    }

    @Override
    public boolean hasInterrupt() {
        return apic.hasInterrupt() || (apic.picConnected() && pic.hasInterrupt());
    }

    @Override
    public int acknowledge() {
        if (apic.picConnected() && pic.hasInterrupt()) {
            apic.extIntAcknowledged();
            return pic.acknowledge();
        }
        return apic.acknowledge();
    }

    /** Conservative: an APIC timer or any clock timer may raise something; the PIC adds its own wake sources. */
    @Override
    public boolean canInterruptLater() {
        return hasInterrupt() || apic.timerArmed() || clock.hasPendingTimers() || pic.canInterruptLater();
    }

    /** Lets the virtual clock skip to its next deadline (the APIC timer's among them). */
    @Override
    public void idle() {
        clock.idle();
    }
}
