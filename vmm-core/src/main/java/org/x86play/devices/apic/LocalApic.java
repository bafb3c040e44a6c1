package org.x86play.devices.apic;

import java.util.function.IntConsumer;
import org.x86play.cpu.ApicLink;
import org.x86play.cpu.Cpu;
import org.x86play.memory.MmioHandler;
import org.x86play.memory.PhysicalMemory;
import org.x86play.time.VirtualClock;
import org.x86play.snapshot.SnapshotFormatException;
import org.x86play.snapshot.StateReader;
import org.x86play.snapshot.StateWriter;

/**
 * The local APIC of the only processor (APIC ID 0), xAPIC style (SDM Vol. 3 ch. 10): a 4 KiB register
 * page at IA32_APIC_BASE (default 0xFEE00000), interrupt acceptance and priority (§10.8), the timer
 * (§10.5.4, see {@link ApicTimer}), six LVT entries, self IPIs and the EOI broadcast to the I/O APIC.
 * <p>
 * Registers are 32 bits at 16-byte strides. Writes must be aligned 32-bit accesses to the first dword
 * of a register, others are ignored; reads of any size return the bytes of that first dword (the
 * other 12 bytes and unknown registers read 0).
 * <p>
 * Connection to the 8259A ({@link #picConnected()}): the PIC's INTR reaches the CPU when the APIC is
 * globally disabled (IA32_APIC_BASE bit 11 = 0), when it is software-disabled (SVR bit 8 = 0, as at
 * power-up, so a PIC-only guest works without programming the APIC: our PC-convention choice, since
 * at reset the LVTs are masked), or when LINT0 is unmasked in ExtINT mode (virtual-wire mode, §10.5.1).
 * ExtINT interrupts bypass IRR/ISR and the priority scheme: their vector comes from the PIC's INTA.
 * <p>
 * Not modelled: NMI/SMI delivery (the core has no NMI input), other processors (INIT, start-up and
 * IPIs to other destinations are accepted and dropped), TSC-deadline mode, x2APIC.
 */
public final class LocalApic implements MmioHandler, ApicMessageSink, ApicLink {
    public static final int DEFAULT_BASE = 0xFEE00000, PAGE = 0x1000;
    /** Version register: version 0x14 (xAPIC), Max LVT Entry = 5 (six LVT entries). */
    public static final int VERSION = 0x00050014;

    // Register offsets (SDM Table 10-1).
    public static final int ID = 0x20, VER = 0x30, TPR = 0x80, APR = 0x90, PPR = 0xA0, EOI = 0xB0, RRD = 0xC0,
            LDR = 0xD0, DFR = 0xE0, SVR = 0xF0, ISR = 0x100, TMR = 0x180, IRR = 0x200, ESR = 0x280,
            ICR_LOW = 0x300, ICR_HIGH = 0x310, LVT_TIMER = 0x320, LVT_THERMAL = 0x330, LVT_PERF = 0x340,
            LVT_LINT0 = 0x350, LVT_LINT1 = 0x360, LVT_ERROR = 0x370, TIMER_INITIAL = 0x380,
            TIMER_CURRENT = 0x390, TIMER_DIVIDE = 0x3E0;

    // LVT bits (SDM Figure 10-8).
    public static final int LVT_MASKED = 1 << 16, LVT_LEVEL = 1 << 15, LVT_PERIODIC = 1 << 17;
    static final int MODE_SHIFT = 8, MODE_BITS = 7 << MODE_SHIFT;
    /** Writable bits per LVT entry, in register order timer, thermal, perf, LINT0, LINT1, error. */
    private static final int[] LVT_WRITABLE = {0x000300FF, 0x000107FF, 0x000107FF, 0x0001A7FF, 0x0001A7FF, 0x000100FF};
    private static final int L_TIMER = 0, L_LINT0 = 3, L_ERROR = 5;

    // SVR bits (SDM Figure 10-23).
    public static final int SVR_ENABLE = 1 << 8;
    private static final int SVR_WRITABLE = 0x3FF;   // vector, APIC software enable, focus processor checking

    // ESR bits (SDM Figure 10-9).
    public static final int ESR_SEND_ILLEGAL_VECTOR = 1 << 5, ESR_RECEIVE_ILLEGAL_VECTOR = 1 << 6;

    // IA32_APIC_BASE (SDM Figure 10-5).
    static final int BASE_BSP = 1 << 8, BASE_ENABLE = 1 << 11, BASE_RESERVED = 0x6FF; // bits 7:0, 9, 10 (no x2APIC)
    private static final int ICR_LOW_WRITABLE = 0x000CCFFF;

    private final ApicTimer timer;
    private PhysicalMemory memory;
    private IntConsumer eoiListener;

