package org.x86play.conformance;

import java.util.SplittableRandom;

/**
 * Builds one {@link DiffCase}: random inputs biased toward edge values, and an encoder for
 * ModRM/SIB memory operands whose effective address lands inside the shared memory block.
 */
final class CaseBuilder {
    static final int EAX = 0, ECX = 1, EDX = 2, EBX = 3, ESP = 4, EBP = 5, ESI = 6, EDI = 7;
    static final int CF = 1, PF = 4, AF = 0x10, ZF = 0x40, SF = 0x80, DF = 0x400, OF = 0x800;
    static final int ARITH = CF | PF | AF | ZF | SF | OF;

    private static final int[] EDGE8 = {0, 1, 2, 0x0F, 0x10, 0x7E, 0x7F, 0x80, 0x81, 0xFE, 0xFF};
    private static final int[] EDGE16 = {0, 1, 2, 0x7F, 0x80, 0xFF, 0x100, 0x7FFE, 0x7FFF, 0x8000, 0x8001, 0xFFFE, 0xFFFF};
    private static final int[] EDGE32 = {0, 1, 2, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x10000,
            0x7FFFFFFE, 0x7FFFFFFF, 0x80000000, 0x80000001, 0xFFFFFFFE, 0xFFFFFFFF};

    final SplittableRandom rnd;
    final DiffCase c = new DiffCase();

    CaseBuilder(SplittableRandom rnd) {
        this.rnd = rnd;
        for (int i = 0; i < 8; i++) c.regs[i] = initialReg();
        c.regs[ESP] = 0;
        c.eflags = rnd.nextInt() & (ARITH | DF);
    }

    // ------------------------------------------------------------------ values

    int bool(int percent) { return rnd.nextInt(100) < percent ? 1 : 0; }
    boolean chance(int percent) { return rnd.nextInt(100) < percent; }
    int pick(int... v) { return v[rnd.nextInt(v.length)]; }

    /** A value of {@code bits} width (8/16/32), zero-extended, biased toward edges. */
    int val(int bits) {
        int k = rnd.nextInt(10);
        int v;
        if (k < 4) {
            int[] e = bits == 8 ? EDGE8 : bits == 16 ? EDGE16 : EDGE32;
            v = e[rnd.nextInt(e.length)];
        } else if (k < 5) {
            v = rnd.nextInt(33) - 16;
        } else {
            v = rnd.nextInt();
        }
        return mask(v, bits);
    }

    static int mask(int v, int bits) {
        return bits == 32 ? v : v & ((1 << bits) - 1);
    }

    /** Shift/rotate counts: 0, 1, size-1, size, size+1, 31, 32, and random bytes. */
    int count(int bits) {
        if (chance(30)) return rnd.nextInt(256);
        return pick(0, 1, 2, bits - 1, bits, bits + 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 255);
    }

    private int initialReg() {
        switch (rnd.nextInt(5)) {
            case 0: return rnd.nextInt();
            case 1: return val(32);
            case 2: return (rnd.nextInt() & 0xFFFF0000) | val(16);
            case 3: return (rnd.nextInt() & 0xFFFFFF00) | val(8);
            default: return (rnd.nextInt() & 0xFFFF00FF) | val(8) << 8;
        }
    }

    /** A general register other than ESP. */
    int reg() {
        int r = rnd.nextInt(7);
        return r >= ESP ? r + 1 : r;
    }

    /** A general register other than ESP and those in {@code reserved} (bit mask). */
    int regExcept(int reserved) {
        for (;;) {
            int r = reg();
            if ((reserved & 1 << r) == 0) return r;
        }
    }

    /** Any 8-bit register encoding (AL CL DL BL AH CH DH BH). */
    int reg8() { return rnd.nextInt(8); }

    // ------------------------------------------------------------------ register access by size

    void set(int bits, int r, int v) {
        if (bits == 32) c.regs[r] = v;
        else if (bits == 16) c.regs[r] = (c.regs[r] & 0xFFFF0000) | (v & 0xFFFF);
        else if (r < 4) c.regs[r] = (c.regs[r] & ~0xFF) | (v & 0xFF);
        else c.regs[r - 4] = (c.regs[r - 4] & ~0xFF00) | (v & 0xFF) << 8;
    }

    int get(int bits, int r) {
        if (bits == 32) return c.regs[r];
        if (bits == 16) return c.regs[r] & 0xFFFF;
        return r < 4 ? c.regs[r] & 0xFF : (c.regs[r - 4] >> 8) & 0xFF;
    }

    // ------------------------------------------------------------------ memory block

    byte[] mem() {
        if (c.mem == null) {
            c.mem = new byte[DiffCase.BLOCK_SIZE];
            rnd.nextBytes(c.mem);
        }
        return c.mem;
    }

    void memPut(int off, int bits, int v) {
        byte[] m = mem();
        for (int i = 0; i < bits / 8; i++) m[off + i] = (byte) (v >> 8 * i);
    }

    int memGet(int off, int bits) {
        byte[] m = mem();
        int v = 0;
        for (int i = 0; i < bits / 8; i++) v |= (m[off + i] & 0xFF) << 8 * i;
        return v;
    }

    // ------------------------------------------------------------------ encoding

    void b(int... bytes) {
        for (int x : bytes) c.code[c.codeLen++] = (byte) x;
    }

    void imm(int bits, int v) {
        for (int i = 0; i < bits / 8; i++) b(v >> 8 * i);
    }

    /** 0x66 when the operand size is 16. */
    void osize(int bits) {
        if (bits == 16) b(0x66);
    }

