package org.x86play.boot;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.x86play.cpu.Cpu;
import org.x86play.machine.Machine;
import org.x86play.machine.Nasm;
import org.x86play.machine.RunLimits;
import org.x86play.machine.RunResult;

class MultibootLoaderTest {
    /** Checks the Multiboot machine state and info structure from inside the guest, reporting on COM1. */
    static final String CHECKS = """
            start:
                cmp eax, 0x2BADB002
                jne fail
                mov ecx, [ebx]               ; info flags: mem, cmdline, mmap, loader name
                and ecx, 0x245
                cmp ecx, 0x245
                jne fail
                cmp dword [ebx+4], 639       ; mem_lower
                jne fail
                mov esi, [ebx+16]            ; cmdline
                call print
                mov al, '|'
                call putc
                mov esi, [ebx+64]            ; boot loader name
                call print
                mov al, '|'
                call putc
                mov ecx, [ebx+44]            ; mmap_length / 24 entries, sum of type-1 lengths
                mov esi, [ebx+48]
                xor edx, edx
            .mm: cmp dword [esi+20], 1
                jne .skip
                add edx, [esi+12]
            .skip:
                add esi, 24
                sub ecx, 24
                ja .mm
                shr edx, 20                  ; available MiB (rounded down)
                mov al, dl
                add al, '0'
                call putc
                mov ax, ds                   ; selectors usable: reload from the loader's GDT
                mov es, ax
                mov eax, cr0
                and eax, 0x80000001
                cmp eax, 1                   ; PE=1, PG=0
                jne fail
                pushfd
                pop eax
                test eax, 0x200              ; IF=0
                jnz fail
                cmp dword [bssvar], 0
                jne fail
                cmp dword [bssvar+4092], 0
                jne fail
                mov eax, [ebx+8]             ; exit with mem_upper in MiB
                shr eax, 10
                out 0xF4, al
                hlt
            fail:
                mov al, 0x7F
                out 0xF4, al
                hlt
            print:
                lodsb
                test al, al
                jz .done
                call putc
                jmp print
            .done: ret
            putc:
                mov dx, 0x3F8
                out dx, al
                ret
            """;

    static RunResult boot(byte[] kernel, String cmdline, ByteArrayOutputStream serial) {
        Machine m = new Machine(8 << 20);
        byte[] junk = new byte[8 << 20];
        Arrays.fill(junk, (byte) 0xCC); // .bss must be zeroed by the loader, not by luck
        m.memory.load(0, junk, 0, junk.length);
        m.setSerialOutput(serial::write);
        m.loadMultiboot(kernel, cmdline);
        assertEquals(0x2BADB002, m.cpu.reg[Cpu.EAX]);
        assertEquals(0xC09B, m.cpu.seg[Cpu.CS].attributes);
        assertEquals(-1, m.cpu.seg[Cpu.DS].limit);
        return m.run(new RunLimits().maxInstructions(100_000));
    }

    @Test
    void elfKernelBootsWithInfoStructure() {
        byte[] elf = Nasm.elf("bits 32\nsection .text\nglobal _start\n_start: jmp start\nalign 4\n"
                + "dd 0x1BADB002, 3, -(0x1BADB002+3)\n" + CHECKS
                + "section .bss\nbssvar: resb 4096\n", "-Ttext=0x100000", "-e", "_start");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RunResult r = boot(elf, "console=ttyS0 quiet", out);
        assertEquals(RunResult.Reason.DEBUG_EXIT, r.reason, r.message + " serial: " + out);
        assertEquals("console=ttyS0 quiet|x86play|7", out.toString(StandardCharsets.ISO_8859_1));
        assertEquals((7 << 1) | 1, r.exitCode, "mem_upper = 7 MiB");
    }

    @Test
    void aoutKludgeKernelBoots() {
        byte[] bin = Nasm.bin("bits 32\norg 0x200000\nhdr: dd 0x1BADB002, 0x10002, -(0x1BADB002+0x10002)\n"
                + "dd hdr, hdr, load_end, bss_end, start\n" + CHECKS
                + "align 4\nload_end:\nbssvar equ load_end\nbss_end equ load_end + 4096\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RunResult r = boot(bin, null, out);
        assertEquals(RunResult.Reason.DEBUG_EXIT, r.reason, r.message + " serial: " + out);
        assertEquals("|x86play|7", out.toString(StandardCharsets.ISO_8859_1));
        assertEquals((7 << 1) | 1, r.exitCode, "every check passed; mem_upper = 7 MiB");
    }

    // ---------------------------------------------------------------- hand-built ELF files

    /** ELF32 with one PT_LOAD: the file bytes from 0x100 on, at vaddr/paddr, memsz = filesz + bss. */
    static byte[] elf(int vaddr, int paddr, int entry, byte[] code, int bss) {
        ByteBuffer b = ByteBuffer.allocate(0x100 + code.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7F, 'E', 'L', 'F', 1, 1, 1, 0}).put(new byte[8]);
        b.putShort((short) 2).putShort((short) 3).putInt(1).putInt(entry).putInt(52).putInt(0).putInt(0);
        b.putShort((short) 52).putShort((short) 32).putShort((short) 1).putShort((short) 40).putShort((short) 0).putShort((short) 0);
        b.putInt(1).putInt(0x100).putInt(vaddr).putInt(paddr).putInt(code.length).putInt(code.length + bss).putInt(7).putInt(0x1000);
        b.position(0x100);
        b.put(code);
        return b.array();
    }

