package org.x86play.cpu.decoder;

/**
 * Pre-resolved handler ids for the most frequent operand forms (derived from the opcode table row and the
 * decoded operands, see {@link Instruction#fast}). The interpreter runs these with one switch and no
 * operand-size or register/memory tests; every other instruction (0) goes through the generic path.
 * Choosing a form never changes semantics: each handler does exactly what the generic code does.
 */
public final class FastForm {
    private FastForm() {}

    /** (11, 12 and 15, the former register ALU forms, are now {@link #ALU_RR_EG} etc.) */
    public static final int NONE = 0,
            MOV_EG_R32 = 1, MOV_GE_R32 = 2, MOV_GE_M32 = 3, MOV_EG_M32 = 4, MOV_EG_M16 = 5, MOV_EG_M8 = 6,
            MOV_GE_M8 = 7, MOV_GE_M16 = 8, MOV_EI_M32 = 9, MOV_RI32 = 10,
            ALU_GE_M32 = 13, ALU_EG_M32 = 14,
            ALU_EI_M32 = 16, ALU_AI32 = 17, TEST_EG_R32 = 18, LEA32 = 19, JCC = 20, JMP_REL = 21,
            MOVZX_M = 22, MOVZX_R = 23, MOVSX_M = 24, MOVSX_R = 25, SHIFT_R32 = 26, IMUL_GE_R32 = 27,
            IMUL_GE_M32 = 28, INC_R32 = 29, DEC_R32 = 30, PUSH_R32 = 31, POP_R32 = 32, CALL_REL32 = 33,
            RET32 = 34, MUL_R32 = 35, MUL_M32 = 36, TEST_EI_R32 = 37, MOV_GE_R8 = 38, MOV_EG_R8 = 39;

    /**
     * 32-bit register ALU forms with the operation resolved too (one dispatch instead of a form dispatch
     * and an operation dispatch): base + operation number (ModRM reg / opcode bits 3-5: ADD OR ADC SBB AND
     * SUB XOR CMP). RR_EG: {@code op rm, reg}; RR_GE: {@code op reg, rm} (both registers); RI: {@code op rm, imm}.
     */
    public static final int ALU_RR_EG = 40, ALU_RR_GE = 48, ALU_RI = 56;
    public static final int ADD = 0, OR = 1, ADC = 2, SBB = 3, AND = 4, SUB = 5, XOR = 6, CMP = 7;

    /**
     * Frequent forms outside the 32-bit core set (from a histogram of the generic path during the Linux boot:
     * SETcc, CMOVcc, byte ALU in the XZ decompressor, 16-bit shifts, indirect calls through memory).
     */
    public static final int SETCC_R8 = 64, CMOV_R32 = 65, CMOV_M32 = 66, ALU_AI8 = 67, ALU_GE8 = 68,
            TEST_EG_R8 = 69, SHIFT_R = 70, JMP_M32 = 71, CALL_M32 = 72, PUSH_M32 = 73;

    /**
     * A 32-bit CMP or TEST of registers and immediates only (no memory operand: it cannot fault), the
     * first half of a compare-and-branch pair (see {@code Interpreter.execCompareBranch}).
     */
    public static boolean isCompare(int form) {
        return form == ALU_RR_EG + CMP || form == ALU_RR_GE + CMP || form == ALU_RI + CMP
                || form == TEST_EG_R32 || form == TEST_EI_R32;
    }

    /** The fast form of a decoded instruction, or {@link #NONE}. */
    static int of(Instruction in) {
        if (in.lock && !in.mem) return NONE;
        boolean d = in.size == 2, m = in.mem;
        switch (in.exec) {
            case Op.MOV_EG:
                if (in.size == 0) return m ? MOV_EG_M8 : MOV_EG_R8;
                if (in.size == 1) return m ? MOV_EG_M16 : NONE;
                return m ? MOV_EG_M32 : MOV_EG_R32;
            case Op.MOV_GE:
                if (in.size == 0) return m ? MOV_GE_M8 : MOV_GE_R8;
                if (in.size == 1) return m ? MOV_GE_M16 : NONE;
                return m ? MOV_GE_M32 : MOV_GE_R32;
            case Op.MOV_EI: return d && m ? MOV_EI_M32 : NONE;
            case Op.MOV_RI: return d ? MOV_RI32 : NONE;
            case Op.ALU_EG: return d ? (m ? ALU_EG_M32 : ALU_RR_EG + (in.sub & 7)) : NONE;
            case Op.ALU_GE:
                if (in.size == 0) return ALU_GE8;
                return d ? (m ? ALU_GE_M32 : ALU_RR_GE + (in.sub & 7)) : NONE;
            case Op.ALU_EI: return d ? (m ? ALU_EI_M32 : ALU_RI + (in.sub & 7)) : NONE;
            case Op.ALU_AI: return d ? ALU_AI32 : in.size == 0 ? ALU_AI8 : NONE;
            case Op.TEST_EG: return m ? NONE : d ? TEST_EG_R32 : in.size == 0 ? TEST_EG_R8 : NONE;
            case Op.TEST_EI: return d && !m ? TEST_EI_R32 : NONE;
            case Op.LEA: return d ? LEA32 : NONE;
            case Op.JCC: return JCC;
            case Op.JMP_REL: return JMP_REL;
            case Op.MOVZX: return d ? (m ? MOVZX_M : MOVZX_R) : NONE;
            case Op.MOVSX: return d ? (m ? MOVSX_M : MOVSX_R) : NONE;
            case Op.SHIFT: return m ? NONE : d ? SHIFT_R32 : SHIFT_R;
            case Op.SETCC: return m ? NONE : SETCC_R8;
            case Op.CMOV: return d ? (m ? CMOV_M32 : CMOV_R32) : NONE;
            case Op.JMP_E: return d && m && in.op32 ? JMP_M32 : NONE;
            case Op.CALL_E: return d && m && in.op32 ? CALL_M32 : NONE;
            case Op.PUSH_E: return d && m ? PUSH_M32 : NONE;
            case Op.IMUL_GE: return d ? (m ? IMUL_GE_M32 : IMUL_GE_R32) : NONE;
            case Op.INC_R: return d ? INC_R32 : NONE;
            case Op.DEC_R: return d ? DEC_R32 : NONE;
            case Op.PUSH_R: return d ? PUSH_R32 : NONE;
            case Op.POP_R: return d ? POP_R32 : NONE;
            case Op.CALL_REL: return d && in.op32 ? CALL_REL32 : NONE;
            case Op.RET: return d && in.op32 && in.row.op1 != Operand.Iw ? RET32 : NONE;
            case Op.MUL: return d ? (m ? MUL_M32 : MUL_R32) : NONE;
            default: return NONE;
        }
    }
}