    private int base = DEFAULT_BASE;
    private boolean globallyEnabled = true;
    /** Whether the register page is mapped in {@link #memory}, and where. */
    private boolean mapped;
    private int mappedAt;

    private int id, tpr, ldr, dfr, svr, icrLow, icrHigh;
    private final int[] lvt = new int[6];
    private final ApicVectorSet irr = new ApicVectorSet(), isr = new ApicVectorSet(), tmr = new ApicVectorSet();
    /** Errors detected since the last ESR write; the ESR shows what the last write latched (§10.5.3). */
    private int errors, esr;
    private boolean errorArmed;
    /** An ExtINT message (from an I/O APIC entry in ExtINT mode) waiting for the PIC's INTA. */
    private boolean extIntLatched;

    // Derived state, recomputed on every change so the per-instruction poll reads fields only.
    private int ppr;
    private int pendingVector = -1;
    private boolean picConnected;

    public LocalApic(VirtualClock clock) {
        timer = new ApicTimer(clock, this::timerExpired);
        resetRegisters();
    }

    // ------------------------------------------------------------------ wiring

    /**
     * Connects the APIC to its processor: {@code cpu.apic} (IA32_APIC_BASE, CPUID) and the register page
     * in {@code cpu.memory} at the current base (moved and unmapped with IA32_APIC_BASE).
     */
    public void attach(Cpu cpu) {
        cpu.apic = this;
        memory = cpu.memory;
        remap();
    }

    /** Receives the vector of every EOI for a level-triggered interrupt (TMR set): the I/O APIC's {@code eoi}. */
    public void setEoiListener(IntConsumer listener) { eoiListener = listener; }

    // ------------------------------------------------------------------ ApicLink (IA32_APIC_BASE)

    @Override
    public int apicBase() { return base | BASE_BSP | (globallyEnabled ? BASE_ENABLE : 0); }

    /**
     * Base bits 31:12 and the global enable bit 11; the BSP flag is fixed at 1. Clearing bit 11 turns the
     * APIC off (the page unmaps, the PIC goes straight to the CPU) and returns it to its power-up register
     * state (§10.4.3), so re-enabling starts afresh.
     */
    @Override
    public boolean setApicBase(int value) {
        if ((value & BASE_RESERVED) != 0) return false;
        boolean enable = (value & BASE_ENABLE) != 0;
        if (!enable && globallyEnabled) resetRegisters();
        base = value & ~(PAGE - 1);
        globallyEnabled = enable;
        remap();
        update();
        return true;
    }

    /** Power-up state (§10.4.7.1): enabled globally at the default base, software-disabled, LVTs masked. */
    @Override
    public void reset() {
        base = DEFAULT_BASE;
        globallyEnabled = true;
        resetRegisters();
        remap();
    }

    private void resetRegisters() {
        id = 0;
        tpr = ldr = icrLow = icrHigh = 0;
        dfr = -1;
        svr = 0xFF;
        for (int i = 0; i < lvt.length; i++) lvt[i] = LVT_MASKED;
        irr.clearAll();
        isr.clearAll();
        tmr.clearAll();
        errors = esr = 0;
        errorArmed = true;
        extIntLatched = false;
        timer.reset();
        update();
    }

    /** Keeps the register page mapped at the base while globally enabled, unmapped otherwise. */
    private void remap() {
        if (memory == null || (mapped == globallyEnabled && (!mapped || mappedAt == base))) return;
        if (mapped) memory.unmap(mappedAt, PAGE);
        mapped = globallyEnabled;
        if (mapped) {
            mappedAt = base;
            memory.mapMmio(base, PAGE, this);
        }
    }

    // ------------------------------------------------------------------ state for the interrupt controller

    /** True while a fixed interrupt is pending with a priority class above the PPR (§10.8.3.1). */
    public boolean hasInterrupt() { return pendingVector >= 0; }

    /** True while the 8259A's INTR passes to the CPU (see the class comment). */
    public boolean picConnected() { return picConnected || extIntLatched; }

    /**
     * INTA for a fixed interrupt: the highest-priority IRR vector moves to ISR (§10.8.3). With nothing
     * deliverable (e.g. TPR was raised) the answer is the spurious vector, ISR untouched (§10.9).
     */
    public int acknowledge() {
        int v = pendingVector;
        if (v < 0) return svr & 0xFF;
        irr.clear(v);
        isr.set(v);
        update();
        return v;
    }

    /** The PIC answered an INTA passed through as ExtINT: a latched ExtINT message is consumed. */
    public void extIntAcknowledged() {
        if (extIntLatched) {
            extIntLatched = false;
            update();
        }
    }

    /** True while the timer counts towards an expiry. */
    public boolean timerArmed() { return timer.isArmed(); }

    public boolean softwareEnabled() { return (svr & SVR_ENABLE) != 0; }

    public boolean globallyEnabled() { return globallyEnabled; }

