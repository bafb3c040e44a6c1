package org.x86play.cpu;

/**
 * A processor exception raised while executing an instruction (SDM Vol. 3 ch. 6).
 * Thrown by any part of the core (decoder, segmentation, MMU, FPU) and caught by the
 * execution loop, which delivers it through the IDT/IVT. Carries no stack trace: faults are
 * frequent in real guests (page faults) and must be cheap.
 */
public final class CpuFault extends RuntimeException {
    public static final int DE = 0, DB = 1, NMI = 2, BP = 3, OF = 4, BR = 5, UD = 6, NM = 7,
            DF = 8, TS = 10, NP = 11, SS = 12, GP = 13, PF = 14, MF = 16, AC = 17, MC = 18, XM = 19;

    public final int vector;
    public final int errorCode;
    public final boolean hasErrorCode;

    public CpuFault(int vector) {
        this(vector, 0, false);
    }

    public CpuFault(int vector, int errorCode) {
        this(vector, errorCode, true);
    }

    private CpuFault(int vector, int errorCode, boolean hasErrorCode) {
        super(null, null, false, false);
        this.vector = vector;
        this.errorCode = errorCode;
        this.hasErrorCode = hasErrorCode;
    }

    public static CpuFault gp(int errorCode) { return new CpuFault(GP, errorCode); }
    public static CpuFault ud() { return new CpuFault(UD); }

    /** Exceptions whose delivery pushes an error code (SDM Table 6-1). */
    public static boolean pushesErrorCode(int vector) {
        return vector == DF || (vector >= TS && vector <= PF) || vector == AC;
    }

    @Override
    public String getMessage() {
        return "#" + vector + (hasErrorCode ? "(" + Integer.toHexString(errorCode) + ")" : "");
    }
}
