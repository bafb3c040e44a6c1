package org.x86play.conformance;

import static org.x86play.conformance.CaseBuilder.*;

import java.util.ArrayList;
import java.util.List;

/**
 * The integer instruction forms of the host-differential suite. Every form encodes the same
 * instruction in 32-bit protected mode and (with a 0x67 prefix for memory operands) in 64-bit mode.
 * Undefined flags follow the "Flags Affected" section of each instruction in SDM Vol. 2.
 */
final class IntegerForms {
    private IntegerForms() {}

    private static final String[] ALU = {"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"};
    private static final String[] SHIFT = {"rol", "ror", "rcl", "rcr", "shl", "shr", null, "sar"};
    private static final String[] CC = {"o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"};
    private static final int[] SIZES = {8, 16, 32};
    private static final int[] VSIZES = {16, 32};

    static List<DiffForm> all() {
        List<DiffForm> f = new ArrayList<>();
        alu(f);
        unary(f);
        multiplyDivide(f);
        shifts(f);
        bits(f);
        conditional(f);
        exchange(f);
        moves(f);
        misc(f);
        strings(f);
        branches(f);
        prefixes(f);
        stack16(f);
        return f;
    }

    private static void add(List<DiffForm> f, String name, java.util.function.Consumer<CaseBuilder> g) {
        f.add(new DiffForm(name, false, g));
    }

    private static String rmName(int bits, boolean mem) {
        return (mem ? "m" : "r") + bits;
    }

    private static int regOf(CaseBuilder c, int bits) {
        return bits == 8 ? c.reg8() : c.reg();
    }

    /**
     * Emits the ModRM for an r/m operand of {@code bits} (after the opcode), giving it an edge-biased
     * value. Register r/m: the register; memory: the block offset.
     */
    private static int rm(CaseBuilder c, int regField, int bits, boolean mem, int reserved) {
        if (mem) {
            int off = c.modrmMem(regField, bits / 8, reserved);
            c.memPut(off, bits, c.val(bits));
            return off;
        }
        int r;
        if (bits == 8) {
            do r = c.reg8(); while ((reserved & 1 << (r & 3)) != 0);
        } else {
            r = c.regExcept(reserved);
        }
        c.set(bits, r, c.val(bits));
        c.modrmReg(regField, r);
        return r;
    }

    // ------------------------------------------------------------------ ADD OR ADC SBB AND SUB XOR CMP, TEST

    private static void alu(List<DiffForm> f) {
        for (int op = 0; op < 8; op++) {
            final int o = op;
            // AND/OR/XOR: "The OF and CF flags are cleared; ... The state of the AF flag is undefined."
            final int undef = (op == 1 || op == 4 || op == 6) ? AF : 0;
            for (int bits : SIZES) {
                for (boolean mem : new boolean[] {false, true}) {
                    add(f, ALU[op] + " " + rmName(bits, mem) + ",r" + bits + (mem ? "" : String.format(" (%02x)", op * 8 + (bits == 8 ? 0 : 1))), c -> {
                        c.osize(bits);
                        c.b(o * 8 + (bits == 8 ? 0 : 1));
                        int g = regOf(c, bits);
                        c.set(bits, g, c.val(bits));
                        rm(c, g, bits, mem, 0);
                        c.c.undefFlags = undef;
                    });
                    add(f, ALU[op] + " r" + bits + "," + rmName(bits, mem) + (mem ? "" : String.format(" (%02x)", op * 8 + (bits == 8 ? 2 : 3))), c -> {
                        c.osize(bits);
                        c.b(o * 8 + (bits == 8 ? 2 : 3));
                        int g = regOf(c, bits);
                        c.set(bits, g, c.val(bits));
                        rm(c, g, bits, mem, 0);
                        c.c.undefFlags = undef;
                    });
                    add(f, ALU[op] + " " + rmName(bits, mem) + ",imm" + bits, c -> {
                        c.osize(bits);
                        c.b(bits == 8 ? 0x80 : 0x81);
                        rm(c, o, bits, mem, 0);
                        c.imm(bits, c.val(bits));
                        c.c.undefFlags = undef;
                    });
                    if (bits != 8) {
                        add(f, ALU[op] + " " + rmName(bits, mem) + ",imm8(sx)", c -> {
                            c.osize(bits);
                            c.b(0x83);
                            rm(c, o, bits, mem, 0);
                            c.imm(8, c.val(8));
                            c.c.undefFlags = undef;
                        });
                    }
                }
                add(f, ALU[op] + " " + (bits == 8 ? "al" : bits == 16 ? "ax" : "eax") + ",imm" + bits, c -> {
                    c.osize(bits);
                    c.b(o * 8 + (bits == 8 ? 4 : 5));
                    c.set(bits, EAX, c.val(bits));
                    c.imm(bits, c.val(bits));
                    c.c.undefFlags = undef;
                });
            }
            if (op != 7) {
                // LOCK is valid with a memory destination (SDM "LOCK—Assert LOCK# Signal Prefix").
                add(f, "lock " + ALU[op] + " m32,r32", c -> {
                    c.b(0xF0, o * 8 + 1);
                    int g = c.reg();
                    c.set(32, g, c.val(32));
                    rm(c, g, 32, true, 0);
                    c.c.undefFlags = undef;
                });
            }
        }
        // LOCK with a register destination or a non-lockable instruction raises #UD.
        add(f, "lock add r32,r32 (#UD)", c -> {
            c.b(0xF0, 0x01);
            c.modrmReg(c.reg(), c.reg());
        });
        add(f, "lock cmp m32,r32 (#UD)", c -> {
            c.b(0xF0, 0x39);
            rm(c, c.reg(), 32, true, 0);
        });
        for (int bits : SIZES) {
            for (boolean mem : new boolean[] {false, true}) {
                add(f, "test " + rmName(bits, mem) + ",r" + bits, c -> {
                    c.osize(bits);
                    c.b(bits == 8 ? 0x84 : 0x85);
                    int g = regOf(c, bits);
                    c.set(bits, g, c.val(bits));
                    rm(c, g, bits, mem, 0);
                    c.c.undefFlags = AF;
                });
                add(f, "test " + rmName(bits, mem) + ",imm" + bits, c -> {
                    c.osize(bits);
                    c.b(bits == 8 ? 0xF6 : 0xF7);
                    rm(c, 0, bits, mem, 0);
                    c.imm(bits, c.val(bits));
                    c.c.undefFlags = AF;
                });
            }
            add(f, "test " + (bits == 8 ? "al" : bits == 16 ? "ax" : "eax") + ",imm" + bits, c -> {
                c.osize(bits);
                c.b(bits == 8 ? 0xA8 : 0xA9);
                c.set(bits, EAX, c.val(bits));
                c.imm(bits, c.val(bits));
                c.c.undefFlags = AF;
            });
        }
    }

