package org.x86play.cpu;

import org.x86play.cpu.decoder.CodeSource;
import org.x86play.cpu.decoder.Decoder;
import org.x86play.cpu.decoder.FastForm;
import org.x86play.cpu.decoder.Instruction;
import org.x86play.cpu.decoder.Op;
import org.x86play.cpu.decoder.OpcodeRow;
import org.x86play.cpu.decoder.Operand;
import org.x86play.cpu.exec.Arith;
import org.x86play.memory.WordStore;
import org.x86play.mmu.Mmu;

/**
 * Fetch, decode (through the opcode table) and execute: the integer interpreter of the i686.
 * <p>
 * One {@link Instruction} is reused for every step (no allocation on the hot path). Every data
 * access goes through segmentation ({@link #checkRead}/{@link #checkWrite}: null selector, type
 * and limit checks, SDM Vol. 3 §5.3-5.4) and then {@code cpu.readLinear*}/{@code writeLinear*}.
 * Faults restore EIP and ESP to the instruction's start (SDM Vol. 3 §6.5) before delivery.
 */
public final class Interpreter implements CodeSource {
    private final Cpu cpu;
    private final int[] reg;
    private final Flags flags;
    private final SegmentCache[] seg;
    private final Instruction insn = new Instruction();

    /** REP string iterations run per step before the instruction yields (and is restarted) so interrupts get in. */
    private static final int REP_CHUNK = 8192;
    private static final int[] LEN = {0, 1, 3};
    private static final int ES = Cpu.ES, CS = Cpu.CS, SS = Cpu.SS, DS = Cpu.DS;
    private static final int EAX = 0, ECX = 1, EDX = 2, EBX = 3, ESP = 4, EBP = 5, ESI = 6, EDI = 7;

    /** Set by MOV SS / POP SS: the single-step trap is held off for one instruction too (SDM Vol. 3 §6.8.3). */
    private boolean ssLoaded;

    /** Vector of the last fault raised by an instruction (for tests and tracing); -1 if none yet. */
    public int lastFaultVector = -1;

    public Interpreter(Cpu cpu) {
        this.cpu = cpu;
        this.reg = cpu.reg;
        this.flags = cpu.flags;
        this.seg = cpu.seg;
        this.mmu = cpu.mmu;
        this.addend = cpu.mmu.addends();
    }

    /**
     * Executes one instruction (or delivers the fault it raised) and retires it.
     * Does nothing if the CPU is halted.
     */
    public void step() {
        if (cpu.halted) return;
        run(null);
    }

    /**
     * Executes an instruction already decoded at the current CS:EIP (by {@link #decodeAt}), e.g. from a
     * translation cache; the caller guarantees the bytes have not changed since. Same semantics as {@link #step()}.
     */
    public void stepDecoded(Instruction decoded) {
        if (cpu.halted) return;
        run(decoded);
    }

    /**
     * Fast-path preconditions of {@link #execFast}: no code breakpoints armed (DR7 L/G bits), EFLAGS.TF and
     * RF clear. Only attention instructions (which end a block) or a fault delivery can change these.
     */
    public boolean fastPathAllowed() {
        return (cpu.dr[7] & 0xFF) == 0 && (flags.getSystem() & (Cpu.TF | Cpu.RF)) == 0;
    }

    // ------------------------------------------------------------------ fast-mode segment and TLB views

    /**
     * While {@link #fastMode}: per segment (index s * 4 + len, len = access bytes - 1), the exclusive upper
     * bound of offsets an access may start at without any further check (valid, right type, expand-up, inside
     * the limit), and the bases. Bound 0 sends every access to the full check ({@link #checkRead} etc.).
     * Tags: the MMU's direct tags for the current CPL. Outside fast mode everything takes the full path.
     */
    private final int[] readBound = new int[24], writeBound = new int[24], segBase = new int[6];
    private static final int[] NO_TAGS = new int[Mmu.TLB_MASK + 1];
    static { java.util.Arrays.fill(NO_TAGS, -1); }
    private int[] readTags = NO_TAGS, writeTags = NO_TAGS;
    private final int[] addend;
    private final Mmu mmu;
    private boolean fastMode;
    /** Fast mode: alignment checking (#AC) is armed (CPL 3, CR0.AM, EFLAGS.AC), so unaligned accesses take readMem. */
    private boolean alignChecks;

    /**
     * Enters fast mode for a run of {@link #execFast} calls: snapshots segment checks and the CPL's TLB tags.
     * Valid while segments, CR0.PE, EFLAGS.VM and CPL stay as they are: only attention instructions and
     * fault delivery change them, and both end the engine's run.
     */
    public void prepareRun() {
        boolean p = pm();
        for (int s = 0; s < 6; s++) {
            SegmentCache sc = seg[s];
            segBase[s] = sc.base;
            int a = sc.attributes;
            boolean expandDown = (a & 0x1C) == 0x14;
            boolean r = !expandDown && (!p || (sc.valid && (a & 0xA) != 0x8));
            boolean w = !expandDown && (!p || (sc.valid && (a & 0xA) == 0x2));
            int lim = sc.limit;
            for (int len = 0; len < 4; len++) {
                // lim - len + 1 as unsigned, 0 if the limit is below len, 0xFFFFFFFF for a 4 GiB byte access
                int b = Integer.compareUnsigned(lim, len) < 0 ? 0 : lim - len + 1;
                if (b == 0 && lim == -1) b = -1;
                readBound[s * 4 + len] = r ? b : 0;
                writeBound[s * 4 + len] = w ? b : 0;
            }
        }
        boolean user = cpu.cpl == 3;
        alignChecks = user && (cpu.cr0 & Cpu.CR0_AM) != 0 && (flags.getSystem() & Cpu.AC) != 0;
        readTags = mmu.readTags(user);
        writeTags = mmu.writeTags(user);
        fastMode = true;
    }

    private void leaveFastMode() {
        java.util.Arrays.fill(readBound, 0);
        java.util.Arrays.fill(writeBound, 0);
        readTags = writeTags = NO_TAGS;
        fastMode = false;
    }

    /** Linear address of a read of {@code len + 1} bytes at s:off (full checks unless inside the fast bound). */
    private int linR(int s, int off, int len) {
        if (Integer.compareUnsigned(off, readBound[(s << 2) | len]) < 0) return segBase[s] + off;
        return checkRead(s, off, len);
    }

    private int linW(int s, int off, int len) {
        if (Integer.compareUnsigned(off, writeBound[(s << 2) | len]) < 0) return segBase[s] + off;
        return checkWrite(s, off, len);
    }

    // Aligned accesses inside a directly mapped page go straight to the store; the rest (unaligned: the
    // alignment check, TLB misses, MMIO, watched pages) take readMem/writeMem.
    private int rd32(int lin) {
        int i = (lin >>> 12) & Mmu.TLB_MASK;
        if (readTags[i] == (lin & 0xFFFFF003)) return mmu.store()[(lin + addend[i]) >>> 2];
        return rd32Unaligned(lin);
    }

    /** Unaligned inside a direct page (frequent in decompressors and string code), else the full path. */
    private int rd32Unaligned(int lin) {
        int i = (lin >>> 12) & Mmu.TLB_MASK;
        if (!alignChecks && readTags[i] == (lin & 0xFFFFF000) && (lin & 0xFFF) <= 0xFFC) {
            return WordStore.load32(mmu.store(), lin + addend[i]);
        }
        return readMemSlow(lin, 2);
    }

    private int rd16(int lin) {
        int i = (lin >>> 12) & Mmu.TLB_MASK;
        if (readTags[i] == (lin & 0xFFFFF001)) {
            int x = lin + addend[i];
            return (mmu.store()[x >>> 2] >>> ((x & 2) << 3)) & 0xFFFF;
        }
        if (!alignChecks && readTags[i] == (lin & 0xFFFFF000) && (lin & 0xFFF) <= 0xFFE) {
            return WordStore.load16(mmu.store(), lin + addend[i]);
        }
        return readMemSlow(lin, 1);
    }

    private int rd8(int lin) {
        int i = (lin >>> 12) & Mmu.TLB_MASK;
        if (readTags[i] == (lin & 0xFFFFF000)) {
            int x = lin + addend[i];
            return (mmu.store()[x >>> 2] >>> ((x & 3) << 3)) & 0xFF;
        }
        return readMemSlow(lin, 0);
    }

    private void wr32(int lin, int v) {
        int i = (lin >>> 12) & Mmu.TLB_MASK;
        if (writeTags[i] == (lin & 0xFFFFF003)) mmu.store()[(lin + addend[i]) >>> 2] = v;
        else wr32Unaligned(lin, v);
    }

    private void wr32Unaligned(int lin, int v) {
        int i = (lin >>> 12) & Mmu.TLB_MASK;
        if (!alignChecks && writeTags[i] == (lin & 0xFFFFF000) && (lin & 0xFFF) <= 0xFFC) {
            WordStore.store32(mmu.store(), lin + addend[i], v);
        } else {
            writeMemSlow(lin, 2, v);
        }
    }

    private void wr16(int lin, int v) {
        int i = (lin >>> 12) & Mmu.TLB_MASK;
        if (writeTags[i] == (lin & 0xFFFFF001)) {
            int x = lin + addend[i];
            int sh = (x & 2) << 3;
            int[] st = mmu.store();
            st[x >>> 2] = (st[x >>> 2] & ~(0xFFFF << sh)) | ((v & 0xFFFF) << sh);
        } else if (!alignChecks && writeTags[i] == (lin & 0xFFFFF000) && (lin & 0xFFF) <= 0xFFE) {
            WordStore.store16(mmu.store(), lin + addend[i], v);
        } else {
            writeMemSlow(lin, 1, v);
        }
    }

