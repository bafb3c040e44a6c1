package org.x86play.conformance;

/** Compares the host's and the emulator's outcome of one {@link DiffCase}. */
final class DiffCompare {
    private DiffCompare() {}

    static final int SIGTRAP = 5, SIGILL = 4, SIGBUS = 7, SIGFPE = 8, SIGSEGV = 11;
    private static final String[] REG = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
    /** Compared EFLAGS bits: the six arithmetic flags and DF. */
    static final int FLAG_MASK = CaseBuilder.ARITH | CaseBuilder.DF;

    /** Exception vectors that Linux reports with each signal (x86 traps.c mapping). */
    static boolean signalMatches(int sig, int vector) {
        switch (sig) {
            case SIGFPE: return vector == 0 || vector == 16 || vector == 19;   // #DE, #MF, #XM
            case SIGILL: return vector == 6;                                   // #UD
            case SIGSEGV: return vector == 13 || vector == 12 || vector == 14 || vector == 11 || vector == 10
                    || vector == 4 || vector == 5;                                 // also #OF (INTO), #BR (BOUND)
            case SIGBUS: return vector == 17 || vector == 13 || vector == 12;  // #AC, non-canonical
            case SIGTRAP: return vector == 1 || vector == 3;
            default: return false;
        }
    }

    static String signalName(int sig) {
        switch (sig) {
            case SIGFPE: return "SIGFPE";
            case SIGILL: return "SIGILL";
            case SIGSEGV: return "SIGSEGV";
            case SIGBUS: return "SIGBUS";
            case SIGTRAP: return "SIGTRAP";
            default: return "signal " + sig;
        }
    }

    /** Prefix of a {@link #compare} answer that is a documented skip, not a failure. */
    static final String SKIP = "SKIP: ";

