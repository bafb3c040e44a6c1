package org.x86play.cpu.decoder;

import org.x86play.cpu.CpuFault;

/**
 * Disassembler driven by the same opcode table as the decoder: it decodes with {@link Decoder}
 * and prints the row's mnemonic and operand forms in Intel (NASM-like) syntax.
 */
public final class Disassembler {
    private Disassembler() {}

    private static final String[] R8 = {"al", "cl", "dl", "bl", "ah", "ch", "dh", "bh"};
    private static final String[] R16 = {"ax", "cx", "dx", "bx", "sp", "bp", "si", "di"};
    private static final String[] R32 = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
    private static final String[] SREG = {"es", "cs", "ss", "ds", "fs", "gs", "?6", "?7"};
    /** x87 memory-form mnemonics by opcode D8..DF and ModRM.reg (SDM Vol. 2 Table A-7 ...). */
    private static final String[][] X87_MEM = {
        {"fadd dword", "fmul dword", "fcom dword", "fcomp dword", "fsub dword", "fsubr dword", "fdiv dword", "fdivr dword"},
        {"fld dword", null, "fst dword", "fstp dword", "fldenv", "fldcw", "fnstenv", "fnstcw"},
        {"fiadd dword", "fimul dword", "ficom dword", "ficomp dword", "fisub dword", "fisubr dword", "fidiv dword", "fidivr dword"},
        {"fild dword", "fisttp dword", "fist dword", "fistp dword", null, "fld tword", null, "fstp tword"},
        {"fadd qword", "fmul qword", "fcom qword", "fcomp qword", "fsub qword", "fsubr qword", "fdiv qword", "fdivr qword"},
        {"fld qword", "fisttp qword", "fst qword", "fstp qword", "frstor", null, "fnsave", "fnstsw"},
        {"fiadd word", "fimul word", "ficom word", "ficomp word", "fisub word", "fisubr word", "fidiv word", "fidivr word"},
        {"fild word", "fisttp word", "fist word", "fistp word", "fbld", "fild qword", "fbstp", "fistp qword"},
    };

    /**
     * x87 register forms (mod = 3) by opcode D8..DF and ModRM.reg: "name" with operand pattern
     * "0i" = st0, st(i); "i0" = st(i), st0; "i" = st(i); "" = none; or "#" + 8 names by ModRM.rm.
     */
    private static final String[][] X87_REG = {
        {"fadd 0i", "fmul 0i", "fcom i", "fcomp i", "fsub 0i", "fsubr 0i", "fdiv 0i", "fdivr 0i"},
        {"fld i", "fxch i", "#fnop,,,,,,,", "fstp1 i", "#fchs,fabs,,,ftst,fxam,,",
            "#fld1,fldl2t,fldl2e,fldpi,fldlg2,fldln2,fldz,", "#f2xm1,fyl2x,fptan,fpatan,fxtract,fprem1,fdecstp,fincstp",
            "#fprem,fyl2xp1,fsqrt,fsincos,frndint,fscale,fsin,fcos"},
        {"fcmovb 0i", "fcmove 0i", "fcmovbe 0i", "fcmovu 0i", null, "#,fucompp,,,,,,", null, null},
        {"fcmovnb 0i", "fcmovne 0i", "fcmovnbe 0i", "fcmovnu 0i", "#,,fnclex,fninit,,,,", "fucomi 0i", "fcomi 0i", null},
        {"fadd i0", "fmul i0", "fcom2 i", "fcomp3 i", "fsubr i0", "fsub i0", "fdivr i0", "fdiv i0"},
        {"ffree i", "fxch4 i", "fst i", "fstp i", "fucom i", "fucomp i", null, null},
        {"faddp i0", "fmulp i0", "fcomp5 i", "#,fcompp,,,,,,", "fsubrp i0", "fsubp i0", "fdivrp i0", "fdivp i0"},
        {"ffreep i", "fxch7 i", "fstp8 i", "fstp9 i", "#fnstsw ax,,,,,,,", "fucomip 0i", "fcomip 0i", null},
    };

    /** A byte-array code source; fetches beyond the array end the decode. */
    private static final class ArraySource implements CodeSource {
        byte[] code;
        int offset, eip;

        @Override
        public int fetch8(int off) {
            int i = offset + (off - eip);
            if (i < 0 || i >= code.length) throw CpuFault.gp(0);
            return code[i] & 0xFF;
        }
    }