    // ------------------------------------------------------------------ INC DEC NOT NEG

    private static void unary(List<DiffForm> f) {
        String[] names = {"inc", "dec"};
        for (int bits : SIZES) {
            for (boolean mem : new boolean[] {false, true}) {
                for (int k = 0; k < 2; k++) {
                    final int ext = k;
                    add(f, names[k] + " " + rmName(bits, mem), c -> {
                        c.osize(bits);
                        c.b(bits == 8 ? 0xFE : 0xFF);
                        rm(c, ext, bits, mem, 0);
                    });
                }
                add(f, "not " + rmName(bits, mem), c -> {
                    c.osize(bits);
                    c.b(bits == 8 ? 0xF6 : 0xF7);
                    rm(c, 2, bits, mem, 0);
                });
                add(f, "neg " + rmName(bits, mem), c -> {
                    c.osize(bits);
                    c.b(bits == 8 ? 0xF6 : 0xF7);
                    rm(c, 3, bits, mem, 0);
                });
                if (mem) {
                    add(f, "lock inc " + rmName(bits, mem), c -> {
                        c.b(0xF0);
                        c.osize(bits);
                        c.b(bits == 8 ? 0xFE : 0xFF);
                        rm(c, 0, bits, mem, 0);
                    });
                }
            }
        }
    }

    // ------------------------------------------------------------------ MUL IMUL DIV IDIV

    private static void multiplyDivide(List<DiffForm> f) {
        String[] names = {"mul", "imul", "div", "idiv"};
        int accs = 1 << EAX | 1 << EDX;
        for (int bits : SIZES) {
            for (boolean mem : new boolean[] {false, true}) {
                for (int k = 0; k < 4; k++) {
                    final int ext = 4 + k;
                    add(f, names[k] + " " + rmName(bits, mem), c -> {
                        c.osize(bits);
                        c.b(bits == 8 ? 0xF6 : 0xF7);
                        // Mostly keep the r/m off EAX/EDX so the dividend can be chosen; sometimes alias them (div ah, mul edx).
                        int where = rm(c, ext, bits, mem, mem || c.chance(80) ? accs : 0);
                        if (ext >= 6) divInputs(c, bits, mem, where, ext == 7);
                        else c.set(bits, EAX, c.val(bits));
                        // MUL/IMUL: "The SF, ZF, AF, and PF flags are undefined." DIV/IDIV: all six undefined.
                        c.c.undefFlags = ext >= 6 ? ARITH : SF | ZF | AF | PF;
                    });
                }
                if (bits != 8) {
                    add(f, "imul r" + bits + "," + rmName(bits, mem), c -> {
                        c.osize(bits);
                        c.b(0x0F, 0xAF);
                        int g = c.reg();
                        c.set(bits, g, c.val(bits));
                        rm(c, g, bits, mem, 0);
                        c.c.undefFlags = SF | ZF | AF | PF;
                    });
                }
                if (bits != 8) {
                    add(f, "imul r" + bits + "," + rmName(bits, mem) + ",imm" + bits, c -> {
                        c.osize(bits);
                        c.b(0x69);
                        int g = c.reg();
                        rm(c, g, bits, mem, 0);
                        c.imm(bits, c.val(bits));
                        c.c.undefFlags = SF | ZF | AF | PF;
                    });
                    add(f, "imul r" + bits + "," + rmName(bits, mem) + ",imm8", c -> {
                        c.osize(bits);
                        c.b(0x6B);
                        int g = c.reg();
                        rm(c, g, bits, mem, 0);
                        c.imm(8, c.val(8));
                        c.c.undefFlags = SF | ZF | AF | PF;
                    });
                }
            }
        }
    }

