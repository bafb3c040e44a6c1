; Privilege levels: interrupt vs trap gates (IF), ring 3 <-> ring 0 through interrupt gates and IRET
; with the TSS stack switch, gate DPL checks, call gates with parameter copying, RETF/IRET to an
; outer level nulling data segments, conforming code (SDM Vol. 3 §5.8, §6.12).
%include "lib.inc"

CALLGATE        equ FREE_SEL            ; 0x48: 32-bit call gate, DPL 3, 2 parameters -> CODE32:cg_handler
CONFCODE        equ FREE_SEL + 8        ; 0x50: conforming code, DPL 0
CALLGATE16      equ FREE_SEL + 16       ; 0x58: 16-bit call gate, DPL 3, 1 parameter -> CODE16:cg16_handler

main:
        ENTER_PM32 pm_main

bits 32
pm_main:
        SET_GATE 0x50, CODE32, flag_handler, 0x8E
        SET_GATE 0x51, CODE32, flag_handler, 0x8F
        SET_GATE 0x52, CODE32, r3_handler, 0xEE
        SET_GATE 0x53, CODE32, flag_handler, 0x8E
        ; call gate: offset 15..0 | selector, P DPL3 type C | param count
        mov word [GDT_BASE + CALLGATE], cg_handler
        mov word [GDT_BASE + CALLGATE + 2], CODE32
        mov word [GDT_BASE + CALLGATE + 4], 0xEC02
        mov word [GDT_BASE + CALLGATE + 6], 0
        mov word [GDT_BASE + CALLGATE16], cg16_handler
        mov word [GDT_BASE + CALLGATE16 + 2], CODE16
        mov word [GDT_BASE + CALLGATE16 + 4], 0xE401
        mov word [GDT_BASE + CALLGATE16 + 6], 0
        SET_DESC CONFCODE, 0xF0000, 0xFFFF, 0x9E, 0x4
        or byte [IOMAP_BASE + 0x80 / 8], 1      ; deny port 0x80
        out 0x80, al                            ; CPL 0 <= IOPL: the bitmap is not consulted
        PASS "ring0_io_ignores_bitmap"

        ; ---- interrupt gate clears IF, trap gate keeps it (SDM §6.12.1.3) ----
        sti
        int 0x50
        cli
        mov eax, [0x600]
        and eax, 0x200
        CHECK "int_gate_clears_if", eax, 0
        sti
        int 0x51
        cli
        mov eax, [0x600]
        and eax, 0x200
        CHECK "trap_gate_keeps_if", eax, 0x200

        ; ---- far jump beyond the CS limit ----
        EXPECT_FAULT .r0
        jmp CODE32:0x12345
.r0:    CHECK_FAULT "far_jmp_limit_gp", 13, 0

        ; ---- to ring 3 by IRET ----
        mov dword [0x6F0], 0xFFFF
        RING3 r3_code

r3_code:
        mov bx, ds                              ; IRET to ring 3 nulls DS (DPL 0)
        mov ax, DATA32_R3
        mov ds, ax
        mov es, ax
        movzx ebx, bx
        CHECK "iret_outer_nulls_ds", ebx, 0
        mov ax, cs
        and eax, 3
        CHECK "ring3_cpl", eax, 3

        ; ---- INT to a DPL-3 interrupt gate: stack switch to SS0:ESP0 ----
        mov [0x610], esp
        int 0x52
.after_int:
        CHECK "int_r3_handler_ss", dword [0x620], DATA32
        CHECK "int_r3_handler_esp", dword [0x624], KSTACK_TOP - 20
        CHECK "int_r3_frame_eip", dword [0x628], .after_int
        CHECK "int_r3_frame_cs", dword [0x62C], CODE32_R3
        mov eax, [0x610]
        CHECK "int_r3_frame_esp", dword [0x634], eax
        CHECK "int_r3_frame_ss", dword [0x638], DATA32_R3
        mov ax, cs
        and eax, 3
        CHECK "iret_back_to_ring3", eax, 3

        ; ---- gate DPL check for INT n (SDM §6.12.1.1) ----
        EXPECT_FAULT .r1
        int 0x53
.r1:    CHECK_FAULT "int_gate_dpl_gp", 13, 0x53 * 8 + 2

        ; ---- IOPL-sensitive / privileged instructions at CPL 3 ----
        EXPECT_FAULT .r2
        cli
.r2:    CHECK_FAULT "cli_ring3_gp", 13, 0
        EXPECT_FAULT .r3
        hlt
.r3:    CHECK_FAULT "hlt_ring3_gp", 13, 0
        EXPECT_FAULT .r4
        mov ax, DATA32
        mov fs, ax
