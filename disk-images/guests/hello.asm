; hello.asm — the quick-start guest: a 64 KiB firmware ROM that starts in real mode at the
; reset vector, switches to 32-bit protected mode, turns paging on, asks CPUID who it is,
; computes with the x87 and prints everything on COM1. Then it powers off through the
; debug-exit port (0xF4), like QEMU's isa-debug-exit.
;
; Build: nasm -f bin -o hello.rom hello.asm ; run: ./vmm run --bios hello.rom
        bits 16
        org 0                     ; the ROM's offset 0 is linear 0xFFFF0000 (and 0xF0000)

COM1    equ 0x3F8
PD      equ 0x1000                ; page directory in RAM (4 MiB identity mapping, one PSE entry)

start16:
        cli
        cld
        xor ax, ax
        mov ss, ax
        mov sp, 0x7000
        mov ax, cs                ; CS base is 0xFFFF0000 at reset; the data we need is
        mov ds, ax                ; reachable through CS=F000 (alias at 0xF0000) after a far jump
        mov si, msg_real
        call print16
        o32 lgdt [cs:gdt_ptr]
        mov eax, cr0
        or al, 1                  ; CR0.PE (SDM Vol. 3 §9.9.1)
        mov cr0, eax
        jmp dword 0x08:(0xF0000 + start32)

print16:                          ; DS:SI → COM1, zero-terminated
        lodsb
        test al, al
        jz .done
        mov dx, COM1
        out dx, al
        jmp print16
.done:  ret

        bits 32
start32:
        mov ax, 0x10
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov esp, 0x7000
        mov esi, 0xF0000 + msg_prot
        call print32

        ; Identity-map the first 4 MiB with one 4 MiB page (CR4.PSE) and enable paging.
        mov dword [PD], 0x000000E3  ; P | RW | A | D | PS
        mov eax, PD
        mov cr3, eax
        mov eax, cr4
        or eax, 0x10
        mov cr4, eax
        mov eax, cr0
        or eax, 0x80000000
        mov cr0, eax
        mov esi, 0xF0000 + msg_paging
        call print32

        ; CPUID vendor string (leaf 0: EBX, EDX, ECX).
        xor eax, eax
        cpuid
        mov [vendor], ebx
        mov [vendor + 4], edx
        mov [vendor + 8], ecx
        mov byte [vendor + 12], 0
        mov esi, 0xF0000 + msg_cpu
        call print32
        mov esi, vendor
        call print32
        mov esi, 0xF0000 + msg_nl
        call print32

        ; x87: floor(sqrt(2) * 10^6) = 1414213
        fninit
        fild dword [0xF0000 + two]
        fsqrt
        fimul dword [0xF0000 + million]
        fnstcw [cw]
        mov ax, [cw]
        or ax, 0x0C00              ; round toward zero
        mov [cw2], ax
        fldcw [cw2]
        fistp dword [result]
        fldcw [cw]
        mov esi, 0xF0000 + msg_fpu
        call print32
        mov eax, [result]
        call print_dec
        mov esi, 0xF0000 + msg_nl
        call print32

        mov esi, 0xF0000 + msg_bye
        call print32
        mov dx, 0xF4
        xor eax, eax
        out dx, al                 ; debug exit: status (0 << 1) | 1
        cli
        hlt

print32:                           ; ESI → COM1, zero-terminated
        lodsb
        test al, al
        jz .done
        mov dx, COM1
        out dx, al
        jmp print32
.done:  ret

print_dec:                         ; EAX unsigned → COM1 in decimal
        mov ecx, 10
        mov edi, decbuf + 11
        mov byte [edi], 0
.next:  xor edx, edx
        div ecx
        add dl, '0'
        dec edi
        mov [edi], dl
        test eax, eax
        jnz .next
        mov esi, edi
        jmp print32

two:      dd 2
million:  dd 1000000
msg_real:   db "x86play hello: reset vector reached in real mode", 13, 10, 0
msg_prot:   db "switched to 32-bit protected mode", 13, 10, 0
msg_paging: db "paging on (4 MiB PSE page)", 13, 10, 0
msg_cpu:    db "CPUID vendor: ", 0
msg_fpu:    db "x87: floor(sqrt(2) * 1e6) = ", 0
msg_bye:    db "bye", 13, 10, 0
msg_nl:     db 13, 10, 0

        align 8
gdt:    dq 0
        dq 0x00CF9B000000FFFF     ; 0x08: flat 32-bit code
        dq 0x00CF93000000FFFF     ; 0x10: flat 32-bit data
gdt_ptr:
        dw gdt_ptr - gdt - 1
        dd 0xF0000 + gdt

; RAM variables (below 1 MiB, identity-mapped)
vendor  equ 0x6000
cw      equ 0x6010
cw2     equ 0x6012
result  equ 0x6014
decbuf  equ 0x6020

        times 0xFFF0 - ($ - $$) db 0xFF
        bits 16
reset:  jmp 0xF000:start16        ; reset vector at F000:FFF0
        times 0x10000 - ($ - $$) db 0xFF
