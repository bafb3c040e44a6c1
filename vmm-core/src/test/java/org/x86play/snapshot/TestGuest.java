package org.x86play.snapshot;

import org.x86play.machine.Machine;
import org.x86play.machine.Nasm;
import org.x86play.machine.PcPlatform;

/**
 * A Multiboot test guest on the full PC platform that keeps much of the machine busy: its own GDT and IDT,
 * paging with 4 MiB pages, the 8259A and the PIT at 1 kHz (IRQ0 counts ticks), x87 arithmetic, a pseudo-random
 * memory mix, the RTC, and a COM1 status line every 1024 iterations. It never halts, so instruction counts and
 * run-loop steps agree.
 */
final class TestGuest {
    static final int MEMORY = 4 << 20;
    /** Fixed RTC power-on time: runs do not depend on the host clock. */
    static final long WALL_CLOCK_MS = 1_700_000_000_000L;

    private static byte[] image;

    static synchronized byte[] image() {
        if (image == null) image = Nasm.bin(SOURCE);
        return image;
    }

    /** A freshly built machine with the guest loaded, its configuration and initial image. */
    static final class Built {
        final Machine m;
        final PcPlatform p;
        final MachineConfig config;
        final InitialImage initial;
        final StringBuilder serial = new StringBuilder();

        Built() {
            m = new Machine(MEMORY);
            byte[] kernel = image();
            m.loadMultiboot(kernel, "test");
            p = new PcPlatform(m, () -> WALL_CLOCK_MS);
            p.installAcpiTables();
            m.setSerialOutput(b -> serial.append((char) b));
            config = new MachineConfig();
            config.memoryBytes = MEMORY;
            config.platform = MachineConfig.PLATFORM_PC;
            config.boot = MachineConfig.BOOT_MULTIBOOT;
            config.cmdline = "test";
            config.kernelSha = Sha256.of(kernel);
            config.acpiTables = true;
            initial = InitialImage.capture(m.memory);
        }
    }

    static final String SOURCE = String.join("\n",
            "bits 32",
            "org 0x100000",
            "hdr: dd 0x1BADB002, 0x10002, -(0x1BADB002+0x10002)",
            "dd hdr, hdr, load_end, bss_end, start",
            "start:",
            "  mov esp, stack_top",
            "  lgdt [gdtr]",
            "  jmp 0x08:.cs",
            ".cs:",
            "  mov ax, 0x10",
            "  mov ds, ax", "  mov es, ax", "  mov ss, ax", "  mov fs, ax", "  mov gs, ax",
            // IDT: every vector to an IRET stub, 0x20 to the timer handler.
            "  mov edi, idt",
            "  mov ecx, 256",
            ".fill:",
            "  mov eax, isr_default",
            "  mov [edi], ax",
            "  mov word [edi+2], 0x08",
            "  mov word [edi+4], 0x8E00",
            "  shr eax, 16",
            "  mov [edi+6], ax",
            "  add edi, 8",
            "  loop .fill",
            "  mov eax, isr_timer",
            "  mov [idt + 0x20*8], ax",
            "  shr eax, 16",
            "  mov [idt + 0x20*8 + 6], ax",
            "  lidt [idtr]",
            // 8259A: ICW1..4, vectors 0x20/0x28, only IRQ0 unmasked.
            "  mov al, 0x11", "  out 0x20, al", "  out 0xA0, al",
            "  mov al, 0x20", "  out 0x21, al", "  mov al, 0x28", "  out 0xA1, al",
            "  mov al, 4", "  out 0x21, al", "  mov al, 2", "  out 0xA1, al",
            "  mov al, 1", "  out 0x21, al", "  out 0xA1, al",
            "  mov al, 0xFE", "  out 0x21, al", "  mov al, 0xFF", "  out 0xA1, al",
            // PIT channel 0, mode 2, 1193 (about 1 kHz).
            "  mov al, 0x34", "  out 0x43, al",
            "  mov ax, 1193", "  out 0x40, al", "  mov al, ah", "  out 0x40, al",
            // Paging: identity map of 0..8 MiB with two 4 MiB pages.
            "  mov dword [pd], 0x00000083",
            "  mov dword [pd+4], 0x00400083",
            "  mov eax, cr4", "  or eax, 0x10", "  mov cr4, eax",
            "  mov eax, pd", "  mov cr3, eax",
            "  mov eax, cr0", "  or eax, 0x80000000", "  mov cr0, eax",
            "  fninit",
            "  fld1",
            "  fstp qword [fval]",
            "  sti",
            "  xor ebx, ebx",
            "main:",
            "  mov esi, [seed]",
            "  imul esi, esi, 1103515245",
            "  add esi, 12345",
            "  mov [seed], esi",
            "  mov edi, esi",
            "  and edi, 0xFFFC",
            "  add [buf+edi], esi",
            "  fld qword [fval]",
            "  fmul qword [fmulc]",
            "  fsqrt",
            "  fadd qword [fone]",
            "  fstp qword [fval]",
            "  inc ebx",
            "  test ebx, 0x3FF",
            "  jnz main",
            // Every 1024 iterations: RTC seconds, ticks, seed, FPU bits on COM1.
            "  mov al, 0", "  out 0x70, al", "  in al, 0x71",
            "  movzx eax, al", "  call hex",
            "  mov eax, [ticks]", "  call hex",
            "  mov eax, [seed]", "  call hex",
            "  mov eax, [fval]", "  call hex",
            "  mov al, 10", "  call putc",
            "  jmp main",
            "hex:",
            "  mov ecx, 8",
            ".h:",
            "  rol eax, 4",
            "  push eax",
            "  and al, 15",
            "  add al, '0'",
            "  cmp al, '9'",
            "  jbe .d",
            "  add al, 7",
            ".d:",
            "  call putc",
            "  pop eax",
            "  loop .h",
            "  mov al, ' '",
            "  call putc",
            "  ret",
            "putc:",
            "  push eax",
            "  mov dx, 0x3FD",
            ".w:",
            "  in al, dx",
            "  test al, 0x20",
            "  jz .w",
            "  pop eax",
            "  mov dx, 0x3F8",
            "  out dx, al",
            "  ret",
            "isr_timer:",
            "  push eax",
            "  inc dword [ticks]",
            "  mov al, 0x20",
            "  out 0x20, al",
            "  pop eax",
            "  iret",
            "isr_default:",
            "  iret",
            "align 8",
            "gdt: dq 0",
            "  dq 0x00CF9A000000FFFF",
            "  dq 0x00CF92000000FFFF",
            "gdtr: dw 23",
            "  dd gdt",
            "idtr: dw 256*8-1",
            "  dd idt",
            "seed: dd 1",
            "ticks: dd 0",
            "fmulc: dq 1.000001",
            "fone: dq 0.5",
            "fval: dq 0",
            "align 4096",
            "load_end:",
            "pd equ load_end",
            "idt equ pd + 4096",
            "buf equ idt + 4096",
            "stack_top equ buf + 0x10000 + 8192",
            "bss_end equ stack_top",
            "");

    private TestGuest() {}
}
