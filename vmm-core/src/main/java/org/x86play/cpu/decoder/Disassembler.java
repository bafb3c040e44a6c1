package org.x86play.cpu.decoder;

/**
 * Disassembler driven by the same opcode table as the decoder.
 * OWNER: cpu-integer helper. Placeholder.
 */
public final class Disassembler {
    private Disassembler() {}

    /**
     * Formats the instruction at {@code code[offset..]} in Intel syntax, e.g. {@code "add eax, [ebx+4]"}.
     * @param code32 true when the code segment's default size is 32 bits
     * @param eip    the instruction's address, for rendering relative branch targets
     */
    public static String format(byte[] code, int offset, boolean code32, int eip) {
        return String.format("db 0x%02x", code[offset] & 0xFF);
    }
}