    /** Dividends for DIV/IDIV: mostly valid quotients, some overflows and zero divisors (#DE). */
    private static void divInputs(CaseBuilder c, int bits, boolean mem, int where, boolean signed) {
        int divisor;
        int k = c.rnd.nextInt(10);
        if (k == 0) divisor = 0;
        else divisor = c.val(bits);
        if (mem) c.memPut(where, bits, divisor);
        else c.set(bits, where, divisor);
        divisor = mem ? c.memGet(where, bits) : c.get(bits, where); // the r/m may alias AL/AH/AX/DX
        int lo = c.val(bits), hi;
        int r = c.rnd.nextInt(10);
        int m = bits == 32 ? -1 : (1 << bits) - 1;
        if (signed) {
            int sx = bits == 32 ? lo >> 31 : ((lo << (32 - bits)) >> 31);
            hi = r < 6 ? sx : r < 8 ? sx + c.pick(1, -1) : c.val(bits);
        } else {
            hi = r < 6 && divisor != 0 ? (int) Long.remainderUnsigned(c.rnd.nextInt() & 0xFFFFFFFFL, divisor & (long) m & 0xFFFFFFFFL)
                    : r < 8 ? 0 : c.val(bits);
        }
        hi &= m;
        if (bits == 8) {
            if (!mem && (where & 3) == EAX) return; // divisor is AL or AH: dividend is what it is
            c.set(16, EAX, lo | hi << 8);
        } else {
            if (!mem && (where == EAX || where == EDX)) return;
            c.set(bits, EAX, lo);
            c.set(bits, EDX, hi);
        }
    }

    // ------------------------------------------------------------------ shifts and rotates

    /** SDM SAL/SAR/SHL/SHR, ROL/ROR/RCL/RCR, SHLD/SHRD "Flags Affected". */
    static int shiftUndefined(int ext, int bits, int count) {
        int m = count & 31;
        if (m == 0) return 0; // "If the count is 0, the flags are not affected."
        int u = m == 1 ? 0 : OF; // OF is defined only for 1-bit shifts/rotates
        if (ext >= 4) {
            u |= AF; // "For a non-zero count, the AF flag is undefined."
            if ((ext == 4 || ext == 5) && m >= bits) u |= CF; // SHL/SHR with count >= operand size
        }
        return u;
    }

    private static void shifts(List<DiffForm> f) {
        for (int ext = 0; ext < 8; ext++) {
            if (SHIFT[ext] == null) continue;
            final int e = ext;
            for (int bits : SIZES) {
                for (boolean mem : new boolean[] {false, true}) {
                    String n = SHIFT[ext] + " " + rmName(bits, mem);
                    add(f, n + ",1", c -> {
                        c.osize(bits);
                        c.b(bits == 8 ? 0xD0 : 0xD1);
                        rm(c, e, bits, mem, 0);
                        c.c.undefFlags = shiftUndefined(e, bits, 1);
                    });
                    add(f, n + ",cl", c -> {
                        c.osize(bits);
                        c.b(bits == 8 ? 0xD2 : 0xD3);
                        rm(c, e, bits, mem, 1 << ECX); // never CL itself, whose value is the count
                        c.set(8, ECX, c.count(bits));
                        c.c.undefFlags = shiftUndefined(e, bits, c.get(8, ECX));
                    });
                    add(f, n + ",imm8", c -> {
                        c.osize(bits);
                        c.b(bits == 8 ? 0xC0 : 0xC1);
                        rm(c, e, bits, mem, 0);
                        int n8 = c.count(bits) & 0xFF;
                        c.imm(8, n8);
                        c.c.undefFlags = shiftUndefined(e, bits, n8);
                    });
                }
            }
        }
        for (int bits : VSIZES) {
            for (boolean mem : new boolean[] {false, true}) {
                for (int k = 0; k < 2; k++) {
                    final int base = k == 0 ? 0xA4 : 0xAC;
                    String n = (k == 0 ? "shld " : "shrd ") + rmName(bits, mem) + ",r" + bits;
                    add(f, n + ",imm8", c -> {
                        c.osize(bits);
                        c.b(0x0F, base);
                        int g = c.reg();
                        c.set(bits, g, c.val(bits));
                        int w = rm(c, g, bits, mem, 0);
                        int n8 = c.count(bits) & 0xFF;
                        c.imm(8, n8);
                        shldUndefined(c, bits, n8, mem, w);
                    });
                    add(f, n + ",cl", c -> {
                        c.osize(bits);
                        c.b(0x0F, base + 1);
                        int g = c.regExcept(1 << ECX);
                        c.set(bits, g, c.val(bits));
                        int w = rm(c, g, bits, mem, 1 << ECX);
                        c.set(8, ECX, c.count(bits));
                        shldUndefined(c, bits, c.get(8, ECX), mem, w);
                    });
                }
            }
        }
    }