    /** PPR per §10.8.3.1: TPR if its class is at least that of the highest in-service vector, else that class. */
    private void update() {
        int isrv = Math.max(isr.highest(), 0);
        ppr = (tpr & 0xF0) >= (isrv & 0xF0) ? tpr & 0xFF : isrv & 0xF0;
        int v = irr.highest();
        pendingVector = globallyEnabled && v >= 0 && (v & 0xF0) > (ppr & 0xF0) ? v : -1;
        int lint0 = lvt[L_LINT0];
        picConnected = !globallyEnabled || !softwareEnabled()
                || (lint0 & (LVT_MASKED | MODE_BITS)) == (EXT_INT << MODE_SHIFT);
    }

    // ------------------------------------------------------------------ interrupt sources

    /** APIC bus message (from the I/O APIC): fixed, lowest-priority and ExtINT are accepted if addressed to us. */
    @Override
    public boolean deliver(int vector, int deliveryMode, boolean level, boolean logical, int destination) {
        if (!globallyEnabled || !addressed(logical, destination)) return false;
        switch (deliveryMode) {
            case FIXED:
            case LOWEST_PRIORITY:   // one processor: it is the lowest-priority one
                return accept(vector, level);
            case EXT_INT:
                if (!softwareEnabled()) return false;
                extIntLatched = true;
                update();
                return true;
            default:   // SMI, NMI, INIT, start-up: not modelled
                return false;
        }
    }

    /**
     * Destination match (§10.6.2): physical = our APIC ID; logical = LDR under the DFR's flat model
     * (any common bit) or cluster model (same cluster, common member bit); 0xFF is a broadcast.
     */
    boolean addressed(boolean logical, int destination) {
        int d = destination & 0xFF;
        if (d == 0xFF) return true;
        if (!logical) return d == id >>> 24;
        int mine = ldr >>> 24;
        if ((dfr >>> 28) == 0xF) return (d & mine) != 0;
        return (d >>> 4) == (mine >>> 4) && (d & mine & 0xF) != 0;
    }

    /** Accepts a fixed interrupt into IRR (TMR records the trigger mode); vectors 0-15 are illegal (§10.5.2). */
    private boolean accept(int vector, boolean level) {
        if (!softwareEnabled()) return false;   // a software-disabled APIC takes no fixed interrupts (§10.4.7.2)
        vector &= 0xFF;
        if (vector < 16) {
            error(ESR_RECEIVE_ILLEGAL_VECTOR);
            return false;
        }
        irr.set(vector);
        if (level) tmr.set(vector); else tmr.clear(vector);
        update();
        return true;
    }

    /** A local interrupt from LVT entry {@code index}: fixed delivery of its vector unless masked. */
    private void localInterrupt(int index) {
        int entry = lvt[index];
        if ((entry & LVT_MASKED) == 0) accept(entry & 0xFF, false);
    }

    private void timerExpired() { localInterrupt(L_TIMER); }

    /** Records an error; the first one since the last ESR write raises the LVT error interrupt (§10.5.3). */
    private void error(int bits) {
        errors |= bits;
        if (errorArmed) {
            errorArmed = false;
            localInterrupt(L_ERROR);
        }
    }

    /** EOI (§10.8.5): retires the highest in-service vector; level-triggered ones are broadcast to the I/O APIC. */
    private void endOfInterrupt() {
        int v = isr.highest();
        if (v < 0) return;
        isr.clear(v);
        update();
        if (tmr.contains(v) && eoiListener != null) eoiListener.accept(v);
    }

    /**
     * ICR write = send an IPI (§10.6.1). One processor: fixed/lowest-priority IPIs reach it through the
     * self or all-including-self shorthand or a matching destination; everything else has no receiver.
     */
    private void sendIpi() {
        int vector = icrLow & 0xFF, mode = (icrLow & MODE_BITS) >>> MODE_SHIFT;
        if (mode != FIXED && mode != LOWEST_PRIORITY) return;   // INIT, start-up, NMI, SMI: no other CPUs
        if (vector < 16) {
            error(ESR_SEND_ILLEGAL_VECTOR);
            return;
        }
        boolean self;
        switch ((icrLow >>> 18) & 3) {
            case 0: self = addressed((icrLow & (1 << 11)) != 0, icrHigh >>> 24); break;
            case 1: case 2: self = true; break;
            default: self = false; break;   // all excluding self
        }
        if (self) accept(vector, false);   // IPIs are edge-triggered
    }

    // ------------------------------------------------------------------ registers

    @Override
    public int read(int offset, int size) {
        if ((offset & 0xC) != 0) return 0;
        int v = readRegister(offset & 0xFF0) >>> ((offset & 3) << 3);
        return size >= 4 ? v : v & ((1 << (size << 3)) - 1);
    }

