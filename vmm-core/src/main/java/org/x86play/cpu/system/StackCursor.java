package org.x86play.cpu.system;

import org.x86play.cpu.Cpu;
import org.x86play.cpu.CpuFault;
import org.x86play.cpu.SegmentCache;

/**
 * A stack pointer that is moved while a far transfer builds or reads a frame, and committed to
 * ESP only when the whole transfer has succeeded, so a faulting transfer leaves ESP unchanged
 * (SDM Vol. 3 §6.6: faults are restartable). Applies the stack-segment limit check
 * (expand-up and expand-down, SDM §5.3) and raises #SS with the given error code.
 */
final class StackCursor {
    private final Cpu cpu;
    int base, limit, attributes;
    int esp;
    boolean big;      // B flag: 32-bit ESP
    boolean user;     // accesses are user-mode (privilege 3)
    boolean checkLimit;
    int ssError;      // error code of #SS raised by this cursor

    StackCursor(Cpu cpu) {
        this.cpu = cpu;
    }

    /** Cursor on the current SS:ESP at the current privilege level. */
    StackCursor current() {
        SegmentCache ss = cpu.seg[Cpu.SS];
        base = ss.base; limit = ss.limit; attributes = ss.attributes;
        big = ss.is32();
        esp = cpu.reg[Cpu.ESP];
        user = cpu.cpl == 3;
        checkLimit = true; // real and V86 mode check the SS limit too (SDM Vol. 2 RET: #SS in real mode)
        ssError = 0;
        return this;
    }

    /** Cursor on a new stack described by {@code d} (not yet loaded into SS). */
    StackCursor of(Descriptor d, int newEsp, int privilege, int errorCode) {
        base = d.base(); limit = d.limit(); attributes = d.attributes();
        big = (attributes & SegmentCache.ATTR_DB) != 0;
        esp = newEsp;
        user = privilege == 3;
        checkLimit = true;
        ssError = errorCode;
        return this;
    }

    private int offset(int delta) {
        return big ? esp + delta : (esp + delta) & 0xFFFF;
    }

    private void check(int off, int size) {
        if (!checkLimit) return;
        int last = off + size - 1;
        boolean expandDown = (attributes & (SegmentCache.ATTR_S | 0xC)) == (SegmentCache.ATTR_S | 0x4);
        if (expandDown) {
            int upper = big ? 0xFFFFFFFF : 0xFFFF;
            if (Integer.compareUnsigned(off, limit) <= 0 || Integer.compareUnsigned(last, upper) > 0
                    || Integer.compareUnsigned(last, off) < 0) throw new CpuFault(CpuFault.SS, ssError);
        } else {
            if (Integer.compareUnsigned(last, limit) > 0 || Integer.compareUnsigned(last, off) < 0)
                throw new CpuFault(CpuFault.SS, ssError);
        }
    }

    void push16(int v) {
        int off = offset(-2);
        check(off, 2);
        cpu.mmu.write16(base + off, v & 0xFFFF, user);
        esp = big ? esp - 2 : (esp & 0xFFFF0000) | off;
    }

    void push32(int v) {
        int off = offset(-4);
        check(off, 4);
        cpu.mmu.write32(base + off, v, user);
        esp = big ? esp - 4 : (esp & 0xFFFF0000) | off;
    }

    void push(int v, boolean op32) {
        if (op32) push32(v); else push16(v);
    }

    /** Reads the word/dword at ESP + {@code delta} without moving. */
    int peek16(int delta) {
        int off = offset(delta);
        check(off, 2);
        return cpu.mmu.read16(base + off, user);
    }

    int peek32(int delta) {
        int off = offset(delta);
        check(off, 4);
        return cpu.mmu.read32(base + off, user);
    }

    int pop16() {
        int v = peek16(0);
        skip(2);
        return v;
    }

    int pop32() {
        int v = peek32(0);
        skip(4);
        return v;
    }

    int pop(boolean op32) { return op32 ? pop32() : pop16(); }

    void skip(int bytes) {
        esp = big ? esp + bytes : (esp & 0xFFFF0000) | ((esp + bytes) & 0xFFFF);
    }

    /** Writes the cursor back to ESP (only SP for a 16-bit stack). */
    void commit() {
        cpu.reg[Cpu.ESP] = esp;
    }
}
