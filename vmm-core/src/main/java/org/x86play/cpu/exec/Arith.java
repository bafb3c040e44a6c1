package org.x86play.cpu.exec;

import org.x86play.cpu.CpuFault;
import org.x86play.cpu.Flags;

/**
 * Integer arithmetic whose flags are not a plain add/sub/logic: ALU dispatch, shifts and rotates,
 * double shifts, multiply, divide and the BCD adjusts (SDM Vol. 2 instruction pages).
 * Sizes: 0 byte, 1 word, 2 dword. Results are returned masked to the operand size.
 */
public final class Arith {
    private Arith() {}

    public static final int[] MASK = {0xFF, 0xFFFF, 0xFFFFFFFF};
    public static final int[] BITS = {8, 16, 32};
    private static final int CF = 1, PF = 4, AF = 0x10, ZF = 0x40, SF = 0x80, OF = 0x800;

    /** The eight group-1 ALU operations (kind = ModRM.reg / opcode bits 5:3). */
    public static int alu(Flags f, int kind, int a, int b, int sz) {
        int r, c;
        switch (kind) {
            case 0: r = a + b; f.add(a, b, r, sz); break;
            case 1: r = a | b; f.logic(r, sz); break;
            case 2: c = f.cf() ? 1 : 0; r = a + b + c; f.adc(a, b, c, r, sz); break;
            case 3: c = f.cf() ? 1 : 0; r = a - b - c; f.sbb(a, b, c, r, sz); break;
            case 4: r = a & b; f.logic(r, sz); break;
            case 5: r = a - b; f.sub(a, b, r, sz); break;
            case 6: r = a ^ b; f.logic(r, sz); break;
            default: r = a - b; f.sub(a, b, r, sz); break;
        }
        return r & MASK[sz];
    }

    /**
     * ROL ROR RCL RCR SHL SHR SAL SAR (SDM Vol. 2 "RCL/RCR/ROL/ROR", "SAL/SAR/SHL/SHR").
     * {@code count} is already masked to 5 bits; a zero count changes nothing.
     * For counts &gt; 1 the SDM leaves OF undefined; we apply the count-1 formula like Intel hardware.
     */
    public static int shift(Flags f, int kind, int v, int count, int sz) {
        if (count == 0) return v & MASK[sz];
        int bits = BITS[sz], m = MASK[sz], msb = bits - 1;
        v &= m;
        int r, cf, of;
        switch (kind) {
            case 0: { // ROL
                int n = count & msb;
                r = n == 0 ? v : ((v << n) | (v >>> (bits - n))) & m;
                cf = r & 1;
                of = ((r >>> msb) & 1) ^ cf;
                setCfOf(f, cf, of);
                return r;
            }
            case 1: { // ROR
                int n = count & msb;
                r = n == 0 ? v : ((v >>> n) | (v << (bits - n))) & m;
                cf = (r >>> msb) & 1;
                of = cf ^ ((r >>> (msb - 1)) & 1);
                setCfOf(f, cf, of);
                return r;
            }
            case 2: { // RCL: rotate the (bits+1)-bit value CF:v
                int n = sz == 2 ? count : count % (bits + 1);
                cf = f.cf() ? 1 : 0;
                r = v;
                for (int i = 0; i < n; i++) {
                    int out = (r >>> msb) & 1;
                    r = ((r << 1) | cf) & m;
                    cf = out;
                }
                of = ((r >>> msb) & 1) ^ cf;
                setCfOf(f, cf, of);
                return r;
            }
            case 3: { // RCR
                int n = sz == 2 ? count : count % (bits + 1);
                cf = f.cf() ? 1 : 0;
                r = v;
                for (int i = 0; i < n; i++) {
                    int out = r & 1;
                    r = (r >>> 1) | (cf << msb);
                    cf = out;
                }
                of = ((r >>> msb) ^ (r >>> (msb - 1))) & 1;
                setCfOf(f, cf, of);
                return r;
            }
            case 4: case 6: // SHL/SAL
                if (sz == 2) return shl32(f, v, count);
                cf = count > bits ? 0 : ((v << (count - 1)) >>> msb) & 1;
                r = count >= 32 ? 0 : (v << count) & m;
                of = ((r >>> msb) & 1) ^ cf;
                f.szp(r, sz, (cf != 0 ? CF : 0) | (of != 0 ? OF : 0));
                return r;
            case 5: // SHR
                if (sz == 2) return shr32(f, v, count);
                cf = count > bits ? 0 : (v >>> (count - 1)) & 1;
                r = v >>> count;
                // OF = MSB(r) XOR MSB-1(r): the original MSB for a count of 1 (defined), extended to larger counts.
                of = ((r >>> msb) ^ (r >>> (msb - 1))) & 1;
                f.szp(r, sz, (cf != 0 ? CF : 0) | (of != 0 ? OF : 0));
                return r;
            default: { // SAR
                if (sz == 2) return sar32(f, v, count);
                int s = (v << (32 - bits)) >> (32 - bits);
                cf = (s >> (count - 1)) & 1;
                r = (s >> count) & m;
                f.szp(r, sz, cf != 0 ? CF : 0);
                return r;
            }
        }
    }