    private void wr8(int lin, int v) {
        int i = (lin >>> 12) & Mmu.TLB_MASK;
        if (writeTags[i] == (lin & 0xFFFFF000)) {
            int x = lin + addend[i];
            int sh = (x & 3) << 3;
            int[] st = mmu.store();
            st[x >>> 2] = (st[x >>> 2] & ~(0xFF << sh)) | ((v & 0xFF) << sh);
        } else {
            writeMemSlow(lin, 0, v);
        }
    }

    /** 32-bit group-1 ALU operation with lazy flags (Arith.alu without the size mask). */
    private int alu32(int kind, int a, int b) {
        int r, c;
        switch (kind) {
            case 0: r = a + b; flags.add(a, b, r, 2); return r;
            case 1: r = a | b; flags.logic(r, 2); return r;
            case 2: c = flags.cf() ? 1 : 0; r = a + b + c; flags.adc(a, b, c, r, 2); return r;
            case 3: c = flags.cf() ? 1 : 0; r = a - b - c; flags.sbb(a, b, c, r, 2); return r;
            case 4: r = a & b; flags.logic(r, 2); return r;
            case 6: r = a ^ b; flags.logic(r, 2); return r;
            default: r = a - b; flags.sub(a, b, r, 2); return r;   // SUB, CMP
        }
    }

    /** Read-modify-write of a 32-bit memory operand with an ALU operation (not CMP). */
    private void aluMem32(int kind, int s, int off, int src) {
        int lin = linW(s, off, 3);
        int i = (lin >>> 12) & Mmu.TLB_MASK;
        if (writeTags[i] == (lin & 0xFFFFF003)) {
            // Direct write path: neither the read nor the write can fault, no flag rollback needed.
            int[] st = mmu.store();
            int x = (lin + addend[i]) >>> 2;
            st[x] = alu32(kind, st[x], src);
            return;
        }
        flags.mark();
        writeMem(lin, 2, alu32(kind, readMem(lin, 2), src));
        flags.unmark();
    }

    /**
     * The frequent forms of {@link FastForm}: same semantics as the generic cases of {@link #execute}.
     * One case per form, each a call to a small handler: a JIT sees each handler's helpers as hot and
     * inlines them there, which it would not do for dozens of call sites inside one big switch.
     */
    private void fastOp(Instruction in) {
        final int[] reg = this.reg;
        switch (in.fast) {
            case FastForm.MOV_EG_R32: reg[in.rm] = reg[in.reg]; break;
            case FastForm.MOV_GE_R32: reg[in.reg] = reg[in.rm]; break;
            case FastForm.MOV_GE_M32: movGeM32(in); break;
            case FastForm.MOV_EG_M32: movEgM32(in); break;
            case FastForm.MOV_EG_M16: wr16(linW(in.memSeg, offset(in), 1), reg[in.reg]); break;
            case FastForm.MOV_EG_M8: wr8(linW(in.memSeg, offset(in), 0), getReg(0, in.reg)); break;
            case FastForm.MOV_EG_R8: setReg(0, in.rm, getReg(0, in.reg)); break;
            case FastForm.MOV_GE_M8: setReg(0, in.reg, rd8(linR(in.memSeg, offset(in), 0))); break;
            case FastForm.MOV_GE_R8: setReg(0, in.reg, getReg(0, in.rm)); break;
            case FastForm.MOV_GE_M16: setReg(1, in.reg, rd16(linR(in.memSeg, offset(in), 1))); break;
            case FastForm.MOV_EI_M32: wr32(linW(in.memSeg, offset(in), 3), in.imm); break;
            case FastForm.MOV_RI32: reg[in.sub] = in.imm; break;
            case FastForm.ALU_GE_M32: aluGeM32(in); break;
            case FastForm.ALU_EG_M32: aluEgM32(in, reg[in.reg]); break;
            case FastForm.ALU_EI_M32: aluEgM32(in, in.imm); break;
            case FastForm.ALU_AI32: aluAi32(in); break;
            case FastForm.TEST_EG_R32: flags.logic(reg[in.rm] & reg[in.reg], 2); break;
            case FastForm.TEST_EI_R32: flags.logic(reg[in.rm] & in.imm, 2); break;
            case FastForm.LEA32: reg[in.reg] = offset(in); break;
            case FastForm.JCC: jcc(in); break;
            case FastForm.JMP_REL: jumpNear(cpu.eip + in.imm, in.op32); break;
            case FastForm.MOVZX_M: movzxM(in); break;
            case FastForm.MOVZX_R: reg[in.reg] = getReg(in.sub, in.rm); break;
            case FastForm.MOVSX_M: movsxM(in); break;
            case FastForm.MOVSX_R: reg[in.reg] = in.sub == 0 ? (byte) getReg(0, in.rm) : (short) getReg(1, in.rm); break;
            case FastForm.SHIFT_R32: shiftR32(in); break;
            case FastForm.IMUL_GE_R32: reg[in.reg] = Arith.imul(flags, reg[in.reg], reg[in.rm], 2); break;
            case FastForm.IMUL_GE_M32: imulGeM32(in); break;
            case FastForm.INC_R32: incR32(in); break;
            case FastForm.DEC_R32: decR32(in); break;
            case FastForm.PUSH_R32: push32(reg[in.sub]); break;
            case FastForm.POP_R32: reg[in.sub] = pop32(); break;
            case FastForm.CALL_REL32: callRel32(in); break;
            case FastForm.RET32: jumpNear(pop32(), true); break;
            case FastForm.MUL_R32: Arith.mul(flags, reg, reg[in.rm], 2); break;
            case FastForm.MUL_M32: mulM32(in); break;
            case FastForm.ALU_RR_EG + FastForm.ADD: reg[in.rm] = add32(reg[in.rm], reg[in.reg]); break;
            case FastForm.ALU_RR_GE + FastForm.ADD: reg[in.reg] = add32(reg[in.reg], reg[in.rm]); break;
            case FastForm.ALU_RI + FastForm.ADD: reg[in.rm] = add32(reg[in.rm], in.imm); break;
            case FastForm.ALU_RR_EG + FastForm.OR: reg[in.rm] = or32(reg[in.rm], reg[in.reg]); break;
            case FastForm.ALU_RR_GE + FastForm.OR: reg[in.reg] = or32(reg[in.reg], reg[in.rm]); break;
            case FastForm.ALU_RI + FastForm.OR: reg[in.rm] = or32(reg[in.rm], in.imm); break;
            case FastForm.ALU_RR_EG + FastForm.ADC: reg[in.rm] = adc32(reg[in.rm], reg[in.reg]); break;
            case FastForm.ALU_RR_GE + FastForm.ADC: reg[in.reg] = adc32(reg[in.reg], reg[in.rm]); break;
            case FastForm.ALU_RI + FastForm.ADC: reg[in.rm] = adc32(reg[in.rm], in.imm); break;
            case FastForm.ALU_RR_EG + FastForm.SBB: reg[in.rm] = sbb32(reg[in.rm], reg[in.reg]); break;
            case FastForm.ALU_RR_GE + FastForm.SBB: reg[in.reg] = sbb32(reg[in.reg], reg[in.rm]); break;
            case FastForm.ALU_RI + FastForm.SBB: reg[in.rm] = sbb32(reg[in.rm], in.imm); break;
            case FastForm.ALU_RR_EG + FastForm.AND: reg[in.rm] = and32(reg[in.rm], reg[in.reg]); break;
            case FastForm.ALU_RR_GE + FastForm.AND: reg[in.reg] = and32(reg[in.reg], reg[in.rm]); break;
            case FastForm.ALU_RI + FastForm.AND: reg[in.rm] = and32(reg[in.rm], in.imm); break;
            case FastForm.ALU_RR_EG + FastForm.SUB: reg[in.rm] = sub32(reg[in.rm], reg[in.reg]); break;
            case FastForm.ALU_RR_GE + FastForm.SUB: reg[in.reg] = sub32(reg[in.reg], reg[in.rm]); break;
            case FastForm.ALU_RI + FastForm.SUB: reg[in.rm] = sub32(reg[in.rm], in.imm); break;
            case FastForm.ALU_RR_EG + FastForm.XOR: reg[in.rm] = xor32(reg[in.rm], reg[in.reg]); break;
            case FastForm.ALU_RR_GE + FastForm.XOR: reg[in.reg] = xor32(reg[in.reg], reg[in.rm]); break;
            case FastForm.ALU_RI + FastForm.XOR: reg[in.rm] = xor32(reg[in.rm], in.imm); break;
            case FastForm.ALU_RR_EG + FastForm.CMP: sub32(reg[in.rm], reg[in.reg]); break;
            case FastForm.ALU_RR_GE + FastForm.CMP: sub32(reg[in.reg], reg[in.rm]); break;
            case FastForm.ALU_RI + FastForm.CMP: sub32(reg[in.rm], in.imm); break;
            case FastForm.SETCC_R8: setReg(0, in.rm, flags.condition(in.sub) ? 1 : 0); break;
            case FastForm.CMOV_R32: if (flags.condition(in.sub)) reg[in.reg] = reg[in.rm]; break;
            case FastForm.CMOV_M32: cmovM32(in); break;
            case FastForm.ALU_AI8: aluAi8(in); break;
            case FastForm.ALU_GE8: aluGe8(in); break;
            case FastForm.TEST_EG_R8: flags.logic(getReg(0, in.rm) & getReg(0, in.reg), 0); break;
            case FastForm.SHIFT_R: shiftR(in); break;
            case FastForm.JMP_M32: jumpNear(rd32(linR(in.memSeg, offset(in), 3)), true); break;
            case FastForm.CALL_M32: callM32(in); break;
            case FastForm.PUSH_M32: push32(rd32(linR(in.memSeg, offset(in), 3))); break;
            default: execute(in); break;
        }
    }

