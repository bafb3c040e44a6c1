package org.x86play.cpu.decoder;

/**
 * Execution identifiers: the interpreter's {@code switch} key of an opcode-table row.
 * Families with a sub-operation (ALU kind, shift kind, condition code, ...) carry it in
 * {@link OpcodeRow#sub}.
 */
public final class Op {
    private Op() {}

    public static final int
            INVALID = 0, PREFIX = 1,
            // ALU: sub = 0 ADD 1 OR 2 ADC 3 SBB 4 AND 5 SUB 6 XOR 7 CMP
            ALU_EG = 2, ALU_GE = 3, ALU_AI = 4, ALU_EI = 5,
            TEST_EG = 6, TEST_AI = 7, TEST_EI = 8,
            INC_R = 9, DEC_R = 10, INC_E = 11, DEC_E = 12,
            NOT = 13, NEG = 14, MUL = 15, IMUL1 = 16, DIV = 17, IDIV = 18, IMUL_GE = 19, IMUL_GEI = 20,
            // SHIFT: sub = 0 ROL 1 ROR 2 RCL 3 RCR 4 SHL 5 SHR 6 SAL(=SHL) 7 SAR; count from operand 2
            SHIFT = 21,
            // SHXD: sub = 0 SHLD, 1 SHRD; count from operand 3 (Ib or CL)
            SHXD = 22,
            MOV_EG = 23, MOV_GE = 24, MOV_EI = 25, MOV_RI = 26, MOV_AO = 27, MOV_OA = 28,
            MOV_ES = 29, MOV_SE = 30, MOV_R_CR = 31, MOV_CR_R = 32, MOV_R_DR = 33, MOV_DR_R = 34,
            MOVZX = 35, MOVSX = 36, LEA = 37, XCHG_EG = 38, XCHG_AR = 39, XADD = 40, CMPXCHG = 41,
            CMPXCHG8B = 42, BSWAP = 43,
            // BT: sub = 0 BT 1 BTS 2 BTR 3 BTC
            BT_EG = 44, BT_EI = 45, BSF = 46, BSR = 47,
            CMOV = 48, SETCC = 49, JCC = 50, JMP_REL = 51, JMP_E = 52, CALL_REL = 53, CALL_E = 54, RET = 55,
            // LOOP: sub = 0 LOOPNE 1 LOOPE 2 LOOP 3 JCXZ
            LOOP = 56,
            PUSH_R = 57, POP_R = 58, PUSH_E = 59, POP_E = 60, PUSH_I = 61, PUSH_SEG = 62, POP_SEG = 63,
            PUSHA = 64, POPA = 65, PUSHF = 66, POPF = 67,
            MOVS = 68, CMPS = 69, SCAS = 70, LODS = 71, STOS = 72, INS = 73, OUTS = 74,
            ENTER = 75, LEAVE = 76, BOUND = 77, DAA = 78, DAS = 79, AAA = 80, AAS = 81, AAM = 82, AAD = 83,
            CBW = 84, CWD = 85, SAHF = 86, LAHF = 87, CLC = 88, STC = 89, CMC = 90, CLD = 91, STD = 92,
            CLI = 93, STI = 94, XLAT = 95, SALC = 96, NOP = 97, HLT = 98, IN = 99, OUT = 100,
            INT = 101, INT3 = 102, INTO = 103, INT1 = 104, IRET = 105, JMPF = 106, CALLF = 107,
            JMPF_E = 108, CALLF_E = 109, RETF = 110,
            // LSEG: sub = segment register loaded (LES LDS LSS LFS LGS)
            LSEG = 111,
            SLDT = 112, STR = 113, LLDT = 114, LTR = 115, VERR = 116, VERW = 117, SGDT = 118, SIDT = 119,
            LGDT = 120, LIDT = 121, SMSW = 122, LMSW = 123, INVLPG = 124, LAR = 125, LSL = 126, ARPL = 127,
            CLTS = 128, INVD = 129, WBINVD = 130, CPUID = 131, RDTSC = 132, RDMSR = 133, WRMSR = 134,
            RDPMC = 135, SYSENTER = 136, SYSEXIT = 137, UD2 = 138, ESC = 139, WAIT = 140, FXSAVE = 141,
            FXRSTOR = 142, RSM = 143;
}