    // The dword cases of shift for a count of 1..31 (also called directly by compiled blocks with a constant count).

    /** SHL/SAL of a dword: CF = the last bit shifted out, OF = MSB(result) XOR CF. */
    public static int shl32(Flags f, int v, int n) {
        int cf = (v << (n - 1)) >>> 31, r = v << n, of = (r >>> 31) ^ cf;
        f.szp(r, 2, cf * CF | of * OF);
        return r;
    }

    /** SHR of a dword: OF = MSB(r) XOR MSB-1(r), as shift computes it. */
    public static int shr32(Flags f, int v, int n) {
        int cf = (v >>> (n - 1)) & 1, r = v >>> n, of = ((r >>> 31) ^ (r >>> 30)) & 1;
        f.szp(r, 2, cf * CF | of * OF);
        return r;
    }

    /** SAR of a dword: OF = 0. */
    public static int sar32(Flags f, int v, int n) {
        int cf = (v >> (n - 1)) & 1, r = v >> n;
        f.szp(r, 2, cf * CF);
        return r;
    }

    private static void setCfOf(Flags f, int cf, int of) {
        int a = f.getArith() & ~(CF | OF);
        f.setArith(a | (cf != 0 ? CF : 0) | (of != 0 ? OF : 0));
    }

    /**
     * SHLD (left = true) / SHRD: shift {@code dst} filling from {@code src}. {@code count} is masked to 5 bits.
     * 16-bit operands with counts &gt; 16 are undefined in the SDM; we shift the pattern dst:src:dst.
     */
    public static int shiftDouble(Flags f, boolean left, int dst, int src, int count, int sz) {
        int m = MASK[sz];
        dst &= m;
        src &= m;
        if (count == 0) return dst;
        int r, cf;
        if (sz == 2) {
            if (left) {
                r = (dst << count) | (src >>> (32 - count));
                cf = (dst >>> (32 - count)) & 1;
            } else {
                r = (dst >>> count) | (src << (32 - count));
                cf = (dst >>> (count - 1)) & 1;
            }
        } else {
            if (left) {
                long t = ((long) dst << 32) | ((long) src << 16) | dst;
                r = (int) (t >>> (32 - count)) & 0xFFFF;
                cf = (int) (t >>> (48 - count)) & 1;
            } else {
                long t = ((long) dst << 32) | ((long) src << 16) | dst;
                r = (int) (t >>> count) & 0xFFFF;
                cf = (int) (t >>> (count - 1)) & 1;
            }
        }
        r &= m;
        int sign = 1 << (BITS[sz] - 1);
        int of = ((r ^ dst) & sign) != 0 ? OF : 0;
        f.szp(r, sz, (cf != 0 ? CF : 0) | of);
        return r;
    }

    /** MUL: AX/DX:AX/EDX:EAX := accumulator * v (unsigned); CF = OF = upper half non-zero. */
    public static void mul(Flags f, int[] reg, int v, int sz) {
        boolean hi;
        int lo;
        switch (sz) {
            case 0: {
                int p = (reg[0] & 0xFF) * (v & 0xFF);
                reg[0] = (reg[0] & 0xFFFF0000) | (p & 0xFFFF);
                hi = (p & 0xFF00) != 0;
                lo = p & 0xFF;
                break;
            }
            case 1: {
                int p = (reg[0] & 0xFFFF) * (v & 0xFFFF);
                reg[0] = (reg[0] & 0xFFFF0000) | (p & 0xFFFF);
                reg[2] = (reg[2] & 0xFFFF0000) | (p >>> 16);
                hi = (p >>> 16) != 0;
                lo = p;
                break;
            }
            default: {
                long p = (reg[0] & 0xFFFFFFFFL) * (v & 0xFFFFFFFFL);
                reg[0] = (int) p;
                reg[2] = (int) (p >>> 32);
                hi = reg[2] != 0;
                lo = (int) p;
                break;
            }
        }
        f.szp(lo, sz, hi ? CF | OF : 0);
    }

