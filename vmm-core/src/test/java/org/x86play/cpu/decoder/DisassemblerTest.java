package org.x86play.cpu.decoder;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Disassembly of encodings produced by NASM, in 16- and 32-bit code. */
class DisassemblerTest {
    private static String dis(boolean code32, int eip, int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < b.length; i++) b[i] = (byte) bytes[i];
        return Disassembler.format(b, 0, code32, eip);
    }

    private static void check32(String want, int... bytes) { assertEquals(want, dis(true, 0x1000, bytes)); }
    private static void check16(String want, int... bytes) { assertEquals(want, dis(false, 0x100, bytes)); }

    @Test
    void thirtyTwoBit() {
        check32("mov eax, 0x12345678", 0xb8, 0x78, 0x56, 0x34, 0x12);
        check32("add eax, 0x88888888", 0x05, 0x88, 0x88, 0x88, 0x88);
        check32("add eax, 0x1", 0x83, 0xc0, 0x01);
        check32("add ax, 0x1", 0x66, 0x83, 0xc0, 0x01);
        check32("lea eax, [ebx+esi*8+0x10]", 0x8d, 0x44, 0xf3, 0x10);
        check32("lea ecx, [esi*4]", 0x8d, 0x0c, 0xb5, 0x00, 0x00, 0x00, 0x00);
        check32("shld eax, edx, 0x4", 0x0f, 0xa4, 0xd0, 0x04);
        check32("shrd ebx, edx, 0x8", 0x0f, 0xac, 0xd3, 0x08);
        check32("bts [ebx], ecx", 0x0f, 0xab, 0x0b);
        check32("bt [ebx+0x4], ecx", 0x0f, 0xa3, 0x4b, 0x04);
        check32("cmpxchg8b qword [esi]", 0x0f, 0xc7, 0x0e);
        check32("bswap ecx", 0x0f, 0xc9);
        check32("movsx ebx, al", 0x0f, 0xbe, 0xd8);
        check32("movzx ecx, al", 0x0f, 0xb6, 0xc8);
        check32("movzx eax, word [ebx]", 0x0f, 0xb7, 0x03);
        check32("movsx ax, byte [ebx]", 0x66, 0x0f, 0xbe, 0x03);
        check32("imul edi, esi, 0xfffffffd", 0x6b, 0xfe, 0xfd);
        check32("cmovb eax, ebx", 0x0f, 0x42, 0xc3);
        check32("setl cl", 0x0f, 0x9c, 0xc1);
        check32("call 0x1009", 0xe8, 0x04, 0x00, 0x00, 0x00);
        check32("loop 0xffe", 0xe2, 0xfc);
        check32("rep movsd", 0xf3, 0xa5);
        check32("repne scasb", 0xf2, 0xae);
        check32("enter 0x8, 0x0", 0xc8, 0x08, 0x00, 0x00);
        check32("pushad", 0x60);
        check32("push 0x12345678", 0x68, 0x78, 0x56, 0x34, 0x12);
        check32("mov dword [0x500], eax".replace("dword ", ""), 0xa3, 0x00, 0x05, 0x00, 0x00);
        check32("inc dword [eax]", 0xff, 0x00);
        check32("mov byte [ebp-0x4], 0x7", 0xc6, 0x45, 0xfc, 0x07);
        check32("lock add [ecx], edx", 0xf0, 0x01, 0x11);
        check32("mov cr0, eax", 0x0f, 0x22, 0xc0);
        check32("jmp far 0x8:0x1000", 0xea, 0x00, 0x10, 0x00, 0x00, 0x08, 0x00);
        check32("lgdt [eax]", 0x0f, 0x01, 0x10);
        check32("in al, dx", 0xec);
        check32("out 0x80, al", 0xe6, 0x80);
        check32("fld qword [eax]", 0xdd, 0x00);
        check32("cpuid", 0x0f, 0xa2);
        check32("fadd st0, st(1)", 0xd8, 0xc1);
        check32("fsubr st(3), st0", 0xdc, 0xe3);
        check32("fsub st(3), st0", 0xdc, 0xeb);
        check32("fldpi", 0xd9, 0xeb);
        check32("fnstsw ax", 0xdf, 0xe0);
        check32("fucomip st0, st(2)", 0xdf, 0xea);
        check32("fninit", 0xdb, 0xe3);
        check32("fistp qword [ebx+0x8]", 0xdf, 0x7b, 0x08);
    }

    @Test
    void sixteenBit() {
        check16("mov ax, [bx]", 0x8b, 0x07);
        check16("add [bx+0xe], bl", 0x00, 0x5f, 0x0e);
        check16("mov ax, [bp+si-0x2]", 0x8b, 0x42, 0xfe);
        check16("mov word [0x3000], 0x1234", 0xc7, 0x06, 0x00, 0x30, 0x34, 0x12);
        check16("lds si, [0x3000]", 0xc5, 0x36, 0x00, 0x30);
        check16("mov eax, [ebx]", 0x66, 0x67, 0x8b, 0x03);
        check16("int 0x21", 0xcd, 0x21);
        check16("jmp 0x100", 0xeb, 0xfe);
        check16("mov ds, ax", 0x8e, 0xd8);
        check16("mov al, es:[0x10]", 0x26, 0xa0, 0x10, 0x00);
        check16("jcxz 0x102", 0xe3, 0x00);
        check16("es rep movsw", 0x26, 0xf3, 0xa5);
        check16("rep stosd", 0x66, 0xf3, 0xab);
    }

    @Test
    void invalidAndTruncated() {
        check32("db 0x0f", 0x0f, 0x38, 0x00);     // 0F 38: SSSE3, #UD on a P6
        check32("db 0xb8", 0xb8, 0x01);            // truncated immediate
        check32("db 0xff", 0xff, 0xff);            // FF /7
    }

    @Test
    void everyOpcodeAndModrmDecodesOrIsInvalid() {
        int valid = 0;
        for (int two = 0; two < 2; two++) {
            for (int op = 0; op < 256; op++) {
                for (int modrm = 0; modrm < 256; modrm++) {
                    for (int mode = 0; mode < 2; mode++) {
                        byte[] b = new byte[16];
                        int n = 0;
                        if (two == 1) b[n++] = 0x0F;
                        b[n++] = (byte) op;
                        b[n++] = (byte) modrm;
                        b[n++] = 0x24; // SIB
                        String s = Disassembler.format(b, 0, mode == 1, 0);
                        if (!s.startsWith("db ")) valid++;
                        // The table must agree with the decoder about validity.
                        OpcodeRow row = OpcodeTable.lookup((two << 8) | op);
                        if (row == null && !(two == 0 && op == 0x0F)) assertEquals(true, s.startsWith("db "), s);
                    }
                }
            }
        }
        assertEquals(true, valid > 150000, "valid encodings: " + valid);
    }
}
