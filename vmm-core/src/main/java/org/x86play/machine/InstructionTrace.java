package org.x86play.machine;

import org.x86play.cpu.Cpu;
import org.x86play.cpu.SegmentCache;
import org.x86play.cpu.decoder.Disassembler;
import org.x86play.cpu.decoder.Instruction;

/**
 * A ring buffer of the last N instructions the run loop started (recorded before execution, so the
 * one that faulted or was unimplemented is the newest entry). Only used when tracing is enabled.
 */
public final class InstructionTrace {
    /** Longest x86 instruction (SDM Vol. 2 §2.1). */
    static final int MAX_LENGTH = 15;
    public static final int MAX_ENTRIES = 1 << 20;

    private final int capacity;
    private final int[] cs, eip, linear, length;
    private final boolean[] code32;
    private final byte[] bytes;
    private final Instruction scratch = new Instruction();
    private int next;
    private long recorded;

    public InstructionTrace(int entries) {
        if (entries < 1 || entries > MAX_ENTRIES) {
            throw new IllegalArgumentException("trace length must be 1.." + MAX_ENTRIES + ", got " + entries);
        }
        capacity = entries;
        cs = new int[entries];
        eip = new int[entries];
        linear = new int[entries];
        length = new int[entries];
        code32 = new boolean[entries];
        bytes = new byte[entries * MAX_LENGTH];
    }

    /** Records the instruction at the CPU's current CS:EIP (bytes up to the first unreadable one). */
    public void record(Cpu cpu) {
        int i = next;
        SegmentCache c = cpu.seg[Cpu.CS];
        int lin = c.base + cpu.eip;
        cs[i] = c.selector;
        eip[i] = cpu.eip;
        linear[i] = lin;
        code32[i] = c.is32();
        // Read only the instruction's own bytes when it decodes (no accesses past it), else up to 15.
        int want = MAX_LENGTH;
        try {
            want = Math.min(MAX_LENGTH, Math.max(1, cpu.interpreter.decodeAt(cpu.eip, scratch).length));
        } catch (RuntimeException e) {
            // undecodable or not fetchable: the step itself will raise the fault
        }
        int n = 0;
        try {
            for (; n < want; n++) bytes[i * MAX_LENGTH + n] = (byte) cpu.readLinear8(lin + n);
        } catch (RuntimeException f) {
            // not mapped: keep what was readable
        }
        length[i] = n;
        next = i + 1 == capacity ? 0 : i + 1;
        recorded++;
    }

    /** Number of entries held (at most the capacity). */
    public int size() { return (int) Math.min(recorded, capacity); }

    /** The held entries, oldest first, e.g. {@code "0008:00100004 (00100004)  b0 41  mov al, 0x41"}. */
    public String[] render() {
        int n = size();
        String[] out = new String[n];
        int first = (next - n + capacity) % capacity;
        for (int k = 0; k < n; k++) {
            int i = (first + k) % capacity;
            out[k] = renderEntry(i);
        }
        return out;
    }

    private String renderEntry(int i) {
        byte[] code = new byte[length[i]];
        System.arraycopy(bytes, i * MAX_LENGTH, code, 0, code.length);
        String text;
        int len = code.length;
        if (code.length == 0) {
            text = "(code not readable)";
        } else {
            Instruction in = new Instruction();
            int l;
            try {
                l = Disassembler.decode(code, 0, code32[i], eip[i], in);
                text = l < 0 ? "(invalid or truncated)" : Disassembler.format(in, eip[i]);
            } catch (RuntimeException e) {
                l = -1;
                text = "(disassembler: " + e + ")";
            }
            if (l > 0) len = l;
        }
        StringBuilder sb = new StringBuilder(64);
        sb.append(Hex.w16(cs[i])).append(':').append(Hex.w32(eip[i]))
                .append(" (").append(Hex.w32(linear[i])).append(")  ");
        int shown = Math.min(len, code.length);
        for (int k = 0; k < shown; k++) sb.append(Hex.w8(code[k] & 0xFF)).append(' ');
        for (int k = shown; k < 8; k++) sb.append("   ");
        sb.append(' ').append(code32[i] ? "" : "[16] ").append(text);
        return sb.toString();
    }
}
