; Real-mode interrupts, the switch to protected mode, segment-register loads and their faults,
; the hidden descriptor cache, and LAR/LSL/VERR/VERW (SDM Vol. 3 §3.4, §5.5-5.7, §9.9, §20.1).
%include "lib.inc"

TESTSEL         equ FREE_SEL            ; 0x48 scratch data descriptor
NPSEL           equ FREE_SEL + 8        ; 0x50 not-present data segment
CONFSEL         equ FREE_SEL + 16       ; 0x58 conforming readable code, DPL 3
XOSEL           equ FREE_SEL + 24       ; 0x60 execute-only code

main:
        ; ---- real mode: INT n through the IVT pushes FLAGS/CS/IP and clears IF/TF ----
        mov word [0x30 * 4], rm_handler
        mov word [0x30 * 4 + 2], 0xF000
        mov byte [0x600], 0
        sti
        int 0x30
rm_after:
        cli
        cmp byte [0x600], 1
        jne .bad1
        PASS "real_int_iret"
        jmp .n1
.bad1:  FAIL "real_int_iret", "handler did not run"
.n1:    cmp word [0x602], rm_after
        jne .bad2
        cmp word [0x604], 0xF000
        jne .bad2
        test word [0x606], 0x200        ; IF was set in the pushed FLAGS
        jz .bad2
        test word [0x608], 0x200        ; and clear inside the handler
        jnz .bad2
        PASS "real_int_frame"
        jmp .n2
.bad2:  FAIL "real_int_frame", "pushed frame or IF wrong"
.n2:
        ; ---- real mode: #DE is a fault: the pushed IP is the DIV itself (SDM §6.5) ----
        mov word [0], rm_de_handler
        mov word [2], 0xF000
        xor bl, bl
        mov ax, 1
div_insn:
        div bl                                  ; 2 bytes; the handler skips it
        movzx eax, word [0x60A]
        CHECK "real_de_fault_ip", eax, div_insn
        ENTER_PM32 pm_main

rm_de_handler:
        push bp
        mov bp, sp
        mov ax, [bp + 2]
        mov [0x60A], ax
        add word [bp + 2], 2
        pop bp
        iret

rm_handler:
        mov byte [0x600], 1
        mov bp, sp
        mov ax, [bp]
        mov [0x602], ax
        mov ax, [bp + 2]
        mov [0x604], ax
        mov ax, [bp + 4]
        mov [0x606], ax
        pushf
        pop ax
        mov [0x608], ax
        iret

bits 32
pm_main:
        mov eax, cr0
        and eax, 1
        CHECK "pm_entered", eax, 1
        mov ax, cs
        movzx eax, ax
        CHECK "cpl0_cs", eax, CODE32

        ; accessed bit set in memory by the loads done by the lib
        movzx eax, byte [GDT_BASE + DATA32 + 5]
        CHECK "accessed_bit", eax, 0x93

        sgdt [0x700]
        movzx eax, word [0x700]
        CHECK "sgdt_limit", eax, GDT_ENTRIES * 8 - 1
        CHECK "sgdt_base", dword [0x702], GDT_BASE

        ; ---- segment loads and their faults ----
        SET_DESC NPSEL, WORK, 0xFFFF, 0x12, 0x4          ; data, not present
        SET_DESC CONFSEL, 0xF0000, 0xFFFF, 0xFE, 0x4     ; conforming readable code, DPL 3
        SET_DESC XOSEL, 0xF0000, 0xFFFF, 0x98, 0x4       ; execute-only code

        xor eax, eax
        mov fs, ax
        PASS "null_to_fs"

        EXPECT_FAULT .r1
        xor eax, eax
        mov ss, ax
.r1:    CHECK_FAULT "null_to_ss_gp0", 13, 0

        EXPECT_FAULT .r2
        mov ax, GDT_ENTRIES * 8 + 0x10        ; beyond the GDT limit
        mov ds, ax
.r2:    CHECK_FAULT "beyond_gdt_gp", 13, GDT_ENTRIES * 8 + 0x10

        EXPECT_FAULT .r3
        mov ax, TSS_SEL
        mov es, ax
.r3:    CHECK_FAULT "system_desc_gp", 13, TSS_SEL

        EXPECT_FAULT .r4
        mov ax, CODE32
        mov ss, ax
.r4:    CHECK_FAULT "code_to_ss_gp", 13, CODE32

        EXPECT_FAULT .r5
        mov ax, NPSEL
        mov gs, ax
.r5:    CHECK_FAULT "not_present_np", 11, NPSEL

        EXPECT_FAULT .r6
        mov ax, NPSEL
        mov ss, ax                                     ; SS not present -> #SS, but first DPL ok, type rw? 0x12 is rw
.r6:    CHECK_FAULT "ss_not_present_ss", 12, NPSEL

        EXPECT_FAULT .r7
        mov ax, DATA32_R3
        mov ss, ax                                     ; RPL 3 != CPL 0