    /** One-operand IMUL: signed; CF = OF = the product does not fit the low half. */
    public static void imul1(Flags f, int[] reg, int v, int sz) {
        boolean ovf;
        int lo;
        switch (sz) {
            case 0: {
                int p = (byte) reg[0] * (byte) v;
                reg[0] = (reg[0] & 0xFFFF0000) | (p & 0xFFFF);
                ovf = p != (byte) p;
                lo = p;
                break;
            }
            case 1: {
                int p = (short) reg[0] * (short) v;
                reg[0] = (reg[0] & 0xFFFF0000) | (p & 0xFFFF);
                reg[2] = (reg[2] & 0xFFFF0000) | ((p >>> 16) & 0xFFFF);
                ovf = p != (short) p;
                lo = p;
                break;
            }
            default: {
                long p = (long) reg[0] * (long) v;
                reg[0] = (int) p;
                reg[2] = (int) (p >>> 32);
                ovf = p != (long) (int) p;
                lo = (int) p;
                break;
            }
        }
        f.szp(lo, sz, ovf ? CF | OF : 0);
    }

    /** Two/three-operand IMUL: returns the truncated signed product a * b. */
    public static int imul(Flags f, int a, int b, int sz) {
        int r;
        boolean ovf;
        if (sz == 2) {
            long p = (long) a * (long) b;
            r = (int) p;
            ovf = p != (long) r;
        } else {
            int p = (short) a * (short) b;
            r = p & 0xFFFF;
            ovf = p != (short) p;
        }
        f.szp(r, sz, ovf ? CF | OF : 0);
        return r;
    }

    /** DIV: #DE on a zero divisor or a quotient that does not fit (SDM Vol. 2 DIV). Flags unchanged. */
    public static void div(int[] reg, int v, int sz) {
        switch (sz) {
            case 0: {
                int d = v & 0xFF;
                if (d == 0) throw new CpuFault(CpuFault.DE);
                int a = reg[0] & 0xFFFF;
                int q = a / d, r = a % d;
                if (q > 0xFF) throw new CpuFault(CpuFault.DE);
                reg[0] = (reg[0] & 0xFFFF0000) | (r << 8) | q;
                break;
            }
            case 1: {
                long d = v & 0xFFFF;
                if (d == 0) throw new CpuFault(CpuFault.DE);
                long a = ((reg[2] & 0xFFFFL) << 16) | (reg[0] & 0xFFFFL);
                long q = a / d, r = a % d;
                if (q > 0xFFFF) throw new CpuFault(CpuFault.DE);
                reg[0] = (reg[0] & 0xFFFF0000) | (int) q;
                reg[2] = (reg[2] & 0xFFFF0000) | (int) r;
                break;
            }
            default: {
                if (v == 0) throw new CpuFault(CpuFault.DE);
                if (Integer.compareUnsigned(reg[2], v) >= 0) throw new CpuFault(CpuFault.DE);
                long a = ((long) reg[2] << 32) | (reg[0] & 0xFFFFFFFFL);
                long d = v & 0xFFFFFFFFL;
                long q = Long.divideUnsigned(a, d), r = Long.remainderUnsigned(a, d);
                reg[0] = (int) q;
                reg[2] = (int) r;
                break;
            }
        }
    }

    /** IDIV: signed, quotient truncated toward zero; #DE on zero divisor or quotient overflow. */
    public static void idiv(int[] reg, int v, int sz) {
        switch (sz) {
            case 0: {
                int d = (byte) v;
                if (d == 0) throw new CpuFault(CpuFault.DE);
                int a = (short) reg[0];
                int q = a / d, r = a % d;
                if (q > 127 || q < -128) throw new CpuFault(CpuFault.DE);
                reg[0] = (reg[0] & 0xFFFF0000) | ((r & 0xFF) << 8) | (q & 0xFF);
                break;
            }
            case 1: {
                int d = (short) v;
                if (d == 0) throw new CpuFault(CpuFault.DE);
                long a = (long) (((reg[2] & 0xFFFF) << 16) | (reg[0] & 0xFFFF));
                long q = a / d, r = a % d;
                if (q > 32767 || q < -32768) throw new CpuFault(CpuFault.DE);
                reg[0] = (reg[0] & 0xFFFF0000) | ((int) q & 0xFFFF);
                reg[2] = (reg[2] & 0xFFFF0000) | ((int) r & 0xFFFF);
                break;
            }
            default: {
                if (v == 0) throw new CpuFault(CpuFault.DE);
                long a = ((long) reg[2] << 32) | (reg[0] & 0xFFFFFFFFL);
                if (a == Long.MIN_VALUE && v == -1) throw new CpuFault(CpuFault.DE);
                long q = a / v, r = a % v;
                if (q > Integer.MAX_VALUE || q < Integer.MIN_VALUE) throw new CpuFault(CpuFault.DE);
                reg[0] = (int) q;
                reg[2] = (int) r;
                break;
            }
        }
    }