    /**
     * Emits the displacement of a relative branch (8 or 32 bits) so that on the host, whose copy may
     * carry a 0x67 prefix, the target is the harness's "taken" stub at CODE_ADDR + TAKEN_OFF.
     */
    void branchDisp(int bits) {
        int hostLen = c.codeLen + bits / 8 + (c.addr32 && !c.host32 ? 1 : 0);
        int rel = DiffCase.TAKEN_OFF - hostLen;
        imm(bits, rel);
        c.branch = true;
        c.branchRel = rel;
    }

    void modrmReg(int regField, int rm) {
        b(0xC0 | (regField & 7) << 3 | (rm & 7));
    }

    /**
     * Encodes a memory operand whose effective address is BLOCK_ADDR + an offset with room for
     * {@code bytes} bytes; the registers it uses are set accordingly and never taken from
     * {@code reserved}. Covers [base], [base+d8], [base+d32], [base+index*s+disp], [index*s+d32]
     * and [d32] (never the mod=00 r/m=101 form, which is RIP-relative in 64-bit mode).
     * @return the operand's offset in the block
     */
    int modrmMem(int regField, int bytes, int reserved) {
        int off = rnd.nextInt(DiffCase.BLOCK_SIZE - bytes + 1);
        modrmMemAt(regField, off, reserved);
        return off;
    }

    void modrmMemAt(int regField, int off, int reserved) {
        mem();
        c.addr32 = true;
        int target = DiffCase.BLOCK_ADDR + off;
        int rf = (regField & 7) << 3;
        reserved |= 1 << ESP;
        switch (rnd.nextInt(7)) {
            case 0: { // [base]
                int base;
                do base = regExcept(reserved); while (base == EBP);
                b(rf | base);
                c.regs[base] = target;
                break;
            }
            case 1: { // [base+disp8]
                int base = regExcept(reserved), d = rnd.nextInt(256) - 128;
                b(0x40 | rf | base, d);
                c.regs[base] = target - d;
                break;
            }
            case 2: { // [base+disp32]
                int base = regExcept(reserved), d = rnd.nextInt();
                b(0x80 | rf | base);
                imm(32, d);
                c.regs[base] = target - d;
                break;
            }
            case 3: case 4: { // [base+index*scale+disp]
                int base = regExcept(reserved), index;
                do index = regExcept(reserved); while (index == base);
                int ss = rnd.nextInt(4), iv = chance(50) ? rnd.nextInt() : rnd.nextInt(64) - 32;
                int mod = rnd.nextInt(3);
                if (mod == 0 && base == EBP) mod = 1;
                int d = mod == 0 ? 0 : mod == 1 ? rnd.nextInt(256) - 128 : rnd.nextInt();
                b(mod << 6 | rf | 4, ss << 6 | index << 3 | base);
                if (mod == 1) b(d);
                if (mod == 2) imm(32, d);
                c.regs[index] = iv;
                c.regs[base] = target - d - (iv << ss);
                break;
            }
            case 5: { // [index*scale+disp32]
                int index = regExcept(reserved), ss = rnd.nextInt(4), iv = rnd.nextInt(64) - 32;
                b(rf | 4, ss << 6 | index << 3 | 5);
                imm(32, target - (iv << ss));
                c.regs[index] = iv;
                break;
            }
            default: { // [disp32] through a SIB byte without base or index
                b(rf | 4, 4 << 3 | 5);
                imm(32, target);
                break;
            }
        }
    }

    /**
     * A 16-bit-addressing memory operand (the instruction carries its own 0x67 prefix; SDM Vol. 2
     * Table 2-1): [BX+SI], [BX+DI], [BP+SI], [BP+DI], [SI], [DI], [BP], [BX] with no, 8- or 16-bit
     * displacement, or [disp16]. The effective address wraps at 64 KiB; only the low 16 bits of the
     * registers count (their upper halves stay random). Returns the offset in the low block.
     */
    int modrmMem16(int regField, int bytes) {
        mem();
        c.lowBlock = true;
        int off = rnd.nextInt(DiffCase.BLOCK_SIZE - bytes + 1);
        int target = DiffCase.LOW_BLOCK_ADDR + off;
        int mod = rnd.nextInt(3), rm = rnd.nextInt(8);
        int disp = mod == 1 ? rnd.nextInt(256) - 128 : mod == 2 ? rnd.nextInt(0x10000) : 0;
        b(mod << 6 | (regField & 7) << 3 | rm);
        if (mod == 0 && rm == 6) { // [disp16]
            imm(16, target);
            return off;
        }
        if (mod == 1) b(disp);
        if (mod == 2) imm(16, disp);
        int[][] regsOf = {{EBX, ESI}, {EBX, EDI}, {EBP, ESI}, {EBP, EDI}, {ESI}, {EDI}, {EBP}, {EBX}};
        int[] rs = regsOf[rm];
        int rest = target - disp;
        if (rs.length == 2) {
            int first = rnd.nextInt(0x10000);
            set(16, rs[0], first);
            rest -= first;
        }
        set(16, rs[rs.length - 1], rest);
        return off;
    }

    /** A LEA-style operand with arbitrary register values (no memory access). */
    void modrmAnyAddress(int regField) {
        c.addr32 = true;
        int rf = (regField & 7) << 3;
        int mod = rnd.nextInt(3);
        if (chance(50)) {
            int base = reg();
            if (mod == 0 && base == EBP) mod = 1;
            b(mod << 6 | rf | base);
        } else {
            int base = rnd.nextInt(8), index = rnd.nextInt(8);
            if (base == ESP) base = EBX;
            b(mod << 6 | rf | 4, rnd.nextInt(4) << 6 | index << 3 | base);
            if (mod == 0 && base == EBP) imm(32, rnd.nextInt());
        }
        if (mod == 1) b(rnd.nextInt(256));
        if (mod == 2) imm(32, val(32));
    }
}