    /**
     * SHLD/SHRD "Flags Affected": count 0 changes nothing; CF is the last bit shifted out; OF is
     * defined for 1-bit shifts only; AF is undefined. "If the count is greater than the operand
     * size, the result is undefined" (destination and flags).
     */
    private static void shldUndefined(CaseBuilder c, int bits, int count, boolean mem, int where) {
        int m = count & 31;
        if (m == 0) return;
        if (m > bits) {
            c.c.undefFlags = ARITH;
            if (mem) c.c.undefMem = true;
            else c.c.undefRegs |= 1 << where;
        } else {
            c.c.undefFlags = AF | (m == 1 ? 0 : OF);
        }
    }

    // ------------------------------------------------------------------ BT BTS BTR BTC BSF BSR

    private static void bits(List<DiffForm> f) {
        String[] names = {"bt", "bts", "btr", "btc"};
        int[] regOps = {0xA3, 0xAB, 0xB3, 0xBB};
        // BT*: "The CF flag contains the value of the selected bit ... The ZF flag is unaffected.
        // The OF, SF, AF, and PF flags are undefined."
        int undef = OF | SF | AF | PF;
        for (int k = 0; k < 4; k++) {
            final int ext = 4 + k, opc = regOps[k];
            for (int bits : VSIZES) {
                add(f, names[k] + " r" + bits + ",r" + bits, c -> {
                    c.osize(bits);
                    c.b(0x0F, opc);
                    int g = c.reg();
                    c.set(bits, g, c.chance(50) ? c.rnd.nextInt(bits * 2) : c.val(bits));
                    rm(c, g, bits, false, 0);
                    c.c.undefFlags = undef;
                });
                add(f, names[k] + " m" + bits + ",r" + bits, c -> {
                    c.osize(bits);
                    c.b(0x0F, opc);
                    int g = c.reg();
                    int bytes = bits / 8;
                    int off = 64 + c.rnd.nextInt(129);
                    int bo, at;
                    // The bit offset is a signed displacement from the operand; keep the accessed unit in the block.
                    do {
                        bo = c.chance(50) ? c.rnd.nextInt(bits * 3) - bits : c.rnd.nextInt(1024) - 512;
                        int unit = bits == 16 ? (short) bo >> 4 : bo >> 5;
                        at = off + unit * bytes;
                    } while (at < 0 || at > DiffCase.BLOCK_SIZE - bytes);
                    c.set(bits, g, bo);
                    c.modrmMemAt(g, off, 1 << g);
                    c.c.undefFlags = undef;
                });
                for (boolean mem : new boolean[] {false, true}) {
                    add(f, names[k] + " " + rmName(bits, mem) + ",imm8", c -> {
                        c.osize(bits);
                        c.b(0x0F, 0xBA);
                        rm(c, ext, bits, mem, 0);
                        c.imm(8, c.chance(50) ? c.rnd.nextInt(bits) : c.rnd.nextInt(256));
                        c.c.undefFlags = undef;
                    });
                }
            }
        }
        for (int k = 0; k < 2; k++) {
            final int opc = 0xBC + k;
            for (int bits : VSIZES) {
                for (boolean mem : new boolean[] {false, true}) {
                    add(f, (k == 0 ? "bsf" : "bsr") + " r" + bits + "," + rmName(bits, mem), c -> {
                        c.osize(bits);
                        c.b(0x0F, opc);
                        int g = c.reg();
                        int w = rm(c, g, bits, mem, 0);
                        int v = c.rnd.nextInt(4) == 0 ? 1 << c.rnd.nextInt(bits) : c.rnd.nextInt(4) == 0 ? 0 : c.val(bits);
                        if (mem) c.memPut(w, bits, v); else if (w != g) c.set(bits, w, v);
                        int src = mem ? c.memGet(w, bits) : c.get(bits, w);
                        // "The CF, OF, SF, AF, and PF flags are undefined." If the source is 0 the
                        // destination is undefined.
                        c.c.undefFlags = CF | OF | SF | AF | PF;
                        if (src == 0) c.c.undefRegs |= 1 << g;
                    });
                }
            }
        }
    }

    // ------------------------------------------------------------------ SETcc CMOVcc

