package org.x86play.pci;

/**
 * Where a bus's INTx# wires go: the board wiring plus the interrupt router (on this platform the PIIX3
 * PIRQ route registers). Called only when a function's effective INTx output changes.
 */
public interface IntxRouter {
    /** @param pin 1..4 for INTA#..INTD# (the function's Interrupt Pin register) */
    void intxChanged(int devfn, int pin, boolean asserted);
}
