package org.x86play.cpu.fpu;

/**
 * Double-double arithmetic (an unevaluated sum hi + lo of two doubles, ~106 significant bits) for
 * the transcendental instructions. Error-free transformations after Dekker/Knuth (TwoSum,
 * Veltkamp split TwoProduct, no FMA needed). Results are left in {@link #hi}/{@link #lo}; no
 * allocation.
 */
final class DoubleDouble {
    double hi, lo;

    private static final double SPLIT = 134217729.0;   // 2^27 + 1

    void set(double h, double l) {
        double s = h + l;
        lo = l - (s - h);
        hi = s;
    }

    void add(double ah, double al, double bh, double bl) {
        double s = ah + bh;
        double bb = s - ah;
        double e = (ah - (s - bb)) + (bh - bb);
        double t = al + bl;
        double tb = t - al;
        double f = (al - (t - tb)) + (bl - tb);
        e += t;
        double s2 = s + e;
        e = e - (s2 - s);
        e += f;
        hi = s2 + e;
        lo = e - (hi - s2);
    }

    void sub(double ah, double al, double bh, double bl) { add(ah, al, -bh, -bl); }

    void mul(double ah, double al, double bh, double bl) {
        double p = ah * bh;
        double t = SPLIT * ah;
        double a1 = t - (t - ah), a2 = ah - a1;
        t = SPLIT * bh;
        double b1 = t - (t - bh), b2 = bh - b1;
        double e = ((a1 * b1 - p) + a1 * b2 + a2 * b1) + a2 * b2;
        e += ah * bl + al * bh;
        hi = p + e;
        lo = e - (hi - p);
    }

    void div(double ah, double al, double bh, double bl) {
        double q1 = ah / bh;
        mul(bh, bl, q1, 0);
        sub(ah, al, hi, lo);
        double rh = hi, rl = lo;
        double q2 = rh / bh;
        mul(bh, bl, q2, 0);
        sub(rh, rl, hi, lo);
        double q3 = hi / bh;
        set(q1, q2);
        add(hi, lo, q3, 0);
    }

    void sqrt(double ah, double al) {
        if (ah <= 0) { hi = 0; lo = 0; return; }
        double x = Math.sqrt(ah);
        mul(x, 0, x, 0);
        sub(ah, al, hi, lo);
        double corr = hi / (2 * x);
        set(x, corr);
    }
}
