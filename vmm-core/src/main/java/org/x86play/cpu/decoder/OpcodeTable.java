package org.x86play.cpu.decoder;

import static org.x86play.cpu.decoder.Operand.*;
import static org.x86play.cpu.decoder.OpcodeRow.*;

/**
 * The single declarative opcode table of the i686 integer instruction set (SDM Vol. 2, Appendix A
 * opcode maps). It drives the {@link Decoder}, the interpreter's dispatch and the {@link Disassembler}.
 * <p>
 * {@link #primary} is indexed by opcode: 0x00-0xFF one-byte opcodes, 0x100-0x1FF the 0F xx map.
 * Group opcodes (ModRM.reg selects the operation) have a {@link OpcodeRow#GROUP} row in
 * {@code primary} and their forms in {@link #group} at {@code (opcode << 3) | reg}.
 * A null entry is an invalid opcode (#UD): everything a P6 lacks (MMX, SSE, 0F 38, 0F 3A, ...).
 */
public final class OpcodeTable {
    private OpcodeTable() {}

    public static final OpcodeRow[] primary = new OpcodeRow[512];
    public static final OpcodeRow[] group = new OpcodeRow[512 * 8];

    // Flag masks for the flagsRead/flagsWritten columns (EFLAGS bit positions).
    private static final int CF = 1, PF = 4, AF = 0x10, ZF = 0x40, SF = 0x80, TF = 0x100, IF = 0x200, DF = 0x400,
            OF = 0x800, A = 0x8D5, ALL = 0x3F7FD5;

    private static final String[] ALU = {"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"};
    private static final String[] SHIFTS = {"rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar"};
    static final String[] CC = {"o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"};

    private static OpcodeRow row(String m, int exec, int sub, int attrs, int fr, int fw, int o1, int o2, int o3) {
        return new OpcodeRow(m, exec, sub, attrs, o1, o2, o3, fr, fw);
    }

    private static void def(int opc, String m, int exec, int sub, int attrs, int fr, int fw, int o1, int o2, int o3) {
        primary[opc] = row(m, exec, sub, attrs, fr, fw, o1, o2, o3);
    }

    private static void def(int opc, String m, int exec, int attrs, int o1, int o2) {
        def(opc, m, exec, 0, attrs, 0, 0, o1, o2, NONE);
    }

    private static void grp(int opc, int reg, String m, int exec, int sub, int attrs, int fr, int fw, int o1, int o2, int o3) {
        group[(opc << 3) | reg] = row(m, exec, sub, attrs | MODRM, fr, fw, o1, o2, o3);
    }

    private static void groupHeader(int opc, String name, int attrs) {
        primary[opc] = row(name, Op.INVALID, 0, attrs | MODRM | GROUP, 0, 0, NONE, NONE, NONE);
    }

