package org.x86play.cpu.fpu;

import org.x86play.cpu.Cpu;
import org.x86play.cpu.CpuFault;
import org.x86play.snapshot.SnapshotFormatException;
import org.x86play.snapshot.StateReader;
import org.x86play.snapshot.StateWriter;

/**
 * The x87 floating-point unit of a P6-class processor (SDM Vol. 1 ch. 8).
 * <p>
 * Registers are kept in the m80 layout (parallel {@code regSe}/{@code regSig} arrays indexed by
 * physical register number); the tag word keeps only "empty" bits, the full tag is derived from the
 * contents as on P6 and later (SDM §8.1.7). Arithmetic goes through {@link SoftFloat}.
 * <p>
 * Precision guarantees:
 * <ul>
 *   <li>Bit-exact with a real x87 (including PC/RC, denormals, masked responses, C1, exception flags):
 *   loads/stores of m16/m32/m64 integers, m32/m64/m80 reals and m80 BCD; FADD/FSUB/FSUBR/FMUL/FDIV/FDIVR
 *   (all forms), FSQRT, FPREM, FPREM1, FRNDINT, FSCALE, FXTRACT, FCHS, FABS, compares, FXAM, the
 *   constant loads (rounded per RC), FCMOVcc, FXCH, environment/state save and restore.</li>
 *   <li>Correctly rounded in all but rare cases (not guaranteed bit-exact): FSIN, FCOS, FSINCOS, FPTAN,
 *   FPATAN, F2XM1, FYL2X, FYL2XP1. See {@link Transcendental}: double-double evaluation (~100 bits)
 *   rounded once per RC, argument reduction with the x87's own 66-bit π. Expected difference from a
 *   real x87: at most 1 ulp (the hardware itself is specified as "within 1 ulp"), in practice none in
 *   the host-differential suite; FYL2XP1 outside its documented domain is undefined.</li>
 * </ul>
 * Exceptions: flags are set in the status word; unmasked ones set ES/B and are reported at the next
 * waiting x87 instruction or FWAIT: #MF when CR0.NE = 1, otherwise FERR# ({@link #ferrListener},
 * IRQ 13) is asserted and execution continues (as if IGNNE# were active).
 */
public final class Fpu {
    static final int IE = 1, DE = 2, ZE = 4, OE = 8, UE = 0x10, PE = 0x20, SF = 0x40, ES = 0x80,
            C0 = 0x100, C1 = 0x200, C2 = 0x400, C3 = 0x4000, B = 0x8000;
    static final int CC = C0 | C1 | C2 | C3;

    private final Cpu cpu;
    final SoftFloat sf = new SoftFloat();
    final DoubleDouble dd = new DoubleDouble();

    // ---- architectural state ----
    final int[] regSe = new int[8];
    final long[] regSig = new long[8];
    /** Bit i set: physical register i is empty (tag 11). */
    int tagEmpty;
    int top;
    int cw;
    /** Status word without TOP (bits 11-13 are kept in {@link #top}). */
    int sw;
    int fip, fcs, fdp, fds, fop;
    /** Scratch for FRSTOR/FXRSTOR (read everything before committing). */
    final int[] tmpSe = new int[8];
    final long[] tmpSig = new long[8];

    /**
     * Segment register (Cpu.ES..GS) of the current memory operand, for the FPU data pointer
     * (offset = linear - base, selector). The Interpreter sets it before {@link #execute} when the
     * operand is not DS-relative; it is reset to DS after each instruction.
     */
    public int memSegment = Cpu.DS;

    /** External FERR# (CR0.NE = 0 error reporting); may be null. */
    public FerrListener ferrListener;
    private boolean ferrAsserted;

    public Fpu(Cpu cpu) {
        this.cpu = cpu;
    }

    /** Power-on/RESET state (SDM Vol. 3 Table 9-1): CW 0040H, SW 0, TW 5555H (all +0.0), pointers 0. */
    public void reset() {
        for (int i = 0; i < 8; i++) { regSe[i] = 0; regSig[i] = 0; }
        tagEmpty = 0;
        top = 0;
        cw = 0x0040;
        sw = 0;
        fip = fcs = fdp = fds = fop = 0;
        memSegment = Cpu.DS;
        setFerr(false);
    }

    // =====================================================================================
    // Getters / setters for tests and the differential harness
    // =====================================================================================

    public int getControlWord() { return cw; }
    public int getStatusWord() { return (sw & ~0x3800) | (top << 11); }
    public int getTop() { return top; }
    /** Full tag word (SDM Figure 8-7), derived from the register contents. */
    public int getTagWord() {
        int t = 0;
        for (int r = 0; r < 8; r++) t |= tagOf(r) << (2 * r);
        return t;
    }
    public int getStSe(int i) { return regSe[p(i)]; }
    public long getStSig(int i) { return regSig[p(i)]; }
    public boolean isStEmpty(int i) { return empty(i); }
    public int getFip() { return fip; }
    public int getFcs() { return fcs; }
    public int getFdp() { return fdp; }
    public int getFds() { return fds; }
    public int getFop() { return fop; }
    public boolean isFerrAsserted() { return ferrAsserted; }

    public void setControlWord(int v) { cw = (v & 0x1F7F) | 0x40; updateEs(); }
    public void setStatusWord(int v) { sw = v & ~0x3800; top = (v >> 11) & 7; updateEs(); }
    /** Pushes an m80 value (testing convenience; no exceptions). */
    public void pushRaw(int se, long sig) { push(se & 0xFFFF, sig); }
    public void setStRaw(int i, int se, long sig) { set(i, se & 0xFFFF, sig); }