    private static void conditional(List<DiffForm> f) {
        for (int cc = 0; cc < 16; cc++) {
            final int k = cc;
            add(f, "set" + CC[cc] + " r8", c -> {
                c.b(0x0F, 0x90 + k);
                rm(c, 0, 8, false, 0);
            });
            add(f, "cmov" + CC[cc] + " r32,r32", c -> {
                c.b(0x0F, 0x40 + k);
                int g = c.reg();
                rm(c, g, 32, false, 0);
            });
        }
        add(f, "setcc m8", c -> {
            c.b(0x0F, 0x90 + c.rnd.nextInt(16));
            rm(c, c.rnd.nextInt(8), 8, true, 0);
        });
        for (int bits : VSIZES) {
            for (boolean mem : new boolean[] {false, true}) {
                if (bits == 32 && !mem) continue;
                add(f, "cmovcc r" + bits + "," + rmName(bits, mem), c -> {
                    c.osize(bits);
                    c.b(0x0F, 0x40 + c.rnd.nextInt(16));
                    int g = c.reg();
                    c.set(bits, g, c.val(bits));
                    rm(c, g, bits, mem, 0);
                });
            }
        }
    }

    // ------------------------------------------------------------------ XCHG XADD CMPXCHG CMPXCHG8B BSWAP

    private static void exchange(List<DiffForm> f) {
        for (int bits : SIZES) {
            for (boolean mem : new boolean[] {false, true}) {
                add(f, "xchg " + rmName(bits, mem) + ",r" + bits, c -> {
                    c.osize(bits);
                    c.b(bits == 8 ? 0x86 : 0x87);
                    int g = regOf(c, bits);
                    c.set(bits, g, c.val(bits));
                    rm(c, g, bits, mem, 0);
                });
                add(f, "xadd " + rmName(bits, mem) + ",r" + bits, c -> {
                    c.osize(bits);
                    c.b(0x0F, bits == 8 ? 0xC0 : 0xC1);
                    int g = regOf(c, bits);
                    c.set(bits, g, c.val(bits));
                    rm(c, g, bits, mem, 0);
                });
                add(f, "cmpxchg " + rmName(bits, mem) + ",r" + bits, c -> {
                    c.osize(bits);
                    c.b(0x0F, bits == 8 ? 0xB0 : 0xB1);
                    int g = regOf(c, bits);
                    c.set(bits, g, c.val(bits));
                    int w = rm(c, g, bits, mem, 1 << EAX);
                    if (c.chance(50)) c.set(bits, EAX, mem ? c.memGet(w, bits) : c.get(bits, w));
                });
            }
            if (bits != 8) {
                add(f, "xchg " + (bits == 16 ? "ax" : "eax") + ",r" + bits + " (90+r)", c -> {
                    c.osize(bits);
                    c.b(0x90 + c.reg());
                });
            }
        }
        add(f, "lock cmpxchg m32,r32", c -> {
            c.b(0xF0, 0x0F, 0xB1);
            int g = c.reg();
            int w = rm(c, g, 32, true, 1 << EAX);
            if (c.chance(50)) c.set(32, EAX, c.memGet(w, 32));
        });
        add(f, "cmpxchg8b m64", c -> {
            c.b(0x0F, 0xC7);
            int off = c.modrmMem(1, 8, 1 << EAX | 1 << EDX);
            if (c.chance(50)) {
                c.set(32, EAX, c.memGet(off, 32));
                c.set(32, EDX, c.memGet(off + 4, 32));
            }
        });
        add(f, "cmpxchg8b r (#UD)", c -> {
            c.b(0x0F, 0xC7);
            c.modrmReg(1, c.reg());
        });
        add(f, "bswap r32", c -> c.b(0x0F, 0xC8 + c.reg()));
    }

    // ------------------------------------------------------------------ MOV MOVZX MOVSX LEA

