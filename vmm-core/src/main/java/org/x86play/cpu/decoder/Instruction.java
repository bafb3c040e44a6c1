package org.x86play.cpu.decoder;

/**
 * One decoded instruction: the table row plus everything taken from the instruction bytes.
 * Mutable and reusable: the interpreter decodes into one instance per step (no allocation on the
 * hot path); a block translator can keep one instance per cached instruction. The effective address
 * is kept in its parts (base, index, scale, displacement) because the registers change between runs.
 */
public final class Instruction {
    public OpcodeRow row;
    /** Copies of row.exec / row.sub / row.attrs for the dispatch switch. */
    public int exec, sub, attrs;
    /** 0x00-0xFF or 0x100 + second byte of 0F xx. */
    public int opcode;
    /** Total length in bytes, prefixes included. */
    public int length;
    public boolean op32, addr32, lock;
    /** 0, 0xF2 (REPNE) or 0xF3 (REP/REPE): the last of them wins, as on Intel processors. */
    public int rep;
    /** Segment override prefix (Sreg number), or -1. */
    public int segOverride;
    /** Operand size code: 0 byte, 1 word, 2 dword. */
    public int size;

    public int modrm, mod, reg, rm;
    /** True when the ModRM operand is in memory. */
    public boolean mem;
    /** Effective-address parts: base/index register numbers or -1, scale as shift count, displacement. */
    public int base, index, scale, disp;
    /** Segment of the memory operand: the override, else DS or SS (BP/ESP/EBP based). */
    public int memSeg;

    /** First immediate (or moffs, far-pointer offset, branch displacement), sign-extended where the form says. */
    public int imm;
    /** Second immediate (ENTER's level, far-pointer selector). */
    public int imm2;

    /**
     * Derived at decode time: the instruction may change what the run loop polls between blocks (IF/TF/RF,
     * segments, CPL, paging, device or interrupt state, the time-stamp counter, halt) or read device time.
     * A translated block ends after it and the block engine returns to the run loop.
     */
    public boolean attention;

    /** Derived at decode time: the pre-resolved handler of a frequent form ({@link FastForm}), or 0. */
    public int fast;

    void clear() {
        row = null;
        length = 0;
        lock = false;
        rep = 0;
        segOverride = -1;
        modrm = mod = reg = rm = 0;
        mem = false;
        base = index = -1;
        scale = disp = 0;
        imm = imm2 = 0;
    }
}