    /**
     * Formats the instruction at {@code code[offset..]} in Intel syntax, e.g. {@code "add eax, [ebx+4]"}.
     * @param code32 true when the code segment's default size is 32 bits
     * @param eip    the instruction's address, for rendering relative branch targets
     */
    public static String format(byte[] code, int offset, boolean code32, int eip) {
        Instruction in = new Instruction();
        if (decode(code, offset, code32, eip, in) < 0) return "db 0x" + hex2(code[offset] & 0xFF);
        return format(in, eip);
    }

    /** Decodes into {@code in}; returns the length, or -1 if the bytes are invalid or truncated. */
    public static int decode(byte[] code, int offset, boolean code32, int eip, Instruction in) {
        ArraySource src = new ArraySource();
        src.code = code;
        src.offset = offset;
        src.eip = eip;
        try {
            Decoder.decode(src, eip, code32, in);
            return in.length;
        } catch (CpuFault f) {
            return -1;
        }
    }

    /** Formats an already decoded instruction located at {@code eip}. */
    public static String format(Instruction in, int eip) {
        OpcodeRow row = in.row;
        StringBuilder sb = new StringBuilder(32);
        if (in.lock) sb.append("lock ");
        if (in.rep != 0 && row.has(OpcodeRow.STRING)) {
            boolean cmp = row.exec == Op.CMPS || row.exec == Op.SCAS;
            sb.append(in.rep == 0xF2 ? "repne " : cmp ? "repe " : "rep ");
        }
        if (row.exec == Op.ESC) {
            formatX87(sb, in);
            return sb.toString();
        }
        String m = row.mnemonic;
        int slash = m.indexOf('/');
        if (slash >= 0) {
            boolean wide = row.exec == Op.LOOP ? in.addr32 : in.op32;
            m = wide ? m.substring(slash + 1) : m.substring(0, slash);
        }
        if (row.exec == Op.NOP && in.opcode == 0x90 && in.rep == 0xF3) m = "pause";
        sb.append(m);
        if (row.has(OpcodeRow.STRING)) {
            // Operands are implicit in movsb/stosd/...; a source segment override is shown as a prefix.
            if (in.segOverride >= 0) sb.insert(0, SREG[in.segOverride] + " ");
            return sb.toString();
        }
        // A size keyword is needed when no register operand fixes the memory operand's size.
        boolean ambiguous = (!isRegisterForm(row.op1) && !isRegisterForm(row.op2))
                || row.exec == Op.MOVZX || row.exec == Op.MOVSX;
        boolean first = true;
        int[] forms = {row.op1, row.op2, row.op3};
        for (int f : forms) {
            String s = operand(in, f, eip, ambiguous);
            if (s == null) continue;
            sb.append(first ? " " : ", ").append(s);
            first = false;
        }
        return sb.toString();
    }

    private static boolean isRegisterForm(int f) {
        return f == Operand.Gb || f == Operand.Gv || f == Operand.Gw || f == Operand.Gd || f == Operand.Sw
                || (f >= Operand.REG8 && f < Operand.SEG + 8);
    }

    private static String reg(int size, int r) {
        return size == 0 ? R8[r & 7] : size == 1 ? R16[r & 7] : R32[r & 7];
    }