    /** Null when the outcomes agree, else a short reason (a documented skip starts with {@link #SKIP}). */
    static String compare(DiffCase c, DiffCase.Outcome h, DiffCase.Outcome e) {
        if (h.status == DiffCase.UNSUPPORTED) return SKIP + "host cannot map the block below 64 KiB for 16-bit addressing (vm.mmap_min_addr)";
        if (h.status == SIGILL && !c.host32 && e.status < 0 && !HostHarness.hostHasLahf64() && usesLahfSahf(c)) {
            return SKIP + "host CPU lacks LAHF/SAHF in 64-bit mode (no lahf_lm)";
        }
        if (e.error != null) return "emulator: " + e.error;
        boolean hostFault = h.status != 0 && h.status != DiffCase.TAKEN;
        if (hostFault) {
            if (e.status < 0) return "host raised " + signalName(h.status) + ", emulator completed";
            if (!signalMatches(h.status, e.status)) return "host raised " + signalName(h.status) + ", emulator #" + e.status;
        } else {
            if (e.status >= 0) return "emulator raised #" + vectorName(e.status) + ", host completed";
            int want = DiffCase.CODE_ADDR + c.codeLen;
            boolean taken = h.status == DiffCase.TAKEN;
            if (taken) want += c.branchRel;
            if (e.eip != want) {
                return String.format("EIP %08x, expected %08x (%s)", e.eip, want, c.branch ? (taken ? "host took the branch" : "host fell through") : "length");
            }
        }
        // On a fault both sides report the state before the instruction.
        StringBuilder diff = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == 4 || (!hostFault && (c.undefRegs & 1 << i) != 0)) continue;
            if (h.regs[i] != e.regs[i]) diff.append(String.format("%s host=%08x emu=%08x; ", REG[i], h.regs[i], e.regs[i]));
        }
        int fm = FLAG_MASK & (hostFault ? -1 : ~c.undefFlags);
        // FCOMI family after an unmasked x87 exception: the SDM leaves ZF/PF/CF unset ("set only if
        // the exception is masked"), AMD sets them; OF/SF/AF must be cleared either way.
        if (c.c1VendorQuirk && X87Compare.vendorSkip(c, h.fx) != null) fm &= ~(CaseBuilder.ZF | CaseBuilder.PF | CaseBuilder.CF);
        if (c.host32 && !hostFault && h.regs[4] != e.regs[4] - EmulatorRunner.STACK_TOP) {
            diff.append(String.format("esp delta host=%d emu=%d; ", h.regs[4], e.regs[4] - EmulatorRunner.STACK_TOP));
        }
        if (((h.eflags ^ e.eflags) & fm) != 0) {
            diff.append(String.format("flags host=%s emu=%s; ", flags(h.eflags & fm), flags(e.eflags & fm)));
        }
        if (c.mem != null && !(c.undefMem && !hostFault)) {
            for (int i = 0; i < DiffCase.BLOCK_SIZE; i++) {
                if (h.mem[i] != e.mem[i] && (c.memIgnore == null || !c.memIgnore[i])) {
                    diff.append(String.format("mem[+%d] host=%02x emu=%02x; ", i, h.mem[i] & 0xFF, e.mem[i] & 0xFF));
                    break;
                }
            }
        }
        if (c.fx != null && !hostFault) {
            String x = X87Compare.compare(c, h.fx, e.fx);
            if (!x.isEmpty() && diff.length() == 0) {
                String skip = X87Compare.vendorSkip(c, h.fx);
                if (skip != null) return SKIP + skip;
            }
            diff.append(x);
        }
        return diff.length() == 0 ? null : diff.toString().trim();
    }

    private static boolean usesLahfSahf(DiffCase c) {
        for (int i = 0; i < c.codeLen; i++) if ((c.code[i] & 0xFE) == 0x9E) return true;
        return false;
    }

    static String vectorName(int v) {
        String[] n = {"DE", "DB", "NMI", "BP", "OF", "BR", "UD", "NM", "DF", "9", "TS", "NP", "SS", "GP", "PF", "15", "MF", "AC", "MC", "XM"};
        return v >= 0 && v < n.length ? n[v] : Integer.toString(v);
    }

    static String flags(int f) {
        StringBuilder s = new StringBuilder();
        String[] names = {"CF", "", "PF", "", "AF", "", "ZF", "SF", "", "", "DF", "OF"};
        for (int i = 0; i < names.length; i++) if (!names[i].isEmpty() && (f & 1 << i) != 0) s.append(names[i]).append(' ');
        return "[" + s.toString().trim() + "]";
    }

    /** A multi-line report of a mismatch: bytes, disassembly, inputs, both outputs. */
    static String describe(DiffCase c, DiffCase.Outcome h, DiffCase.Outcome e, String why) {
        StringBuilder s = new StringBuilder();
        byte[] code = c.emuCode();
        s.append("  bytes: ").append(HostDiffSuite.hex(code)).append("   ").append(HostDiffSuite.disassemble(code)).append('\n');
        s.append("  why:   ").append(why).append('\n');
        s.append("  in:    ").append(regs(c.regs)).append(" flags=").append(flags(c.eflags)).append('\n');
        s.append("  host:  ").append(h.status == 0 ? "" : h.status == DiffCase.TAKEN ? "(branch taken) " : signalName(h.status) + " ").append(regs(h.regs))
                .append(" flags=").append(flags(h.eflags & FLAG_MASK)).append('\n');
        s.append("  emu:   ").append(e.error != null ? e.error + " " : e.status >= 0 ? "#" + vectorName(e.status) + " " : "")
                .append(regs(e.regs)).append(" flags=").append(flags(e.eflags & FLAG_MASK));
        s.append(String.format(" (undefined: flags %s regs %x)", flags(c.undefFlags), c.undefRegs));
        if (c.mem != null) {
            int first = -1;
            for (int i = 0; i < DiffCase.BLOCK_SIZE && h.mem != null && e.mem != null; i++) {
                if (h.mem[i] != e.mem[i]) { first = i; break; }
            }
            if (first >= 0) {
                int from = Math.max(0, first - 4), to = Math.min(DiffCase.BLOCK_SIZE, first + 12);
                s.append(String.format("%n  mem[+%d..]: in=%s host=%s emu=%s", from, slice(c.mem, from, to), slice(h.mem, from, to), slice(e.mem, from, to)));
            }
        }
        if (c.fx != null) s.append('\n').append(X87Compare.describe(c, h.fx, e.fx));
        return s.toString();
    }

    private static String slice(byte[] b, int from, int to) {
        return HostDiffSuite.hex(java.util.Arrays.copyOfRange(b, from, to)).replace(" ", "");
    }

    private static String regs(int[] r) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 8; i++) if (i != 4) s.append(String.format("%s=%08x ", REG[i], r[i]));
        return s.toString().trim();
    }
}