    /** ST(i) as a double (nearest), for tests and diagnostics. */
    public double getStDouble(int i) { return Transcendental.toDouble(regSe[p(i)], regSig[p(i)]); }

    // =====================================================================================
    // Register stack
    // =====================================================================================

    int p(int i) { return (top + i) & 7; }
    boolean empty(int i) { return ((tagEmpty >> p(i)) & 1) != 0; }
    int se(int i) { return regSe[p(i)]; }
    long sig(int i) { return regSig[p(i)]; }

    void set(int i, int se, long sig) {
        int r = p(i);
        regSe[r] = se;
        regSig[r] = sig;
        tagEmpty &= ~(1 << r);
    }

    void push(int se, long sig) {
        top = (top - 1) & 7;
        set(0, se, sig);
    }

    void pop() {
        tagEmpty |= 1 << p(0);
        top = (top + 1) & 7;
    }

    int tagOf(int r) {
        if (((tagEmpty >> r) & 1) != 0) return 3;
        switch (SoftFloat.classify(regSe[r], regSig[r])) {
            case SoftFloat.ZERO: return 1;
            case SoftFloat.NORMAL: return 0;
            default: return 2;
        }
    }

    // =====================================================================================
    // Exceptions (SDM Vol. 1 §8.4, §8.5, §8.6)
    // =====================================================================================

    /** Recomputes ES/B from the exception flags and the masks (after FLDCW/FLDENV/FRSTOR). */
    void updateEs() {
        if ((sw & ~cw & 0x3F) != 0) sw |= ES | B;
        else { sw &= ~(ES | B); setFerr(false); }
    }

    private void setFerr(boolean on) {
        if (ferrAsserted != on) {
            ferrAsserted = on;
            if (ferrListener != null) ferrListener.ferr(on);
        }
    }

    /** Called by the platform when the FERR#/IRQ13 latch is cleared (e.g. OUT to port F0h). */
    public void clearFerr() { setFerr(false); }

    /** Reports a pending unmasked exception before a waiting instruction (SDM §8.6). */
    private void checkPending() {
        if ((sw & ES) == 0) return;
        if ((cpu.cr0 & Cpu.CR0_NE) != 0) throw new CpuFault(CpuFault.MF);
        setFerr(true);
    }

    /** FWAIT/WAIT: raises a pending unmasked x87 exception (#MF or FERR# per CR0.NE). */
    public void fwait() {
        checkPending();
    }

    /**
     * Stack overflow (C1 = 1) or underflow (C1 = 0): IE + SF (SDM §8.5.1.1).
     * Returns true when IE is unmasked (the instruction is then suppressed).
     */
    boolean stackFault(boolean overflow) {
        sw = (sw & ~C1) | IE | SF | (overflow ? C1 : 0);
        if ((cw & IE) == 0) { sw |= ES | B; return true; }
        return false;
    }

    /** Merges the soft-float flags into the status word; true if the result may be written. */
    boolean finish() {
        int e = sf.exc;
        sw = (sw | e) & ~C1;
        if ((e & PE) != 0 && sf.roundedUp) sw |= C1;
        if ((e & ~cw & 0x3F) != 0) sw |= ES | B;
        return !sf.abort;
    }

    /** Records the FPU instruction/data pointers and opcode of a non-control instruction (SDM §8.1.8-9). */
    private void record(int opcode, int modrm, int linear) {
        fop = ((opcode & 7) << 8) | (modrm & 0xFF);
        fcs = cpu.seg[Cpu.CS].selector;
        fip = cpu.instructionStart;
        if ((modrm & 0xC0) != 0xC0) {
            int s = memSegment & 7;
            if (s > 5) s = Cpu.DS;
            fds = cpu.seg[s].selector;
            fdp = linear - cpu.seg[s].base;
        }
    }

    private void begin() { sf.begin(cw); }

    // =====================================================================================
    // Dispatch (SDM Vol. 2 Appendix A.4, x87 opcode map)
    // =====================================================================================

    /**
     * Executes one x87 escape instruction.
     * @param opcode  0xD8..0xDF
     * @param modrm   the ModRM byte
     * @param linear  linear address of the memory operand (segment base + offset), ignored when mod == 3
     * @param op32    32-bit operand size (FLDENV/FSTENV/FSAVE/FRSTOR layout)
     */
    public void execute(int opcode, int modrm, int linear, boolean op32) {
        try {
            if ((modrm & 0xC0) != 0xC0) executeMem(opcode & 7, modrm & 0xFF, linear, op32);
            else executeReg(opcode & 7, modrm & 0xFF);
        } finally {
            memSegment = Cpu.DS;
        }
    }

    private void executeMem(int op, int modrm, int lin, boolean op32) {
        int r = (modrm >> 3) & 7;
        // control instructions first: they neither wait nor record pointers (or only wait)
        if (op == 1 && r >= 4) {
            switch (r) {
                case 4: checkPending(); FpuState.fldenv(this, cpu, lin, op32); return;
                case 5: checkPending(); fldcw(cpu.readLinear16(lin)); return;
                case 6: FpuState.fnstenv(this, cpu, lin, op32); return;
                default: cpu.writeLinear16(lin, cw); return;
            }
        }
        if (op == 5 && (r == 4 || r == 6 || r == 7)) {
            if (r == 4) { checkPending(); FpuState.frstor(this, cpu, lin, op32); }
            else if (r == 6) FpuState.fnsave(this, cpu, lin, op32);
            else cpu.writeLinear16(lin, getStatusWord());
            return;
        }
        if (r == 1 && (op & 1) != 0) throw CpuFault.ud();                    // FISTTP is SSE3
        if ((op == 3 && (r == 4 || r == 6)) || (op == 5 && r == 5)) throw CpuFault.ud();
        checkPending();
        int oFip = fip, oFcs = fcs, oFdp = fdp, oFds = fds, oFop = fop;
        record(0xD8 | op, modrm, lin);
        try {
            executeMemOp(op, r, modrm, lin);
        } catch (CpuFault fault) {
            // a page fault on the operand: the instruction did not execute (memory is accessed before
            // any register/status change), so the previous pointers stay visible (SDM §8.1.8)
            fip = oFip; fcs = oFcs; fdp = oFdp; fds = oFds; fop = oFop;
            throw fault;
        }
    }

