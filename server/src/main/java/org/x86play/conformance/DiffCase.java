package org.x86play.conformance;

/**
 * One host-differential test case: the instruction bytes as the 32-bit emulator sees them, the
 * initial state, and what the form table says is undefined for these inputs (SDM "Flags Affected").
 * The host harness receives the same bytes with a 0x67 prefix when {@link #addr32} is set (so that
 * its 64-bit mode uses 32-bit addressing, like the emulator's 32-bit code segment).
 */
final class DiffCase {
    /** Fixed addresses, identical in the native harness and in the emulator's flat address space. */
    static final int CODE_ADDR = 0x00300000, BLOCK_ADDR = 0x00201000, BLOCK_SIZE = 256;
    /** The block used with 16-bit addressing (below 64 KiB; see hostdiff.c LOW_BLOCK_ADDR). */
    static final int LOW_BLOCK_ADDR = 0x8800;
    /** Host status: the harness could not map the low block (vm.mmap_min_addr too high). */
    static final int UNSUPPORTED = 0xFFFF;

    byte[] code = new byte[32];
    int codeLen;
    boolean addr32;
    final int[] regs = new int[8];
    int eflags;
    /** The memory block (BLOCK_SIZE bytes at BLOCK_ADDR), or null when the instruction uses no memory. */
    byte[] mem;
    /** The block is at LOW_BLOCK_ADDR (16-bit addressing) instead of BLOCK_ADDR. */
    boolean lowBlock;

    int blockAddr() { return lowBlock ? LOW_BLOCK_ADDR : BLOCK_ADDR; }

    /** A 512-byte FXSAVE image loaded with FXRSTOR before the instruction, or null. */
    byte[] fx;

    /** Offset of the host harness's "branch taken" stub from CODE_ADDR (see hostdiff.c). */
    static final int TAKEN_OFF = 0x40;
    /** Host status of a case that completed by branching to the taken stub. */
    static final int TAKEN = 0x100;
    /** For branches: the displacement (the emulator's taken target is CODE_ADDR + codeLen + branchRel). */
    boolean branch;
    int branchRel;

    /** EFLAGS bits the SDM leaves undefined for this instruction and these inputs. */
    int undefFlags;
    /** Registers (bit i = reg i) whose final value the SDM leaves undefined. */
    int undefRegs;
    /** x87 status-word bits (C0-C3, 0x4700) left undefined. */
    int undefFsw;
    /** Bytes of the memory block not compared (reserved or address fields of FNSTENV/FNSAVE images), or null. */
    boolean[] memIgnore;
    /** When set, the memory block's final contents are undefined (not compared). */
    boolean undefMem;
    /** x87 register results may differ by this many units in the last place (transcendentals); 0 = exact. */
    int fpuUlps;
    /** ST(i) registers (bit i) whose final contents the SDM leaves undefined (e.g. F2XM1 out of range). */
    int undefSt;
    /**
     * The SDM defines C1 only for a stack underflow ("C1 Set to 0 if stack underflow occurred",
     * FCMOVcc); otherwise it is not compared.
     */
    boolean c1OnlyOnUnderflow;
    /**
     * FCOMI/FUCOMI(P): the SDM sets C1 to 0 (the emulator does); AMD processors leave it unchanged.
     * Compared only on an Intel host or after a stack underflow.
     */
    boolean c1VendorQuirk;
    /** FPREM/FPREM1: C0, C1, C3 hold quotient bits, which do not exist when the result is a NaN. */
    boolean quotientBits;

    /** Where the host's 0x67 prefix goes: the start of the instruction with the memory operand. */
    int addr32At;

    /**
     * Runs on the 32-bit harness (for instructions 64-bit mode lacks): the host gets the very same
     * bytes, and register slot 4 is compared as "ESP after minus ESP before".
     */
    boolean host32;

    byte[] hostCode() {
        if (!addr32 || host32) return emuCode();
        byte[] b = new byte[codeLen + 1];
        System.arraycopy(code, 0, b, 0, addr32At);
        b[addr32At] = 0x67;
        System.arraycopy(code, addr32At, b, addr32At + 1, codeLen - addr32At);
        return b;
    }

    byte[] emuCode() {
        return java.util.Arrays.copyOf(code, codeLen);
    }

    /** Outcome of running a case (on either side). */
    static final class Outcome {
        /** Host: 0 or the signal number. Emulator: -1 for completed, else the exception vector. */
        int status;
        final int[] regs = new int[8];
        int eflags;
        byte[] mem;
        byte[] fx;
        /** Emulator only: EIP after the instruction, and a note (exception text) when it broke. */
        int eip;
        String error;
    }
}