    static byte[] header(int flags) {
        return ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(0x1BADB002).putInt(flags).putInt(-(0x1BADB002 + flags)).array();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /** Header, then at offset 12: mov al, 0x42 ; out 0xF4, al ; hlt */
    static byte[] code() {
        return concat(header(0), new byte[] {(byte) 0xB0, 0x42, (byte) 0xE6, (byte) 0xF4, (byte) 0xF4});
    }

    @Test
    void higherHalfEntryIsTranslatedToItsPhysicalAddress() {
        byte[] f = elf(0xC0100000, 0x100000, 0xC010000C, code(), 0);
        Machine m = new Machine(4 << 20);
        m.loadMultiboot(f, "");
        assertEquals(0x10000C, m.cpu.eip);
        RunResult r = m.run(new RunLimits().maxInstructions(100));
        assertEquals(RunResult.Reason.DEBUG_EXIT, r.reason, r.message);
        assertEquals(0x85, r.exitCode);
    }

    @Test
    void infoIsPlacedAfterTheKernelWhenLowMemoryIsTaken() {
        byte[] f = elf(0x8000, 0x8000, 0x800C, code(), 0x2000);
        Machine m = new Machine(4 << 20);
        MultibootLoader.Loaded l = new MultibootLoader(m.memory, m.cpu).load(f, "x");
        assertTrue(l.infoAddress >= 0xB000, Integer.toHexString(l.infoAddress));
        assertEquals(l.infoAddress, m.cpu.reg[Cpu.EBX]);
    }

    static String rejects(byte[] f) {
        Machine m = new Machine(2 << 20);
        return assertThrows(IllegalArgumentException.class, () -> m.loadMultiboot(f, "")).getMessage();
    }

    static void put32(byte[] f, int off, int v) {
        ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).putInt(off, v);
    }

    @Test
    void malformedFilesGiveClearErrors() {
        assertTrue(rejects(new byte[0]).contains("empty"));
        assertTrue(rejects(new byte[100]).contains("no Multiboot header"));
        byte[] badSum = elf(0x100000, 0x100000, 0x10000C, code(), 0);
        put32(badSum, 0x108, 0);
        assertTrue(rejects(badSum).contains("bad checksum"));
        byte[] video = elf(0x100000, 0x100000, 0x10000C, concat(header(0x8), new byte[4]), 0);
        assertTrue(rejects(video).contains("unknown required bits 0x8"));
        byte[] notElf = elf(0x100000, 0x100000, 0x10000C, code(), 0);
        notElf[1] = 'X';
        assertTrue(rejects(notElf).contains("not an ELF file"));
        byte[] elf64 = elf(0x100000, 0x100000, 0x10000C, code(), 0);
        elf64[4] = 2;
        assertTrue(rejects(elf64).contains("32-bit"));
        byte[] phoff = elf(0x100000, 0x100000, 0x10000C, code(), 0);
        put32(phoff, 28, 0x7FFFFFF0);
        assertTrue(rejects(phoff).contains("program header table"));
        byte[] filesz = elf(0x100000, 0x100000, 0x10000C, code(), 0);
        put32(filesz, 52 + 16, 0x1000); // filesz > memsz
        assertTrue(rejects(filesz).contains("p_filesz"));
        byte[] past = elf(0x100000, 0x100000, 0x10000C, code(), 0x100000);
        put32(past, 52 + 16, 0x1000);    // filesz beyond the file
        assertTrue(rejects(past).contains("past the end of the file"));
        byte[] big = elf(0x100000, 0x100000, 0x10000C, code(), 0x7FFFFFFF);
        assertTrue(rejects(big).contains("does not fit in guest RAM"));
        byte[] wrap = elf(0xFFFFF000, 0xFFFFF000, 0xFFFFF00C, code(), 0x2000);
        assertTrue(rejects(wrap).contains("does not fit in guest RAM"));
        byte[] entry = elf(0x100000, 0x100000, 0x1F0000, code(), 0);
        assertTrue(rejects(entry).contains("entry point"));
        byte[] truncated = Arrays.copyOf(elf(0x100000, 0x100000, 0x10000C, code(), 0), 0x10E);
        assertTrue(rejects(truncated).contains("past the end of the file"));
    }

    @Test
    void randomlyCorruptedFilesFailOnlyWithIllegalArgument() {
        byte[] good = elf(0x100000, 0x100000, 0x10000C, code(), 0x100);
        Random rnd = new Random(1234);
        int loaded = 0, rejected = 0;
        for (int n = 0; n < 1000; n++) {
            byte[] f = good.clone();
            int changes = 1 + rnd.nextInt(4);
            for (int k = 0; k < changes; k++) {
                int at = rnd.nextInt(rnd.nextBoolean() ? 84 : f.length);
                f[at] = (byte) (rnd.nextInt(4) == 0 ? 0xFF : rnd.nextInt(256));
            }
            if (rnd.nextInt(8) == 0) f = Arrays.copyOf(f, rnd.nextInt(f.length));
            Machine m = new Machine(2 << 20);
            try {
                m.loadMultiboot(f, "cmd");
                loaded++;
            } catch (IllegalArgumentException e) {
                assertNotNull(e.getMessage());
                rejected++;
            }
        }
        assertTrue(loaded > 0 && rejected > 0, loaded + " loaded, " + rejected + " rejected");
    }
}