    /** CMOVcc r32, m32: the operand is read (and may fault) whatever the condition (SDM Vol. 2 CMOVcc). */
    private void cmovM32(Instruction in) {
        int v = rd32(linR(in.memSeg, offset(in), 3));
        if (flags.condition(in.sub)) reg[in.reg] = v;
    }

    private void aluAi8(Instruction in) {
        int r = Arith.alu(flags, in.sub, getReg(0, EAX), in.imm, 0);
        if (in.sub != 7) setReg(0, EAX, r);
    }

    /** ALU r8, r/m8. */
    private void aluGe8(Instruction in) {
        int src = in.mem ? rd8(linR(in.memSeg, offset(in), 0)) : getReg(0, in.rm);
        int r = Arith.alu(flags, in.sub, getReg(0, in.reg), src, 0);
        if (in.sub != 7) setReg(0, in.reg, r);
    }

    /** Shift or rotate of an 8- or 16-bit register. */
    private void shiftR(Instruction in) {
        int op2 = in.row.op2;
        int count = (op2 == Operand.ONE ? 1 : op2 == Operand.CL ? reg[ECX] : in.imm) & 0x1F;
        int sz = in.size;
        if (count != 0) setReg(sz, in.rm, Arith.shift(flags, in.sub, getReg(sz, in.rm), count, sz));
    }

    private void callM32(Instruction in) {
        int target = rd32(linR(in.memSeg, offset(in), 3));
        if (Integer.compareUnsigned(target, seg[CS].limit) > 0) throw CpuFault.gp(0);
        push32(cpu.eip);
        cpu.eip = target;
    }

    // 32-bit ALU operations with lazy flags, one per operation (the cases of alu32).
    private int add32(int a, int b) { int r = a + b; flags.add(a, b, r, 2); return r; }
    private int or32(int a, int b) { int r = a | b; flags.logic(r, 2); return r; }
    private int adc32(int a, int b) { int c = flags.cf() ? 1 : 0; int r = a + b + c; flags.adc(a, b, c, r, 2); return r; }
    private int sbb32(int a, int b) { int c = flags.cf() ? 1 : 0; int r = a - b - c; flags.sbb(a, b, c, r, 2); return r; }
    private int and32(int a, int b) { int r = a & b; flags.logic(r, 2); return r; }
    private int sub32(int a, int b) { int r = a - b; flags.sub(a, b, r, 2); return r; }
    private int xor32(int a, int b) { int r = a ^ b; flags.logic(r, 2); return r; }

    private void movGeM32(Instruction in) { reg[in.reg] = rd32(linR(in.memSeg, offset(in), 3)); }

    private void movEgM32(Instruction in) { wr32(linW(in.memSeg, offset(in), 3), reg[in.reg]); }

    private void aluGeM32(Instruction in) {
        int r = alu32(in.sub, reg[in.reg], rd32(linR(in.memSeg, offset(in), 3)));
        if (in.sub != 7) reg[in.reg] = r;
    }

    private void aluAi32(Instruction in) {
        int r = alu32(in.sub, reg[EAX], in.imm);
        if (in.sub != 7) reg[EAX] = r;
    }

    /** ALU with a 32-bit memory destination: CMP only reads; the others are read-modify-write. */
    private void aluEgM32(Instruction in, int src) {
        if (in.sub == 7) alu32(7, rd32(linR(in.memSeg, offset(in), 3)), src);
        else aluMem32(in.sub, in.memSeg, offset(in), src);
    }

    private void jcc(Instruction in) {
        if (flags.condition(in.sub)) jumpNear(cpu.eip + in.imm, in.op32);
    }

    private void movzxM(Instruction in) {
        reg[in.reg] = in.sub == 0 ? rd8(linR(in.memSeg, offset(in), 0)) : rd16(linR(in.memSeg, offset(in), 1));
    }

    private void movsxM(Instruction in) {
        reg[in.reg] = in.sub == 0 ? (byte) rd8(linR(in.memSeg, offset(in), 0)) : (short) rd16(linR(in.memSeg, offset(in), 1));
    }

    private void shiftR32(Instruction in) {
        int op2 = in.row.op2;
        int count = (op2 == Operand.ONE ? 1 : op2 == Operand.CL ? reg[ECX] : in.imm) & 0x1F;
        if (count != 0) reg[in.rm] = Arith.shift(flags, in.sub, reg[in.rm], count, 2);
    }

    private void imulGeM32(Instruction in) {
        reg[in.reg] = Arith.imul(flags, reg[in.reg], rd32(linR(in.memSeg, offset(in), 3)), 2);
    }

    private void incR32(Instruction in) {
        int r = reg[in.sub] + 1;
        flags.inc(r, 2);
        reg[in.sub] = r;
    }

    private void decR32(Instruction in) {
        int r = reg[in.sub] - 1;
        flags.dec(r, 2);
        reg[in.sub] = r;
    }

    private void mulM32(Instruction in) {
        Arith.mul(flags, reg, rd32(linR(in.memSeg, offset(in), 3)), 2);
    }

    private void callRel32(Instruction in) {
        int target = cpu.eip + in.imm;
        if (Integer.compareUnsigned(target, seg[CS].limit) > 0) throw CpuFault.gp(0);
        push32(cpu.eip);
        cpu.eip = target;
    }

    /** POP of a dword: ESP is written after the read (a fault leaves it unchanged). */
    private int pop32() {
        if (!seg[SS].is32()) return pop(2);
        int sp = reg[ESP];
        int v = rd32(linR(SS, sp, 3));
        reg[ESP] = sp + 4;
        return v;
    }

    private void push32(int v) {
        if (seg[SS].is32()) {
            int sp = reg[ESP] - 4;
            wr32(linW(SS, sp, 3), v);
            reg[ESP] = sp;
        } else {
            push(2, v);
        }
    }

    /**
     * Per-block setup for {@link #execFast}: the first instruction ends any interrupt shadow (only attention
     * instructions, which end blocks, set it again).
     */
    public void beginBlock() {
        cpu.interruptShadow = false;
        ssLoaded = false;
    }

    /**
     * Executes a pre-decoded instruction at the current CS:EIP for a block engine, when
     * {@link #fastPathAllowed()} and after {@link #beginBlock()}: no per-instruction bookkeeping beyond
     * what a fault needs. Does not count the instruction (the caller adds retired instructions in bulk).
     * @return true if it completed, false if it faulted (state rolled back and the fault delivered)
     */
    public boolean execFast(Instruction in, int eipMask) {
        final int start = cpu.eip;
        final int esp = reg[ESP];
        cpu.instructionStart = start;
        try {
            cpu.eip = (start + in.length) & eipMask;
            fastOp(in);
            return true;
        } catch (CpuFault f) {
            fastFault(f, start, esp);
            return false;
        }
    }

    /**
     * The fault path of {@link #execFast} (also taken by compiled blocks): the instruction at {@code start}
     * faulted; EIP and ESP go back to their values at its start, flags to theirs, and the fault is delivered.
     */
    private void fastFault(CpuFault f, int start, int esp) {
        cpu.eip = start;
        reg[ESP] = esp;
        flags.rollback();
        lastFaultVector = f.vector;
        cpu.system.deliverException(f);
    }

    /**
     * A compare and the conditional jump after it ({@link FastForm#isCompare}, then {@link FastForm#JCC}),
     * for a block engine under the conditions of {@link #execFast}: exactly two {@code execFast} calls,
     * with one dispatch instead of two. The compare reads registers and an immediate only, so it cannot
     * fault; the jump can (#GP beyond the CS limit), after the compare completed.
     * @return 2 if both completed, 1 if the jump faulted (EIP at the jump, fault delivered)
     */
    public int execCompareBranch(Instruction cmp, Instruction jcc, int eipMask) {
        final int[] reg = this.reg;
        final int start = cpu.eip;
        cpu.instructionStart = start;
        switch (cmp.fast) {
            case FastForm.ALU_RR_EG + FastForm.CMP: sub32(reg[cmp.rm], reg[cmp.reg]); break;
            case FastForm.ALU_RR_GE + FastForm.CMP: sub32(reg[cmp.reg], reg[cmp.rm]); break;
            case FastForm.ALU_RI + FastForm.CMP: sub32(reg[cmp.rm], cmp.imm); break;
            case FastForm.TEST_EG_R32: flags.logic(reg[cmp.rm] & reg[cmp.reg], 2); break;
            default: flags.logic(reg[cmp.rm] & cmp.imm, 2); break;          // TEST_EI_R32
        }
        final int mid = (start + cmp.length) & eipMask;
        cpu.instructionStart = mid;
        final int next = (mid + jcc.length) & eipMask;
        cpu.eip = next;
        if (!flags.condition(jcc.sub)) return 2;
        int target = next + jcc.imm;
        if (!jcc.op32) target &= 0xFFFF;
        if (Integer.compareUnsigned(target, seg[CS].limit) > 0) {
            // Same as execFast's fault path for the jump (SDM Vol. 2 Jcc: #GP(0) beyond the CS limit).
            cpu.eip = mid;
            flags.rollback();
            lastFaultVector = CpuFault.GP;
            cpu.system.deliverException(CpuFault.gp(0));
            return 1;
        }
        cpu.eip = target;
        return 2;
    }