    private void executeMemOp(int op, int r, int modrm, int lin) {
        switch (op) {
            case 0: { int v = cpu.readLinear32(lin); begin(); sf.fromSingle(v); arithMem(r); return; }
            case 2: { int v = cpu.readLinear32(lin); begin(); sf.fromLong(v); arithMem(r); return; }
            case 4: { long v = read64(lin); begin(); sf.fromDouble(v); arithMem(r); return; }
            case 6: { int v = (short) cpu.readLinear16(lin); begin(); sf.fromLong(v); arithMem(r); return; }
            case 1:
                if (r == 0) { int v = cpu.readLinear32(lin); begin(); sf.fromSingle(v); fldConverted(true); }
                else storeFloat(lin, SoftFloat.SGL, r == 3);
                return;
            case 3:
                switch (r) {
                    case 0: { int v = cpu.readLinear32(lin); begin(); sf.fromLong(v); fldConverted(false); return; }
                    case 2: case 3: storeInt(lin, 32, r == 3); return;
                    case 5: {
                        long sig = read64(lin);
                        int se = cpu.readLinear16(lin + 8);
                        begin();
                        sf.result(se, sig);
                        fldConverted(false);
                        return;
                    }
                    default: storeExt(lin); return;
                }
            case 5:
                if (r == 0) { long v = read64(lin); begin(); sf.fromDouble(v); fldConverted(true); }
                else storeFloat(lin, SoftFloat.DBL, r == 3);
                return;
            default: // DF
                switch (r) {
                    case 0: { int v = (short) cpu.readLinear16(lin); begin(); sf.fromLong(v); fldConverted(false); return; }
                    case 2: case 3: storeInt(lin, 16, r == 3); return;
                    case 4: fbld(lin); return;
                    case 5: { long v = read64(lin); begin(); sf.fromLong(v); fldConverted(false); return; }
                    case 6: fbstp(lin); return;
                    default: storeInt(lin, 64, true); return;
                }
        }
    }

    private void executeReg(int op, int modrm) {
        int r = (modrm >> 3) & 7, i = modrm & 7;
        switch (op) {
            case 0: // D8: ST(0) op ST(i)
                wait(op, modrm);
                if (r == 2 || r == 3) fcom(i, false, r == 3 ? 1 : 0);
                else arithReg(r, 0, i, false);
                return;
            case 1: executeD9(r, i, modrm); return;
            case 2: // DA
                if (r <= 3) { wait(op, modrm); fcmov(r, false, i); return; }
                if (modrm == 0xE9) { wait(op, modrm); fcom(1, true, 2); return; }
                throw CpuFault.ud();
            case 3: // DB
                if (r <= 3) { wait(op, modrm); fcmov(r, true, i); return; }
                if (r == 5 || r == 6) { wait(op, modrm); fcomi(i, r == 5, false); return; }
                if (r == 4) {
                    switch (i) {
                        case 0: case 1: case 4: return;            // FNENI, FNDISI, FNSETPM: no-ops on 387+
                        case 2: fnclex(); return;
                        case 3: fninit(); return;
                        default: break;
                    }
                }
                throw CpuFault.ud();
            case 4: // DC: ST(i) op ST(0)
                wait(op, modrm);
                if (r == 2 || r == 3) fcom(i, false, r == 3 ? 1 : 0);
                else arithReg(r, i, i, false);
                return;
            case 5: // DD
                switch (r) {
                    case 0: wait(op, modrm); tagEmpty |= 1 << p(i); sw &= ~C1; return;      // FFREE
                    case 1: wait(op, modrm); fxch(i); return;
                    case 2: case 3: wait(op, modrm); fstReg(i, r == 3); return;
                    case 4: case 5: wait(op, modrm); fcom(i, true, r == 5 ? 1 : 0); return;
                    default: throw CpuFault.ud();
                }
            case 6: // DE: ST(i) op ST(0), pop
                if (r == 3 && i != 1) throw CpuFault.ud();
                wait(op, modrm);
                if (r == 2) fcom(i, false, 1);
                else if (r == 3) fcom(1, false, 2);
                else arithReg(r, i, i, true);
                return;
            default: // DF
                switch (r) {
                    case 0: wait(op, modrm); tagEmpty |= 1 << p(i); pop(); sw &= ~C1; return;  // FFREEP
                    case 1: wait(op, modrm); fxch(i); return;
                    case 2: case 3: wait(op, modrm); fstReg(i, true); return;
                    case 4:
                        if (i != 0) throw CpuFault.ud();
                        cpu.reg[Cpu.EAX] = (cpu.reg[Cpu.EAX] & 0xFFFF0000) | getStatusWord();   // FNSTSW AX
                        return;
                    case 5: case 6: wait(op, modrm); fcomi(i, r == 5, true); return;
                    default: throw CpuFault.ud();
                }
        }
    }