    private static void moves(List<DiffForm> f) {
        for (int bits : SIZES) {
            for (boolean mem : new boolean[] {false, true}) {
                add(f, "mov " + rmName(bits, mem) + ",r" + bits + (mem ? "" : bits == 8 ? " (88)" : " (89)"), c -> {
                    c.osize(bits);
                    c.b(bits == 8 ? 0x88 : 0x89);
                    rm(c, regOf(c, bits), bits, mem, 0);
                });
                add(f, "mov r" + bits + "," + rmName(bits, mem) + (mem ? "" : bits == 8 ? " (8a)" : " (8b)"), c -> {
                    c.osize(bits);
                    c.b(bits == 8 ? 0x8A : 0x8B);
                    rm(c, regOf(c, bits), bits, mem, 0);
                });
                add(f, "mov " + rmName(bits, mem) + ",imm" + bits, c -> {
                    c.osize(bits);
                    c.b(bits == 8 ? 0xC6 : 0xC7);
                    rm(c, 0, bits, mem, 0);
                    c.imm(bits, c.val(bits));
                });
            }
            add(f, "mov r" + bits + ",imm" + bits + " (b0/b8+r)", c -> {
                c.osize(bits);
                c.b((bits == 8 ? 0xB0 + c.reg8() : 0xB8 + c.reg()));
                c.imm(bits, c.val(bits));
            });
            add(f, "mov acc,moffs" + bits, c -> {
                c.osize(bits);
                c.b(bits == 8 ? 0xA0 : 0xA1);
                c.mem();
                c.c.addr32 = true;
                c.imm(32, DiffCase.BLOCK_ADDR + c.rnd.nextInt(DiffCase.BLOCK_SIZE - 3));
            });
            add(f, "mov moffs" + bits + ",acc", c -> {
                c.osize(bits);
                c.b(bits == 8 ? 0xA2 : 0xA3);
                c.mem();
                c.c.addr32 = true;
                c.imm(32, DiffCase.BLOCK_ADDR + c.rnd.nextInt(DiffCase.BLOCK_SIZE - 3));
            });
        }
        for (boolean mem : new boolean[] {false, true}) {
            for (int bits : VSIZES) {
                add(f, "movzx r" + bits + "," + rmName(8, mem), c -> {
                    c.osize(bits);
                    c.b(0x0F, 0xB6);
                    rm(c, c.reg(), 8, mem, 0);
                });
                add(f, "movsx r" + bits + "," + rmName(8, mem), c -> {
                    c.osize(bits);
                    c.b(0x0F, 0xBE);
                    rm(c, c.reg(), 8, mem, 0);
                });
            }
            add(f, "movzx r32," + rmName(16, mem), c -> {
                c.b(0x0F, 0xB7);
                rm(c, c.reg(), 16, mem, 0);
            });
            add(f, "movsx r32," + rmName(16, mem), c -> {
                c.b(0x0F, 0xBF);
                rm(c, c.reg(), 16, mem, 0);
            });
        }
        for (int bits : VSIZES) {
            add(f, "lea r" + bits + ",m", c -> {
                c.osize(bits);
                c.b(0x8D);
                c.modrmAnyAddress(c.reg());
            });
        }
        add(f, "xlat", c -> {
            c.b(0xD7);
            c.mem();
            c.c.addr32 = true;
            c.c.regs[EBX] = DiffCase.BLOCK_ADDR;
        });
    }

    // ------------------------------------------------------------------ CBW CWD LAHF SAHF CLC STC CMC CLD STD NOP

    private static void misc(List<DiffForm> f) {
        add(f, "cbw", c -> c.b(0x66, 0x98));
        add(f, "cwde", c -> c.b(0x98));
        add(f, "cwd", c -> c.b(0x66, 0x99));
        add(f, "cdq", c -> c.b(0x99));
        add(f, "lahf", c -> c.b(0x9F));
        add(f, "sahf", c -> c.b(0x9E));
        add(f, "clc", c -> c.b(0xF8));
        add(f, "stc", c -> c.b(0xF9));
        add(f, "cmc", c -> c.b(0xF5));
        add(f, "cld", c -> c.b(0xFC));
        add(f, "std", c -> c.b(0xFD));
        add(f, "nop", c -> c.b(0x90));
        add(f, "nop r/m32 (0f 1f)", c -> {
            c.b(0x0F, 0x1F);
            rm(c, 0, 32, c.chance(50), 0);
        });
        add(f, "ud2 (#UD)", c -> c.b(0x0F, 0x0B));
    }

    // ------------------------------------------------------------------ prefixes: segment overrides, LOCK, ignored REP

