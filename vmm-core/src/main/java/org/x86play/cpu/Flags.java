package org.x86play.cpu;

/**
 * EFLAGS with lazy evaluation of the six arithmetic flags (CF PF AF ZF SF OF, SDM Vol. 1 §3.4.3).
 * <p>
 * Arithmetic instructions record what they did (kind, operands, result, operand size) instead of
 * computing flags; the flags are derived only when something reads them. The non-arithmetic bits
 * (TF IF DF IOPL NT RF VM AC VIF VIP ID) are always stored eagerly in {@code value}.
 * Sizes are coded 0 = byte, 1 = word, 2 = dword throughout the interpreter.
 */
public final class Flags {
    /** CF|PF|AF|ZF|SF|OF. */
    public static final int ARITH = 0x8D5;
    private static final int CF = 1, PF = 4, AF = 0x10, ZF = 0x40, SF = 0x80, OF = 0x800;
    private static final int[] MASK = {0xFF, 0xFFFF, 0xFFFFFFFF};
    private static final int[] SIGN = {0x80, 0x8000, 0x80000000};

    /** Lazy kinds. NONE: {@code value} holds every flag. */
    private static final int NONE = 0, ADD = 1, ADC = 2, SUB = 3, SBB = 4, LOGIC = 5, INC = 6, DEC = 7, SZP = 8;

    private int value = 2;
    private int kind;
    private int a, b, res, size;
    /** Carry-in (ADC/SBB) or preserved CF (INC/DEC). */
    private int cin;

    // ------------------------------------------------------------------ whole-register API

    /** The full 32-bit EFLAGS value (bit 1 always set). */
    public int get() {
        if (kind != NONE) materialize();
        return value | 2;
    }

    /** Writes all of EFLAGS (reserved bits forced: bit 1 = 1, bits 3, 5, 15, 22-31 = 0). */
    public void set(int v) {
        value = (v | 2) & 0x003F7FD7;
        kind = NONE;
    }

    /** EFLAGS without the six arithmetic flags: IF, DF, TF, IOPL, NT, VM, AC, ... */
    public int getSystem() { return value & ~ARITH; }

    /** Replaces the non-arithmetic bits, keeping the arithmetic flags (lazy state survives). */
    public void setSystem(int v) {
        value = (value & ARITH) | ((v | 2) & 0x003F7FD7 & ~ARITH);
    }

    public boolean vm() { return (value & Cpu.VM) != 0; }
    public boolean df() { return (value & Cpu.DF) != 0; }
    public boolean tf() { return (value & Cpu.TF) != 0; }
    public boolean iflag() { return (value & Cpu.IF) != 0; }
    public int iopl() { return (value >> 12) & 3; }

    /** Sets the six arithmetic flags from {@code bits} (other bits of the argument ignored). */
    public void setArith(int bits) {
        if (kind != NONE) kind = NONE;
        value = (value & ~ARITH) | (bits & ARITH);
    }

    /** The six arithmetic flags only. */
    public int getArith() {
        if (kind != NONE) materialize();
        return value & ARITH;
    }

    public void setCf(boolean c) {
        if (kind != NONE) materialize();
        value = c ? value | CF : value & ~CF;
    }

    // ------------------------------------------------------------------ fault rollback

    private int mValue, mKind, mA, mB, mRes, mSize, mCin;
    private boolean marked;

    /**
     * Remembers the flags before a read-modify-write memory instruction computes its result: if the
     * final write faults (e.g. a write-protected page), {@link #rollback()} restores them, because a
     * faulting instruction leaves the processor state unchanged (SDM Vol. 3 §6.5).
     */
    public void mark() {
        mValue = value; mKind = kind; mA = a; mB = b; mRes = res; mSize = size; mCin = cin;
        marked = true;
    }

    /** Forgets the mark (at the start of every instruction). */
    public void unmark() { marked = false; }

    /** Restores the state saved by {@link #mark()} if this instruction marked it. */
    public void rollback() {
        if (!marked) return;
        value = mValue; kind = mKind; a = mA; b = mB; res = mRes; size = mSize; cin = mCin;
        marked = false;
    }

    // ------------------------------------------------------------------ recording

    public void add(int a, int b, int res, int size) { this.a = a; this.b = b; this.res = res; this.size = size; kind = ADD; }
    public void sub(int a, int b, int res, int size) { this.a = a; this.b = b; this.res = res; this.size = size; kind = SUB; }
    public void adc(int a, int b, int c, int res, int size) { this.a = a; this.b = b; cin = c; this.res = res; this.size = size; kind = ADC; }
    public void sbb(int a, int b, int c, int res, int size) { this.a = a; this.b = b; cin = c; this.res = res; this.size = size; kind = SBB; }
    /** AND/OR/XOR/TEST: CF=OF=0, AF=0 (what Intel processors produce for the undefined AF). */
    public void logic(int res, int size) { this.res = res; this.size = size; kind = LOGIC; }

    /** INC: CF is preserved (SDM INC). */
    public void inc(int res, int size) {
        int c = cf() ? 1 : 0;
        this.res = res; this.size = size; cin = c; kind = INC;
    }

    public void dec(int res, int size) {
        int c = cf() ? 1 : 0;
        this.res = res; this.size = size; cin = c; kind = DEC;
    }

    /** ZF/SF/PF from {@code res}; CF, AF and OF given explicitly in {@code cfAfOf} (shifts, multiplies). */
    public void szp(int res, int size, int cfAfOf) {
        value = (value & ~ARITH) | (cfAfOf & (CF | AF | OF));
        this.res = res; this.size = size; kind = SZP;
    }