    private void executeD9(int r, int i, int modrm) {
        switch (r) {
            case 0: wait(1, modrm); fldReg(i); return;
            case 1: wait(1, modrm); fxch(i); return;
            case 2: if (i != 0) throw CpuFault.ud(); wait(1, modrm); return;             // FNOP
            case 3: wait(1, modrm); fstReg(i, true); return;                            // FSTP1 alias
            case 4:
                if (i == 2 || i == 3 || i >= 6) throw CpuFault.ud();
                wait(1, modrm);
                switch (i) {
                    case 0: unarySign(0x8000, true); return;     // FCHS
                    case 1: unarySign(0x8000, false); return;    // FABS
                    case 4: ftst(); return;
                    default: fxam(); return;
                }
            case 5:
                if (i == 7) throw CpuFault.ud();
                wait(1, modrm);
                fldConst(i);
                return;
            case 6:
                wait(1, modrm);
                switch (i) {
                    case 0: Transcendental.f2xm1(this); return;
                    case 1: Transcendental.fyl2x(this, false); return;
                    case 2: Transcendental.ftrig(this, 2); return;
                    case 3: Transcendental.fpatan(this); return;
                    case 4: fxtract(); return;
                    case 5: fprem(true); return;
                    case 6: top = (top - 1) & 7; sw &= ~C1; return;                     // FDECSTP
                    default: top = (top + 1) & 7; sw &= ~C1; return;                    // FINCSTP
                }
            default:
                wait(1, modrm);
                switch (i) {
                    case 0: fprem(false); return;
                    case 1: Transcendental.fyl2x(this, true); return;
                    case 2: unaryArith(0); return;                                      // FSQRT
                    case 3: Transcendental.ftrig(this, 3); return;
                    case 4: unaryArith(1); return;                                      // FRNDINT
                    case 5: fscale(); return;
                    case 6: Transcendental.ftrig(this, 0); return;
                    default: Transcendental.ftrig(this, 1); return;
                }
        }
    }

    private void wait(int op, int modrm) {
        checkPending();
        record(0xD8 | op, modrm, 0);
    }

    // =====================================================================================
    // Control instructions
    // =====================================================================================

    void fldcw(int v) {
        cw = (v & 0x1F7F) | 0x40;
        updateEs();
    }

    void fnclex() {
        sw &= ~(0x3F | SF | ES | B);
        setFerr(false);
    }

    void fninit() {
        cw = 0x037F;
        sw = 0;
        top = 0;
        tagEmpty = 0xFF;
        fip = fcs = fdp = fds = fop = 0;
        setFerr(false);
    }

    // =====================================================================================
    // Loads and stores
    // =====================================================================================

    private long read64(int lin) {
        long lo = cpu.readLinear32(lin) & 0xFFFFFFFFL;
        return lo | ((long) cpu.readLinear32(lin + 4) << 32);
    }

    private void write64(int lin, long v) {
        cpu.writeLinear32(lin, (int) v);
        cpu.writeLinear32(lin + 4, (int) (v >>> 32));
    }

    /** Pushes sf's converted value (rSe/rSig); checkSrc: m32/m64 source (SNaN → IE, denormal → DE). */
    private void fldConverted(boolean checkSrc) {
        if (!empty(7)) {
            if (!stackFault(true)) push(SoftFloat.IND_SE, SoftFloat.IND_SIG);
            return;
        }
        int se = sf.rSe;
        long sig = sf.rSig;
        if (checkSrc) {
            if (SoftFloat.classify(se, sig) == SoftFloat.SNAN) {
                sf.exc |= IE;
                if ((cw & IE) == 0) sf.abort = true;
                sig |= 0x4000000000000000L;
            } else if (sf.srcDenormal) {
                sf.denormal();
            }
        }
        if (!finish()) return;
        push(se, sig);
    }

    private void fldReg(int i) {
        if (!empty(7)) {
            if (!stackFault(true)) push(SoftFloat.IND_SE, SoftFloat.IND_SIG);
            return;
        }
        if (empty(i)) {
            if (!stackFault(false)) push(SoftFloat.IND_SE, SoftFloat.IND_SIG);
            return;
        }
        int se = se(i);
        long sig = sig(i);
        push(se, sig);
        sw &= ~C1;
    }

    private void fldConst(int i) {
        if (!empty(7)) {
            if (!stackFault(true)) push(SoftFloat.IND_SE, SoftFloat.IND_SIG);
            return;
        }
        sw &= ~C1;
        switch (i) {
            case 0: push(0x3FFF, SoftFloat.TOP); return;  // FLD1
            case 6: push(0, 0); return;                   // FLDZ
            default: break;
        }
        // 128-bit values of log2(10), log2(e), pi, log10(2), ln(2), rounded per RC (SDM FLDPI etc.)
        int se;
        long hi, lo;
        switch (i) {
            case 1: se = 0x4000; hi = 0xD49A784BCD1B8AFEL; lo = 0x492BF6FF4DAFDB4CL; break;
            case 2: se = 0x3FFF; hi = 0xB8AA3B295C17F0BBL; lo = 0xBE87FED0691D3E88L; break;
            case 3: se = 0x4000; hi = 0xC90FDAA22168C234L; lo = 0xC4C6628B80DC1CD1L; break;
            case 4: se = 0x3FFD; hi = 0x9A209A84FBCFF798L; lo = 0x8F8959AC0B7C9178L; break;
            default: se = 0x3FFE; hi = 0xB17217F7D1CF79ABL; lo = 0xC9E3B39803F2F6AFL; break;
        }
        begin();
        sf.roundPack(0, se - 16383, hi, lo, 64, SoftFloat.EXT, true);
        push(sf.rSe, sf.rSig);
    }