    static {
        // ---- 00-3F: the eight ALU operations in six forms each ----
        for (int k = 0; k < 8; k++) {
            int b = k << 3;
            int fr = (k == 2 || k == 3) ? CF : 0;
            int lock = k == 7 ? 0 : LOCKABLE;
            def(b, ALU[k], Op.ALU_EG, k, MODRM | BYTE | lock, fr, A, Eb, Gb, NONE);
            def(b + 1, ALU[k], Op.ALU_EG, k, MODRM | lock, fr, A, Ev, Gv, NONE);
            def(b + 2, ALU[k], Op.ALU_GE, k, MODRM | BYTE, fr, A, Gb, Eb, NONE);
            def(b + 3, ALU[k], Op.ALU_GE, k, MODRM, fr, A, Gv, Ev, NONE);
            def(b + 4, ALU[k], Op.ALU_AI, k, BYTE, fr, A, REG8, Ib, NONE);
            def(b + 5, ALU[k], Op.ALU_AI, k, 0, fr, A, REGV, Iz, NONE);
        }
        for (int s = 0; s < 4; s++) {
            def(0x06 + (s << 3), "push", Op.PUSH_SEG, s, 0, 0, 0, SEG + s, NONE, NONE);
            if (s != 1) def(0x07 + (s << 3), "pop", Op.POP_SEG, s, s == 2 ? 0 : 0, 0, 0, SEG + s, NONE, NONE);
        }
        for (int p : new int[] {0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65, 0x66, 0x67, 0xF0, 0xF2, 0xF3}) {
            def(p, "prefix", Op.PREFIX, 0, 0, 0, 0, NONE, NONE, NONE);
        }
        def(0x27, "daa", Op.DAA, 0, 0, CF | AF, A, NONE, NONE, NONE);
        def(0x2F, "das", Op.DAS, 0, 0, CF | AF, A, NONE, NONE, NONE);
        def(0x37, "aaa", Op.AAA, 0, 0, AF, A, NONE, NONE, NONE);
        def(0x3F, "aas", Op.AAS, 0, 0, AF, A, NONE, NONE, NONE);
        for (int r = 0; r < 8; r++) {
            def(0x40 + r, "inc", Op.INC_R, r, 0, 0, A & ~CF, REGV + r, NONE, NONE);
            def(0x48 + r, "dec", Op.DEC_R, r, 0, 0, A & ~CF, REGV + r, NONE, NONE);
            def(0x50 + r, "push", Op.PUSH_R, r, 0, 0, 0, REGV + r, NONE, NONE);
            def(0x58 + r, "pop", Op.POP_R, r, 0, 0, 0, REGV + r, NONE, NONE);
            if (r != 0) def(0x90 + r, "xchg", Op.XCHG_AR, r, 0, 0, 0, REGV + r, REGV, NONE);
            def(0xB0 + r, "mov", Op.MOV_RI, r, BYTE, 0, 0, REG8 + r, Ib, NONE);
            def(0xB8 + r, "mov", Op.MOV_RI, r, 0, 0, 0, REGV + r, Iz, NONE);
            def(0x1C8 + r, "bswap", Op.BSWAP, r, 0, 0, 0, REGV + r, NONE, NONE);
        }
        def(0x60, "pusha/pushad", Op.PUSHA, 0, 0, 0, 0, NONE, NONE, NONE);
        def(0x61, "popa/popad", Op.POPA, 0, 0, 0, 0, NONE, NONE, NONE);
        def(0x62, "bound", Op.BOUND, 0, MODRM | MEM_ONLY, 0, 0, Gv, Ma, NONE);
        def(0x63, "arpl", Op.ARPL, 0, MODRM | PM_ONLY | WORD, 0, ZF, Ew, Gw, NONE);
        def(0x68, "push", Op.PUSH_I, 0, 0, 0, 0, Iz, NONE, NONE);
        def(0x69, "imul", Op.IMUL_GEI, 0, MODRM, 0, A, Gv, Ev, Iz);
        def(0x6A, "push", Op.PUSH_I, 0, 0, 0, 0, Ibs, NONE, NONE);
        def(0x6B, "imul", Op.IMUL_GEI, 0, MODRM, 0, A, Gv, Ev, Ibs);
        def(0x6C, "insb", Op.INS, 0, STRING | BYTE, DF, 0, Yb, DX, NONE);
        def(0x6D, "insw/insd", Op.INS, 0, STRING, DF, 0, Yv, DX, NONE);
        def(0x6E, "outsb", Op.OUTS, 0, STRING | BYTE, DF, 0, DX, Xb, NONE);
        def(0x6F, "outsw/outsd", Op.OUTS, 0, STRING, DF, 0, DX, Xv, NONE);
        for (int cc = 0; cc < 16; cc++) {
            def(0x70 + cc, "j" + CC[cc], Op.JCC, cc, BRANCH, A, 0, Jb, NONE, NONE);
            def(0x180 + cc, "j" + CC[cc], Op.JCC, cc, BRANCH, A, 0, Jz, NONE, NONE);
            def(0x140 + cc, "cmov" + CC[cc], Op.CMOV, cc, MODRM, A, 0, Gv, Ev, NONE);
            def(0x190 + cc, "set" + CC[cc], Op.SETCC, cc, MODRM | BYTE, A, 0, Eb, NONE, NONE);
        }
        // ---- 80-83: group 1 ----
        groupHeader(0x80, "grp1", BYTE);
        groupHeader(0x81, "grp1", 0);
        groupHeader(0x82, "grp1", BYTE);
        groupHeader(0x83, "grp1", 0);
        for (int k = 0; k < 8; k++) {
            int fr = (k == 2 || k == 3) ? CF : 0;
            int lock = k == 7 ? 0 : LOCKABLE;
            grp(0x80, k, ALU[k], Op.ALU_EI, k, BYTE | lock, fr, A, Eb, Ib, NONE);
            grp(0x81, k, ALU[k], Op.ALU_EI, k, lock, fr, A, Ev, Iz, NONE);
            grp(0x82, k, ALU[k], Op.ALU_EI, k, BYTE | lock, fr, A, Eb, Ib, NONE);
            grp(0x83, k, ALU[k], Op.ALU_EI, k, lock, fr, A, Ev, Ibs, NONE);
        }
        def(0x84, "test", Op.TEST_EG, 0, MODRM | BYTE, 0, A, Eb, Gb, NONE);
        def(0x85, "test", Op.TEST_EG, 0, MODRM, 0, A, Ev, Gv, NONE);
        def(0x86, "xchg", Op.XCHG_EG, 0, MODRM | BYTE | LOCKABLE, 0, 0, Eb, Gb, NONE);
        def(0x87, "xchg", Op.XCHG_EG, 0, MODRM | LOCKABLE, 0, 0, Ev, Gv, NONE);
        def(0x88, "mov", Op.MOV_EG, MODRM | BYTE, Eb, Gb);
        def(0x89, "mov", Op.MOV_EG, MODRM, Ev, Gv);
        def(0x8A, "mov", Op.MOV_GE, MODRM | BYTE, Gb, Eb);
        def(0x8B, "mov", Op.MOV_GE, MODRM, Gv, Ev);
        def(0x8C, "mov", Op.MOV_ES, MODRM, Ew, Sw);
        def(0x8D, "lea", Op.LEA, MODRM | MEM_ONLY, Gv, M);
        def(0x8E, "mov", Op.MOV_SE, MODRM | WORD | BRANCH, Sw, Ew);
        groupHeader(0x8F, "grp1a", 0);
        grp(0x8F, 0, "pop", Op.POP_E, 0, 0, 0, 0, Ev, NONE, NONE);
        def(0x90, "nop", Op.NOP, 0, 0, 0, 0, NONE, NONE, NONE);
        def(0x98, "cbw/cwde", Op.CBW, 0, 0, 0, 0, NONE, NONE, NONE);
        def(0x99, "cwd/cdq", Op.CWD, 0, 0, 0, 0, NONE, NONE, NONE);
        def(0x9A, "call far", Op.CALLF, 0, BRANCH, 0, ALL, Ap, NONE, NONE);
        def(0x9B, "wait", Op.WAIT, 0, 0, 0, 0, NONE, NONE, NONE);
        def(0x9C, "pushf/pushfd", Op.PUSHF, 0, 0, ALL, 0, NONE, NONE, NONE);
        def(0x9D, "popf/popfd", Op.POPF, 0, BRANCH, 0, ALL, NONE, NONE, NONE);
        def(0x9E, "sahf", Op.SAHF, 0, 0, 0, CF | PF | AF | ZF | SF, NONE, NONE, NONE);
        def(0x9F, "lahf", Op.LAHF, 0, 0, CF | PF | AF | ZF | SF, 0, NONE, NONE, NONE);
        def(0xA0, "mov", Op.MOV_AO, 0, BYTE, 0, 0, REG8, Ob, NONE);
        def(0xA1, "mov", Op.MOV_AO, 0, 0, 0, 0, REGV, Ov, NONE);
        def(0xA2, "mov", Op.MOV_OA, 0, BYTE, 0, 0, Ob, REG8, NONE);
        def(0xA3, "mov", Op.MOV_OA, 0, 0, 0, 0, Ov, REGV, NONE);
        def(0xA4, "movsb", Op.MOVS, 0, STRING | BYTE, DF, 0, Yb, Xb, NONE);
        def(0xA5, "movsw/movsd", Op.MOVS, 0, STRING, DF, 0, Yv, Xv, NONE);
        def(0xA6, "cmpsb", Op.CMPS, 0, STRING | BYTE, DF, A, Xb, Yb, NONE);
        def(0xA7, "cmpsw/cmpsd", Op.CMPS, 0, STRING, DF, A, Xv, Yv, NONE);
        def(0xA8, "test", Op.TEST_AI, 0, BYTE, 0, A, REG8, Ib, NONE);
        def(0xA9, "test", Op.TEST_AI, 0, 0, 0, A, REGV, Iz, NONE);
        def(0xAA, "stosb", Op.STOS, 0, STRING | BYTE, DF, 0, Yb, REG8, NONE);
        def(0xAB, "stosw/stosd", Op.STOS, 0, STRING, DF, 0, Yv, REGV, NONE);
        def(0xAC, "lodsb", Op.LODS, 0, STRING | BYTE, DF, 0, REG8, Xb, NONE);
        def(0xAD, "lodsw/lodsd", Op.LODS, 0, STRING, DF, 0, REGV, Xv, NONE);
        def(0xAE, "scasb", Op.SCAS, 0, STRING | BYTE, DF, A, REG8, Yb, NONE);
        def(0xAF, "scasw/scasd", Op.SCAS, 0, STRING, DF, A, REGV, Yv, NONE);
        // ---- shifts and rotates: C0 C1 D0-D3 ----
        int[][] shiftForms = {{0xC0, BYTE, Ib}, {0xC1, 0, Ib}, {0xD0, BYTE, ONE}, {0xD1, 0, ONE}, {0xD2, BYTE, CL}, {0xD3, 0, CL}};
        for (int[] f : shiftForms) {
            groupHeader(f[0], "grp2", f[1]);
            for (int k = 0; k < 8; k++) {
                int fr = (k == 2 || k == 3) ? CF : 0;
                int fw = k < 4 ? CF | OF : A;
                grp(f[0], k, SHIFTS[k], Op.SHIFT, k, f[1], fr, fw, (f[1] & BYTE) != 0 ? Eb : Ev, f[2], NONE);
            }
        }
        def(0xC2, "ret", Op.RET, 0, BRANCH, 0, 0, Iw, NONE, NONE);
        def(0xC3, "ret", Op.RET, 0, BRANCH, 0, 0, NONE, NONE, NONE);
        def(0xC4, "les", Op.LSEG, 0, MODRM | MEM_ONLY, 0, 0, Gv, Mp, NONE);
        def(0xC5, "lds", Op.LSEG, 3, MODRM | MEM_ONLY, 0, 0, Gv, Mp, NONE);
        groupHeader(0xC6, "grp11", BYTE);
        grp(0xC6, 0, "mov", Op.MOV_EI, 0, BYTE, 0, 0, Eb, Ib, NONE);
        groupHeader(0xC7, "grp11", 0);
        grp(0xC7, 0, "mov", Op.MOV_EI, 0, 0, 0, 0, Ev, Iz, NONE);
        def(0xC8, "enter", Op.ENTER, 0, 0, 0, 0, Iw, Ib2, NONE);
        def(0xC9, "leave", Op.LEAVE, 0, 0, 0, 0, NONE, NONE, NONE);
        def(0xCA, "retf", Op.RETF, 0, BRANCH, 0, ALL, Iw, NONE, NONE);
        def(0xCB, "retf", Op.RETF, 0, BRANCH, 0, ALL, NONE, NONE, NONE);
        def(0xCC, "int3", Op.INT3, 0, BRANCH, 0, ALL, NONE, NONE, NONE);
        def(0xCD, "int", Op.INT, 0, BRANCH, 0, ALL, Ib, NONE, NONE);
        def(0xCE, "into", Op.INTO, 0, BRANCH, OF, ALL, NONE, NONE, NONE);
        def(0xCF, "iret/iretd", Op.IRET, 0, BRANCH, 0, ALL, NONE, NONE, NONE);
        def(0xD4, "aam", Op.AAM, 0, 0, 0, A, Ib, NONE, NONE);
        def(0xD5, "aad", Op.AAD, 0, 0, 0, A, Ib, NONE, NONE);
        def(0xD6, "salc", Op.SALC, 0, 0, CF, 0, NONE, NONE, NONE);
        def(0xD7, "xlatb", Op.XLAT, 0, 0, 0, 0, NONE, NONE, NONE);
        for (int e = 0xD8; e <= 0xDF; e++) def(e, "esc", Op.ESC, e, MODRM, 0, 0, NONE, NONE, NONE);
        def(0xE0, "loopne", Op.LOOP, 0, BRANCH, ZF, 0, Jb, NONE, NONE);
        def(0xE1, "loope", Op.LOOP, 1, BRANCH, ZF, 0, Jb, NONE, NONE);
        def(0xE2, "loop", Op.LOOP, 2, BRANCH, 0, 0, Jb, NONE, NONE);
        def(0xE3, "jcxz/jecxz", Op.LOOP, 3, BRANCH, 0, 0, Jb, NONE, NONE);
        def(0xE4, "in", Op.IN, 0, BYTE, 0, 0, REG8, Ib, NONE);
        def(0xE5, "in", Op.IN, 0, 0, 0, 0, REGV, Ib, NONE);
        def(0xE6, "out", Op.OUT, 0, BYTE, 0, 0, Ib, REG8, NONE);
        def(0xE7, "out", Op.OUT, 0, 0, 0, 0, Ib, REGV, NONE);
        def(0xE8, "call", Op.CALL_REL, 0, BRANCH, 0, 0, Jz, NONE, NONE);
        def(0xE9, "jmp", Op.JMP_REL, 0, BRANCH, 0, 0, Jz, NONE, NONE);
        def(0xEA, "jmp far", Op.JMPF, 0, BRANCH, 0, ALL, Ap, NONE, NONE);
        def(0xEB, "jmp", Op.JMP_REL, 0, BRANCH, 0, 0, Jb, NONE, NONE);
        def(0xEC, "in", Op.IN, 0, BYTE, 0, 0, REG8, DX, NONE);
        def(0xED, "in", Op.IN, 0, 0, 0, 0, REGV, DX, NONE);
        def(0xEE, "out", Op.OUT, 0, BYTE, 0, 0, DX, REG8, NONE);
        def(0xEF, "out", Op.OUT, 0, 0, 0, 0, DX, REGV, NONE);
        def(0xF1, "int1", Op.INT1, 0, BRANCH, 0, ALL, NONE, NONE, NONE);
        def(0xF4, "hlt", Op.HLT, 0, PRIV | BRANCH, 0, 0, NONE, NONE, NONE);
        def(0xF5, "cmc", Op.CMC, 0, 0, CF, CF, NONE, NONE, NONE);
        groupHeader(0xF6, "grp3", BYTE);
        groupHeader(0xF7, "grp3", 0);
        for (int w = 0; w < 2; w++) {
            int opc = 0xF6 + w, bf = w == 0 ? BYTE : 0, e = w == 0 ? Eb : Ev;
            grp(opc, 0, "test", Op.TEST_EI, 0, bf, 0, A, e, w == 0 ? Ib : Iz, NONE);
            grp(opc, 1, "test", Op.TEST_EI, 0, bf, 0, A, e, w == 0 ? Ib : Iz, NONE);
            grp(opc, 2, "not", Op.NOT, 0, bf | LOCKABLE, 0, 0, e, NONE, NONE);
            grp(opc, 3, "neg", Op.NEG, 0, bf | LOCKABLE, 0, A, e, NONE, NONE);
            grp(opc, 4, "mul", Op.MUL, 0, bf, 0, A, e, NONE, NONE);
            grp(opc, 5, "imul", Op.IMUL1, 0, bf, 0, A, e, NONE, NONE);
            grp(opc, 6, "div", Op.DIV, 0, bf, 0, A, e, NONE, NONE);
            grp(opc, 7, "idiv", Op.IDIV, 0, bf, 0, A, e, NONE, NONE);
        }
        def(0xF8, "clc", Op.CLC, 0, 0, 0, CF, NONE, NONE, NONE);
        def(0xF9, "stc", Op.STC, 0, 0, 0, CF, NONE, NONE, NONE);
        def(0xFA, "cli", Op.CLI, 0, 0, 0, IF, NONE, NONE, NONE);
        def(0xFB, "sti", Op.STI, 0, BRANCH, 0, IF, NONE, NONE, NONE);
        def(0xFC, "cld", Op.CLD, 0, 0, 0, DF, NONE, NONE, NONE);
        def(0xFD, "std", Op.STD, 0, 0, 0, DF, NONE, NONE, NONE);
        groupHeader(0xFE, "grp4", BYTE);
        grp(0xFE, 0, "inc", Op.INC_E, 0, BYTE | LOCKABLE, 0, A & ~CF, Eb, NONE, NONE);
        grp(0xFE, 1, "dec", Op.DEC_E, 0, BYTE | LOCKABLE, 0, A & ~CF, Eb, NONE, NONE);
        groupHeader(0xFF, "grp5", 0);
        grp(0xFF, 0, "inc", Op.INC_E, 0, LOCKABLE, 0, A & ~CF, Ev, NONE, NONE);
        grp(0xFF, 1, "dec", Op.DEC_E, 0, LOCKABLE, 0, A & ~CF, Ev, NONE, NONE);
        grp(0xFF, 2, "call", Op.CALL_E, 0, BRANCH, 0, 0, Ev, NONE, NONE);
        grp(0xFF, 3, "call far", Op.CALLF_E, 0, BRANCH | MEM_ONLY, 0, ALL, Mp, NONE, NONE);
        grp(0xFF, 4, "jmp", Op.JMP_E, 0, BRANCH, 0, 0, Ev, NONE, NONE);
        grp(0xFF, 5, "jmp far", Op.JMPF_E, 0, BRANCH | MEM_ONLY, 0, ALL, Mp, NONE, NONE);
        grp(0xFF, 6, "push", Op.PUSH_E, 0, 0, 0, 0, Ev, NONE, NONE);

        // ---- 0F xx (index 0x100 + xx) ----
        groupHeader(0x100, "grp6", PM_ONLY | WORD);
        grp(0x100, 0, "sldt", Op.SLDT, 0, PM_ONLY, 0, 0, Ew, NONE, NONE);
        grp(0x100, 1, "str", Op.STR, 0, PM_ONLY, 0, 0, Ew, NONE, NONE);
        grp(0x100, 2, "lldt", Op.LLDT, 0, PM_ONLY | PRIV | WORD, 0, 0, Ew, NONE, NONE);
        grp(0x100, 3, "ltr", Op.LTR, 0, PM_ONLY | PRIV | WORD, 0, 0, Ew, NONE, NONE);
        grp(0x100, 4, "verr", Op.VERR, 0, PM_ONLY | WORD, 0, ZF, Ew, NONE, NONE);
        grp(0x100, 5, "verw", Op.VERW, 0, PM_ONLY | WORD, 0, ZF, Ew, NONE, NONE);
        groupHeader(0x101, "grp7", 0);
        grp(0x101, 0, "sgdt", Op.SGDT, 0, MEM_ONLY, 0, 0, Ms, NONE, NONE);
        grp(0x101, 1, "sidt", Op.SIDT, 0, MEM_ONLY, 0, 0, Ms, NONE, NONE);
        grp(0x101, 2, "lgdt", Op.LGDT, 0, MEM_ONLY | PRIV, 0, 0, Ms, NONE, NONE);
        grp(0x101, 3, "lidt", Op.LIDT, 0, MEM_ONLY | PRIV, 0, 0, Ms, NONE, NONE);
        grp(0x101, 4, "smsw", Op.SMSW, 0, 0, 0, 0, Ew, NONE, NONE);
        grp(0x101, 6, "lmsw", Op.LMSW, 0, PRIV | WORD | BRANCH, 0, 0, Ew, NONE, NONE);
        grp(0x101, 7, "invlpg", Op.INVLPG, 0, MEM_ONLY | PRIV | BRANCH, 0, 0, M, NONE, NONE);
        def(0x102, "lar", Op.LAR, 0, MODRM | PM_ONLY, 0, ZF, Gv, Ew, NONE);
        def(0x103, "lsl", Op.LSL, 0, MODRM | PM_ONLY, 0, ZF, Gv, Ew, NONE);
        def(0x106, "clts", Op.CLTS, 0, PRIV, 0, 0, NONE, NONE, NONE);
        def(0x108, "invd", Op.INVD, 0, PRIV, 0, 0, NONE, NONE, NONE);
        def(0x109, "wbinvd", Op.WBINVD, 0, PRIV, 0, 0, NONE, NONE, NONE);
        def(0x10B, "ud2", Op.UD2, 0, 0, 0, 0, NONE, NONE, NONE);
        def(0x11F, "nop", Op.NOP, 0, MODRM, 0, 0, Ev, NONE, NONE);
        def(0x120, "mov", Op.MOV_R_CR, 0, MODRM | MOD_REG | PRIV, 0, 0, Rd, Cd, NONE);
        def(0x121, "mov", Op.MOV_R_DR, 0, MODRM | MOD_REG | PRIV, 0, 0, Rd, Dd, NONE);
        def(0x122, "mov", Op.MOV_CR_R, 0, MODRM | MOD_REG | PRIV | BRANCH, 0, 0, Cd, Rd, NONE);
        def(0x123, "mov", Op.MOV_DR_R, 0, MODRM | MOD_REG | PRIV | BRANCH, 0, 0, Dd, Rd, NONE);
        def(0x130, "wrmsr", Op.WRMSR, 0, PRIV | BRANCH, 0, 0, NONE, NONE, NONE);
        def(0x131, "rdtsc", Op.RDTSC, 0, 0, 0, 0, NONE, NONE, NONE);
        def(0x132, "rdmsr", Op.RDMSR, 0, PRIV, 0, 0, NONE, NONE, NONE);
        def(0x133, "rdpmc", Op.RDPMC, 0, 0, 0, 0, NONE, NONE, NONE);
        def(0x134, "sysenter", Op.SYSENTER, 0, BRANCH, 0, ALL, NONE, NONE, NONE);
        def(0x135, "sysexit", Op.SYSEXIT, 0, BRANCH, 0, ALL, NONE, NONE, NONE);
        def(0x1A0, "push", Op.PUSH_SEG, 4, 0, 0, 0, SEG + 4, NONE, NONE);
        def(0x1A1, "pop", Op.POP_SEG, 4, 0, 0, 0, SEG + 4, NONE, NONE);
        def(0x1A2, "cpuid", Op.CPUID, 0, 0, 0, 0, NONE, NONE, NONE);
        def(0x1A3, "bt", Op.BT_EG, 0, MODRM, 0, A, Ev, Gv, NONE);
        def(0x1A4, "shld", Op.SHXD, 0, MODRM, 0, A, Ev, Gv, Ib);
        def(0x1A5, "shld", Op.SHXD, 0, MODRM, 0, A, Ev, Gv, CL);
        def(0x1A8, "push", Op.PUSH_SEG, 5, 0, 0, 0, SEG + 5, NONE, NONE);
        def(0x1A9, "pop", Op.POP_SEG, 5, 0, 0, 0, SEG + 5, NONE, NONE);
        def(0x1AA, "rsm", Op.RSM, 0, BRANCH, 0, ALL, NONE, NONE, NONE);
        def(0x1AB, "bts", Op.BT_EG, 1, MODRM | LOCKABLE, 0, A, Ev, Gv, NONE);
        def(0x1AC, "shrd", Op.SHXD, 1, MODRM, 0, A, Ev, Gv, Ib);
        def(0x1AD, "shrd", Op.SHXD, 1, MODRM, 0, A, Ev, Gv, CL);
        groupHeader(0x1AE, "grp15", MEM_ONLY);
        grp(0x1AE, 0, "fxsave", Op.FXSAVE, 0, MEM_ONLY, 0, 0, Mx, NONE, NONE);
        grp(0x1AE, 1, "fxrstor", Op.FXRSTOR, 0, MEM_ONLY, 0, 0, Mx, NONE, NONE);
        def(0x1AF, "imul", Op.IMUL_GE, 0, MODRM, 0, A, Gv, Ev, NONE);
        def(0x1B0, "cmpxchg", Op.CMPXCHG, 0, MODRM | BYTE | LOCKABLE, 0, A, Eb, Gb, NONE);
        def(0x1B1, "cmpxchg", Op.CMPXCHG, 0, MODRM | LOCKABLE, 0, A, Ev, Gv, NONE);
        def(0x1B2, "lss", Op.LSEG, 2, MODRM | MEM_ONLY | BRANCH, 0, 0, Gv, Mp, NONE);
        def(0x1B3, "btr", Op.BT_EG, 2, MODRM | LOCKABLE, 0, A, Ev, Gv, NONE);
        def(0x1B4, "lfs", Op.LSEG, 4, MODRM | MEM_ONLY, 0, 0, Gv, Mp, NONE);
        def(0x1B5, "lgs", Op.LSEG, 5, MODRM | MEM_ONLY, 0, 0, Gv, Mp, NONE);
        def(0x1B6, "movzx", Op.MOVZX, 0, MODRM, 0, 0, Gv, Eb, NONE);
        def(0x1B7, "movzx", Op.MOVZX, 1, MODRM, 0, 0, Gv, Ew, NONE);
        groupHeader(0x1BA, "grp8", 0);
        for (int k = 0; k < 4; k++) {
            grp(0x1BA, 4 + k, new String[] {"bt", "bts", "btr", "btc"}[k], Op.BT_EI, k, k == 0 ? 0 : LOCKABLE, 0, A, Ev, Ib, NONE);
        }
        def(0x1BB, "btc", Op.BT_EG, 3, MODRM | LOCKABLE, 0, A, Ev, Gv, NONE);
        def(0x1BC, "bsf", Op.BSF, 0, MODRM, 0, A, Gv, Ev, NONE);
        def(0x1BD, "bsr", Op.BSR, 0, MODRM, 0, A, Gv, Ev, NONE);
        def(0x1BE, "movsx", Op.MOVSX, 0, MODRM, 0, 0, Gv, Eb, NONE);
        def(0x1BF, "movsx", Op.MOVSX, 1, MODRM, 0, 0, Gv, Ew, NONE);
        def(0x1C0, "xadd", Op.XADD, 0, MODRM | BYTE | LOCKABLE, 0, A, Eb, Gb, NONE);
        def(0x1C1, "xadd", Op.XADD, 0, MODRM | LOCKABLE, 0, A, Ev, Gv, NONE);
        groupHeader(0x1C7, "grp9", 0);
        grp(0x1C7, 1, "cmpxchg8b", Op.CMPXCHG8B, 0, MEM_ONLY | LOCKABLE, 0, ZF, Mq, NONE, NONE);
    }

    /** The row for a primary opcode (0x000-0x1FF), or null if invalid. */
    public static OpcodeRow lookup(int opcode) { return primary[opcode & 0x1FF]; }

    /** The row of a group opcode for ModRM.reg, or null if that form is invalid. */
    public static OpcodeRow lookupGroup(int opcode, int reg) { return group[((opcode & 0x1FF) << 3) | (reg & 7)]; }
}