    private static void prefixes(List<DiffForm> f) {
        // With flat segments a DS/ES/SS override changes nothing (in 64-bit mode they are ignored too);
        // CS is only used for reads (a code segment is not writable in protected mode).
        int[] segs = {0x26, 0x36, 0x3E};
        add(f, "add m32,r32 (es/ss/ds override)", c -> {
            c.b(c.pick(segs), 0x01);
            int g = c.reg();
            c.set(32, g, c.val(32));
            rm(c, g, 32, true, 0);
        });
        add(f, "mov r32,m32 (cs/es/ss/ds override)", c -> {
            c.b(c.pick(0x26, 0x2E, 0x36, 0x3E), 0x8B);
            rm(c, c.reg(), 32, true, 0);
        });
        add(f, "movsd (cs/es/ss override on the source)", c -> {
            c.b(c.pick(0x26, 0x2E, 0x36));
            stringCase(c, 0xA5, 32, 4, c.rnd.nextInt(2), false, true, true);
        });
        add(f, "cmpsb (override, repe)", c -> {
            c.b(c.pick(0x26, 0x2E, 0x36, 0x3E));
            stringCase(c, 0xA6, 8, 1, 1, true, true, true);
        });
        add(f, "add r32,r32 (66 66 prefixes)", c -> {
            c.b(0x66, 0x66, 0x01);
            c.modrmReg(c.reg(), c.reg());
        });
        add(f, "add r/m32,r32 (ignored f3/f2 prefix)", c -> {
            c.b(c.pick(0xF2, 0xF3), 0x01);
            int g = c.reg();
            c.set(32, g, c.val(32));
            rm(c, g, 32, c.chance(50), 0);
        });
        add(f, "pause (f3 90)", c -> c.b(0xF3, 0x90));
        // An instruction may be at most 15 bytes long; a longer one raises #GP(0) (SDM Vol. 2 §2.3.11).
        add(f, "add r32,r32 with redundant prefixes (up to 15 bytes)", c -> {
            int n = c.rnd.nextInt(14);
            for (int i = 0; i < n; i++) c.b(c.pick(0x26, 0x2E, 0x36, 0x3E, 0xF3));
            c.b(0x01);
            c.modrmReg(c.reg(), c.reg());
        });
        add(f, "16-byte instruction (#GP)", c -> {
            for (int i = 0; i < 14; i++) c.b(c.pick(0x26, 0x36, 0x3E, 0x66));
            c.b(0x01);
            c.modrmReg(c.reg(), c.reg());
        });
        add(f, "rep movsw (prefix order 66 f3 / f3 66)", c -> {
            boolean swap = c.chance(50);
            IntegerForms.stringCase(c, 0xA5, 16, 2, 1, false, true, true);
            if (swap) { // stringCase emitted F3 66 A5: reorder to 66 F3 A5
                c.c.code[0] = 0x66;
                c.c.code[1] = (byte) 0xF3;
            }
        });
        // Lockable read-modify-write forms with a memory destination (SDM "LOCK" list).
        add(f, "lock add/or/adc/sbb/and/sub/xor m,imm", c -> {
            int bits = c.pick(8, 16, 32), op = c.rnd.nextInt(7);
            c.b(0xF0);
            c.osize(bits);
            c.b(bits == 8 ? 0x80 : c.pick(0x81, 0x83));
            boolean imm8 = bits != 8 && (c.c.code[c.c.codeLen - 1] & 0xFF) == 0x83;
            rm(c, op, bits, true, 0);
            c.imm(imm8 ? 8 : bits, c.val(imm8 ? 8 : bits));
            c.c.undefFlags = (op == 1 || op == 4 || op == 6) ? AF : 0;
        });
        add(f, "lock bts/btr/btc m32,imm8", c -> {
            c.b(0xF0, 0x0F, 0xBA);
            rm(c, 5 + c.rnd.nextInt(3), 32, true, 0);
            c.imm(8, c.rnd.nextInt(256));
            c.c.undefFlags = OF | SF | AF | PF;
        });
        add(f, "lock xadd/xchg m32,r32", c -> {
            c.b(0xF0);
            if (c.chance(50)) c.b(0x0F, 0xC1); else c.b(0x87);
            int g = c.reg();
            c.set(32, g, c.val(32));
            rm(c, g, 32, true, 0);
        });
        add(f, "lock not/neg/dec m16", c -> {
            c.b(0xF0, 0x66);
            int k = c.rnd.nextInt(3);
            c.b(k == 2 ? 0xFF : 0xF7);
            rm(c, k == 0 ? 2 : k == 1 ? 3 : 1, 16, true, 0);
        });
        add(f, "lock cmpxchg8b m64", c -> {
            c.b(0xF0, 0x0F, 0xC7);
            int off = c.modrmMem(1, 8, 1 << EAX | 1 << EDX);
            if (c.chance(50)) {
                c.set(32, EAX, c.memGet(off, 32));
                c.set(32, EDX, c.memGet(off + 4, 32));
            }
        });
        add(f, "lock bt m32,r32 (#UD)", c -> {
            c.b(0xF0, 0x0F, 0xA3);
            rm(c, c.reg(), 32, true, 0);
        });
        add(f, "lock movsb / lock nop (#UD)", c -> {
            if (c.chance(50)) c.b(0xF0, 0x90);
            else stringCaseLocked(c);
        });
        add(f, "lock mov m32,r32 (#UD)", c -> {
            c.b(0xF0, 0x89);
            rm(c, c.reg(), 32, true, 0);
        });
    }

    // ------------------------------------------------------------------ 16-bit PUSH/POP pairs, INT3

    /**
     * 16-bit pushes and pops mean the same in 64-bit mode (0x66 prefix), so push/pop pairs are
     * comparable: the value travels through the stack into a register or the memory block.
     * POPF loads a value with IF=1, IOPL=0, NT=0, TF=0, which CPL 3 (host) and CPL 0 (emulator) treat alike.
     */
    private static void stack16(List<DiffForm> f) {
        add(f, "pushfw; pop r16", c -> c.b(0x66, 0x9C, 0x66, 0x58 + c.reg()));
        add(f, "push r16; popfw", c -> {
            int r = c.reg();
            c.set(16, r, (c.rnd.nextInt() & (ARITH | DF)) | 0x202);
            c.b(0x66, 0x50 + r, 0x66, 0x9D);
        });
        add(f, "push imm16/imm8; pop r16", c -> {
            if (c.chance(50)) { c.b(0x66, 0x68); c.imm(16, c.val(16)); } else { c.b(0x66, 0x6A, c.val(8)); }
            c.b(0x66, 0x58 + c.reg());
        });
        add(f, "push m16; pop r16", c -> {
            c.b(0x66, 0xFF);
            rm(c, 6, 16, true, 0);
            c.b(0x66, 0x58 + c.reg());
        });
        add(f, "push r16; pop m16", c -> {
            c.b(0x66, 0x50 + c.reg(), 0x66, 0x8F);
            rm(c, 0, 16, true, 0);
            c.c.addr32At = 2; // the host's 0x67 belongs to the POP
        });
        add(f, "int3 (#BP)", c -> c.b(0xCC));
    }

