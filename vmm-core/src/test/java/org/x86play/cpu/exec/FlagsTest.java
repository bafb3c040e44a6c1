package org.x86play.cpu.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.x86play.cpu.Flags;

/** Lazy flags against an eager reference computed with wide arithmetic (SDM Vol. 1 Appendix A). */
class FlagsTest {
    private static final int CF = 1, PF = 4, AF = 0x10, ZF = 0x40, SF = 0x80, OF = 0x800;
    private static final long[] MASK = {0xFF, 0xFFFF, 0xFFFFFFFFL};

    private static int szp(long r, int sz) {
        long m = MASK[sz];
        int f = 0;
        if ((r & m) == 0) f |= ZF;
        if (((r & m) >>> (sz == 0 ? 7 : sz == 1 ? 15 : 31)) != 0) f |= SF;
        if ((Long.bitCount(r & 0xFF) & 1) == 0) f |= PF;
        return f;
    }

    private static int refAdd(long a, long b, long c, int sz) {
        long m = MASK[sz];
        a &= m; b &= m;
        long r = a + b + c;
        int f = szp(r, sz);
        if (r > m) f |= CF;
        if ((((a ^ r) & (b ^ r)) >>> (sz == 0 ? 7 : sz == 1 ? 15 : 31) & 1) != 0) f |= OF;
        if (((a ^ b ^ r) & 0x10) != 0) f |= AF;
        return f;
    }

    private static int refSub(long a, long b, long c, int sz) {
        long m = MASK[sz];
        a &= m; b &= m;
        long r = a - b - c;
        int f = szp(r, sz);
        if (a < b + c) f |= CF;
        if ((((a ^ b) & (a ^ r)) >>> (sz == 0 ? 7 : sz == 1 ? 15 : 31) & 1) != 0) f |= OF;
        if (((a ^ b ^ r) & 0x10) != 0) f |= AF;
        return f;
    }

    @Test
    void lazyFlagsMatchReference() {
        Random rnd = new Random(42);
        Flags f = new Flags();
        int[] edge = {0, 1, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x7FFFFFFF, 0x80000000, -1};
        for (int i = 0; i < 200000; i++) {
            int a = i < 5000 ? edge[rnd.nextInt(edge.length)] : rnd.nextInt();
            int b = i < 5000 ? edge[rnd.nextInt(edge.length)] : rnd.nextInt();
            int sz = rnd.nextInt(3);
            int c = rnd.nextInt(2);
            int kind = rnd.nextInt(4);
            f.set(c);
            int expected;
            switch (kind) {
                case 0: Arith.alu(f, 0, a, b, sz); expected = refAdd(a, b, 0, sz); break;
                case 1: Arith.alu(f, 2, a, b, sz); expected = refAdd(a, b, c, sz); break;
                case 2: Arith.alu(f, 5, a, b, sz); expected = refSub(a, b, 0, sz); break;
                default: Arith.alu(f, 3, a, b, sz); expected = refSub(a & 0xFFFFFFFFL, b & 0xFFFFFFFFL, c, sz); break;
            }
            int got = f.get() & 0x8D5;
            assertEquals(expected, got, "kind " + kind + " a=" + Integer.toHexString(a) + " b=" + Integer.toHexString(b)
                    + " c=" + c + " sz=" + sz);
            // The predicates agree with the materialized value.
            Arith.alu(f, kind == 0 ? 0 : 5, a, b, sz);
            int bits = (f.cf() ? CF : 0) | (f.pf() ? PF : 0) | (f.af() ? AF : 0) | (f.zf() ? ZF : 0)
                    | (f.sf() ? SF : 0) | (f.of() ? OF : 0);
            assertEquals(f.get() & 0x8D5, bits);
        }
    }

    @Test
    void incDecPreserveCarryAndConditionCodes() {
        Flags f = new Flags();
        f.set(2 | CF);
        f.inc(0x80, 0);
        assertEquals(CF | OF | SF | AF, f.get() & 0x8D5);
        f.set(2);
        f.dec(0x7FFF, 1);
        assertEquals(OF | PF | AF, f.get() & 0x8D5);
        // cmp 1, 2 -> below, less, not equal
        f.sub(1, 2, -1, 2);
        assertEquals(true, f.condition(2));   // B
        assertEquals(true, f.condition(12));  // L
        assertEquals(false, f.condition(4));  // E
        assertEquals(true, f.condition(6));   // BE
        assertEquals(false, f.condition(15)); // G
    }

    @Test
    void setKeepsReservedBitsFixed() {
        Flags f = new Flags();
        f.set(0xFFFFFFFF);
        assertEquals(0x003F7FD7, f.get());
        f.set(0);
        assertEquals(2, f.get());
    }

    @Test
    void rollbackRestoresLazyStateOfAFaultingInstruction() {
        Flags f = new Flags();
        f.sub(1, 2, -1, 2);               // CF=1 SF=1 ...
        int before = f.get();
        f.sub(5, 5, 0, 2);                // lazy again
        int lazyBefore = f.get();
        f.mark();
        f.logic(0x80, 0);                 // the faulting instruction's flags
        f.rollback();
        assertEquals(lazyBefore, f.get());
        f.unmark();
        f.logic(0, 0);
        f.rollback();                     // nothing marked: no change
        assertEquals(ZF | PF, f.get() & 0x8D5);
        assertEquals(true, (before & CF) != 0);
    }
}