    @Override
    public void write(int offset, int size, int value) {
        if (size == 4 && (offset & 0xF) == 0) writeRegister(offset & 0xFF0, value);
    }

    /** The 32-bit register at {@code reg} (a multiple of 16 below 0x1000). */
    public int readRegister(int reg) {
        switch (reg) {
            case ID: return id;
            case VER: return VERSION;
            case TPR: return tpr;
            case PPR: return ppr;
            case LDR: return ldr;
            case DFR: return dfr;
            case SVR: return svr;
            case ESR: return esr;
            case ICR_LOW: return icrLow;   // delivery status (bit 12) always idle: delivery is instant
            case ICR_HIGH: return icrHigh;
            case TIMER_INITIAL: return timer.initialCount();
            case TIMER_CURRENT: return timer.currentCount();
            case TIMER_DIVIDE: return timer.divideConfig();
            default:
                if (reg >= LVT_TIMER && reg <= LVT_ERROR) return lvt[(reg - LVT_TIMER) >>> 4];
                if (reg >= ISR && reg < ISR + 0x80) return isr.word((reg - ISR) >>> 4);
                if (reg >= TMR && reg < TMR + 0x80) return tmr.word((reg - TMR) >>> 4);
                if (reg >= IRR && reg < IRR + 0x80) return irr.word((reg - IRR) >>> 4);
                return 0;   // APR, RRD, EOI (write-only), reserved
        }
    }

    /** Writes the 32-bit register at {@code reg}; read-only and reserved registers ignore it. */
    public void writeRegister(int reg, int value) {
        switch (reg) {
            case ID: id = value & 0xFF000000; update(); break;
            case TPR: tpr = value & 0xFF; update(); break;
            case EOI: endOfInterrupt(); break;
            case LDR: ldr = value & 0xFF000000; break;
            case DFR: dfr = value | 0x0FFFFFFF; break;
            case SVR: writeSvr(value); break;
            case ESR:   // write-then-read: latch the errors since the last write and rearm (§10.5.3)
                esr = errors;
                errors = 0;
                errorArmed = true;
                break;
            case ICR_LOW: icrLow = value & ICR_LOW_WRITABLE; sendIpi(); break;
            case ICR_HIGH: icrHigh = value & 0xFF000000; break;
            case TIMER_INITIAL: timer.setInitialCount(value); break;
            case TIMER_DIVIDE: timer.setDivideConfig(value); break;
            default:
                if (reg >= LVT_TIMER && reg <= LVT_ERROR) writeLvt((reg - LVT_TIMER) >>> 4, value);
                break;
        }
    }

    /** A software-disabled APIC keeps every LVT masked; masks cannot be cleared until it is re-enabled (§10.4.7.2). */
    private void writeSvr(int value) {
        svr = value & SVR_WRITABLE;
        if (!softwareEnabled()) {
            for (int i = 0; i < lvt.length; i++) lvt[i] |= LVT_MASKED;
        }
        update();
    }

    private void writeLvt(int index, int value) {
        int w = LVT_WRITABLE[index];
        int v = (lvt[index] & ~w) | (value & w);   // keeps the read-only remote IRR / delivery status bits
        if (!softwareEnabled()) v |= LVT_MASKED;
        lvt[index] = v;
        if (index == L_TIMER) timer.setPeriodic((v & LVT_PERIODIC) != 0);
        update();
    }

    // ------------------------------------------------------------------ snapshot (org.x86play.snapshot)

    /** IA32_APIC_BASE, every register, IRR/ISR/TMR, error state and the timer; derived state is recomputed on load. */
    public void saveState(StateWriter w) {
        w.i32(base).bool(globallyEnabled);
        w.i32(id).i32(tpr).i32(ldr).i32(dfr).i32(svr).i32(icrLow).i32(icrHigh).ints(lvt);
        irr.saveState(w);
        isr.saveState(w);
        tmr.saveState(w);
        w.i32(errors).i32(esr).bool(errorArmed).bool(extIntLatched);
        timer.saveState(w);
    }

    public void loadState(StateReader r) throws SnapshotFormatException {
        int b = r.i32();
        if ((b & (PAGE - 1)) != 0) throw r.fail("APIC base must be page aligned, got 0x" + Integer.toHexString(b));
        base = b;
        globallyEnabled = r.bool("APIC global enable");
        id = r.i32(); tpr = r.i32(); ldr = r.i32(); dfr = r.i32(); svr = r.i32(); icrLow = r.i32(); icrHigh = r.i32();
        r.ints(lvt);
        irr.loadState(r);
        isr.loadState(r);
        tmr.loadState(r);
        errors = r.i32();
        esr = r.i32();
        errorArmed = r.bool("APIC error armed");
        extIntLatched = r.bool("APIC ExtINT latch");
        timer.loadState(r);
        remap();
        update();
    }
}