    // ------------------------------------------------------------------ predicates

    public boolean cf() {
        // 32-bit producers first (ADC/SBB chains, INC/DEC preserving CF): no size masks, small enough to inline.
        int k = kind;
        if (size == 2) {
            if (k == ADD) return Integer.compareUnsigned(res, a) < 0;
            if (k == SUB) return Integer.compareUnsigned(a, b) < 0;
            if (k == ADC) return cin != 0 ? Integer.compareUnsigned(res, a) <= 0 : Integer.compareUnsigned(res, a) < 0;
        }
        if (k == INC || k == DEC) return cin != 0;
        if (k == NONE || k == SZP) return (value & CF) != 0;
        return slowCf();
    }

    private boolean slowCf() {
        int m;
        switch (kind) {
            case NONE: case SZP: return (value & CF) != 0;
            case ADD: m = MASK[size]; return Integer.compareUnsigned(res & m, a & m) < 0;
            case ADC: m = MASK[size];
                return cin != 0 ? Integer.compareUnsigned(res & m, a & m) <= 0 : Integer.compareUnsigned(res & m, a & m) < 0;
            case SUB: m = MASK[size]; return Integer.compareUnsigned(a & m, b & m) < 0;
            case SBB: m = MASK[size];
                return cin != 0 ? Integer.compareUnsigned(a & m, b & m) <= 0 : Integer.compareUnsigned(a & m, b & m) < 0;
            case LOGIC: return false;
            default: return cin != 0; // INC, DEC
        }
    }

    public boolean zf() {
        if (kind == NONE) return (value & ZF) != 0;
        return (res & MASK[size]) == 0;
    }

    public boolean sf() {
        if (kind == NONE) return (value & SF) != 0;
        return (res & SIGN[size]) != 0;
    }

    public boolean pf() {
        if (kind == NONE) return (value & PF) != 0;
        return (Integer.bitCount(res & 0xFF) & 1) == 0;
    }

    public boolean of() {
        int s;
        switch (kind) {
            case NONE: case SZP: return (value & OF) != 0;
            case ADD: case ADC: s = SIGN[size]; return ((a ^ res) & (b ^ res) & s) != 0;
            case SUB: case SBB: s = SIGN[size]; return ((a ^ b) & (a ^ res) & s) != 0;
            case LOGIC: return false;
            case INC: return (res & MASK[size]) == SIGN[size];
            default: return (res & MASK[size]) == SIGN[size] - 1; // DEC
        }
    }

    public boolean af() {
        switch (kind) {
            case NONE: case SZP: return (value & AF) != 0;
            case ADD: case ADC: case SUB: case SBB: return ((a ^ b ^ res) & 0x10) != 0;
            case LOGIC: return false;
            case INC: return (res & 0xF) == 0;
            default: return (res & 0xF) == 0xF; // DEC
        }
    }

    /** Condition code test for Jcc/SETcc/CMOVcc (SDM Vol. 1 Appendix B, Table B-1). */
    public boolean condition(int cc) {
        // The usual producers of a 32-bit compare or test: decided from the operands directly.
        if (size == 2) {
            if (kind == SUB) return subCondition(cc);
            if (kind == LOGIC) return logicCondition(cc);
            if ((kind == INC || kind == DEC) && (cc >> 1) == 2) return (res == 0) ^ ((cc & 1) != 0);   // loop counters: Z/NZ
        }
        return slowCondition(cc);
    }

    private boolean subCondition(int cc) {
        boolean t;
        switch ((cc >> 1) & 7) {
            case 1: t = Integer.compareUnsigned(a, b) < 0; break;          // B: CF
            case 2: t = a == b; break;                                      // Z
            case 3: t = Integer.compareUnsigned(a, b) <= 0; break;         // BE: CF or ZF
            case 4: t = res < 0; break;                                     // S
            case 6: t = a < b; break;                                       // L: SF != OF
            case 7: t = a <= b; break;                                      // LE: ZF or SF != OF
            default: return slowCondition(cc);                              // O, P
        }
        return t ^ ((cc & 1) != 0);
    }

    private boolean logicCondition(int cc) {
        boolean t;
        switch ((cc >> 1) & 7) {
            case 0: case 1: t = false; break;                               // O, B: OF = CF = 0
            case 2: case 3: t = res == 0; break;                            // Z, BE
            case 4: case 6: t = res < 0; break;                             // S, L: SF (OF = 0)
            case 7: t = res <= 0; break;                                    // LE: ZF or SF
            default: return slowCondition(cc);                              // P
        }
        return t ^ ((cc & 1) != 0);
    }

    private boolean slowCondition(int cc) {
        boolean r;
        switch ((cc >> 1) & 7) {
            case 0: r = of(); break;
            case 1: r = cf(); break;
            case 2: r = zf(); break;
            case 3: r = cf() || zf(); break;
            case 4: r = sf(); break;
            case 5: r = pf(); break;
            case 6: r = sf() != of(); break;
            default: r = zf() || sf() != of(); break;
        }
        return r ^ ((cc & 1) != 0);
    }

    private void materialize() {
        int f = 0;
        if (cf()) f |= CF;
        if (pf()) f |= PF;
        if (af()) f |= AF;
        if (zf()) f |= ZF;
        if (sf()) f |= SF;
        if (of()) f |= OF;
        value = (value & ~ARITH) | f;
        kind = NONE;
    }
}
