package org.x86play.translate.jvm;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Method;

import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.x86play.cpu.Cpu;
import org.x86play.cpu.CpuFault;
import org.x86play.cpu.Flags;
import org.x86play.cpu.Interpreter;
import org.x86play.cpu.decoder.FastForm;
import org.x86play.cpu.decoder.Instruction;
import org.x86play.cpu.decoder.Operand;
import org.x86play.cpu.exec.Arith;
import org.x86play.mmu.Mmu;
import org.x86play.translate.BlockCompiler;
import org.x86play.translate.CompiledBlock;

/**
 * Compiles hot blocks to JVM bytecode: one hidden class per block whose {@code run()} is the block's
 * instructions in a row, each as the very code the interpreter would run for it, with the dispatch resolved
 * at compile time. This removes what an interpreter pays per instruction: the {@code switch} over the form
 * (an indirect jump the host CPU often mispredicts), the loop, the per-instruction call and exception scope.
 * HotSpot then compiles each hot block method to host code, inlining the handlers.
 * <p>
 * Semantics are the interpreter's by construction: register forms are emitted as the one-line Java they are
 * in {@code Interpreter.fastOp} (register numbers and immediates as constants); the common memory forms as
 * the interpreter's fast path written out (segment bound, direct TLB tag, store access; see
 * {@link Emitter#inlineAccess}) with a call of its own {@code linR/rd32/wr32} when that path does not apply;
 * every other instruction as a call of the same private handler {@code fastOp} would call (the generated class
 * is a nestmate of {@link Interpreter}, so it calls them directly), and anything without a fast form through
 * {@code execute}. Before anything that may fault or call out it keeps what {@link Interpreter#execFast}
 * keeps: CS:EIP of the instruction ({@code cpu.instructionStart}), the next EIP, ESP for the fault rollback;
 * after a write that may have hit the block itself it returns if it did. Flag records nobody can read are
 * dropped ({@link Emitter#deadFlags}); a block that jumps to its own start loops inside {@code run()}
 * ({@link CompiledBlock#again()}).
 */
public final class JvmBlockCompiler implements BlockCompiler {
    private static final String INTERP = "org/x86play/cpu/Interpreter";
    private static final String CPU = "org/x86play/cpu/Cpu";
    private static final String FLAGS = "org/x86play/cpu/Flags";
    private static final String INSN = "org/x86play/cpu/decoder/Instruction";
    private static final String FAULT = "org/x86play/cpu/CpuFault";
    private static final String ARITH = "org/x86play/cpu/exec/Arith";
    private static final String SEGCACHE = "org/x86play/cpu/SegmentCache";
    private static final String BASE = "org/x86play/translate/CompiledBlock";
    private static final String NAME = "org/x86play/cpu/CompiledBlock$";
    private static final String D_IN = "(L" + INSN + ";)V";

    /** Local variable slots of the generated run(). */
    private static final int THIS = 0, IT = 1, CPUV = 2, REG = 3, FL = 4, INS = 5, EIP0 = 6, K = 7, ESP = 8, EX = 9;
    /** Operands (a, b) of the last 32-bit SUB/CMP, or the result of the last 32-bit logic op, in this block. */
    private static final int FA = 10, FB = 11, FR = 12;
    /**
     * Inline memory accesses ({@link Emitter#inlineAccess}): the guest memory store, the direct read/write tags and
     * addends of the TLB (arrays updated in place, so loaded once per run), the offset, linear address and TLB
     * index of the access in progress, and the value read. Per-segment bounds and bases follow from
     * {@link #FIRST_DYNAMIC} on (only those the block uses).
     */
    private static final int ST = 13, RT = 14, WT = 15, AD = 16, OFF = 17, LIN = 18, TI = 19, VAL = 20, SS32 = 21;
    private static final int FIRST_DYNAMIC = 22;
    private static final String MMU = "org/x86play/mmu/Mmu";
    /** What the block's last flag-writing instruction was, if the compiler knows: see {@link Emitter#producer}. */
    private static final int P_UNKNOWN = 0, P_SUB = 1, P_LOGIC = 2, P_RESULT = 3;

    private static final String[] ALU = {"add32", "or32", "adc32", "sbb32", "and32", "sub32", "xor32", "sub32"};

    /**
     * Full runs before a block is compiled. Every compiled block is a class HotSpot first interprets, then
     * compiles twice (C1, C2) on the second core: compiling blocks that run a few hundred times costs more
     * than it saves. Tunable with -Dx86play.jit.threshold=N.
     */
    public static final int DEFAULT_THRESHOLD = Integer.getInteger("x86play.jit.threshold", 32768);

    private final MethodHandles.Lookup lookup;
    private final int threshold;
    private int compiled;

    public JvmBlockCompiler() { this(DEFAULT_THRESHOLD); }

    public JvmBlockCompiler(int threshold) {
        this.threshold = Math.max(1, threshold);
        try {
            // Same (unnamed) module: a lookup with private access to Interpreter, which may define nestmates of it.
            lookup = MethodHandles.privateLookupIn(Interpreter.class, MethodHandles.lookup());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("the JVM block compiler needs private access to Interpreter", e);
        }
        checkTargets();
    }

    @Override
    public int threshold() { return threshold; }

    /** Blocks compiled by this compiler so far. */
    public int compiledBlocks() { return compiled; }

    @Override
    public CompiledBlock compile(Cpu cpu, Instruction[] insns, int[] ends, int stop, int eipMask) {
        byte[] code = generate(insns, ends, stop, eipMask);
        try {
            Class<?> c = lookup.defineHiddenClass(code, true, MethodHandles.Lookup.ClassOption.NESTMATE).lookupClass();
            MethodHandle ctor = lookup.findConstructor(c, MethodType.methodType(void.class, Interpreter.class, Instruction[].class));
            compiled++;
            return (CompiledBlock) ctor.invoke(cpu.interpreter, insns);
        } catch (Throwable t) {
            throw new IllegalStateException("block compiler: generated class rejected: " + t, t);
        }
    }