    private void run(Instruction decoded) {
        if (fastMode) leaveFastMode();
        cpu.interruptShadow = false;
        ssLoaded = false;
        flags.unmark();
        final int start = cpu.eip;
        final int esp = reg[ESP];
        cpu.instructionStart = start;
        final boolean tf = flags.tf();
        final Instruction in = decoded != null ? decoded : insn;
        try {
            if ((cpu.dr[7] & 0xFF) != 0 && (flags.getSystem() & Cpu.RF) == 0) codeBreakpoint(start);
            boolean code32 = seg[CS].is32();
            if (decoded == null) Decoder.decode(this, start, code32, in);
            int next = start + in.length;
            cpu.eip = code32 ? next : next & 0xFFFF;
            if (in.fast != 0) fastOp(in);
            else execute(in);
        } catch (CpuFault f) {
            cpu.eip = start;
            reg[ESP] = esp;
            flags.rollback();
            lastFaultVector = f.vector;
            cpu.system.deliverException(f);
            return;
        }
        cpu.instructions++;
        cpu.tsc++;
        if ((flags.getSystem() & Cpu.RF) != 0 && in.exec != Op.IRET && in.exec != Op.POPF) {
            flags.setSystem(flags.getSystem() & ~Cpu.RF);
        }
        if (tf && !ssLoaded && in.exec != Op.INT && in.exec != Op.INT3 && in.exec != Op.INTO
                && in.exec != Op.INT1 && !cpu.halted) {
            // Single-step trap after the instruction (SDM Vol. 3 §17.3.1.4): DR6.BS, return to the next EIP.
            cpu.dr[6] |= 0x4000;
            cpu.system.deliverException(new CpuFault(CpuFault.DB), cpu.eip);
        }
    }

    /**
     * Instruction breakpoints (DR7 Ln/Gn enabled, R/Wn = 00): a fault-class #DB before the instruction
     * executes, unless EFLAGS.RF is set (SDM Vol. 3 §17.2.4, §17.3.1.1). Data breakpoints are not modelled.
     */
    private void codeBreakpoint(int eip) {
        int dr7 = cpu.dr[7];
        int lin = seg[CS].base + eip;
        int hit = 0;
        for (int i = 0; i < 4; i++) {
            if (((dr7 >> (i * 2)) & 3) != 0 && ((dr7 >> (16 + i * 4)) & 3) == 0 && cpu.dr[i] == lin) hit |= 1 << i;
        }
        if (hit != 0) {
            cpu.dr[6] = (cpu.dr[6] & ~0xF) | hit;
            throw new CpuFault(CpuFault.DB);
        }
    }

    /** Decodes the instruction at the current CS:EIP without executing it (debuggers, translators). */
    public Instruction decodeAt(int eip, Instruction out) {
        Decoder.decode(this, eip, seg[CS].is32(), out);
        return out;
    }

    // ------------------------------------------------------------------ code fetch

    /** Code fetch: CS limit check (SDM Vol. 3 §5.3), then a linear read. */
    @Override
    public int fetch8(int off) {
        SegmentCache cs = seg[CS];
        if (Integer.compareUnsigned(off, cs.limit) > 0) throw CpuFault.gp(0);
        return cpu.readLinear8(cs.base + off);
    }

    // ------------------------------------------------------------------ segmentation

    private boolean pm() {
        return (cpu.cr0 & Cpu.CR0_PE) != 0 && !flags.vm();
    }

    private static CpuFault segFault(int s) {
        return s == SS ? new CpuFault(CpuFault.SS, 0) : CpuFault.gp(0);
    }

    /** Limit check for an access of {@code len + 1} bytes at {@code off} (expand-up and expand-down). */
    private static void limit(SegmentCache sc, int s, int off, int len) {
        int lim = sc.limit;
        if ((sc.attributes & 0x1C) == 0x14) {
            // Expand-down data (SDM Vol. 3 §5.3): valid offsets are limit+1 .. 0xFFFF or 0xFFFFFFFF.
            int upper = sc.is32() ? -1 : 0xFFFF;
            if (Integer.compareUnsigned(off, lim) <= 0 || Integer.compareUnsigned(off, upper - len) > 0) throw segFault(s);
            return;
        }
        if (lim == -1) return;
        if (Integer.compareUnsigned(lim, len) < 0 || Integer.compareUnsigned(off, lim - len) > 0) throw segFault(s);
    }

    /** Returns the linear address of a read of {@code len + 1} bytes at s:off, or faults. */
    int checkRead(int s, int off, int len) {
        SegmentCache sc = seg[s];
        if (pm()) {
            if (!sc.valid) throw segFault(s);
            if ((sc.attributes & 0xA) == 0x8) throw segFault(s); // execute-only code
        }
        limit(sc, s, off, len);
        return sc.base + off;
    }

    /** Returns the linear address of a write of {@code len + 1} bytes at s:off, or faults. */
    int checkWrite(int s, int off, int len) {
        SegmentCache sc = seg[s];
        if (pm()) {
            if (!sc.valid) throw segFault(s);
            if ((sc.attributes & 0xA) != 0x2) throw segFault(s); // code, or read-only data
        }
        limit(sc, s, off, len);
        return sc.base + off;
    }

    // ------------------------------------------------------------------ registers and operands

    private int getReg(int sz, int r) {
        switch (sz) {
            case 0: return r < 4 ? reg[r] & 0xFF : (reg[r & 3] >> 8) & 0xFF;
            case 1: return reg[r] & 0xFFFF;
            default: return reg[r];
        }
    }

    private void setReg(int sz, int r, int v) {
        switch (sz) {
            case 0:
                if (r < 4) reg[r] = (reg[r] & ~0xFF) | (v & 0xFF);
                else reg[r & 3] = (reg[r & 3] & ~0xFF00) | ((v & 0xFF) << 8);
                break;
            case 1: reg[r] = (reg[r] & 0xFFFF0000) | (v & 0xFFFF); break;
            default: reg[r] = v; break;
        }
    }

    /** Effective address (offset within the segment) of the ModRM memory operand. */
    private int offset(Instruction in) {
        int o = in.disp;
        if (in.base >= 0) o += reg[in.base];
        if (in.index >= 0) o += reg[in.index] << in.scale;
        return in.addr32 ? o : o & 0xFFFF;
    }

    /** Alignment check (SDM Vol. 3 §6.15, interrupt 17): CR0.AM, EFLAGS.AC and CPL 3, unaligned data access. */
    private void alignmentCheck() {
        if (cpu.cpl == 3 && (cpu.cr0 & Cpu.CR0_AM) != 0 && (flags.getSystem() & Cpu.AC) != 0) {
            throw new CpuFault(CpuFault.AC, 0);
        }
    }

    /**
     * A data read of {@code sz} (0 byte, 1 word, 2 dword) at a linear address: the direct store path when the
     * fast-mode tags allow it (every generic instruction's memory operand too, e.g. CMOVcc r32, m32), else
     * {@link #readMemSlow}.
     */
    private int readMem(int lin, int sz) {
        switch (sz) {
            case 0: return rd8(lin);
            case 1: return rd16(lin);
            default: return rd32(lin);
        }
    }

    private void writeMem(int lin, int sz, int v) {
        switch (sz) {
            case 0: wr8(lin, v); break;
            case 1: wr16(lin, v); break;
            default: wr32(lin, v); break;
        }
    }

    /** Through the CPU's linear access (MMU translation, MMIO, watched pages), after the alignment check. */
    private int readMemSlow(int lin, int sz) {
        if ((lin & LEN[sz]) != 0) alignmentCheck();
        switch (sz) {
            case 0: return cpu.readLinear8(lin);
            case 1: return cpu.readLinear16(lin);
            default: return cpu.readLinear32(lin);
        }
    }

    private void writeMemSlow(int lin, int sz, int v) {
        if ((lin & LEN[sz]) != 0) alignmentCheck();
        switch (sz) {
            case 0: cpu.writeLinear8(lin, v); break;
            case 1: cpu.writeLinear16(lin, v); break;
            default: cpu.writeLinear32(lin, v); break;
        }
    }

    private int readE(Instruction in, int sz) {
        if (!in.mem) return getReg(sz, in.rm);
        return readMem(checkRead(in.memSeg, offset(in), LEN[sz]), sz);
    }

    private void writeE(Instruction in, int sz, int v) {
        if (!in.mem) setReg(sz, in.rm, v);
        else writeMem(checkWrite(in.memSeg, offset(in), LEN[sz]), sz, v);
    }

    /** Linear address for a read-modify-write memory operand (write checks cover the read). */
    private int rmwLinear(Instruction in, int sz) {
        return checkWrite(in.memSeg, offset(in), LEN[sz]);
    }

    // ------------------------------------------------------------------ stack

    private void push(int sz, int v) {
        int bytes = sz == 2 ? 4 : 2;
        if (seg[SS].is32()) {
            int sp = reg[ESP] - bytes;
            writeMem(checkWrite(SS, sp, bytes - 1), sz, v);
            reg[ESP] = sp;
        } else {
            int sp = (reg[ESP] - bytes) & 0xFFFF;
            writeMem(checkWrite(SS, sp, bytes - 1), sz, v);
            reg[ESP] = (reg[ESP] & 0xFFFF0000) | sp;
        }
    }

    /** Reads the stack slot {@code skip} bytes above the top without popping. */
    private int peek(int sz, int skip) {
        int bytes = sz == 2 ? 4 : 2;
        int sp = seg[SS].is32() ? reg[ESP] + skip : (reg[ESP] + skip) & 0xFFFF;
        return readMem(checkRead(SS, sp, bytes - 1), sz);
    }

    private void addSp(int n) {
        if (seg[SS].is32()) reg[ESP] += n;
        else reg[ESP] = (reg[ESP] & 0xFFFF0000) | ((reg[ESP] + n) & 0xFFFF);
    }

    private int pop(int sz) {
        int v = peek(sz, 0);
        addSp(sz == 2 ? 4 : 2);
        return v;
    }

    // ------------------------------------------------------------------ control transfer helpers

    /** Near jump: truncate to the operand size, check the CS limit (SDM Vol. 2 JMP: #GP(0)). */
    private void jumpNear(int target, boolean op32) {
        if (!op32) target &= 0xFFFF;
        if (Integer.compareUnsigned(target, seg[CS].limit) > 0) throw CpuFault.gp(0);
        cpu.eip = target;
    }