    // ---- BCD adjusts (SDM Vol. 2 DAA/DAS/AAA/AAS/AAM/AAD); OF is undefined and left clear ----

    public static void daa(Flags f, int[] reg) {
        int al = reg[0] & 0xFF, oldAl = al;
        boolean oldCf = f.cf(), af = f.af(), cf = false;
        if ((al & 0xF) > 9 || af) {
            cf = oldCf || al + 6 > 0xFF;
            al = (al + 6) & 0xFF;
            af = true;
        } else {
            af = false;
        }
        if (oldAl > 0x99 || oldCf) {
            al = (al + 0x60) & 0xFF;
            cf = true;
        } else {
            cf = false;
        }
        reg[0] = (reg[0] & ~0xFF) | al;
        f.szp(al, 0, (cf ? CF : 0) | (af ? AF : 0));
    }

    public static void das(Flags f, int[] reg) {
        int al = reg[0] & 0xFF, oldAl = al;
        boolean oldCf = f.cf(), af = f.af(), cf = false;
        if ((al & 0xF) > 9 || af) {
            cf = oldCf || al < 6;
            al = (al - 6) & 0xFF;
            af = true;
        } else {
            af = false;
        }
        if (oldAl > 0x99 || oldCf) {
            al = (al - 0x60) & 0xFF;
            cf = true;
        }
        reg[0] = (reg[0] & ~0xFF) | al;
        f.szp(al, 0, (cf ? CF : 0) | (af ? AF : 0));
    }

    /*
     * AAA/AAS undefined flags as P6-core processors produce them (sandpile.org "undefined integer FLAGS
     * behavior"): SF = 0, ZF from the 16-bit AX result, PF from AL +/- 6 when adjusting (else AL).
     */
    public static void aaa(Flags f, int[] reg) {
        int ax = reg[0] & 0xFFFF;
        boolean adj = (ax & 0xF) > 9 || f.af();
        int pfSource = adj ? (ax + 6) & 0xFF : ax & 0xFF;
        if (adj) ax = (ax + 0x106) & 0xFFFF;
        ax &= 0xFF0F;
        reg[0] = (reg[0] & 0xFFFF0000) | ax;
        f.setArith(bcdFlags(adj, ax, pfSource));
    }

    public static void aas(Flags f, int[] reg) {
        int ax = reg[0] & 0xFFFF;
        boolean adj = (ax & 0xF) > 9 || f.af();
        int pfSource = adj ? (ax - 6) & 0xFF : ax & 0xFF;
        if (adj) ax = (ax - 6 - 0x100) & 0xFFFF;
        ax &= 0xFF0F;
        reg[0] = (reg[0] & 0xFFFF0000) | ax;
        f.setArith(bcdFlags(adj, ax, pfSource));
    }

    private static int bcdFlags(boolean adj, int ax, int pfSource) {
        int r = adj ? CF | AF : 0;
        if (ax == 0) r |= ZF;
        if ((Integer.bitCount(pfSource) & 1) == 0) r |= PF;
        return r;
    }

    public static void aam(Flags f, int[] reg, int base) {
        base &= 0xFF;
        if (base == 0) throw new CpuFault(CpuFault.DE);
        int al = reg[0] & 0xFF;
        int ah = al / base;
        al = al % base;
        reg[0] = (reg[0] & 0xFFFF0000) | (ah << 8) | al;
        f.logic(al, 0);
    }

    public static void aad(Flags f, int[] reg, int base) {
        int al = reg[0] & 0xFF, ah = (reg[0] >> 8) & 0xFF;
        int t = (ah * (base & 0xFF)) & 0xFF;
        int r = (al + t) & 0xFF;
        reg[0] = (reg[0] & 0xFFFF0000) | r;
        f.add(al, t, al + t, 0);
    }
}