    /** The class file of one block (public for tests that inspect or verify it). */
    public static byte[] generate(Instruction[] insns, int[] ends, int stop, int eipMask) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS) {
            @Override
            protected String getCommonSuperClass(String a, String b) {
                return a.equals(b) ? a : "java/lang/Object";    // only our own few types meet in frames
            }
        };
        cw.visit(Opcodes.V17, Opcodes.ACC_FINAL | Opcodes.ACC_SUPER, NAME, null, BASE, null);
        cw.visitField(Opcodes.ACC_PRIVATE | Opcodes.ACC_FINAL, "it", "L" + INTERP + ";", null, null).visitEnd();
        cw.visitField(Opcodes.ACC_PRIVATE | Opcodes.ACC_FINAL, "ins", "[L" + INSN + ";", null, null).visitEnd();

        MethodVisitor init = cw.visitMethod(0, "<init>", "(L" + INTERP + ";[L" + INSN + ";)V", null, null);
        init.visitCode();
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitMethodInsn(Opcodes.INVOKESPECIAL, BASE, "<init>", "()V", false);
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitVarInsn(Opcodes.ALOAD, 1);
        init.visitFieldInsn(Opcodes.PUTFIELD, NAME, "it", "L" + INTERP + ";");
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitVarInsn(Opcodes.ALOAD, 2);
        init.visitFieldInsn(Opcodes.PUTFIELD, NAME, "ins", "[L" + INSN + ";");
        init.visitInsn(Opcodes.RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();

        MethodVisitor m = cw.visitMethod(Opcodes.ACC_PUBLIC, "run", "()I", null, null);
        m.visitCode();
        new Emitter(m, insns, ends, stop, eipMask).body();
        m.visitMaxs(0, 0);
        m.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }

    private static final class Emitter {
        private final MethodVisitor m;
        private final Instruction[] insns;
        private final int[] ends;
        private final int stop, eipMask;

        Emitter(MethodVisitor m, Instruction[] insns, int[] ends, int stop, int eipMask) {
            this.m = m;
            this.insns = insns;
            this.ends = ends;
            this.stop = stop;
            this.eipMask = eipMask;
            this.dead = deadFlags(insns, stop);
        }

        /** dead[k]: instruction k's flags are overwritten before anything can read them (see {@link #deadFlags}). */
        private final boolean[] dead;

        /**
         * Which flag results of the block nobody can observe: a full producer ({@link #fullProducer}) followed,
         * with only flag-neutral register moves in between, by another full producer. Nothing else may come
         * between: a reader (Jcc, SETcc, CMOVcc, ADC, INC...), or any instruction that may fault or call out, since
         * a fault delivery pushes EFLAGS and handlers read the lazy state. Flags at the block's end are live.
         */
        static boolean[] deadFlags(Instruction[] insns, int stop) {
            boolean[] d = new boolean[stop];
            for (int k = 0; k < stop; k++) {
                if (!fullProducer(insns[k])) continue;
                for (int j = k + 1; j < stop; j++) {
                    if (fullProducer(insns[j])) {
                        d[k] = true;
                        break;
                    }
                    if (!flagNeutral(insns[j].fast)) break;
                }
            }
            return d;
        }

        /** Register-only forms that write all six arithmetic flags without reading any (so cannot fault either). */
        static boolean fullProducer(Instruction in) {
            int f = in.fast;
            if (f >= FastForm.ALU_RR_EG && f < FastForm.ALU_RI + 8) {
                int op = (f - FastForm.ALU_RR_EG) & 7;
                return op != FastForm.ADC && op != FastForm.SBB;
            }
            switch (f) {
                case FastForm.TEST_EG_R32: case FastForm.TEST_EI_R32: case FastForm.IMUL_GE_R32:
                    return true;
                case FastForm.ALU_AI32:
                    return (in.sub & 7) != FastForm.ADC && (in.sub & 7) != FastForm.SBB;
                case FastForm.SHIFT_R32:
                    return shiftCount(in) > 0;
                default:
                    return false;
            }
        }

        /** Register-only forms that neither read nor write flags and cannot fault. */
        static boolean flagNeutral(int f) {
            switch (f) {
                case FastForm.MOV_EG_R32: case FastForm.MOV_GE_R32: case FastForm.MOV_RI32: case FastForm.LEA32:
                case FastForm.MOVZX_R: case FastForm.MOVSX_R: case FastForm.MOV_EG_R8: case FastForm.MOV_GE_R8:
                    return true;
                default:
                    return false;
            }
        }

        /** The count of a SHL/SHR/SAR r32 by an immediate or 1, masked to 5 bits; -1 for CL counts and rotates. */
        static int shiftCount(Instruction in) {
            int op2 = in.row.op2;
            if (op2 == Operand.CL || in.sub < 4) return -1;
            return (op2 == Operand.ONE ? 1 : in.imm) & 0x1F;
        }

        void body() {
            // Locals: it, cpu, reg, flags, ins, eip0, k, esp.
            m.visitVarInsn(Opcodes.ALOAD, THIS);
            m.visitFieldInsn(Opcodes.GETFIELD, NAME, "it", "L" + INTERP + ";");
            m.visitVarInsn(Opcodes.ASTORE, IT);
            m.visitVarInsn(Opcodes.ALOAD, IT);
            m.visitFieldInsn(Opcodes.GETFIELD, INTERP, "cpu", "L" + CPU + ";");
            m.visitVarInsn(Opcodes.ASTORE, CPUV);
            m.visitVarInsn(Opcodes.ALOAD, IT);
            m.visitFieldInsn(Opcodes.GETFIELD, INTERP, "reg", "[I");
            m.visitVarInsn(Opcodes.ASTORE, REG);
            m.visitVarInsn(Opcodes.ALOAD, IT);
            m.visitFieldInsn(Opcodes.GETFIELD, INTERP, "flags", "L" + FLAGS + ";");
            m.visitVarInsn(Opcodes.ASTORE, FL);
            m.visitVarInsn(Opcodes.ALOAD, THIS);
            m.visitFieldInsn(Opcodes.GETFIELD, NAME, "ins", "[L" + INSN + ";");
            m.visitVarInsn(Opcodes.ASTORE, INS);
            m.visitVarInsn(Opcodes.ALOAD, CPUV);
            m.visitFieldInsn(Opcodes.GETFIELD, CPU, "eip", "I");
            m.visitVarInsn(Opcodes.ISTORE, EIP0);
            push(0);
            m.visitVarInsn(Opcodes.ISTORE, K);
            push(0);
            m.visitVarInsn(Opcodes.ISTORE, ESP);
            for (int v : new int[] {FA, FB, FR, OFF, LIN, TI, VAL}) {
                push(0);
                m.visitVarInsn(Opcodes.ISTORE, v);
            }
            memoryLocals();

            Label tryStart = new Label(), tryEnd = new Label(), handler = new Label();
            m.visitTryCatchBlock(tryStart, tryEnd, handler, FAULT);
            m.visitLabel(tryStart);
            m.visitLabel(loopHead);
            for (int k = 0; k < stop; k++) instruction(k);
            finishEip();
            push(stop);
            m.visitInsn(Opcodes.IRETURN);
            m.visitLabel(tryEnd);

            // catch (CpuFault f) { it.fastFault(f, cpu.instructionStart, esp); return -(k + 1); }
            m.visitLabel(handler);
            m.visitVarInsn(Opcodes.ASTORE, EX);
            m.visitVarInsn(Opcodes.ALOAD, IT);
            m.visitVarInsn(Opcodes.ALOAD, EX);
            m.visitVarInsn(Opcodes.ALOAD, CPUV);
            m.visitFieldInsn(Opcodes.GETFIELD, CPU, "instructionStart", "I");
            m.visitVarInsn(Opcodes.ILOAD, ESP);
            interp("fastFault", "(L" + FAULT + ";II)V");
            m.visitVarInsn(Opcodes.ILOAD, K);
            m.visitInsn(Opcodes.ICONST_1);
            m.visitInsn(Opcodes.IADD);
            m.visitInsn(Opcodes.INEG);
            m.visitInsn(Opcodes.IRETURN);
        }

        /** The start of the first instruction, for a block that loops to itself ({@link #selfLoop}). */
        private final Label loopHead = new Label();

        /**
         * True if instruction {@code k} is the block's final jump and targets the block's own start: the
         * relative target is 0 bytes from the entry EIP (with the natural operand size, so no 16-bit wrap
         * depends on the runtime EIP) and the compiled code covers the whole block.
         */
        private boolean selfLoop(int k, Instruction in) {
            return k == stop - 1 && stop == insns.length && in.op32 == (eipMask == -1)
                    && ((ends[k] + in.imm) & eipMask) == 0;
        }

        /**
         * The taken jump of a self-looping block: CS:EIP back at the block start (no limit check needed: the
         * engine entered it there), then another iteration inside this method if the engine allows
         * ({@code again()}), else return as a finished block.
         */
        private void loopBack() {
            m.visitVarInsn(Opcodes.ALOAD, CPUV);
            m.visitVarInsn(Opcodes.ILOAD, EIP0);
            m.visitFieldInsn(Opcodes.PUTFIELD, CPU, "eip", "I");
            m.visitVarInsn(Opcodes.ALOAD, THIS);
            m.visitMethodInsn(Opcodes.INVOKEVIRTUAL, BASE, "again", "()Z", false);
            m.visitJumpInsn(Opcodes.IFNE, loopHead);
            push(stop);
            m.visitInsn(Opcodes.IRETURN);
        }

        /** True while cpu.eip holds the EIP after the last emitted instruction (pure ones do not store it). */
        private boolean eipCurrent = true;

        /**
         * The last flag producer of this block when it is a 32-bit SUB/CMP (operands in locals FA, FB) or logic
         * operation (result in FR) and no flag-writing instruction came after it: a condition can then be decided
         * from those locals exactly as {@code Flags.condition} decides it from the lazy state (same operands,
         * same formulas), without reading the lazy state. The lazy state is still recorded for everyone else.
         */
        private int producer = P_UNKNOWN;

        /**
         * One instruction. Register-only forms that cannot fault and do not read EIP ({@link #pure}) are just their
         * operation; the others get the bookkeeping of execFast first (index, CS:EIP of the instruction, ESP for
         * the rollback, the next EIP) and, if they may write memory, the self-write check after.
         */
        private void instruction(int k) {
            Instruction in = insns[k];
            if (!keepsFlags(in.fast)) producer = P_UNKNOWN;
            if (pure(in)) {
                emit(k, in);
                eipCurrent = false;
                return;
            }
            if (inlineAccess(k, in)) {
                eipCurrent = false;
                return;
            }
            bookkeeping(k);
            eipCurrent = true;
            if (emit(k, in)) validityCheck(k);
        }

        /**
         * What execFast keeps before an instruction that may fault, call a handler or reach a device: its index,
         * its CS:EIP ({@code cpu.instructionStart}), ESP for the rollback, and the next EIP in {@code cpu.eip}.
         */
        private void bookkeeping(int k) {
            push(k);
            m.visitVarInsn(Opcodes.ISTORE, K);
            // cpu.instructionStart = (eip0 + start) & mask
            m.visitVarInsn(Opcodes.ALOAD, CPUV);
            eipPlus(k == 0 ? 0 : ends[k - 1]);
            m.visitFieldInsn(Opcodes.PUTFIELD, CPU, "instructionStart", "I");
            // esp = reg[ESP]
            m.visitVarInsn(Opcodes.ALOAD, REG);
            push(4);
            m.visitInsn(Opcodes.IALOAD);
            m.visitVarInsn(Opcodes.ISTORE, ESP);
            // cpu.eip = (eip0 + end) & mask
            m.visitVarInsn(Opcodes.ALOAD, CPUV);
            eipPlus(ends[k]);
            m.visitFieldInsn(Opcodes.PUTFIELD, CPU, "eip", "I");
        }

        /** After a handler that may have written memory: {@code if (!stillValid()) return k + 1;} */
        private void validityCheck(int k) {
            Label ok = new Label();
            m.visitVarInsn(Opcodes.ALOAD, THIS);
            m.visitMethodInsn(Opcodes.INVOKEVIRTUAL, BASE, "stillValid", "()Z", false);
            m.visitJumpInsn(Opcodes.IFNE, ok);
            push(k + 1);
            m.visitInsn(Opcodes.IRETURN);
            m.visitLabel(ok);
        }

        // ------------------------------------------------------------------ inline memory accesses

        /** Local slots of per-segment offset bounds ([write][seg][len], biased by 2^31) and bases, or 0 if unused. */
        private final int[][][] boundSlot = new int[2][6][4];
        private final int[] baseSlot = new int[6];

        /**
         * The inline-access forms: their memory operand's segment, access length code (bytes - 1) and direction,
         * as {@code write << 8 | seg << 2 | len}; -1 for every other form. Stack forms use SS (code 2).
         */
        static int accessOf(Instruction in) {
            switch (in.fast) {
                case FastForm.MOV_GE_M32: case FastForm.ALU_GE_M32: case FastForm.IMUL_GE_M32: case FastForm.CMOV_M32:
                    return in.memSeg << 2 | 3;
                case FastForm.MOV_GE_M16: return in.memSeg << 2 | 1;
                case FastForm.MOV_GE_M8: return in.memSeg << 2;
                case FastForm.MOVZX_M: case FastForm.MOVSX_M: return in.memSeg << 2 | (in.sub == 0 ? 0 : 1);
                case FastForm.MOV_EG_M32: case FastForm.MOV_EI_M32: return 1 << 8 | in.memSeg << 2 | 3;
                case FastForm.MOV_EG_M16: return 1 << 8 | in.memSeg << 2 | 1;
                case FastForm.MOV_EG_M8: return 1 << 8 | in.memSeg << 2;
                case FastForm.PUSH_R32: return 1 << 8 | 2 << 2 | 3;
                case FastForm.POP_R32: return 2 << 2 | 3;
                default: return -1;
            }
        }

        /**
         * Loads, once per run of the block, what its inline accesses read, and nothing for a block without any:
         * the store and the TLB's addends, its direct read and/or write tags, SS's size (push/pop), and the
         * bound and base of each (segment, length, direction) the block uses.
         * They cannot change while the block runs: segment loads, CPL, paging and TLB mode changes are attention
         * instructions, which end blocks, and the TLB arrays are updated in place (Interpreter.prepareRun).
         */
        private void memoryLocals() {
            boolean reads = false, writes = false, stack = false;
            for (int k = 0; k < stop; k++) {
                int a = accessOf(insns[k]);
                if (a < 0) continue;
                if ((a >> 8) == 1) writes = true;
                else reads = true;
                stack |= insns[k].fast == FastForm.PUSH_R32 || insns[k].fast == FastForm.POP_R32;
            }
            if (!reads && !writes) return;
            m.visitVarInsn(Opcodes.ALOAD, IT);
            m.visitFieldInsn(Opcodes.GETFIELD, INTERP, "mmu", "L" + MMU + ";");
            m.visitMethodInsn(Opcodes.INVOKEVIRTUAL, MMU, "store", "()[I", false);
            m.visitVarInsn(Opcodes.ASTORE, ST);
            interpreterArray("addend", AD);
            if (reads) interpreterArray("readTags", RT);
            if (writes) interpreterArray("writeTags", WT);
            if (stack) {
                // ss32 = it.seg[SS].is32()
                m.visitVarInsn(Opcodes.ALOAD, IT);
                m.visitFieldInsn(Opcodes.GETFIELD, INTERP, "seg", "[L" + SEGCACHE + ";");
                push(2);
                m.visitInsn(Opcodes.AALOAD);
                m.visitMethodInsn(Opcodes.INVOKEVIRTUAL, SEGCACHE, "is32", "()Z", false);
                m.visitVarInsn(Opcodes.ISTORE, SS32);
            }
            int next = FIRST_DYNAMIC;
            for (int k = 0; k < stop; k++) {
                int a = accessOf(insns[k]);
                if (a < 0) continue;
                int w = a >> 8, s = (a >> 2) & 7, len = a & 3;
                if (boundSlot[w][s][len] == 0) {
                    boundSlot[w][s][len] = next;
                    // bound = it.readBound/writeBound[s * 4 + len] ^ 0x80000000
                    m.visitVarInsn(Opcodes.ALOAD, IT);
                    m.visitFieldInsn(Opcodes.GETFIELD, INTERP, w == 1 ? "writeBound" : "readBound", "[I");
                    push(s << 2 | len);
                    m.visitInsn(Opcodes.IALOAD);
                    push(Integer.MIN_VALUE);
                    m.visitInsn(Opcodes.IXOR);
                    m.visitVarInsn(Opcodes.ISTORE, next++);
                }
                if (baseSlot[s] == 0) {
                    baseSlot[s] = next;
                    m.visitVarInsn(Opcodes.ALOAD, IT);
                    m.visitFieldInsn(Opcodes.GETFIELD, INTERP, "segBase", "[I");
                    push(s);
                    m.visitInsn(Opcodes.IALOAD);
                    m.visitVarInsn(Opcodes.ISTORE, next++);
                }
            }
        }

        /** local {@code slot} = it.{@code name} (an int[] field of the interpreter). */
        private void interpreterArray(String name, int slot) {
            m.visitVarInsn(Opcodes.ALOAD, IT);
            m.visitFieldInsn(Opcodes.GETFIELD, INTERP, name, "[I");
            m.visitVarInsn(Opcodes.ASTORE, slot);
        }

        /**
         * The memory forms of {@link #accessOf} with the interpreter's fast path written out in the block: the
         * segment bound check (Interpreter.linR/linW), the TLB's direct tag and the store access (rd32/wr32 and
         * the word and byte forms). No bookkeeping on that path: it cannot fault, call a device or write code
         * (the MMU keeps no direct write path to a page holding translated code). Anything else takes the slow
         * path: the bookkeeping of {@link #bookkeeping}, then the interpreter's own methods, as before.
         */
        private boolean inlineAccess(int k, Instruction in) {
            int a = accessOf(in);
            if (a < 0) return false;
            int f = in.fast;
            int len = a & 3;
            if (f == FastForm.PUSH_R32) {
                // if (ss32) { value first (PUSH ESP pushes the old ESP); write at ESP - 4; ESP -= 4 } else push32
                Label slow = new Label(), done = new Label();
                m.visitVarInsn(Opcodes.ILOAD, SS32);
                m.visitJumpInsn(Opcodes.IFEQ, slow);
                loadReg(in.sub);
                m.visitVarInsn(Opcodes.ISTORE, VAL);
                loadReg(4);
                push(4);
                m.visitInsn(Opcodes.ISUB);
                m.visitVarInsn(Opcodes.ISTORE, OFF);
                writeFast(2, 3, slow, () -> m.visitVarInsn(Opcodes.ILOAD, VAL));
                m.visitVarInsn(Opcodes.ALOAD, REG);
                push(4);
                m.visitVarInsn(Opcodes.ILOAD, OFF);
                m.visitInsn(Opcodes.IASTORE);
                m.visitJumpInsn(Opcodes.GOTO, done);
                m.visitLabel(slow);
                bookkeeping(k);
                m.visitVarInsn(Opcodes.ALOAD, IT);
                loadReg(in.sub);
                interp("push32", "(I)V");
                validityCheck(k);
                m.visitLabel(done);
                return true;
            }
            if (f == FastForm.POP_R32) {
                // if (ss32) { v = read at ESP; ESP += 4; reg = v } else reg = pop32()
                Label slow = new Label(), done = new Label();
                m.visitVarInsn(Opcodes.ILOAD, SS32);
                m.visitJumpInsn(Opcodes.IFEQ, slow);
                loadReg(4);
                m.visitVarInsn(Opcodes.ISTORE, OFF);
                readFast(2, 3, slow);
                m.visitVarInsn(Opcodes.ALOAD, REG);
                push(4);
                m.visitVarInsn(Opcodes.ILOAD, OFF);
                push(4);
                m.visitInsn(Opcodes.IADD);
                m.visitInsn(Opcodes.IASTORE);
                Label merge = new Label();
                m.visitJumpInsn(Opcodes.GOTO, merge);
                m.visitLabel(slow);
                bookkeeping(k);
                m.visitVarInsn(Opcodes.ALOAD, IT);
                interp("pop32", "()I");
                m.visitVarInsn(Opcodes.ISTORE, VAL);
                m.visitLabel(merge);
                m.visitVarInsn(Opcodes.ALOAD, REG);
                push(in.sub);
                m.visitVarInsn(Opcodes.ILOAD, VAL);
                m.visitInsn(Opcodes.IASTORE);
                return true;
            }
            ea(in);
            m.visitVarInsn(Opcodes.ISTORE, OFF);
            if ((a >> 8) == 1) {
                Runnable value;
                switch (f) {
                    case FastForm.MOV_EI_M32: value = () -> push(in.imm); break;
                    case FastForm.MOV_EG_M8: value = () -> getReg(0, in.reg); break;
                    default: value = () -> loadReg(in.reg); break;
                }
                Label slow = new Label(), done = new Label();
                writeFast(in.memSeg, len, slow, value);
                m.visitJumpInsn(Opcodes.GOTO, done);
                m.visitLabel(slow);
                slowLinear(k, in.memSeg, len, true);
                value.run();
                interp(len == 3 ? "wr32" : len == 1 ? "wr16" : "wr8", "(II)V");
                validityCheck(k);
                m.visitLabel(done);
                return true;
            }
            // A read into VAL, then the instruction's use of it.
            Label slow = new Label(), merge = new Label();
            readFast(in.memSeg, len, slow);
            m.visitJumpInsn(Opcodes.GOTO, merge);
            m.visitLabel(slow);
            slowLinear(k, in.memSeg, len, false);
            interp(len == 3 ? "rd32" : len == 1 ? "rd16" : "rd8", "(I)I");
            m.visitVarInsn(Opcodes.ISTORE, VAL);
            m.visitLabel(merge);
            useRead(in);
            return true;
        }

        /**
         * A 32-bit group-1 operation on FA and FB, as Interpreter.add32 etc. compute it: the result in FR, the lazy
         * flags recorded unless {@code record} is false (dead flags; ADD/SUB/CMP record operands and result, logic
         * ops the result; ADC/SBB read CF, so they call the interpreter's method), then reg[dst] = FR unless it is
         * CMP. Sets {@link #producer} for later conditions.
         */
        private void alu32(int op, int dst, boolean record) {
            boolean add = op == FastForm.ADD;
            boolean sub = op == FastForm.SUB || op == FastForm.CMP;
            boolean logic = op == FastForm.AND || op == FastForm.OR || op == FastForm.XOR;
            if (add || sub || logic) {
                m.visitVarInsn(Opcodes.ILOAD, FA);
                m.visitVarInsn(Opcodes.ILOAD, FB);
                m.visitInsn(add ? Opcodes.IADD : sub ? Opcodes.ISUB : op == FastForm.AND ? Opcodes.IAND
                        : op == FastForm.OR ? Opcodes.IOR : Opcodes.IXOR);
                m.visitVarInsn(Opcodes.ISTORE, FR);
                if (record) {
                    m.visitVarInsn(Opcodes.ALOAD, FL);
                    if (!logic) {
                        m.visitVarInsn(Opcodes.ILOAD, FA);
                        m.visitVarInsn(Opcodes.ILOAD, FB);
                    }
                    m.visitVarInsn(Opcodes.ILOAD, FR);
                    push(2);
                    m.visitMethodInsn(Opcodes.INVOKEVIRTUAL, FLAGS, add ? "add" : sub ? "sub" : "logic",
                            logic ? "(II)V" : "(IIII)V", false);
                }
            } else {
                m.visitVarInsn(Opcodes.ALOAD, IT);
                m.visitVarInsn(Opcodes.ILOAD, FA);
                m.visitVarInsn(Opcodes.ILOAD, FB);
                interp(ALU[op], "(II)I");
                m.visitVarInsn(Opcodes.ISTORE, FR);
            }
            if (op != FastForm.CMP) {
                m.visitVarInsn(Opcodes.ALOAD, REG);
                push(dst);
                m.visitVarInsn(Opcodes.ILOAD, FR);
                m.visitInsn(Opcodes.IASTORE);
            }
            producer = sub ? P_SUB : logic ? P_LOGIC : P_RESULT;
        }

        /**
         * IMUL r32, src: reg[r] = Arith.imul(flags, reg[r], src, 2), or just the low product when the flags are
         * dead ({@code record} false).
         */
        private void imul32(int r, Runnable src, boolean record) {
            m.visitVarInsn(Opcodes.ALOAD, REG);
            push(r);
            if (record) m.visitVarInsn(Opcodes.ALOAD, FL);
            loadReg(r);
            src.run();
            if (record) {
                push(2);
                m.visitMethodInsn(Opcodes.INVOKESTATIC, ARITH, "imul", "(L" + FLAGS + ";III)I", false);
            } else {
                m.visitInsn(Opcodes.IMUL);
            }
            m.visitInsn(Opcodes.IASTORE);
        }

        /** The slow path's start: the bookkeeping, then {@code it} and {@code it.linR/linW(s, OFF, len)} on the stack. */
        private void slowLinear(int k, int s, int len, boolean write) {
            bookkeeping(k);
            m.visitVarInsn(Opcodes.ALOAD, IT);
            m.visitVarInsn(Opcodes.ALOAD, IT);
            push(s);
            m.visitVarInsn(Opcodes.ILOAD, OFF);
            push(len);
            interp(write ? "linW" : "linR", "(III)I");
        }

        /** What a read form does with the value in VAL (as its case in {@link #emit} does with the read). */
        private void useRead(Instruction in) {
            switch (in.fast) {
                case FastForm.MOV_GE_M32:
                    m.visitVarInsn(Opcodes.ALOAD, REG);
                    push(in.reg);
                    m.visitVarInsn(Opcodes.ILOAD, VAL);
                    m.visitInsn(Opcodes.IASTORE);
                    return;
                case FastForm.MOV_GE_M8:
                case FastForm.MOV_GE_M16:
                    m.visitVarInsn(Opcodes.ALOAD, IT);
                    push(in.fast == FastForm.MOV_GE_M8 ? 0 : 1);
                    push(in.reg);
                    m.visitVarInsn(Opcodes.ILOAD, VAL);
                    interp("setReg", "(III)V");
                    return;
                case FastForm.MOVZX_M:
                case FastForm.MOVSX_M:
                    m.visitVarInsn(Opcodes.ALOAD, REG);
                    push(in.reg);
                    m.visitVarInsn(Opcodes.ILOAD, VAL);
                    if (in.fast == FastForm.MOVSX_M) m.visitInsn(in.sub == 0 ? Opcodes.I2B : Opcodes.I2S);
                    m.visitInsn(Opcodes.IASTORE);
                    return;
                case FastForm.ALU_GE_M32:
                    // reg[r] = reg[r] op v; CMP: only the flags
                    loadReg(in.reg);
                    m.visitVarInsn(Opcodes.ISTORE, FA);
                    m.visitVarInsn(Opcodes.ILOAD, VAL);
                    m.visitVarInsn(Opcodes.ISTORE, FB);
                    alu32(in.sub & 7, in.reg, true);
                    return;
                case FastForm.IMUL_GE_M32:
                    imul32(in.reg, () -> m.visitVarInsn(Opcodes.ILOAD, VAL), true);
                    return;
                case FastForm.CMOV_M32: {
                    // the read happened whatever the condition; if (condition) reg[reg] = v
                    Label skip = new Label();
                    jumpUnless(in.sub, skip);
                    m.visitVarInsn(Opcodes.ALOAD, REG);
                    push(in.reg);
                    m.visitVarInsn(Opcodes.ILOAD, VAL);
                    m.visitInsn(Opcodes.IASTORE);
                    m.visitLabel(skip);
                    return;
                }
                default:
                    throw new IllegalStateException("no inline read for form " + in.fast);
            }
        }

        /**
         * The fast path of a read of {@code len + 1} bytes at seg:OFF into VAL, or a jump to {@code slow}:
         * offset below the segment's fast bound, the page's direct read tag matches (aligned, mapped, RAM/ROM).
         */
        private void readFast(int s, int len, Label slow) {
            storeWord(s, len, false, slow);
            m.visitInsn(Opcodes.IALOAD);
            if (len != 3) {
                // (word >>> ((x & 2 or 3) << 3)) & (0xFFFF or 0xFF)
                subwordShift(len);
                m.visitInsn(Opcodes.IUSHR);
                push(len == 1 ? 0xFFFF : 0xFF);
                m.visitInsn(Opcodes.IAND);
            }
            m.visitVarInsn(Opcodes.ISTORE, VAL);
        }

        /** The fast path of a write of {@code len + 1} bytes of {@code value} at seg:OFF, or a jump to {@code slow}. */
        private void writeFast(int s, int len, Label slow, Runnable value) {
            storeWord(s, len, true, slow);
            if (len == 3) {
                value.run();
            } else {
                // st[x >>> 2] = (st[x >>> 2] & ~(mask << sh)) | ((v & mask) << sh), sh = (x & 2 or 3) << 3
                int mask = len == 1 ? 0xFFFF : 0xFF;
                m.visitInsn(Opcodes.DUP2);
                m.visitInsn(Opcodes.IALOAD);
                push(mask);
                subwordShift(len);
                m.visitInsn(Opcodes.ISHL);
                push(-1);
                m.visitInsn(Opcodes.IXOR);
                m.visitInsn(Opcodes.IAND);
                value.run();
                push(mask);
                m.visitInsn(Opcodes.IAND);
                subwordShift(len);
                m.visitInsn(Opcodes.ISHL);
                m.visitInsn(Opcodes.IOR);
            }
            m.visitInsn(Opcodes.IASTORE);
        }

        /** The bit position of LIN's byte in its word: (x & 2 or 3) << 3 on the stack. */
        private void subwordShift(int len) {
            m.visitVarInsn(Opcodes.ILOAD, LIN);
            push(len == 1 ? 2 : 3);
            m.visitInsn(Opcodes.IAND);
            push(3);
            m.visitInsn(Opcodes.ISHL);
        }

        /**
         * The checks of {@link #tlbIndex}, then LIN = lin + addend[ti] (the store byte index) and the store and
         * the word's index (LIN >>> 2) on the stack.
         */
        private void storeWord(int s, int len, boolean write, Label slow) {
            tlbIndex(s, len, write, slow, write ? WT : RT);
            m.visitVarInsn(Opcodes.ILOAD, LIN);
            m.visitVarInsn(Opcodes.ALOAD, AD);
            m.visitVarInsn(Opcodes.ILOAD, TI);
            m.visitInsn(Opcodes.IALOAD);
            m.visitInsn(Opcodes.IADD);
            m.visitVarInsn(Opcodes.ISTORE, LIN);
            m.visitVarInsn(Opcodes.ALOAD, ST);
            m.visitVarInsn(Opcodes.ILOAD, LIN);
            push(2);
            m.visitInsn(Opcodes.IUSHR);
        }

        /**
         * Bound check of OFF for seg {@code s}, then LIN = base + OFF, TI = its TLB index, and the direct tag
         * check ({@code tags[ti] == lin & (0xFFFFF000 | alignment bits)}); jumps to {@code slow} if either fails.
         */
        private void tlbIndex(int s, int len, boolean write, Label slow, int tags) {
            // if ((off ^ 0x80000000) >= bound) slow   (unsigned off >= bound)
            m.visitVarInsn(Opcodes.ILOAD, OFF);
            push(Integer.MIN_VALUE);
            m.visitInsn(Opcodes.IXOR);
            m.visitVarInsn(Opcodes.ILOAD, boundSlot[write ? 1 : 0][s][len]);
            m.visitJumpInsn(Opcodes.IF_ICMPGE, slow);
            m.visitVarInsn(Opcodes.ILOAD, OFF);
            m.visitVarInsn(Opcodes.ILOAD, baseSlot[s]);
            m.visitInsn(Opcodes.IADD);
            m.visitVarInsn(Opcodes.ISTORE, LIN);
            m.visitVarInsn(Opcodes.ILOAD, LIN);
            push(12);
            m.visitInsn(Opcodes.IUSHR);
            push(Mmu.TLB_MASK);
            m.visitInsn(Opcodes.IAND);
            m.visitVarInsn(Opcodes.ISTORE, TI);
            m.visitVarInsn(Opcodes.ALOAD, tags);
            m.visitVarInsn(Opcodes.ILOAD, TI);
            m.visitInsn(Opcodes.IALOAD);
            m.visitVarInsn(Opcodes.ILOAD, LIN);
            push(len == 3 ? 0xFFFFF003 : len == 1 ? 0xFFFFF001 : 0xFFFFF000);
            m.visitInsn(Opcodes.IAND);
            m.visitJumpInsn(Opcodes.IF_ICMPNE, slow);
        }

        /** Before the final return: the EIP after the last instruction, unless already stored. */
        void finishEip() {
            if (eipCurrent) return;
            m.visitVarInsn(Opcodes.ALOAD, CPUV);
            eipPlus(ends[stop - 1]);
            m.visitFieldInsn(Opcodes.PUTFIELD, CPU, "eip", "I");
        }

        /**
         * Forms on registers and immediates only that can neither fault nor read EIP: nothing of execFast's
         * bookkeeping is observable for them (a later fault restores EIP from its own start; no device sees them).
         */
        static boolean pure(Instruction in) {
            int f = in.fast;
            if (f >= FastForm.ALU_RR_EG && f < FastForm.ALU_RI + 8) return true;
            switch (f) {
                case FastForm.MOV_EG_R32: case FastForm.MOV_GE_R32: case FastForm.MOV_RI32: case FastForm.LEA32:
                case FastForm.TEST_EG_R32: case FastForm.TEST_EI_R32: case FastForm.INC_R32: case FastForm.DEC_R32:
                case FastForm.MOVZX_R: case FastForm.MOVSX_R: case FastForm.SETCC_R8: case FastForm.CMOV_R32:
                case FastForm.TEST_EG_R8: case FastForm.SHIFT_R32: case FastForm.SHIFT_R: case FastForm.IMUL_GE_R32:
                case FastForm.MUL_R32: case FastForm.ALU_AI32: case FastForm.ALU_AI8: case FastForm.MOV_EG_R8:
                case FastForm.MOV_GE_R8:
                    return true;
                default:
                    return false;
            }
        }

        /** Stores a copy of the int on top of the stack in local {@code slot}. */
        private void keep(int slot) {
            m.visitInsn(Opcodes.DUP);
            m.visitVarInsn(Opcodes.ISTORE, slot);
        }

        /**
         * Jumps to {@code ifFalse} unless condition {@code cc} (SDM Vol. 1 Appendix B) holds. With a known producer
         * this is Flags.subCondition / logicCondition on the producer's operands; otherwise (and for O and P)
         * it asks {@code Flags.condition}.
         */
        private void jumpUnless(int cc, Label ifFalse) {
            int base = (cc >> 1) & 7;
            boolean neg = (cc & 1) != 0;
            int trueOp;                      // a jump opcode taken when the base condition is true
            if (producer == P_SUB && base != 0 && base != 5) {
                switch (base) {
                    case 1: unsignedOperands(); trueOp = Opcodes.IF_ICMPLT; break;     // B
                    case 2: loadOperands(); trueOp = Opcodes.IF_ICMPEQ; break;          // Z
                    case 3: unsignedOperands(); trueOp = Opcodes.IF_ICMPLE; break;     // BE
                    case 4:                                                            // S: sign of a - b
                        m.visitVarInsn(Opcodes.ILOAD, FA);
                        m.visitVarInsn(Opcodes.ILOAD, FB);
                        m.visitInsn(Opcodes.ISUB);
                        trueOp = Opcodes.IFLT;
                        break;
                    case 6: loadOperands(); trueOp = Opcodes.IF_ICMPLT; break;          // L
                    default: loadOperands(); trueOp = Opcodes.IF_ICMPLE; break;         // LE
                }
            } else if (producer == P_RESULT && (base == 2 || base == 4)) {
                // Every 32-bit lazy kind has ZF = (res == 0) and SF = (res < 0) (Flags.zf, Flags.sf).
                m.visitVarInsn(Opcodes.ILOAD, FR);
                trueOp = base == 2 ? Opcodes.IFEQ : Opcodes.IFLT;
            } else if (producer == P_LOGIC && base != 5) {
                if (base == 0 || base == 1) {                                          // O, B: always false
                    if (!neg) m.visitJumpInsn(Opcodes.GOTO, ifFalse);
                    return;
                }
                m.visitVarInsn(Opcodes.ILOAD, FR);
                trueOp = base == 2 || base == 3 ? Opcodes.IFEQ : base == 7 ? Opcodes.IFLE : Opcodes.IFLT;
            } else {
                m.visitVarInsn(Opcodes.ALOAD, FL);
                push(cc);
                m.visitMethodInsn(Opcodes.INVOKEVIRTUAL, FLAGS, "condition", "(I)Z", false);
                m.visitJumpInsn(Opcodes.IFEQ, ifFalse);
                return;
            }
            // Jump when the effective condition (base XOR neg) is false.
            m.visitJumpInsn(neg ? trueOp : inverse(trueOp), ifFalse);
        }

        private void loadOperands() {
            m.visitVarInsn(Opcodes.ILOAD, FA);
            m.visitVarInsn(Opcodes.ILOAD, FB);
        }

        /** a and b biased by 2^31, so a signed compare of them is the unsigned compare of a and b. */
        private void unsignedOperands() {
            m.visitVarInsn(Opcodes.ILOAD, FA);
            push(Integer.MIN_VALUE);
            m.visitInsn(Opcodes.IXOR);
            m.visitVarInsn(Opcodes.ILOAD, FB);
            push(Integer.MIN_VALUE);
            m.visitInsn(Opcodes.IXOR);
        }

        private static int inverse(int op) {
            switch (op) {
                case Opcodes.IF_ICMPLT: return Opcodes.IF_ICMPGE;
                case Opcodes.IF_ICMPLE: return Opcodes.IF_ICMPGT;
                case Opcodes.IF_ICMPEQ: return Opcodes.IF_ICMPNE;
                case Opcodes.IFLT: return Opcodes.IFGE;
                case Opcodes.IFLE: return Opcodes.IFGT;
                case Opcodes.IFEQ: return Opcodes.IFNE;
                default: throw new IllegalArgumentException("opcode " + op);
            }
        }

        /** Forms that leave EFLAGS' arithmetic flags alone (moves, LEA, stack, SETcc/CMOVcc, jumps). */
        private static boolean keepsFlags(int f) {
            switch (f) {
                case FastForm.MOV_EG_R32: case FastForm.MOV_GE_R32: case FastForm.MOV_GE_M32: case FastForm.MOV_EG_M32:
                case FastForm.MOV_EG_M16: case FastForm.MOV_EG_M8: case FastForm.MOV_GE_M8: case FastForm.MOV_GE_M16:
                case FastForm.MOV_EI_M32: case FastForm.MOV_RI32: case FastForm.LEA32: case FastForm.MOVZX_M:
                case FastForm.MOVZX_R: case FastForm.MOVSX_M: case FastForm.MOVSX_R: case FastForm.PUSH_R32:
                case FastForm.POP_R32: case FastForm.PUSH_M32: case FastForm.SETCC_R8: case FastForm.CMOV_R32:
                case FastForm.CMOV_M32: case FastForm.MOV_EG_R8: case FastForm.MOV_GE_R8: case FastForm.JCC:
                case FastForm.JMP_REL:
                    return true;
                default:
                    return false;
            }
        }

        /** it.getReg(sz, r) on the stack (byte registers AL..BH, words, dwords). */
        private void getReg(int sz, int r) {
            m.visitVarInsn(Opcodes.ALOAD, IT);
            push(sz);
            push(r);
            interp("getReg", "(II)I");
        }

        /**
         * SHL/SHR/SAR of a register by an immediate or 1 as reg[rm] = Arith.shl32(flags, reg[rm], n) etc. (the dword
         * cases of Arith.shift); a count that is 0 after masking does nothing (no flags), as in shiftR32. False for
         * CL counts and rotates (the handler).
         */
        private boolean constantShift(int k, Instruction in) {
            int count = shiftCount(in);
            if (count < 0) return false;
            if (count == 0) return true;
            String name = in.sub == 4 || in.sub == 6 ? "shl32" : in.sub == 5 ? "shr32" : "sar32";
            m.visitVarInsn(Opcodes.ALOAD, REG);
            push(in.rm);
            if (dead[k]) {
                // flags overwritten unseen: just the shift
                loadReg(in.rm);
                push(count);
                m.visitInsn(in.sub == 5 ? Opcodes.IUSHR : in.sub == 7 ? Opcodes.ISHR : Opcodes.ISHL);
            } else {
                m.visitVarInsn(Opcodes.ALOAD, FL);
                loadReg(in.rm);
                push(count);
                m.visitMethodInsn(Opcodes.INVOKESTATIC, ARITH, name, "(L" + FLAGS + ";II)I", false);
            }
            m.visitInsn(Opcodes.IASTORE);
            return true;
        }

        /** The effective address (offset in the segment) of the memory operand, as Interpreter.offset computes it. */
        private void ea(Instruction in) {
            push(in.disp);
            if (in.base >= 0) {
                loadReg(in.base);
                m.visitInsn(Opcodes.IADD);
            }
            if (in.index >= 0) {
                loadReg(in.index);
                if (in.scale != 0) {
                    push(in.scale);
                    m.visitInsn(Opcodes.ISHL);
                }
                m.visitInsn(Opcodes.IADD);
            }
            if (!in.addr32) {
                push(0xFFFF);
                m.visitInsn(Opcodes.IAND);
            }
        }

        /** it.linR/linW(seg, ea, len) on the stack. */
        private void linear(Instruction in, boolean write, int len) {
            m.visitVarInsn(Opcodes.ALOAD, IT);
            push(in.memSeg);
            ea(in);
            push(len);
            interp(write ? "linW" : "linR", "(III)I");
        }

        /** it.rd32(it.linR(seg, ea, 3)) and the byte/word forms on the stack. */
        private void read(Instruction in, int len) {
            m.visitVarInsn(Opcodes.ALOAD, IT);
            linear(in, false, len);
            interp(len == 3 ? "rd32" : len == 1 ? "rd16" : "rd8", "(I)I");
        }

        /** Emits the instruction's semantics; returns true if it may write memory (so the block may be stale). */
        private boolean emit(int k, Instruction in) {
            int f = in.fast;
            if (f >= FastForm.ALU_RR_EG && f < FastForm.ALU_RI + 8) {
                int op = (f - FastForm.ALU_RR_EG) & 7;
                int dst, src;
                boolean imm = f >= FastForm.ALU_RI;
                if (f < FastForm.ALU_RR_GE) { dst = in.rm; src = in.reg; }
                else if (!imm) { dst = in.reg; src = in.rm; }
                else { dst = in.rm; src = -1; }
                loadReg(dst);
                m.visitVarInsn(Opcodes.ISTORE, FA);
                if (imm) push(in.imm);
                else loadReg(src);
                m.visitVarInsn(Opcodes.ISTORE, FB);
                alu32(op, dst, !dead[k]);
                return false;
            }
            switch (f) {
                case FastForm.MOV_EG_R32: storeRegFromReg(in.rm, in.reg); return false;
                case FastForm.MOV_GE_R32: storeRegFromReg(in.reg, in.rm); return false;
                case FastForm.MOV_RI32:
                    m.visitVarInsn(Opcodes.ALOAD, REG);
                    push(in.sub);
                    push(in.imm);
                    m.visitInsn(Opcodes.IASTORE);
                    return false;
                case FastForm.LEA32:
                    m.visitVarInsn(Opcodes.ALOAD, REG);
                    push(in.reg);
                    ea(in);
                    m.visitInsn(Opcodes.IASTORE);
                    return false;
                case FastForm.INC_R32:
                case FastForm.DEC_R32: {
                    // r = reg[x] +/- 1; flags.inc/dec(r, 2); reg[x] = r   (incR32 / decR32)
                    boolean inc = f == FastForm.INC_R32;
                    loadReg(in.sub);
                    push(1);
                    m.visitInsn(inc ? Opcodes.IADD : Opcodes.ISUB);
                    m.visitVarInsn(Opcodes.ISTORE, FR);
                    m.visitVarInsn(Opcodes.ALOAD, FL);
                    m.visitVarInsn(Opcodes.ILOAD, FR);
                    push(2);
                    m.visitMethodInsn(Opcodes.INVOKEVIRTUAL, FLAGS, inc ? "inc" : "dec", "(II)V", false);
                    m.visitVarInsn(Opcodes.ALOAD, REG);
                    push(in.sub);
                    m.visitVarInsn(Opcodes.ILOAD, FR);
                    m.visitInsn(Opcodes.IASTORE);
                    producer = P_RESULT;
                    return false;
                }
                case FastForm.MOVZX_R:
                    // reg[reg] = it.getReg(sub, rm)
                    m.visitVarInsn(Opcodes.ALOAD, REG);
                    push(in.reg);
                    getReg(in.sub, in.rm);
                    m.visitInsn(Opcodes.IASTORE);
                    return false;
                case FastForm.MOVSX_R:
                    m.visitVarInsn(Opcodes.ALOAD, REG);
                    push(in.reg);
                    getReg(in.sub == 0 ? 0 : 1, in.rm);
                    m.visitInsn(in.sub == 0 ? Opcodes.I2B : Opcodes.I2S);
                    m.visitInsn(Opcodes.IASTORE);
                    return false;
                case FastForm.MOV_EG_R8:
                case FastForm.MOV_GE_R8: {
                    boolean eg = f == FastForm.MOV_EG_R8;
                    m.visitVarInsn(Opcodes.ALOAD, IT);
                    push(0);
                    push(eg ? in.rm : in.reg);
                    getReg(0, eg ? in.reg : in.rm);
                    interp("setReg", "(III)V");
                    return false;
                }
                case FastForm.SETCC_R8: {
                    // it.setReg(0, rm, condition ? 1 : 0)
                    Label no = new Label(), done = new Label();
                    m.visitVarInsn(Opcodes.ALOAD, IT);
                    push(0);
                    push(in.rm);
                    jumpUnless(in.sub, no);
                    push(1);
                    m.visitJumpInsn(Opcodes.GOTO, done);
                    m.visitLabel(no);
                    push(0);
                    m.visitLabel(done);
                    interp("setReg", "(III)V");
                    return false;
                }
                case FastForm.CMOV_R32: {
                    // if (condition) reg[reg] = reg[rm];
                    Label skip = new Label();
                    jumpUnless(in.sub, skip);
                    storeRegFromReg(in.reg, in.rm);
                    m.visitLabel(skip);
                    return false;
                }
                case FastForm.TEST_EG_R8:
                    m.visitVarInsn(Opcodes.ALOAD, FL);
                    getReg(0, in.rm);
                    getReg(0, in.reg);
                    m.visitInsn(Opcodes.IAND);
                    push(0);
                    m.visitMethodInsn(Opcodes.INVOKEVIRTUAL, FLAGS, "logic", "(II)V", false);
                    return false;
                case FastForm.IMUL_GE_R32:
                    imul32(in.reg, () -> loadReg(in.rm), !dead[k]);
                    return false;
                case FastForm.MUL_R32:
                    // Arith.mul(flags, reg, reg[rm], 2)
                    m.visitVarInsn(Opcodes.ALOAD, FL);
                    m.visitVarInsn(Opcodes.ALOAD, REG);
                    loadReg(in.rm);
                    push(2);
                    m.visitMethodInsn(Opcodes.INVOKESTATIC, ARITH, "mul", "(L" + FLAGS + ";[III)V", false);
                    return false;
                case FastForm.TEST_EG_R32:
                case FastForm.TEST_EI_R32:
                    if (dead[k]) return false;                     // only flags, and nobody sees them
                    m.visitVarInsn(Opcodes.ALOAD, FL);
                    loadReg(in.rm);
                    if (f == FastForm.TEST_EG_R32) loadReg(in.reg);
                    else push(in.imm);
                    m.visitInsn(Opcodes.IAND);
                    keep(FR);
                    push(2);
                    m.visitMethodInsn(Opcodes.INVOKEVIRTUAL, FLAGS, "logic", "(II)V", false);
                    producer = P_LOGIC;
                    return false;
                case FastForm.ALU_AI32:
                    // op EAX, imm32 (Interpreter.aluAi32)
                    loadReg(0);
                    m.visitVarInsn(Opcodes.ISTORE, FA);
                    push(in.imm);
                    m.visitVarInsn(Opcodes.ISTORE, FB);
                    alu32(in.sub & 7, 0, !dead[k]);
                    return false;
                case FastForm.ALU_EG_M32:
                case FastForm.ALU_EI_M32:
                    m.visitVarInsn(Opcodes.ALOAD, IT);
                    loadInsn(k);
                    if (f == FastForm.ALU_EG_M32) loadReg(in.reg);
                    else push(in.imm);
                    interp("aluEgM32", "(L" + INSN + ";I)V");
                    return true;
                case FastForm.JCC: {
                    // if (flags.condition(cc)) it.jumpNear(next + imm, op32)
                    Label skip = new Label();
                    jumpUnless(in.sub, skip);
                    if (selfLoop(k, in)) loopBack();
                    else jumpNear(k, in);
                    m.visitLabel(skip);
                    return false;
                }
                case FastForm.JMP_REL:
                    if (selfLoop(k, in)) loopBack();
                    else jumpNear(k, in);
                    return false;
                case FastForm.RET32:
                    // it.jumpNear(it.pop32(), true)
                    m.visitVarInsn(Opcodes.ALOAD, IT);
                    m.visitVarInsn(Opcodes.ALOAD, IT);
                    interp("pop32", "()I");
                    push(1);
                    interp("jumpNear", "(IZ)V");
                    return false;
                case FastForm.JMP_M32:
                    m.visitVarInsn(Opcodes.ALOAD, IT);
                    read(in, 3);
                    push(1);
                    interp("jumpNear", "(IZ)V");
                    return false;
                case FastForm.PUSH_M32:
                    m.visitVarInsn(Opcodes.ALOAD, IT);
                    read(in, 3);
                    interp("push32", "(I)V");
                    return true;
                case FastForm.SHIFT_R32:
                    if (!constantShift(k, in)) callWithInsn(k, "shiftR32", D_IN);
                    return false;
                case FastForm.MUL_M32: callWithInsn(k, "mulM32", D_IN); return false;
                case FastForm.CALL_REL32: callWithInsn(k, "callRel32", D_IN); return true;
                case FastForm.ALU_AI8: callWithInsn(k, "aluAi8", D_IN); return false;
                case FastForm.ALU_GE8: callWithInsn(k, "aluGe8", D_IN); return false;
                case FastForm.SHIFT_R: callWithInsn(k, "shiftR", D_IN); return false;
                case FastForm.CALL_M32: callWithInsn(k, "callM32", D_IN); return true;
                case FastForm.NONE: callWithInsn(k, "execute", D_IN); return true;
                default: callWithInsn(k, "fastOp", D_IN); return true;
            }
        }

        /** invokevirtual of an Interpreter method (private: the generated class is its nestmate). */
        private void interp(String name, String desc) {
            m.visitMethodInsn(Opcodes.INVOKEVIRTUAL, INTERP, name, desc, false);
        }

        /** it.jumpNear(next + imm, op32): the relative target from the EIP after instruction k. */
        private void jumpNear(int k, Instruction in) {
            m.visitVarInsn(Opcodes.ALOAD, IT);
            eipPlus(ends[k]);
            push(in.imm);
            m.visitInsn(Opcodes.IADD);
            push(in.op32 ? 1 : 0);
            interp("jumpNear", "(IZ)V");
        }

        /** it.name(ins[k]) */
        private void callWithInsn(int k, String name, String desc) {
            m.visitVarInsn(Opcodes.ALOAD, IT);
            loadInsn(k);
            interp(name, desc);
        }

        private void loadInsn(int k) {
            m.visitVarInsn(Opcodes.ALOAD, INS);
            push(k);
            m.visitInsn(Opcodes.AALOAD);
        }

        private void loadReg(int r) {
            m.visitVarInsn(Opcodes.ALOAD, REG);
            push(r);
            m.visitInsn(Opcodes.IALOAD);
        }

        private void storeRegFromReg(int dst, int src) {
            m.visitVarInsn(Opcodes.ALOAD, REG);
            push(dst);
            loadReg(src);
            m.visitInsn(Opcodes.IASTORE);
        }

        /** (eip0 + off) & mask on the stack. */
        private void eipPlus(int off) {
            m.visitVarInsn(Opcodes.ILOAD, EIP0);
            if (off != 0) {
                push(off);
                m.visitInsn(Opcodes.IADD);
            }
            if (eipMask != -1) {
                push(eipMask);
                m.visitInsn(Opcodes.IAND);
            }
        }

        private void push(int v) {
            if (v >= -1 && v <= 5) m.visitInsn(Opcodes.ICONST_0 + v);
            else if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) m.visitIntInsn(Opcodes.BIPUSH, v);
            else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) m.visitIntInsn(Opcodes.SIPUSH, v);
            else m.visitLdcInsn(v);
        }
    }

    /**
     * Fails at start-up, not in the middle of a guest, if the core no longer has a member the generated code
     * calls (they are resolved by name when a block first runs).
     */
    private static void checkTargets() {
        try {
            for (String f : new String[] {"readTags", "writeTags", "addend", "readBound", "writeBound", "segBase"}) {
                if (Interpreter.class.getDeclaredField(f).getType() != int[].class) throw new NoSuchFieldException(f + " has another type");
            }
            if (Interpreter.class.getDeclaredField("mmu").getType() != Mmu.class) throw new NoSuchFieldException("mmu has another type");
            if (Interpreter.class.getDeclaredField("seg").getType() != org.x86play.cpu.SegmentCache[].class) {
                throw new NoSuchFieldException("seg has another type");
            }
            method(Mmu.class, "store", int[].class);
            method(org.x86play.cpu.SegmentCache.class, "is32", boolean.class);
            for (String f : new String[] {"cpu", "reg", "flags"}) {
                Field x = Interpreter.class.getDeclaredField(f);
                if (x.getType() != (f.equals("cpu") ? Cpu.class : f.equals("reg") ? int[].class : Flags.class)) {
                    throw new NoSuchFieldException(f + " has another type");
                }
            }
            Class<?> it = Interpreter.class;
            for (String n : new String[] {"shiftR32", "mulM32", "callRel32", "aluAi8", "aluGe8", "shiftR",
                    "callM32", "execute", "fastOp"}) {
                method(it, n, void.class, Instruction.class);
            }
            method(it, "linR", int.class, int.class, int.class, int.class);
            method(it, "linW", int.class, int.class, int.class, int.class);
            for (String n : new String[] {"rd32", "rd16", "rd8"}) method(it, n, int.class, int.class);
            for (String n : new String[] {"wr32", "wr16", "wr8"}) method(it, n, void.class, int.class, int.class);
            method(it, "getReg", int.class, int.class, int.class);
            method(it, "setReg", void.class, int.class, int.class, int.class);
            method(it, "jumpNear", void.class, int.class, boolean.class);
            method(it, "aluEgM32", void.class, Instruction.class, int.class);
            method(it, "push32", void.class, int.class);
            method(it, "pop32", int.class);
            method(it, "fastFault", void.class, CpuFault.class, int.class, int.class);
            for (String n : ALU) method(it, n, int.class, int.class, int.class);
            method(Flags.class, "condition", boolean.class, int.class);
            for (String n : new String[] {"logic", "inc", "dec"}) method(Flags.class, n, void.class, int.class, int.class);
            for (String n : new String[] {"add", "sub"}) method(Flags.class, n, void.class, int.class, int.class, int.class, int.class);
            for (String n : new String[] {"shl32", "shr32", "sar32"}) method(Arith.class, n, int.class, Flags.class, int.class, int.class);
            method(Arith.class, "imul", int.class, Flags.class, int.class, int.class, int.class);
            method(Arith.class, "mul", void.class, Flags.class, int[].class, int.class, int.class);
        } catch (NoSuchFieldException | NoSuchMethodException e) {
            throw new IllegalStateException("the JVM block compiler is out of date with the core: " + e.getMessage(), e);
        }
    }

    private static void method(Class<?> owner, String name, Class<?> ret, Class<?>... params) throws NoSuchMethodException {
        Method x = owner.getDeclaredMethod(name, params);
        if (x.getReturnType() != ret) throw new NoSuchMethodException(name + " returns " + x.getReturnType());
    }
}