    private void loadSeg(int s, int sel) {
        if ((cpu.cr0 & Cpu.CR0_PE) == 0) {
            seg[s].loadReal(sel);
        } else {
            cpu.system.loadSegment(s, sel & 0xFFFF);
        }
    }

    private void ioCheck(int port, int bytes) {
        if ((cpu.cr0 & Cpu.CR0_PE) != 0 && (flags.vm() || cpu.cpl > flags.iopl())) {
            cpu.system.checkIoPermission(port, bytes);
        }
    }

    private void nmCheckEsc() {
        if ((cpu.cr0 & (Cpu.CR0_EM | Cpu.CR0_TS)) != 0) throw new CpuFault(CpuFault.NM);
    }

    // ------------------------------------------------------------------ dispatch

    private void execute(Instruction in) {
        int attrs = in.attrs;
        if ((attrs & (OpcodeRow.PM_ONLY | OpcodeRow.PRIV)) != 0) {
            if ((attrs & OpcodeRow.PM_ONLY) != 0 && !pm()) throw CpuFault.ud();
            if ((attrs & OpcodeRow.PRIV) != 0 && cpu.cpl != 0) throw CpuFault.gp(0);
        }
        final int sz = in.size;
        switch (in.exec) {
            case Op.ALU_EG: {
                int src = getReg(sz, in.reg);
                if (!in.mem) {
                    int r = Arith.alu(flags, in.sub, getReg(sz, in.rm), src, sz);
                    if (in.sub != 7) setReg(sz, in.rm, r);
                } else if (in.sub == 7) {
                    Arith.alu(flags, 7, readE(in, sz), src, sz);
                } else {
                    int lin = rmwLinear(in, sz);
                    flags.mark();
                    writeMem(lin, sz, Arith.alu(flags, in.sub, readMem(lin, sz), src, sz));
                    flags.unmark();
                }
                break;
            }
            case Op.ALU_GE: {
                int r = Arith.alu(flags, in.sub, getReg(sz, in.reg), readE(in, sz), sz);
                if (in.sub != 7) setReg(sz, in.reg, r);
                break;
            }
            case Op.ALU_AI: {
                int r = Arith.alu(flags, in.sub, getReg(sz, EAX), in.imm, sz);
                if (in.sub != 7) setReg(sz, EAX, r);
                break;
            }
            case Op.ALU_EI: {
                if (!in.mem) {
                    int r = Arith.alu(flags, in.sub, getReg(sz, in.rm), in.imm, sz);
                    if (in.sub != 7) setReg(sz, in.rm, r);
                } else if (in.sub == 7) {
                    Arith.alu(flags, 7, readE(in, sz), in.imm, sz);
                } else {
                    int lin = rmwLinear(in, sz);
                    flags.mark();
                    writeMem(lin, sz, Arith.alu(flags, in.sub, readMem(lin, sz), in.imm, sz));
                    flags.unmark();
                }
                break;
            }
            case Op.TEST_EG: flags.logic(readE(in, sz) & getReg(sz, in.reg), sz); break;
            case Op.TEST_AI: flags.logic(getReg(sz, EAX) & in.imm, sz); break;
            case Op.TEST_EI: flags.logic(readE(in, sz) & in.imm, sz); break;
            case Op.INC_R: { int r = getReg(sz, in.sub) + 1; flags.inc(r, sz); setReg(sz, in.sub, r); break; }
            case Op.DEC_R: { int r = getReg(sz, in.sub) - 1; flags.dec(r, sz); setReg(sz, in.sub, r); break; }
            case Op.INC_E: case Op.DEC_E: case Op.NOT: case Op.NEG: {
                int lin = in.mem ? rmwLinear(in, sz) : 0;
                int v = in.mem ? readMem(lin, sz) : getReg(sz, in.rm);
                if (in.mem) flags.mark();
                int r;
                switch (in.exec) {
                    case Op.INC_E: r = v + 1; flags.inc(r, sz); break;
                    case Op.DEC_E: r = v - 1; flags.dec(r, sz); break;
                    case Op.NOT: r = ~v; break;
                    default: r = -v; flags.sub(0, v, r, sz); break;
                }
                if (in.mem) {
                    writeMem(lin, sz, r);
                    flags.unmark();
                } else {
                    setReg(sz, in.rm, r);
                }
                break;
            }
            case Op.MUL: Arith.mul(flags, reg, readE(in, sz), sz); break;
            case Op.IMUL1: Arith.imul1(flags, reg, readE(in, sz), sz); break;
            case Op.DIV: Arith.div(reg, readE(in, sz), sz); break;
            case Op.IDIV: Arith.idiv(reg, readE(in, sz), sz); break;
            case Op.IMUL_GE: setReg(sz, in.reg, Arith.imul(flags, getReg(sz, in.reg), readE(in, sz), sz)); break;
            case Op.IMUL_GEI: setReg(sz, in.reg, Arith.imul(flags, readE(in, sz), in.imm, sz)); break;
            case Op.SHIFT: {
                int op2 = in.row.op2;
                int count = (op2 == Operand.ONE ? 1 : op2 == Operand.CL ? reg[ECX] : in.imm) & 0x1F;
                if (!in.mem) {
                    if (count != 0) setReg(sz, in.rm, Arith.shift(flags, in.sub, getReg(sz, in.rm), count, sz));
                } else if (count == 0) {
                    readE(in, sz);
                } else {
                    int lin = rmwLinear(in, sz);
                    flags.mark();
                    writeMem(lin, sz, Arith.shift(flags, in.sub, readMem(lin, sz), count, sz));
                    flags.unmark();
                }
                break;
            }
            case Op.SHXD: {
                int count = (in.row.op3 == Operand.CL ? reg[ECX] : in.imm) & 0x1F;
                int src = getReg(sz, in.reg);
                if (!in.mem) {
                    if (count != 0) setReg(sz, in.rm, Arith.shiftDouble(flags, in.sub == 0, getReg(sz, in.rm), src, count, sz));
                } else if (count == 0) {
                    readE(in, sz);
                } else {
                    int lin = rmwLinear(in, sz);
                    flags.mark();
                    writeMem(lin, sz, Arith.shiftDouble(flags, in.sub == 0, readMem(lin, sz), src, count, sz));
                    flags.unmark();
                }
                break;
            }
            case Op.MOV_EG: writeE(in, sz, getReg(sz, in.reg)); break;
            case Op.MOV_GE: setReg(sz, in.reg, readE(in, sz)); break;
            case Op.MOV_EI: writeE(in, sz, in.imm); break;
            case Op.MOV_RI: setReg(sz, in.sub, in.imm); break;
            case Op.MOV_AO: setReg(sz, EAX, readMem(checkRead(in.memSeg, in.imm, LEN[sz]), sz)); break;
            case Op.MOV_OA: writeMem(checkWrite(in.memSeg, in.imm, LEN[sz]), sz, getReg(sz, EAX)); break;
            case Op.MOV_ES: {
                if (in.reg > 5) throw CpuFault.ud();
                int sel = seg[in.reg].selector;
                // P6: a 32-bit register destination gets the zero-extended selector (SDM Vol. 2 MOV).
                if (in.mem) writeE(in, 1, sel);
                else setReg(sz, in.rm, sel);
                break;
            }
            case Op.MOV_SE: {
                if (in.reg > 5 || in.reg == CS) throw CpuFault.ud();
                loadSeg(in.reg, readE(in, 1));
                // MOV SS inhibits interrupts and traps until after the next instruction (SDM Vol. 3 §6.8.3).
                if (in.reg == SS) cpu.interruptShadow = ssLoaded = true;
                break;
            }
            case Op.MOV_R_CR: {
                int v;
                switch (in.reg) {
                    case 0: v = cpu.cr0; break;
                    case 2: v = cpu.cr2; break;
                    case 3: v = cpu.cr3; break;
                    case 4: v = cpu.cr4; break;
                    default: throw CpuFault.ud();
                }
                reg[in.rm] = v;
                break;
            }
            case Op.MOV_CR_R: {
                int v = reg[in.rm];
                switch (in.reg) {
                    case 0: cpu.system.writeCr0(v); break;
                    case 2: cpu.cr2 = v; break;
                    case 3: cpu.writeCr(3, v); break;
                    case 4: cpu.system.writeCr4(v); break; // reserved/unsupported bits: #GP(0) there
                    default: throw CpuFault.ud();
                }
                break;
            }
            case Op.MOV_R_DR: reg[in.rm] = cpu.dr[debugRegister(in.reg)]; break;
            case Op.MOV_DR_R: {
                int n = debugRegister(in.reg);
                int v = reg[in.rm];
                if (n == 6) v = (v & 0x0000E00F) | 0xFFFF0FF0;
                else if (n == 7) v = (v & ~0xD800) | 0x400;
                cpu.dr[n] = v;
                break;
            }
            case Op.MOVZX: setReg(sz, in.reg, readE(in, in.sub)); break;
            case Op.MOVSX: {
                int v = readE(in, in.sub);
                setReg(sz, in.reg, in.sub == 0 ? (byte) v : (short) v);
                break;
            }
            case Op.LEA: setReg(sz, in.reg, offset(in)); break;
            case Op.XCHG_EG: {
                int r = getReg(sz, in.reg);
                if (in.mem) {
                    int lin = rmwLinear(in, sz);
                    int v = readMem(lin, sz);
                    writeMem(lin, sz, r);
                    setReg(sz, in.reg, v);
                } else {
                    setReg(sz, in.reg, getReg(sz, in.rm));
                    setReg(sz, in.rm, r);
                }
                break;
            }
            case Op.XCHG_AR: {
                int a = getReg(sz, EAX);
                setReg(sz, EAX, getReg(sz, in.sub));
                setReg(sz, in.sub, a);
                break;
            }
            case Op.NOP: break;
            case Op.XADD: {
                int src = getReg(sz, in.reg);
                int lin = in.mem ? rmwLinear(in, sz) : 0;
                int d = in.mem ? readMem(lin, sz) : getReg(sz, in.rm);
                int sum = d + src;
                if (in.mem) {
                    writeMem(lin, sz, sum);
                    setReg(sz, in.reg, d);
                } else {
                    setReg(sz, in.reg, d);
                    setReg(sz, in.rm, sum);
                }
                flags.add(d, src, sum, sz);
                break;
            }
            case Op.CMPXCHG: {
                int acc = getReg(sz, EAX);
                int lin = in.mem ? rmwLinear(in, sz) : 0;
                int d = in.mem ? readMem(lin, sz) : getReg(sz, in.rm);
                if (in.mem) flags.mark();
                flags.sub(acc, d, acc - d, sz);
                if (((acc ^ d) & Arith.MASK[sz]) == 0) {
                    if (in.mem) writeMem(lin, sz, getReg(sz, in.reg));
                    else setReg(sz, in.rm, getReg(sz, in.reg));
                } else {
                    // The destination is written back unchanged on failure (SDM Vol. 2 CMPXCHG).
                    if (in.mem) writeMem(lin, sz, d);
                    setReg(sz, EAX, d);
                }
                flags.unmark();
                break;
            }
            case Op.CMPXCHG8B: {
                int lin = checkWrite(in.memSeg, offset(in), 7);
                if ((lin & 7) != 0) alignmentCheck();
                int lo = cpu.readLinear32(lin), hi = cpu.readLinear32(lin + 4);
                int f = flags.getArith();
                if (lo == reg[EAX] && hi == reg[EDX]) {
                    cpu.writeLinear32(lin, reg[EBX]);
                    cpu.writeLinear32(lin + 4, reg[ECX]);
                    flags.setArith(f | 0x40);
                } else {
                    cpu.writeLinear32(lin, lo);
                    cpu.writeLinear32(lin + 4, hi);
                    reg[EAX] = lo;
                    reg[EDX] = hi;
                    flags.setArith(f & ~0x40);
                }
                break;
            }
            case Op.BSWAP:
                // BSWAP with a 16-bit operand is undefined; Intel processors clear the low word.
                if (sz == 2) reg[in.sub] = Integer.reverseBytes(reg[in.sub]);
                else reg[in.sub] &= 0xFFFF0000;
                break;
            case Op.BT_EG: case Op.BT_EI: bitTest(in, sz); break;
            case Op.BSF: case Op.BSR: {
                int v = readE(in, sz);
                int f = flags.getArith();
                if ((v & Arith.MASK[sz]) == 0) {
                    flags.setArith(f | 0x40);
                } else {
                    v &= Arith.MASK[sz];
                    setReg(sz, in.reg, in.exec == Op.BSF ? Integer.numberOfTrailingZeros(v) : 31 - Integer.numberOfLeadingZeros(v));
                    flags.setArith(f & ~0x40);
                }
                break;
            }
            case Op.CMOV: {
                int v = readE(in, sz);
                if (flags.condition(in.sub)) setReg(sz, in.reg, v);
                break;
            }
            case Op.SETCC: writeE(in, 0, flags.condition(in.sub) ? 1 : 0); break;
            case Op.JCC: if (flags.condition(in.sub)) jumpNear(cpu.eip + in.imm, in.op32); break;
            case Op.JMP_REL: jumpNear(cpu.eip + in.imm, in.op32); break;
            case Op.JMP_E: jumpNear(readE(in, sz), in.op32); break;
            case Op.CALL_REL: case Op.CALL_E: {
                int target = in.exec == Op.CALL_REL ? cpu.eip + in.imm : readE(in, sz);
                if (!in.op32) target &= 0xFFFF;
                if (Integer.compareUnsigned(target, seg[CS].limit) > 0) throw CpuFault.gp(0);
                push(sz, cpu.eip);
                cpu.eip = target;
                break;
            }
            case Op.RET: {
                int target = pop(sz);
                jumpNear(target, in.op32);
                if (in.row.op1 == Operand.Iw) addSp(in.imm & 0xFFFF);
                break;
            }
            case Op.LOOP: {
                int cnt = in.addr32 ? reg[ECX] : reg[ECX] & 0xFFFF;
                boolean take;
                if (in.sub == 3) {
                    take = cnt == 0;
                    if (take) jumpNear(cpu.eip + in.imm, in.op32);
                } else {
                    cnt--;
                    if (!in.addr32) cnt &= 0xFFFF;
                    take = cnt != 0 && (in.sub == 2 || (in.sub == 1) == flags.zf());
                    if (take) jumpNear(cpu.eip + in.imm, in.op32); // may fault: ECX is written after
                    if (in.addr32) reg[ECX] = cnt;
                    else reg[ECX] = (reg[ECX] & 0xFFFF0000) | cnt;
                }
                break;
            }
            case Op.PUSH_R: push(sz, getReg(sz, in.sub)); break;
            case Op.POP_R: { int v = pop(sz); setReg(sz, in.sub, v); break; }
            case Op.PUSH_E: push(sz, readE(in, sz)); break;
            case Op.POP_E: {
                // The effective address is computed after ESP is incremented (SDM Vol. 2 POP).
                int v = pop(sz);
                writeE(in, sz, v);
                break;
            }
            case Op.PUSH_I: push(sz, in.imm); break;
            case Op.PUSH_SEG: {
                int sel = seg[in.sub].selector;
                if (sz == 2) {
                    // P6: a 32-bit push of a segment register writes only the low word (SDM Vol. 2 PUSH).
                    boolean s32 = seg[SS].is32();
                    int sp = s32 ? reg[ESP] - 4 : (reg[ESP] - 4) & 0xFFFF;
                    cpu.writeLinear16(checkWrite(SS, sp, 3), sel);
                    reg[ESP] = s32 ? sp : (reg[ESP] & 0xFFFF0000) | sp;
                } else {
                    push(1, sel);
                }
                break;
            }
            case Op.POP_SEG: {
                int sel = peek(sz, 0) & 0xFFFF;
                loadSeg(in.sub, sel);
                addSp(sz == 2 ? 4 : 2);
                if (in.sub == SS) cpu.interruptShadow = ssLoaded = true;
                break;
            }
            case Op.PUSHA: {
                int t = getReg(sz, ESP);
                push(sz, getReg(sz, EAX));
                push(sz, getReg(sz, ECX));
                push(sz, getReg(sz, EDX));
                push(sz, getReg(sz, EBX));
                push(sz, t);
                push(sz, getReg(sz, EBP));
                push(sz, getReg(sz, ESI));
                push(sz, getReg(sz, EDI));
                break;
            }
            case Op.POPA: {
                int b = sz == 2 ? 4 : 2;
                int di = peek(sz, 0), si = peek(sz, b), bp = peek(sz, 2 * b);
                int bx = peek(sz, 4 * b), dx = peek(sz, 5 * b), cx = peek(sz, 6 * b), ax = peek(sz, 7 * b);
                setReg(sz, EDI, di);
                setReg(sz, ESI, si);
                setReg(sz, EBP, bp);
                setReg(sz, EBX, bx);
                setReg(sz, EDX, dx);
                setReg(sz, ECX, cx);
                setReg(sz, EAX, ax);
                addSp(8 * b);
                break;
            }
            case Op.PUSHF: pushf(in); break;
            case Op.POPF: popf(in); break;
            case Op.MOVS: case Op.CMPS: case Op.SCAS: case Op.LODS: case Op.STOS: case Op.INS: case Op.OUTS:
                stringOp(in);
                break;
            case Op.ENTER: enter(in); break;
            case Op.LEAVE: {
                boolean s32 = seg[SS].is32();
                int sp = s32 ? reg[EBP] : reg[EBP] & 0xFFFF;
                int v = readMem(checkRead(SS, sp, LEN[sz]), sz);
                sp += sz == 2 ? 4 : 2;
                reg[ESP] = s32 ? sp : (reg[ESP] & 0xFFFF0000) | (sp & 0xFFFF);
                setReg(sz, EBP, v);
                break;
            }
            case Op.BOUND: {
                int off = offset(in);
                int b = sz == 2 ? 4 : 2;
                int lo = readMem(checkRead(in.memSeg, off, LEN[sz]), sz);
                int hi = readMem(checkRead(in.memSeg, in.addr32 ? off + b : (off + b) & 0xFFFF, LEN[sz]), sz);
                int idx = getReg(sz, in.reg);
                if (sz == 1) { lo = (short) lo; hi = (short) hi; idx = (short) idx; }
                if (idx < lo || idx > hi) throw new CpuFault(CpuFault.BR);
                break;
            }
            case Op.DAA: Arith.daa(flags, reg); break;
            case Op.DAS: Arith.das(flags, reg); break;
            case Op.AAA: Arith.aaa(flags, reg); break;
            case Op.AAS: Arith.aas(flags, reg); break;
            case Op.AAM: Arith.aam(flags, reg, in.imm); break;
            case Op.AAD: Arith.aad(flags, reg, in.imm); break;
            case Op.CBW:
                if (sz == 2) reg[EAX] = (short) reg[EAX];
                else setReg(1, EAX, (byte) reg[EAX]);
                break;
            case Op.CWD:
                if (sz == 2) reg[EDX] = reg[EAX] >> 31;
                else setReg(1, EDX, ((short) reg[EAX]) >> 15);
                break;
            case Op.SAHF: flags.setArith((flags.getArith() & 0x800) | ((reg[EAX] >> 8) & 0xD5)); break;
            case Op.LAHF: setReg(0, 4, (flags.get() & 0xD5) | 2); break;
            case Op.CLC: flags.setCf(false); break;
            case Op.STC: flags.setCf(true); break;
            case Op.CMC: flags.setCf(!flags.cf()); break;
            case Op.CLD: flags.setSystem(flags.getSystem() & ~Cpu.DF); break;
            case Op.STD: flags.setSystem(flags.getSystem() | Cpu.DF); break;
            case Op.CLI: cliSti(false); break;
            case Op.STI: cliSti(true); break;
            case Op.XLAT: {
                int off = (in.addr32 ? reg[EBX] : reg[EBX] & 0xFFFF) + (reg[EAX] & 0xFF);
                if (!in.addr32) off &= 0xFFFF;
                setReg(0, EAX, cpu.readLinear8(checkRead(in.memSeg, off, 0)));
                break;
            }
            case Op.SALC: setReg(0, EAX, flags.cf() ? 0xFF : 0); break;
            case Op.HLT: cpu.halted = true; break;
            case Op.IN: {
                int port = in.row.op2 == Operand.DX ? reg[EDX] & 0xFFFF : in.imm & 0xFF;
                int bytes = 1 << sz;
                ioCheck(port, bytes);
                setReg(sz, EAX, cpu.io.in(port, bytes));
                break;
            }
            case Op.OUT: {
                int port = in.row.op1 == Operand.DX ? reg[EDX] & 0xFFFF : in.imm & 0xFF;
                int bytes = 1 << sz;
                ioCheck(port, bytes);
                cpu.io.out(port, bytes, getReg(sz, EAX));
                break;
            }
            case Op.INT: cpu.system.softwareInterrupt(in.imm & 0xFF, cpu.eip, true); break;
            case Op.INT3: cpu.system.softwareInterrupt(3, cpu.eip, false); break;
            case Op.INTO: if (flags.of()) cpu.system.softwareInterrupt(4, cpu.eip, false); break;
            case Op.INT1:
                // ICEBP: a #DB trap without the INT n privilege checks (SDM Vol. 3 §17.3.1.2 note).
                cpu.system.deliverException(new CpuFault(CpuFault.DB), cpu.eip);
                break;
            case Op.IRET: cpu.system.iret(in.op32); break;
            case Op.JMPF: cpu.system.jumpFar(in.imm2 & 0xFFFF, in.op32 ? in.imm : in.imm & 0xFFFF, in.op32); break;
            case Op.CALLF: cpu.system.callFar(in.imm2 & 0xFFFF, in.op32 ? in.imm : in.imm & 0xFFFF, in.op32, cpu.eip); break;
            case Op.JMPF_E: case Op.CALLF_E: {
                int off = offset(in);
                int b = sz == 2 ? 4 : 2;
                int target = readMem(checkRead(in.memSeg, off, LEN[sz]), sz);
                int sel = cpu.readLinear16(checkRead(in.memSeg, in.addr32 ? off + b : (off + b) & 0xFFFF, 1));
                if (in.exec == Op.JMPF_E) cpu.system.jumpFar(sel, target, in.op32);
                else cpu.system.callFar(sel, target, in.op32, cpu.eip);
                break;
            }
            case Op.RETF: cpu.system.returnFar(in.op32, in.row.op1 == Operand.Iw ? in.imm & 0xFFFF : 0); break;
            case Op.LSEG: {
                int off = offset(in);
                int b = sz == 2 ? 4 : 2;
                int v = readMem(checkRead(in.memSeg, off, LEN[sz]), sz);
                int sel = cpu.readLinear16(checkRead(in.memSeg, in.addr32 ? off + b : (off + b) & 0xFFFF, 1));
                loadSeg(in.sub, sel);
                setReg(sz, in.reg, v);
                break;
            }
            case Op.SLDT: case Op.STR: {
                int sel = in.exec == Op.SLDT ? cpu.ldtr.selector : cpu.tr.selector;
                if (in.mem) writeE(in, 1, sel);
                else setReg(sz, in.rm, sel);
                break;
            }
            case Op.LLDT: cpu.system.lldt(readE(in, 1)); break;
            case Op.LTR: cpu.system.ltr(readE(in, 1)); break;
            case Op.VERR: case Op.VERW: {
                int sel = readE(in, 1);
                boolean ok = in.exec == Op.VERR ? cpu.system.verr(sel) : cpu.system.verw(sel);
                setZf(ok);
                break;
            }
            case Op.LAR: case Op.LSL: {
                int sel = readE(in, 1);
                int v = in.exec == Op.LAR ? cpu.system.lar(sel) : cpu.system.lsl(sel);
                boolean ok = cpu.system.lastAccessOk();
                if (ok) setReg(sz, in.reg, v);
                setZf(ok);
                break;
            }
            case Op.SGDT: case Op.SIDT: {
                SegmentCache t = in.exec == Op.SGDT ? cpu.gdtr : cpu.idtr;
                int off = offset(in);
                int lin = checkWrite(in.memSeg, off, 5);
                cpu.writeLinear16(lin, t.limit);
                // 16-bit operand size stores a 24-bit base and a zero sixth byte (SDM Vol. 2 SGDT).
                cpu.writeLinear32(lin + 2, in.op32 ? t.base : t.base & 0xFFFFFF);
                break;
            }
            case Op.LGDT: case Op.LIDT: {
                int lin = checkRead(in.memSeg, offset(in), 5);
                int limit = cpu.readLinear16(lin);
                int base = cpu.readLinear32(lin + 2);
                if (!in.op32) base &= 0xFFFFFF;
                if (in.exec == Op.LGDT) cpu.system.lgdt(base, limit);
                else cpu.system.lidt(base, limit);
                break;
            }
            case Op.SMSW:
                if (in.mem) writeE(in, 1, cpu.cr0);
                else setReg(sz, in.rm, cpu.cr0);
                break;
            case Op.LMSW: {
                // LMSW changes PE MP EM TS only and cannot clear PE (SDM Vol. 2 LMSW).
                int v = readE(in, 1);
                cpu.system.writeCr0((cpu.cr0 & ~0xE) | (v & 0xF));
                break;
            }
            case Op.INVLPG: cpu.mmu.invlpg(seg[in.memSeg].base + offset(in)); break;
            case Op.ARPL: {
                int lin = in.mem ? rmwLinear(in, 1) : 0;
                int d = in.mem ? readMem(lin, 1) : getReg(1, in.rm);
                int s = getReg(1, in.reg);
                if ((d & 3) < (s & 3)) {
                    d = (d & ~3) | (s & 3);
                    if (in.mem) writeMem(lin, 1, d);
                    else setReg(1, in.rm, d);
                    setZf(true);
                } else {
                    setZf(false);
                }
                break;
            }
            case Op.CLTS: cpu.system.writeCr0(cpu.cr0 & ~Cpu.CR0_TS); break;
            case Op.INVD: case Op.WBINVD: break;
            case Op.CPUID: cpu.system.cpuid(); break;
            case Op.RDTSC: cpu.system.rdtsc(); break;
            case Op.RDMSR: cpu.system.rdmsr(); break;
            case Op.WRMSR: cpu.system.wrmsr(); break;
            case Op.RDPMC:
                if ((cpu.cr4 & Cpu.CR4_PCE) == 0 && cpu.cpl != 0) throw CpuFault.gp(0);
                if (Integer.compareUnsigned(reg[ECX], 1) > 0) throw CpuFault.gp(0);
                reg[EAX] = 0;
                reg[EDX] = 0;
                break;
            case Op.SYSENTER: cpu.system.sysenter(); break;
            case Op.SYSEXIT: cpu.system.sysexit(); break;
            case Op.ESC: {
                nmCheckEsc();
                int lin = in.mem ? seg[in.memSeg].base + offset(in) : 0;
                cpu.fpu.memSegment = in.memSeg; // for the FPU data pointer (FSTENV/FSAVE/FXSAVE)
                cpu.fpu.execute(in.sub, in.modrm, lin, in.op32);
                break;
            }
            case Op.WAIT:
                if ((cpu.cr0 & (Cpu.CR0_MP | Cpu.CR0_TS)) == (Cpu.CR0_MP | Cpu.CR0_TS)) throw new CpuFault(CpuFault.NM);
                cpu.fpu.fwait();
                break;
            case Op.FXSAVE: case Op.FXRSTOR: {
                nmCheckEsc();
                int off = offset(in);
                int lin = in.exec == Op.FXSAVE ? checkWrite(in.memSeg, off, 511) : checkRead(in.memSeg, off, 511);
                if ((lin & 15) != 0) throw CpuFault.gp(0);
                if (in.exec == Op.FXSAVE) cpu.fpu.fxsave(lin);
                else cpu.fpu.fxrstor(lin);
                break;
            }
            case Op.UD2: case Op.RSM: case Op.INVALID: case Op.PREFIX:
            default:
                throw CpuFault.ud();
        }
    }