    /** FST/FSTP m32/m64. Memory is written before any FPU state changes (fault safety). */
    private void storeFloat(int lin, int fmt, boolean popAfter) {
        boolean dbl = fmt == SoftFloat.DBL;
        if (empty(0)) {
            if ((cw & IE) != 0) {
                if (dbl) write64(lin, 0xFFF8000000000000L); else cpu.writeLinear32(lin, 0xFFC00000);
                stackFault(false);
                if (popAfter) pop();
            } else stackFault(false);
            return;
        }
        begin();
        sf.toFloat(se(0), sig(0), fmt);
        if (!sf.abort) {
            if (dbl) write64(lin, sf.rBits); else cpu.writeLinear32(lin, (int) sf.rBits);
        }
        if (finish() && popAfter) pop();
    }

    private void storeInt(int lin, int width, boolean popAfter) {
        long bits;
        if (empty(0)) {
            if ((cw & IE) != 0) {
                writeInt(lin, width, width == 64 ? Long.MIN_VALUE : width == 32 ? 0x80000000L : 0x8000L);
                stackFault(false);
                if (popAfter) pop();
            } else stackFault(false);
            return;
        }
        begin();
        sf.toInt(se(0), sig(0), width);
        bits = sf.rBits;
        if (!sf.abort) writeInt(lin, width, bits);
        if (finish() && popAfter) pop();
    }

    private void writeInt(int lin, int width, long v) {
        if (width == 16) cpu.writeLinear16(lin, (int) v & 0xFFFF);
        else if (width == 32) cpu.writeLinear32(lin, (int) v);
        else write64(lin, v);
    }

    private void storeExt(int lin) {
        int se;
        long sig;
        if (empty(0)) {
            if ((cw & IE) == 0) { stackFault(false); return; }
            se = SoftFloat.IND_SE;
            sig = SoftFloat.IND_SIG;
            write64(lin, sig);
            cpu.writeLinear16(lin + 8, se);
            stackFault(false);
            pop();
            return;
        }
        se = se(0);
        sig = sig(0);
        write64(lin, sig);
        cpu.writeLinear16(lin + 8, se);
        sw &= ~C1;
        pop();
    }

    private void fbld(int lin) {
        long lo = read64(lin);
        int hi = cpu.readLinear16(lin + 8);
        long v = 0;
        for (int k = 8; k >= 0; k--) {
            int b = k == 8 ? hi & 0xFF : (int) (lo >>> (8 * k)) & 0xFF;
            v = v * 100 + ((b >> 4) & 0xF) * 10 + (b & 0xF);
        }
        begin();
        sf.fromLong(v);
        if ((hi & 0x8000) != 0) sf.rSe |= 0x8000;
        fldConverted(false);
    }

    private void fbstp(int lin) {
        if (empty(0)) {
            if ((cw & IE) != 0) {
                write64(lin, 0xC000000000000000L);
                cpu.writeLinear16(lin + 8, 0xFFFF);
                stackFault(false);
                pop();
            } else stackFault(false);
            return;
        }
        begin();
        sf.toInt(se(0), sig(0), 64);
        long v = sf.rBits;
        long mag = v < 0 ? -v : v;
        if (!sf.abort && (sf.exc & IE) == 0 && (v == Long.MIN_VALUE || mag > 999999999999999999L)) {
            sf.exc = (sf.exc & ~PE) | IE;
            sf.roundedUp = false;
            if ((cw & IE) == 0) sf.abort = true;
        }
        if (!sf.abort) {
            if ((sf.exc & IE) != 0) {
                write64(lin, 0xC000000000000000L);
                cpu.writeLinear16(lin + 8, 0xFFFF);
            } else {
                long packed = 0;
                for (int k = 0; k < 8; k++) {
                    long d0 = mag % 10, d1 = (mag / 10) % 10;
                    packed |= (d0 | (d1 << 4)) << (8 * k);
                    mag /= 100;
                }
                int top2 = (int) ((mag % 10) | ((mag / 10) % 10) << 4);
                write64(lin, packed);
                cpu.writeLinear16(lin + 8, top2 | (se(0) & 0x8000));
            }
        }
        if (finish()) pop();
    }

    private void fstReg(int i, boolean popAfter) {
        if (empty(0)) {
            if (stackFault(false)) return;
            set(i, SoftFloat.IND_SE, SoftFloat.IND_SIG);
        } else {
            set(i, se(0), sig(0));
            sw &= ~C1;
        }
        if (popAfter) pop();
    }

    private void fxch(int i) {
        if (empty(0) || empty(i)) {
            if (stackFault(false)) return;
            if (empty(0)) set(0, SoftFloat.IND_SE, SoftFloat.IND_SIG);
            if (empty(i)) set(i, SoftFloat.IND_SE, SoftFloat.IND_SIG);
        } else sw &= ~C1;
        int a = p(0), b = p(i);
        int tse = regSe[a]; regSe[a] = regSe[b]; regSe[b] = tse;
        long tsig = regSig[a]; regSig[a] = regSig[b]; regSig[b] = tsig;
    }

    private void fcmov(int cond, boolean negate, int i) {
        if (empty(0) || empty(i)) {
            if (stackFault(false)) return;
            set(0, SoftFloat.IND_SE, SoftFloat.IND_SIG);   // masked: ST(0) = indefinite
            return;
        }
        sw &= ~C1;
        int f = cpu.getEflags();
        boolean c;
        switch (cond) {
            case 0: c = (f & Cpu.CF) != 0; break;
            case 1: c = (f & Cpu.ZF) != 0; break;
            case 2: c = (f & (Cpu.CF | Cpu.ZF)) != 0; break;
            default: c = (f & Cpu.PF) != 0; break;
        }
        if (c != negate) set(0, se(i), sig(i));
    }

