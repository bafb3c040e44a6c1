; Compute benchmark for the block translation cache: ~110 M instructions of integer code in 32-bit
; protected mode (loads/stores, ALU, calls, conditional branches), then prints a checksum and exits.
; Build: nasm -f bin -I ../baremetal/ -o compute.bin compute.asm
; Run:   ./vmm run --bios compute.bin --tcache off --stats   (and --tcache on)
%include "lib.inc"

BUF     equ 0x100000
ROUNDS  equ 2500

main:
        ENTER_PM32 pm_main

bits 32
pm_main:
        mov edi, BUF                    ; fill 16 KiB with a pattern
        mov ecx, 4096
        mov eax, 0x12345678
.fill:  stosd
        imul eax, eax, 1103515245
        add eax, 12345
        loop .fill
        xor edx, edx                    ; checksum
        mov ebp, ROUNDS
.round: mov esi, BUF
        mov ecx, 4096
.sum:   mov eax, [esi]
        call mix
        add esi, 4
        dec ecx
        jnz .sum
        dec ebp
        jnz .round
        mov eax, edx
        PRINT "checksum "
        PRINT_EAX
        PRINT {10}
        PASS "compute_done"
        EXIT

mix:    xor edx, eax
        rol edx, 5
        test eax, 1
        jz .even
        add edx, 0x9E3779B9
        ret
.even:  sub edx, ecx
        mov [esi], edx
        ret

        ROM_END