    private void setZf(boolean z) {
        int f = flags.getArith();
        flags.setArith(z ? f | 0x40 : f & ~0x40);
    }

    /** DR4/DR5 alias DR6/DR7 unless CR4.DE (then #UD); DR7.GD raises #DB (SDM Vol. 3 §17.2.4). */
    private int debugRegister(int n) {
        if (n == 4 || n == 5) {
            if ((cpu.cr4 & Cpu.CR4_DE) != 0) throw CpuFault.ud();
            n += 2;
        }
        if ((cpu.dr[7] & 0x2000) != 0) {
            cpu.dr[7] &= ~0x2000;
            cpu.dr[6] |= 0x2000;
            throw new CpuFault(CpuFault.DB);
        }
        return n;
    }

    /** BT/BTS/BTR/BTC: register operands use the offset modulo the size; memory is a bit string. */
    private void bitTest(Instruction in, int sz) {
        int bits = sz == 2 ? 32 : 16;
        int bitOff;
        int lin = 0;
        if (in.exec == Op.BT_EI) {
            bitOff = in.imm & (bits - 1);
            if (in.mem) lin = in.sub == 0 ? checkRead(in.memSeg, offset(in), LEN[sz]) : rmwLinear(in, sz);
        } else {
            int src = getReg(sz, in.reg);
            if (in.mem) {
                // Bit-string addressing: the signed offset selects a word/dword relative to the EA (SDM Vol. 2 BT).
                int s = sz == 2 ? src : (short) src;
                int disp = (s >> (sz == 2 ? 5 : 4)) * (bits >> 3);
                int off = offset(in) + disp;
                if (!in.addr32) off &= 0xFFFF;
                lin = in.sub == 0 ? checkRead(in.memSeg, off, LEN[sz]) : checkWrite(in.memSeg, off, LEN[sz]);
            }
            bitOff = src & (bits - 1);
        }
        int v = in.mem ? readMem(lin, sz) : getReg(sz, in.rm);
        int mask = 1 << bitOff;
        boolean old = (v & mask) != 0;
        int f = flags.getArith();
        if (in.mem && in.sub != 0) flags.mark();
        flags.setArith(old ? f | 1 : f & ~1);
        if (in.sub == 0) return;
        int r = in.sub == 1 ? v | mask : in.sub == 2 ? v & ~mask : v ^ mask;
        if (in.mem) {
            writeMem(lin, sz, r);
            flags.unmark();
        } else {
            setReg(sz, in.rm, r);
        }
    }