    // =====================================================================================
    // Arithmetic
    // =====================================================================================

    /** D8/DA/DC/DE memory forms: ST(0) = ST(0) op m (operand already converted into sf.rSe/rSig). */
    private void arithMem(int r) {
        int bSe = sf.rSe;
        long bSig = sf.rSig;
        if (empty(0)) {
            if (stackFault(false)) return;
            if (r == 2 || r == 3) { setCompareCc(SoftFloat.UN); if (r == 3) pop(); }
            else set(0, SoftFloat.IND_SE, SoftFloat.IND_SIG);
            return;
        }
        if (r == 2 || r == 3) {
            int rel = sf.compare(se(0), sig(0), bSe, bSig, false);
            if (!finish()) return;
            setCompareCc(rel);
            if (r == 3) pop();
            return;
        }
        compute(r, se(0), sig(0), bSe, bSig);
        if (finish()) set(0, sf.rSe, sf.rSig);
    }

    /** Register forms: a = ST(0), b = ST(i); result to ST(dst). */
    private void arithReg(int r, int dst, int i, boolean popAfter) {
        if (empty(0) || empty(i)) {
            if (stackFault(false)) return;
            set(dst, SoftFloat.IND_SE, SoftFloat.IND_SIG);
            if (popAfter) pop();
            return;
        }
        begin();
        compute(r, se(0), sig(0), se(i), sig(i));
        if (!finish()) return;
        set(dst, sf.rSe, sf.rSig);
        if (popAfter) pop();
    }

    /** r: 0 a+b, 1 a*b, 4 a-b, 5 b-a, 6 a/b, 7 b/a. */
    private void compute(int r, int aSe, long aSig, int bSe, long bSig) {
        switch (r) {
            case 0: sf.add(aSe, aSig, bSe, bSig, false); break;
            case 1: sf.mul(aSe, aSig, bSe, bSig); break;
            case 4: sf.add(aSe, aSig, bSe, bSig, true); break;
            case 5: sf.add(bSe, bSig, aSe, aSig, true); break;
            case 6: sf.div(aSe, aSig, bSe, bSig); break;
            default: sf.div(bSe, bSig, aSe, aSig); break;
        }
    }

    /** FSQRT (kind 0) / FRNDINT (kind 1). */
    private void unaryArith(int kind) {
        if (empty(0)) {
            if (!stackFault(false)) set(0, SoftFloat.IND_SE, SoftFloat.IND_SIG);
            return;
        }
        begin();
        if (kind == 0) sf.sqrt(se(0), sig(0)); else sf.roundInt(se(0), sig(0));
        if (finish()) set(0, sf.rSe, sf.rSig);
    }

    /** FCHS (flip) / FABS (clear sign). */
    private void unarySign(int bit, boolean flip) {
        if (empty(0)) {
            if (!stackFault(false)) set(0, SoftFloat.IND_SE, SoftFloat.IND_SIG);
            return;
        }
        sw &= ~C1;
        int se = se(0);
        set(0, flip ? se ^ bit : se & ~bit, sig(0));
    }

    void setCompareCc(int rel) {
        sw &= ~CC;
        switch (rel) {
            case SoftFloat.LT: sw |= C0; break;
            case SoftFloat.EQ: sw |= C3; break;
            case SoftFloat.UN: sw |= C0 | C2 | C3; break;
            default: break;
        }
    }

    /** FCOM/FCOMP/FCOMPP/FUCOM*: compare ST(0) with ST(i); pops = 0, 1 or 2. */
    private void fcom(int i, boolean quiet, int pops) {
        if (empty(0) || empty(i)) {
            if (stackFault(false)) return;
            setCompareCc(SoftFloat.UN);
        } else {
            begin();
            int rel = sf.compare(se(0), sig(0), se(i), sig(i), quiet);
            if (!finish()) return;
            setCompareCc(rel);
        }
        for (int k = 0; k < pops; k++) pop();
    }

    /** FCOMI/FUCOMI(P): ZF, PF, CF from the comparison; OF, SF, AF cleared (SDM Vol. 2A FCOMI). */
    private void fcomi(int i, boolean quiet, boolean popAfter) {
        // OF, SF and AF are cleared "regardless of whether an invalid-operation exception is detected";
        // ZF, PF and CF stay unchanged when an unmasked exception suppresses the result (SDM Vol. 2A FCOMI).
        cpu.setEflags(cpu.getEflags() & ~(Cpu.OF | Cpu.SF | Cpu.AF));
        int rel;
        if (empty(0) || empty(i)) {
            if (stackFault(false)) return;
            rel = SoftFloat.UN;
        } else {
            begin();
            rel = sf.compare(se(0), sig(0), se(i), sig(i), quiet);
            if (!finish()) return;
        }
        int f = cpu.getEflags() & ~(Cpu.ZF | Cpu.PF | Cpu.CF | Cpu.OF | Cpu.SF | Cpu.AF);
        switch (rel) {
            case SoftFloat.LT: f |= Cpu.CF; break;
            case SoftFloat.EQ: f |= Cpu.ZF; break;
            case SoftFloat.UN: f |= Cpu.ZF | Cpu.PF | Cpu.CF; break;
            default: break;
        }
        cpu.setEflags(f);
        if (popAfter) pop();
    }