.r4:    CHECK_FAULT "ring3_load_dpl0_data_gp", 13, DATA32
        EXPECT_FAULT .r5
        jmp CODE32:pm_main
.r5:    CHECK_FAULT "ring3_jmp_dpl0_code_gp", 13, CODE32

        ; ---- CPL 3 > IOPL 0: the TSS I/O bitmap decides (SDM Vol. 1 §19.5.2) ----
        EXPECT_FAULT .r6
        out 0x80, al                            ; bit set by pm_main
.r6:    CHECK_FAULT "ring3_iomap_denied_gp", 13, 0
        EXPECT_FAULT .r7
        mov dx, 0x3F8 + 7
        in al, dx
.r7:    CHECK "ring3_iomap_allowed", dword [last_vec], 0xFFFFFFFF

        ; ---- conforming code runs at the caller's CPL ----
        call CONFCODE:conf_fn
        CHECK "conforming_keeps_cpl3", dword [0x650], CONFCODE | 3

        ; ---- call gate with two dword parameters ----
        mov [0x610], esp
        push dword 0xBBBB2222
        push dword 0xAAAA1111
        call CALLGATE | 3:0
.after_call:
        mov bx, ds                              ; the handler left DS = DATA32 (DPL 0): nulled
        mov ax, DATA32_R3
        mov ds, ax
        movzx ebx, bx
        CHECK "retf_outer_nulls_ds", ebx, 0
        CHECK "callgate_handler_cs", dword [0x660], CODE32
        CHECK "callgate_handler_esp", dword [0x664], KSTACK_TOP - 24
        CHECK "callgate_ret_eip", dword [0x668], .after_call
        CHECK "callgate_ret_cs", dword [0x66C], CODE32_R3
        CHECK "callgate_param0", dword [0x670], 0xAAAA1111
        CHECK "callgate_param1", dword [0x674], 0xBBBB2222
        mov eax, [0x610]
        sub eax, 8
        CHECK "callgate_old_esp", dword [0x678], eax
        CHECK "callgate_old_ss", dword [0x67C], DATA32_R3
        mov eax, [0x610]
        CHECK "retf_imm_pops_params", esp, eax

        ; ---- 16-bit call gate: word frame on the ring-0 stack ----
        push word 0x7777
        call CALLGATE16 | 3:0
.after_call16:
        add esp, 2
        mov ax, DATA32_R3
        mov ds, ax
        CHECK "callgate16_frame_ip", dword [0x680], .after_call16
        CHECK "callgate16_frame_cs", dword [0x684], CODE32_R3
        CHECK "callgate16_param", dword [0x688], 0x7777
        CHECK "callgate16_old_ss", dword [0x690], DATA32_R3

        RING0 back0

back0:
        mov ax, cs
        movzx eax, ax
        CHECK "ring0_again", eax, CODE32
        EXIT

flag_handler:
        pushfd
        pop dword [0x600]
        iretd

r3_handler:
        push ds
        push eax
        mov ax, DATA32
        mov ds, ax
        mov ax, ss
        movzx eax, ax
        mov [0x620], eax
        lea eax, [esp + 8]
        mov [0x624], eax
        mov eax, [esp + 8]
        mov [0x628], eax
        mov eax, [esp + 12]
        mov [0x62C], eax
        mov eax, [esp + 20]
        mov [0x634], eax
        mov eax, [esp + 24]
        mov [0x638], eax
        pop eax
        pop ds
        iretd

conf_fn:
        push eax
        mov ax, cs
        movzx eax, ax
        mov [0x650], eax
        pop eax
        retf

cg_handler:
        push eax
        mov ax, DATA32
        mov ds, ax
        mov ax, cs
        movzx eax, ax
        mov [0x660], eax
        lea eax, [esp + 4]
        mov [0x664], eax
        mov eax, [esp + 4]
        mov [0x668], eax
        mov eax, [esp + 8]
        mov [0x66C], eax
        mov eax, [esp + 12]
        mov [0x670], eax
        mov eax, [esp + 16]
        mov [0x674], eax
        mov eax, [esp + 20]
        mov [0x678], eax
        mov eax, [esp + 24]
        mov [0x67C], eax
        pop eax
        retf 8

bits 16
cg16_handler:
        push ax
        push bp
        mov ax, DATA32
        mov ds, ax
        mov ebp, esp                            ; SS is a 32-bit stack: use ESP, not SP
        movzx eax, word [ebp + 4]
        mov [0x680], eax
        movzx eax, word [ebp + 6]
        mov [0x684], eax
        movzx eax, word [ebp + 8]
        mov [0x688], eax
        movzx eax, word [ebp + 12]
        mov [0x690], eax
        pop bp
        pop ax
        o16 retf 2
bits 32

        ROM_END