    private void pushf(Instruction in) {
        int fl = flags.get();
        if (flags.vm() && flags.iopl() < 3) {
            // V86 with IOPL < 3: #GP unless VME lets the 16-bit form run with VIF as IF (SDM Vol. 3 §20.4).
            if ((cpu.cr4 & Cpu.CR4_VME) == 0 || in.op32) throw CpuFault.gp(0);
            fl = (fl & ~Cpu.IF) | ((fl & Cpu.VIF) != 0 ? Cpu.IF : 0) | Cpu.IOPL;
            push(1, fl);
            return;
        }
        if (in.op32) push(2, fl & ~(Cpu.VM | Cpu.RF));
        else push(1, fl);
    }

    /** POPF/POPFD with the privilege rules of SDM Vol. 2 POPF. */
    private void popf(Instruction in) {
        int sz = in.op32 ? 2 : 1;
        int old = flags.get();
        if (flags.vm()) {
            if (flags.iopl() == 3) {
                int v = pop(sz);
                int mask = 0x3F7FD5 & ~(Cpu.IOPL | Cpu.VM | Cpu.RF | Cpu.VIP | Cpu.VIF);
                if (sz == 1) mask &= 0xFFFF;
                flags.set((old & ~mask) | (v & mask));
                return;
            }
            if ((cpu.cr4 & Cpu.CR4_VME) == 0 || sz == 2) throw CpuFault.gp(0);
            int v = peek(1, 0);
            if (((v & Cpu.IF) != 0 && (old & Cpu.VIP) != 0) || (v & Cpu.TF) != 0) throw CpuFault.gp(0);
            addSp(2);
            int mask = 0xFFFF & 0x3F7FD5 & ~(Cpu.IOPL | Cpu.IF);
            int nf = (old & ~mask) | (v & mask);
            nf = (v & Cpu.IF) != 0 ? nf | Cpu.VIF : nf & ~Cpu.VIF;
            flags.set(nf);
            return;
        }
        int v = pop(sz);
        int mask = 0x3F7FD5 & ~(Cpu.VM | Cpu.VIP | Cpu.VIF | Cpu.RF);
        if ((cpu.cr0 & Cpu.CR0_PE) != 0) {
            if (cpu.cpl > 0) mask &= ~Cpu.IOPL;
            if (cpu.cpl > ((old >> 12) & 3)) mask &= ~Cpu.IF;
        }
        if (sz == 1) mask &= 0xFFFF;
        flags.set(((old & ~mask) | (v & mask)) & ~Cpu.RF);
    }