.r7:    CHECK_FAULT "ss_rpl_gp", 13, DATA32_R3 & 0xFFFC

        EXPECT_FAULT .r8
        mov ax, XOSEL
        mov ds, ax                                     ; execute-only code into DS
.r8:    CHECK_FAULT "exec_only_to_ds_gp", 13, XOSEL

        EXPECT_FAULT .r9
        mov ax, CONFSEL
        mov ds, ax                                     ; readable conforming code: allowed
.r9:    mov ax, DATA32
        mov ds, ax
        CHECK "conforming_to_ds_ok", dword [last_vec], 0xFFFFFFFF

        EXPECT_FAULT .r10
        mov ax, DATA32 | 3                             ; RPL 3 > DPL 0 for a data segment
        mov es, ax
.r10:   CHECK_FAULT "data_rpl_gp", 13, DATA32

        EXPECT_FAULT .r11
        mov ax, 0x0004 | 0x8                           ; LDT selector with no LDT loaded
        mov es, ax
.r11:   CHECK_FAULT "ldt_null_gp", 13, 0x0C

        ; ---- hidden descriptor cache (SDM §3.4.3) ----
        SET_DESC TESTSEL, WORK, 0xFFFF, 0x92, 0x4
        mov dword [WORK], 0x11111111
        mov dword [WORK + 0x100], 0x22222222
        mov ax, TESTSEL
        mov fs, ax
        SET_DESC TESTSEL, WORK + 0x100, 0xFFFF, 0x92, 0x4   ; move the segment in memory only
        mov eax, [fs:0]
        CHECK "cache_survives_rewrite", eax, 0x11111111
        mov dword [GDT_BASE + TESTSEL], 0                    ; even a zeroed descriptor
        mov dword [GDT_BASE + TESTSEL + 4], 0
        mov eax, [fs:0]
        CHECK "cache_survives_zeroing", eax, 0x11111111
        SET_DESC TESTSEL, WORK + 0x100, 0xFFFF, 0x92, 0x4
        mov ax, TESTSEL
        mov fs, ax
        mov eax, [fs:0]
        CHECK "reload_uses_new_base", eax, 0x22222222

        ; ---- LAR / LSL / VERR / VERW ----
        mov eax, 0xFFFFFFFF
        mov bx, DATA32
        lar eax, bx
        jnz .lar_bad
        and eax, 0x00F0FF00                 ; bits 19:16 are undefined (SDM Vol. 2 LAR)
        CHECK "lar_data", eax, 0x00C09300
        jmp .lar_done
.lar_bad: FAIL "lar_data", "ZF clear"
.lar_done:
        mov bx, TSS_SEL
        lsl eax, bx
        jnz .lsl_bad
        CHECK "lsl_tss", eax, TSS_LIMIT
        jmp .lsl_done
.lsl_bad: FAIL "lsl_tss", "ZF clear"
.lsl_done:
        mov bx, DATA32
        lsl eax, bx
        CHECK "lsl_g_scaled", eax, 0xFFFFFFFF
        mov eax, 0x1234
        mov bx, 0
        lar eax, bx
        jz .lar0_bad
        CHECK "lar_null_zf0", eax, 0x1234
        jmp .lar0_done
.lar0_bad: FAIL "lar_null_zf0", "ZF set for the null selector"
.lar0_done:
        mov bx, CODE32
        verr bx
        setz al
        mov bx, XOSEL
        verr bx
        setz ah
        mov bx, CODE32
        verw bx
        setz cl
        mov bx, DATA32
        verw bx
        setz ch
        movzx eax, ax
        movzx ecx, cx
        shl ecx, 16
        or eax, ecx
        CHECK "verr_verw", eax, 0x01000001

        ; ---- back to real mode (SDM §9.9.2): 16-bit segment, PE cleared, far jump ----
        mov ax, DATA32                          ; DS keeps its 4 GiB limit in real mode ("unreal")
        mov ds, ax
        jmp CODE16:pm16
bits 16
pm16:
        mov ax, DATA16                          ; a 64 KiB 16-bit stack for real mode
        mov ss, ax
        mov eax, cr0
        and eax, ~1
        mov cr0, eax
        jmp 0xF000:real_again
real_again:
        xor ax, ax
        mov ss, ax
        mov ds, ax
        mov sp, 0x7C00
        mov dword [dword 0x20000], 0x12345678   ; offset above 0xFFFF: fine with the cached big limit
        mov eax, [dword 0x20000]
        CHECK "unreal_big_limit", eax, 0x12345678
        lidt [cs:ivt_ptr]
        mov byte [0x600], 0
        int 0x30
        movzx eax, byte [0x600]
        CHECK "real_mode_again_int", eax, 1
        EXIT

ivt_ptr:
        dw 0x3FF
        dd 0

        ROM_END
