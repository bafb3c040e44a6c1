package org.x86play.cpu.decoder;

/** One row of the opcode table: one opcode, or one ModRM.reg form of a group opcode. Immutable. */
public final class OpcodeRow {
    /** Needs a ModRM byte. */
    public static final int MODRM = 1;
    /** ModRM.reg selects the row in {@link OpcodeTable#group}. */
    public static final int GROUP = 1 << 1;
    /** LOCK allowed (with a memory destination); otherwise LOCK is #UD (SDM Vol. 2 LOCK). */
    public static final int LOCKABLE = 1 << 2;
    /** A register operand (mod = 3) is #UD. */
    public static final int MEM_ONLY = 1 << 3;
    /** 8-bit operand size ("b" forms). */
    public static final int BYTE = 1 << 4;
    /** #UD in real-address and virtual-8086 mode. */
    public static final int PM_ONLY = 1 << 5;
    /** #GP(0) unless CPL = 0 (also in virtual-8086 mode). */
    public static final int PRIV = 1 << 6;
    /** String instruction: REP/REPE/REPNE apply. */
    public static final int STRING = 1 << 7;
    /** Changes EIP other than by falling through, or changes mode/state a translated block depends on. */
    public static final int BRANCH = 1 << 8;
    /** ModRM.mod is ignored and treated as 3 (MOV CRn/DRn, SDM Vol. 2 MOV—Move to/from Control Registers). */
    public static final int MOD_REG = 1 << 9;
    /** 16-bit operand regardless of the operand-size attribute. */
    public static final int WORD = 1 << 10;

    public final String mnemonic;
    /** Execution identifier, see {@link Op}. */
    public final int exec;
    /** Sub-operation (ALU kind, condition code, register, ...). */
    public final int sub;
    public final int attrs;
    /** Operand forms, see {@link Operand}. */
    public final int op1, op2, op3;
    /** EFLAGS bits the instruction reads / may write (arithmetic and DF/IF/...). */
    public final int flagsRead, flagsWritten;

    OpcodeRow(String mnemonic, int exec, int sub, int attrs, int op1, int op2, int op3, int flagsRead, int flagsWritten) {
        this.mnemonic = mnemonic;
        this.exec = exec;
        this.sub = sub;
        this.attrs = attrs;
        this.op1 = op1;
        this.op2 = op2;
        this.op3 = op3;
        this.flagsRead = flagsRead;
        this.flagsWritten = flagsWritten;
    }

    public boolean has(int attr) { return (attrs & attr) != 0; }

    @Override
    public String toString() { return mnemonic; }
}