    /** CLI/STI with the IOPL, PVI and VME rules (SDM Vol. 2 CLI, STI). */
    private void cliSti(boolean set) {
        int f = flags.getSystem();
        int bit;
        if ((cpu.cr0 & Cpu.CR0_PE) == 0) {
            bit = Cpu.IF;
        } else if ((f & Cpu.VM) == 0) {
            if (flags.iopl() >= cpu.cpl) bit = Cpu.IF;
            else if (cpu.cpl == 3 && (cpu.cr4 & Cpu.CR4_PVI) != 0) bit = Cpu.VIF;
            else throw CpuFault.gp(0);
        } else {
            if (flags.iopl() == 3) bit = Cpu.IF;
            else if ((cpu.cr4 & Cpu.CR4_VME) != 0) bit = Cpu.VIF;
            else throw CpuFault.gp(0);
        }
        if (set && bit == Cpu.VIF && (f & Cpu.VIP) != 0) throw CpuFault.gp(0);
        if (set) {
            if (bit == Cpu.IF && (f & Cpu.IF) == 0) cpu.interruptShadow = true;
            flags.setSystem(f | bit);
        } else {
            flags.setSystem(f & ~bit);
        }
    }

    /** ENTER imm16, imm8 (SDM Vol. 2 ENTER): nesting level modulo 32, frame pointer copies. */
    private void enter(Instruction in) {
        int sz = in.op32 ? 2 : 1;
        int bytes = sz == 2 ? 4 : 2;
        int size = in.imm & 0xFFFF;
        int level = in.imm2 & 31;
        boolean s32 = seg[SS].is32();
        push(sz, getReg(sz, EBP));
        int frame = s32 ? reg[ESP] : reg[ESP] & 0xFFFF;
        if (level > 0) {
            int bp = s32 ? reg[EBP] : reg[EBP] & 0xFFFF;
            for (int i = 1; i < level; i++) {
                bp -= bytes;
                if (!s32) bp &= 0xFFFF;
                push(sz, readMem(checkRead(SS, bp, bytes - 1), sz));
            }
            push(sz, frame);
        }
        int sp = reg[ESP] - size;
        if (!s32) sp &= 0xFFFF;
        if (size != 0) checkWrite(SS, sp, 0);
        setReg(sz, EBP, frame);
        reg[ESP] = s32 ? sp : (reg[ESP] & 0xFFFF0000) | sp;
    }

    // ------------------------------------------------------------------ string instructions

    private void advance(int r, int delta, boolean a32) {
        if (a32) reg[r] += delta;
        else reg[r] = (reg[r] & 0xFFFF0000) | ((reg[r] + delta) & 0xFFFF);
    }

    /** MOVS CMPS SCAS LODS STOS INS OUTS with REP/REPE/REPNE (SDM Vol. 2 REP/REPE/REPZ/REPNE/REPNZ). */
    private void stringOp(Instruction in) {
        int sz = in.size;
        int delta = flags.df() ? -(1 << sz) : 1 << sz;
        boolean a32 = in.addr32;
        if (in.rep == 0) {
            stringIteration(in, sz, delta, a32);
            return;
        }
        boolean cmp = in.exec == Op.CMPS || in.exec == Op.SCAS;
        for (int n = 0; ; n++) {
            int cnt = a32 ? reg[ECX] : reg[ECX] & 0xFFFF;
            if (cnt == 0) return;
            if (n == REP_CHUNK) {
                cpu.eip = cpu.instructionStart; // resume later: registers reflect the completed iterations
                return;
            }
            stringIteration(in, sz, delta, a32);
            cnt--;
            if (a32) reg[ECX] = cnt;
            else reg[ECX] = (reg[ECX] & 0xFFFF0000) | cnt;
            if (cmp && (flags.zf() != (in.rep == 0xF3))) return;
        }
    }

    private void stringIteration(Instruction in, int sz, int delta, boolean a32) {
        int len = LEN[sz];
        int si = a32 ? reg[ESI] : reg[ESI] & 0xFFFF;
        int di = a32 ? reg[EDI] : reg[EDI] & 0xFFFF;
        switch (in.exec) {
            case Op.MOVS: {
                int v = readMem(checkRead(in.memSeg, si, len), sz);
                writeMem(checkWrite(ES, di, len), sz, v);
                advance(ESI, delta, a32);
                advance(EDI, delta, a32);
                break;
            }
            case Op.CMPS: {
                int a = readMem(checkRead(in.memSeg, si, len), sz);
                int b = readMem(checkRead(ES, di, len), sz);
                flags.sub(a, b, a - b, sz);
                advance(ESI, delta, a32);
                advance(EDI, delta, a32);
                break;
            }
            case Op.SCAS: {
                int a = getReg(sz, EAX);
                int b = readMem(checkRead(ES, di, len), sz);
                flags.sub(a, b, a - b, sz);
                advance(EDI, delta, a32);
                break;
            }
            case Op.LODS:
                setReg(sz, EAX, readMem(checkRead(in.memSeg, si, len), sz));
                advance(ESI, delta, a32);
                break;
            case Op.STOS:
                writeMem(checkWrite(ES, di, len), sz, getReg(sz, EAX));
                advance(EDI, delta, a32);
                break;
            case Op.INS: {
                int port = reg[EDX] & 0xFFFF;
                ioCheck(port, 1 << sz);
                int lin = checkWrite(ES, di, len);
                writeMem(lin, sz, cpu.io.in(port, 1 << sz));
                advance(EDI, delta, a32);
                break;
            }
            default: { // OUTS
                int port = reg[EDX] & 0xFFFF;
                ioCheck(port, 1 << sz);
                int v = readMem(checkRead(in.memSeg, si, len), sz);
                cpu.io.out(port, 1 << sz, v);
                advance(ESI, delta, a32);
                break;
            }
        }
    }
}
