; Self-modifying code against the block translation cache (org.x86play.translate): every check must
; give the same result with the cache on and off (SDM Vol. 3 §8.1.3: a write to code is seen by the
; next fetch of those bytes; on P6 even by instructions already prefetched after a jump-free store).
; Code runs from RAM through the flat code segment (far calls, RETF back).
;  - a write into the next instruction of the block being executed (the rest of the block must not run stale)
;  - code patched from another block, 200 times (past the cache's hot-page limit: interpretation fallback)
;  - REP MOVSB over the instruction following it, and over a whole function
;  - real-mode (16-bit) code patched
;  - the same bytes executed as 32-bit and 16-bit code (CS.D is part of the cache key)
%include "lib.inc"

CODE_A          equ 0x50000
CODE_B          equ 0x51000
CODE_C          equ 0x52000
CODE_D          equ 0x53000
CODE_E          equ 0x7000          ; below 64 KiB: reachable by a 16-bit code segment with base 0
CODE_RM         equ 0x6000          ; real-mode test code (0000:6000)
CODE16_SEL      equ FREE_SEL        ; 16-bit code, base 0

%macro COPY 3
        mov esi, ROM_BASE + %2
        mov edi, %1
        mov ecx, %3 - %2
        rep movsb
%endmacro

main:
        ; ---- real mode: patch 16-bit code in RAM, call it again ----
        mov si, trm
        mov di, CODE_RM
        mov cx, trm_end - trm
        cs rep movsb
        call 0x0000:CODE_RM
        mov bx, ax
        mov word [CODE_RM + 1], 0x4242
        call 0x0000:CODE_RM
        mov [LIBVARS + 0x40], bx
        mov [LIBVARS + 0x42], ax
        ENTER_PM32 pm_main

trm:    mov ax, 0x1234
        retf
trm_end:

bits 32
pm_main:
        movzx eax, word [LIBVARS + 0x40]
        CHECK "realmode_before_patch", eax, 0x1234
        movzx eax, word [LIBVARS + 0x42]
        CHECK "realmode_after_patch", eax, 0x4242

        ; ---- a write into the successor instruction, inside the executing block, 100 times ----
        COPY CODE_A, ta, ta_end
        xor ebx, ebx                            ; mismatches
        mov edx, 0x101                          ; expected value
.a:     call FLATCODE32:CODE_A
        cmp eax, edx
        je .a_ok
        inc ebx
.a_ok:  inc edx
        cmp edx, 0x101 + 100
        jne .a
        CHECK "smc_successor_in_block", ebx, 0
        CHECK "smc_successor_final", dword [CODE_A + (ta_next - ta) + 1], 0x100 + 100

        ; ---- code patched from another block (200 rounds: crosses the hot-page limit) ----
        COPY CODE_B, tb, tb_end
        call FLATCODE32:CODE_B
        CHECK "smc_later_block_initial", eax, 0x5555
        xor ebx, ebx
        mov edx, 1
.b:     mov [CODE_B + 1], edx
        call FLATCODE32:CODE_B
        cmp eax, edx
        je .b_ok
        inc ebx
.b_ok:  inc edx
        cmp edx, 201
        jne .b
        CHECK "smc_later_block_200", ebx, 0

        ; ---- REP MOVSB over the instruction that follows it ----
        COPY CODE_C, tc, tc_end
        call FLATCODE32:CODE_C
        CHECK "smc_rep_movsb_successor", eax, 0x33333333
        call FLATCODE32:CODE_C                  ; runs the patched copy (no REP effect now: same bytes)
        CHECK "smc_rep_movsb_again", eax, 0x33333333

        ; ---- REP MOVSB replacing a whole function that is in the cache ----
        COPY CODE_D, f1, f1_end
        call FLATCODE32:CODE_D
        CHECK "smc_replace_v1", eax, 1
        COPY CODE_D, f2, f2_end
        call FLATCODE32:CODE_D
        CHECK "smc_replace_v2", eax, 2
        COPY CODE_D, f1, f1_end
        call FLATCODE32:CODE_D
        CHECK "smc_replace_v1_again", eax, 1

        ; ---- a data write next to code (same 128-byte chunk) must not disturb it ----
        mov dword [CODE_D + (f1_data - f1)], 0xDEADBEEF
        call FLATCODE32:CODE_D
        CHECK "data_next_to_code", eax, 1

        ; ---- same bytes as 32-bit and as 16-bit code ----
        SET_DESC CODE16_SEL, 0, 0xFFFFF, 0x9A, 0x8
        COPY CODE_E, te, te_end
        xor eax, eax
        call FLATCODE32:CODE_E
        CHECK "mode_key_32bit", eax, 0x566A
        xor eax, eax
        call word CODE16_SEL:CODE_E
        CHECK "mode_key_16bit", eax, 0x12345678
        xor eax, eax
        call FLATCODE32:CODE_E
        CHECK "mode_key_32bit_again", eax, 0x566A
        EXIT

; ---- templates (copied to RAM) ----
ta:     inc dword [CODE_A + (ta_next - ta) + 1]
ta_next:
        mov eax, 0x100
        retf
ta_end:

tb:     mov eax, 0x5555
        retf
tb_end:

tc:     mov esi, ROM_BASE + tc_new
        mov edi, CODE_C + (tc_next - tc)
        mov ecx, tc_new_end - tc_new
        rep movsb
tc_next:
        mov eax, 0x44444444
        retf
tc_end:
tc_new: mov eax, 0x33333333
tc_new_end:

f1:     mov eax, 1
        retf
f1_data: dd 0
f1_end:
f2:     xor eax, eax
        inc eax
        inc eax
        retf
f2_end:

; 32-bit: mov ax, 0x5678 / xor al, 0x12 / retf.  16-bit: mov eax, 0x12345678 / retf.
te:     db 0x66, 0xB8, 0x78, 0x56, 0x34, 0x12, 0xCB
te_end:

        ROM_END