    private static String operand(Instruction in, int f, int eip, boolean ambiguous) {
        int vsize = in.op32 ? 2 : 1;
        switch (f) {
            case Operand.NONE: case Operand.Xb: case Operand.Xv: case Operand.Yb: case Operand.Yv: return null;
            case Operand.Eb: return in.mem ? mem(in, ambiguous ? "byte " : "") : R8[in.rm];
            case Operand.Ev: return in.mem ? mem(in, ambiguous ? (in.op32 ? "dword " : "word ") : "") : reg(vsize, in.rm);
            case Operand.Ew: return in.mem ? mem(in, ambiguous ? "word " : "") : reg(in.row.exec == Op.MOV_ES
                    || in.row.exec == Op.SLDT || in.row.exec == Op.STR || in.row.exec == Op.SMSW ? vsize : 1, in.rm);
            case Operand.Ed: return in.mem ? mem(in, ambiguous ? "dword " : "") : R32[in.rm];
            case Operand.M: case Operand.Ma: case Operand.Ms: case Operand.Mx: return mem(in, "");
            case Operand.Mp: return mem(in, in.row.exec == Op.LSEG ? "" : "");
            case Operand.Mq: return mem(in, "qword ");
            case Operand.Gb: return R8[in.reg];
            case Operand.Gv: return reg(vsize, in.reg);
            case Operand.Gw: return R16[in.reg];
            case Operand.Gd: return R32[in.reg];
            case Operand.Rd: return R32[in.rm];
            case Operand.Cd: return "cr" + in.reg;
            case Operand.Dd: return "dr" + in.reg;
            case Operand.Sw: return SREG[in.reg];
            case Operand.Ib: return "0x" + Integer.toHexString(in.imm & 0xFF);
            case Operand.Ib2: return "0x" + Integer.toHexString(in.imm2 & 0xFF);
            case Operand.Iw: return "0x" + Integer.toHexString(in.imm & 0xFFFF);
            case Operand.Iz: return "0x" + Integer.toHexString(in.op32 ? in.imm : in.imm & 0xFFFF);
            case Operand.Ibs: {
                int size = in.row.has(OpcodeRow.BYTE) ? 0 : vsize;
                int v = size == 0 ? in.imm & 0xFF : size == 1 ? in.imm & 0xFFFF : in.imm;
                return "0x" + Integer.toHexString(v);
            }
            case Operand.Jb: case Operand.Jz: {
                int t = eip + in.length + in.imm;
                if (!in.op32) t &= 0xFFFF;
                return "0x" + Integer.toHexString(t);
            }
            case Operand.Ap: return "0x" + Integer.toHexString(in.imm2 & 0xFFFF) + ":0x"
                    + Integer.toHexString(in.op32 ? in.imm : in.imm & 0xFFFF);
            case Operand.Ob: case Operand.Ov:
                return segPrefix(in) + "[0x" + Integer.toHexString(in.addr32 ? in.imm : in.imm & 0xFFFF) + "]";
            case Operand.ONE: return "1";
            case Operand.CL: return "cl";
            case Operand.DX: return "dx";
            case Operand.AX: return "ax";
            default:
                if (f >= Operand.SEG) return SREG[f - Operand.SEG];
                if (f >= Operand.REGV) return reg(vsize, f - Operand.REGV);
                return R8[f - Operand.REG8];
        }
    }

    private static String segPrefix(Instruction in) {
        return in.segOverride >= 0 ? SREG[in.segOverride] + ":" : "";
    }

    /** "[ebx+esi*4+0x10]" / "[bp+si-0x2]" with a size keyword and segment override if any. */
    private static String mem(Instruction in, String size) {
        StringBuilder sb = new StringBuilder(size).append(segPrefix(in)).append('[');
        String[] names = in.addr32 ? R32 : R16;
        boolean any = false;
        if (in.base >= 0) { sb.append(names[in.base]); any = true; }
        if (in.index >= 0) {
            if (any) sb.append('+');
            sb.append(names[in.index]);
            if (in.scale != 0) sb.append('*').append(1 << in.scale);
            any = true;
        }
        int d = in.disp;
        if (!any) {
            sb.append("0x").append(Integer.toHexString(in.addr32 ? d : d & 0xFFFF));
        } else if (d != 0) {
            if (d < 0) sb.append("-0x").append(Integer.toHexString(-d));
            else sb.append("+0x").append(Integer.toHexString(d));
        }
        return sb.append(']').toString();
    }

    private static void formatX87(StringBuilder sb, Instruction in) {
        int op = in.sub & 7;
        if (in.mem) {
            String m = X87_MEM[op][in.reg];
            if (m == null) { sb.append("(bad)"); return; }
            int sp = m.indexOf(' ');
            if (sp < 0) sb.append(m).append(' ').append(mem(in, ""));
            else sb.append(m, 0, sp).append(' ').append(mem(in, m.substring(sp + 1) + " "));
            return;
        }
        String m = X87_REG[op][in.reg];
        if (m != null && m.startsWith("#")) {
            m = field(m, in.rm);
            if (m != null) { sb.append(m); return; }
        }
        if (m == null) { sb.append("(bad)"); return; }
        int sp = m.indexOf(' ');
        String st = "st(" + in.rm + ")";
        sb.append(m, 0, sp).append(' ');
        switch (m.substring(sp + 1)) {
            case "0i": sb.append("st0, ").append(st); break;
            case "i0": sb.append(st).append(", st0"); break;
            default: sb.append(st); break;
        }
    }

    /** The {@code index}-th comma-separated name after the leading '#', or null if empty. */
    private static String field(String list, int index) {
        int start = 1;
        for (int i = 0; i < index; i++) {
            start = list.indexOf(',', start) + 1;
            if (start == 0) return null;
        }
        int end = list.indexOf(',', start);
        String f = end < 0 ? list.substring(start) : list.substring(start, end);
        return f.isEmpty() ? null : f;
    }

    private static String hex2(int v) {
        String s = Integer.toHexString(v & 0xFF);
        return s.length() == 1 ? "0" + s : s;
    }
}