    private void ftst() {
        if (empty(0)) {
            if (!stackFault(false)) setCompareCc(SoftFloat.UN);
            return;
        }
        begin();
        int rel = sf.compare(se(0), sig(0), 0, 0, false);
        if (finish()) setCompareCc(rel);
    }

    /** FXAM (SDM Vol. 2A FXAM table): C1 = sign; C3,C2,C0 = class. */
    private void fxam() {
        int se = se(0);
        int bits;
        if (empty(0)) bits = C3 | C0;
        else {
            switch (SoftFloat.classify(se, sig(0))) {
                case SoftFloat.UNSUPPORTED: bits = 0; break;
                case SoftFloat.QNAN: case SoftFloat.SNAN: bits = C0; break;
                case SoftFloat.NORMAL: bits = C2; break;
                case SoftFloat.INF: bits = C2 | C0; break;
                case SoftFloat.ZERO: bits = C3; break;
                default: bits = C3 | C2; break;
            }
        }
        if ((se & 0x8000) != 0) bits |= C1;                // also for an empty register (stale content)
        sw = (sw & ~CC) | bits;
    }

    // =====================================================================================
    // FSCALE, FXTRACT, FPREM, FPREM1
    // =====================================================================================

    private void fscale() {
        if (empty(0) || empty(1)) {
            if (!stackFault(false)) set(0, SoftFloat.IND_SE, SoftFloat.IND_SIG);
            return;
        }
        begin();
        int aSe = se(0), bSe = se(1);
        long aSig = sig(0), bSig = sig(1);
        int ca = SoftFloat.classify(aSe, aSig), cb = SoftFloat.classify(bSe, bSig);
        if (ca == SoftFloat.UNSUPPORTED || cb == SoftFloat.UNSUPPORTED) sf.invalid();
        else if (SoftFloat.isNaN(ca) || SoftFloat.isNaN(cb)) sf.propagateNaN(aSe, aSig, ca, bSe, bSig, cb);
        else if (cb == SoftFloat.INF) {
            boolean bNeg = (bSe & 0x8000) != 0;
            if (ca == SoftFloat.ZERO && !bNeg) sf.invalid();
            else if (ca == SoftFloat.INF && bNeg) sf.invalid();
            else if ((ca == SoftFloat.DENORMAL) && sf.denormal()) { /* suppressed */ }
            else if (ca == SoftFloat.ZERO || ca == SoftFloat.INF) sf.result(aSe, aSig);
            else sf.result(bNeg ? aSe & 0x8000 : (aSe & 0x8000) | 0x7FFF, bNeg ? 0 : SoftFloat.TOP);
        } else if ((ca == SoftFloat.DENORMAL || cb == SoftFloat.DENORMAL) && sf.denormal()) {
            // suppressed
        } else if (ca == SoftFloat.ZERO || ca == SoftFloat.INF) {
            sf.result(aSe, aSig);
        } else {
            int n;
            if (cb == SoftFloat.ZERO) n = 0;
            else {
                sf.unpackB(bSe, bSig);
                if (sf.bExp >= 30) n = 1 << 30;
                else if (sf.bExp < 0) n = 0;
                else n = (int) (sf.bSig >>> (63 - sf.bExp));
                if (sf.bSign != 0) n = -n;
            }
            sf.unpackA(aSe, aSig);
            sf.roundPack(sf.aSign, sf.aExp + n, sf.aSig, 0, 64, SoftFloat.EXT, true);
        }
        if (finish()) set(0, sf.rSe, sf.rSig);
    }

    private void fxtract() {
        if (empty(0)) {
            if (!stackFault(false)) { set(0, SoftFloat.IND_SE, SoftFloat.IND_SIG); push(SoftFloat.IND_SE, SoftFloat.IND_SIG); }
            return;
        }
        if (!empty(7)) {
            if (!stackFault(true)) { set(0, SoftFloat.IND_SE, SoftFloat.IND_SIG); push(SoftFloat.IND_SE, SoftFloat.IND_SIG); }
            return;
        }
        begin();
        int se = se(0);
        long sig = sig(0);
        int c = SoftFloat.classify(se, sig);
        int expSe, sigSe;
        long expSig, sigSig;
        switch (c) {
            case SoftFloat.UNSUPPORTED:
                sf.invalid();
                expSe = sigSe = SoftFloat.IND_SE; expSig = sigSig = SoftFloat.IND_SIG;
                break;
            case SoftFloat.QNAN: case SoftFloat.SNAN:
                sf.propagateNaN(se, sig, c, se, sig, c);
                expSe = sigSe = sf.rSe; expSig = sigSig = sf.rSig;
                break;
            case SoftFloat.ZERO:
                sf.exc |= ZE;                                  // SDM FXTRACT: zero → #Z, ST(1) = -∞
                if ((cw & ZE) == 0) sf.abort = true;
                expSe = 0xFFFF; expSig = SoftFloat.TOP; sigSe = se; sigSig = sig;
                break;
            case SoftFloat.INF:
                expSe = 0x7FFF; expSig = SoftFloat.TOP; sigSe = se; sigSig = sig;
                break;
            default:
                if (c == SoftFloat.DENORMAL) sf.denormal();
                sf.unpackA(se, sig);
                sigSe = (se & 0x8000) | 0x3FFF;
                sigSig = sf.aSig;
                sf.fromLong(sf.aExp);
                expSe = sf.rSe; expSig = sf.rSig;
                break;
        }
        if (!finish()) return;
        set(0, expSe, expSig);
        push(sigSe, sigSig);
    }