    // ------------------------------------------------------------------ Jcc LOOP LOOPE LOOPNE JECXZ

    /** Relative branches whose target is the harness's "taken" stub; the outcome is taken or not. */
    private static void branches(List<DiffForm> f) {
        for (int cc = 0; cc < 16; cc++) {
            final int k = cc;
            add(f, "j" + CC[cc] + " rel8", c -> {
                c.b(0x70 + k);
                c.branchDisp(8);
            });
        }
        add(f, "jcc rel32", c -> {
            c.b(0x0F, 0x80 + c.rnd.nextInt(16));
            c.branchDisp(32);
        });
        String[] loops = {"loopne", "loope", "loop", "jecxz"};
        for (int k = 0; k < 4; k++) {
            final int op = 0xE0 + k;
            add(f, loops[k] + " rel8", c -> {
                c.b(op);
                c.c.addr32 = true; // the host needs 0x67 to count with ECX instead of RCX
                c.c.regs[ECX] = c.pick(0, 1, 2, -1, 0x10000, c.rnd.nextInt());
                c.branchDisp(8);
            });
        }
    }

    // ------------------------------------------------------------------ MOVS STOS LODS SCAS CMPS

    private static void strings(List<DiffForm> f) {
        String[] sfx = {"b", "w", "d"};
        for (int s = 0; s < 3; s++) {
            final int bytes = 1 << s, bits = 8 << s;
            int opAdd = s == 0 ? 0 : 1;
            String[] reps = {"", "rep ", "repne "};
            for (int rp = 0; rp < 3; rp++) {
                final int rep = rp;
                String[] names = {"movs", "cmps", "stos", "lods", "scas"};
                int[] ops = {0xA4, 0xA6, 0xAA, 0xAC, 0xAE};
                for (int k = 0; k < 5; k++) {
                    boolean compares = k == 1 || k == 4;
                    if (rep == 2 && !compares) continue;
                    final int op = ops[k] + opAdd;
                    final boolean cmp = compares, src = k != 2 && k != 4, dst = k != 3;
                    add(f, reps[rep] + names[k] + sfx[s], c -> stringCase(c, op, bits, bytes, rep, cmp, src, dst));
                }
            }
        }
    }

    private static void stringCaseLocked(CaseBuilder c) {
        c.b(0xF0);
        stringCase(c, 0xA4, 8, 1, 0, false, true, true);
    }

    static void stringCase(CaseBuilder c, int op, int bits, int bytes, int rep, boolean cmp,
                                   boolean usesSrc, boolean usesDst) {
        stringCase(c, op, bits, bytes, rep, cmp, false);
    }

    /**
     * A string instruction with pointers and count inside the block. With {@code a16} (0x67 in
     * 32-bit code) it uses SI, DI and CX only: their upper halves stay random and must survive.
     */
    static void stringCase(CaseBuilder c, int op, int bits, int bytes, int rep, boolean cmp, boolean a16) {
        if (a16) c.b(0x67);
        if (rep == 1) c.b(0xF3);
        if (rep == 2) c.b(0xF2);
        c.osize(bits);
        c.b(op);
        c.c.addr32 = !a16;
        c.c.lowBlock = a16;
        byte[] m = c.mem();
        boolean down = (c.c.eflags & DF) != 0;
        int maxCount = 12;
        int count = rep != 0 ? c.rnd.nextInt(maxCount + 1) : 1;
        if (rep != 0) c.set(a16 ? 16 : 32, ECX, count);
        int span = maxCount * bytes;
        // Source in the lower half, destination in the upper half, so that copies never overlap.
        int si = down ? span - bytes + c.rnd.nextInt(DiffCase.BLOCK_SIZE / 2 - span) : c.rnd.nextInt(DiffCase.BLOCK_SIZE / 2 - span);
        int di = DiffCase.BLOCK_SIZE / 2 + si;
        if (c.chance(30)) { // overlapping or identical buffers
            int d2 = si + (c.rnd.nextInt(3) - 1) * bytes;
            if (d2 >= (down ? span - bytes : 0) && d2 + (down ? bytes : span) <= DiffCase.BLOCK_SIZE) di = d2;
        }
        c.set(a16 ? 16 : 32, ESI, c.c.blockAddr() + si);
        c.set(a16 ? 16 : 32, EDI, c.c.blockAddr() + di);
        if (cmp) {
            // Make the compared elements mostly equal so that REPE/REPNE stop at interesting places.
            int step = down ? -bytes : bytes;
            for (int i = 0; i < maxCount; i++) {
                int a = si + i * step, b = di + i * step;
                if (c.chance(70)) for (int j = 0; j < bytes; j++) m[b + j] = m[a + j];
            }
            if (c.chance(50)) c.set(bits, EAX, c.memGet(di + c.rnd.nextInt(Math.max(1, count)) * step, bits));
        }
    }
}