    private void fprem(boolean ieee) {
        if (empty(0) || empty(1)) {
            if (!stackFault(false)) { set(0, SoftFloat.IND_SE, SoftFloat.IND_SIG); sw &= ~C2; }
            return;
        }
        begin();
        int aSe = se(0), bSe = se(1);
        long aSig = sig(0), bSig = sig(1);
        int ca = SoftFloat.classify(aSe, aSig), cb = SoftFloat.classify(bSe, bSig);
        int ccBits = 0;   // C0/C1/C2/C3 to set on success
        if (ca == SoftFloat.UNSUPPORTED || cb == SoftFloat.UNSUPPORTED) sf.invalid();
        else if (SoftFloat.isNaN(ca) || SoftFloat.isNaN(cb)) sf.propagateNaN(aSe, aSig, ca, bSe, bSig, cb);
        else if (ca == SoftFloat.INF || cb == SoftFloat.ZERO) sf.invalid();
        else if ((ca == SoftFloat.DENORMAL || cb == SoftFloat.DENORMAL) && sf.denormal()) { /* suppressed */ }
        else if (ca == SoftFloat.ZERO) sf.result(aSe, aSig);
        else if (cb == SoftFloat.INF) {
            sf.unpackA(aSe, aSig);                       // exact; normalizes pseudo-denormals
            sf.roundPack(sf.aSign, sf.aExp, sf.aSig, 0, 64, SoftFloat.EXT, true);
        } else {
            sf.unpackA(aSe, aSig);
            sf.unpackB(bSe, bSig);
            int d = sf.aExp - sf.bExp;
            int sign = sf.aSign;
            if (d < 0) {
                if (ieee && d == -1 && SoftFloat.uLess(sf.bSig, sf.aSig)) {
                    // |a| in (|b|/2, |b|): quotient 1, remainder -(|b| - |a|)
                    long m = sf.bSig - (sf.aSig >>> 1);
                    long mag = (m << 1) - (sf.aSig & 1);
                    int z = Long.numberOfLeadingZeros(mag);
                    sf.roundPack(sign ^ 1, sf.aExp - z, mag << z, 0, 64, SoftFloat.EXT, true);
                    ccBits = C1;
                } else sf.roundPack(sign, sf.aExp, sf.aSig, 0, 64, SoftFloat.EXT, true);   // exact; normalizes pseudo-denormals
            } else {
                boolean partial = d >= 64;
                int n = partial ? 32 + (d & 31) : d;     // SDM FPREM: partial reduction by 2^(D-N)
                long r = sf.aSig, q = 0;
                int rTop = 0;
                for (int k = 0; k <= n; k++) {
                    q <<= 1;
                    if (rTop != 0 || !SoftFloat.uLess(r, sf.bSig)) { r -= sf.bSig; q |= 1; }
                    if (k < n) { rTop = (int) (r >>> 63); r <<= 1; }
                }
                if (ieee && !partial) {
                    long other = sf.bSig - r;
                    if (SoftFloat.uLess(other, r) || (other == r && (q & 1) != 0)) { q++; r = other; sign ^= 1; }
                }
                if (r == 0) sf.result(sf.aSign << 15, 0);
                else {
                    int z = Long.numberOfLeadingZeros(r);
                    sf.roundPack(sign, sf.aExp - n - z, r << z, 0, 64, SoftFloat.EXT, true);
                }
                if (partial) ccBits = C2;                 // incomplete: quotient bits read as 0 on hardware
                else {
                    if ((q & 4) != 0) ccBits |= C0;
                    if ((q & 2) != 0) ccBits |= C3;
                    if ((q & 1) != 0) ccBits |= C1;
                }
            }
        }
        if (!finish()) return;
        sw = (sw & ~CC) | ccBits;
        set(0, sf.rSe, sf.rSig);
    }

    // =====================================================================================
    // FXSAVE / FXRSTOR (SDM Vol. 2A FXSAVE, Table 3-53, legacy 32-bit layout, no XMM state)
    // =====================================================================================

    public void fxsave(int linear) {
        if ((linear & 15) != 0) throw CpuFault.gp(0);
        FpuState.fxsave(this, cpu, linear);
    }

    public void fxrstor(int linear) {
        if ((linear & 15) != 0) throw CpuFault.gp(0);
        FpuState.fxrstor(this, cpu, linear);
    }

    // ------------------------------------------------------------------ snapshot (org.x86play.snapshot)

    /** Physical registers R0..R7 as 80-bit values, tags, control/status words, last instruction/data pointers, FERR#. */
    public void saveState(StateWriter w) {
        for (int i = 0; i < 8; i++) w.u16(regSe[i]).i64(regSig[i]);
        w.u8(tagEmpty).u8(top).u16(cw).u16(sw);
        w.i32(fip).i32(fcs).i32(fdp).i32(fds).i32(fop).bool(ferrAsserted);
    }

    public void loadState(StateReader r) throws SnapshotFormatException {
        for (int i = 0; i < 8; i++) {
            regSe[i] = r.u16();
            regSig[i] = r.i64();
        }
        tagEmpty = r.u8();
        top = r.u8();
        if (top > 7) throw r.fail("FPU TOP must be 0..7, got " + top);
        cw = (r.u16() & 0x1F7F) | 0x40;
        sw = r.u16() & ~0x3800;
        fip = r.i32();
        fcs = r.i32() & 0xFFFF;
        fdp = r.i32();
        fds = r.i32() & 0xFFFF;
        fop = r.i32() & 0x7FF;
        ferrAsserted = r.bool("FERR# flag");
        memSegment = Cpu.DS;
    }
}
