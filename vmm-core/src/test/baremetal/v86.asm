; Virtual-8086 mode (SDM Vol. 3 ch. 20): entry by IRETD, real-mode style segments, IOPL-sensitive
; instructions (CLI STI PUSHF POPF INT n IRET) raising #GP(0) when IOPL < 3 (no VME), INT3 reaching
; the ring-0 handler with GS/FS/DS/ES pushed and zeroed, the TSS I/O bitmap, and IOPL 3 operation.
%include "lib.inc"

V_MODE          equ 0x600               ; 0: INT3 handler returns to V86, 1: continue at phase 2
V_DS_IN_HANDLER equ 0x604
V_FRAME         equ 0x700               ; 9 dwords: EIP CS EFLAGS ESP SS ES DS FS GS
VTSS            equ FREE_SEL            ; 0x48 TSS of a virtual-8086 task
VTSS_BASE       equ WORK + 0x1000

main:
        ENTER_PM32 pm_main

%macro TO_V86 2
        mov [saved_esp], esp
        push dword 0                    ; GS
        push dword 0                    ; FS
        push dword 0                    ; DS
        push dword 0                    ; ES
        push dword 0x7000               ; SS
        push dword 0xFFF0               ; ESP
        push dword %2                   ; EFLAGS
        push dword 0xF000               ; CS
        push dword %1                   ; EIP
        iretd
%endmacro

bits 32
pm_main:
        SET_GATE 3, CODE32, v86_int3, 0xEE
        or byte [IOMAP_BASE + 0x80 / 8], 1       ; deny port 0x80
        mov dword [V_MODE], 0
        TO_V86 v86_phase1, 0x20002               ; VM, IOPL 0

phase2:
        CHECK "v86_int3_exit_to_pm", dword [V_FRAME + 4], 0xF000
        TO_V86 v86_phase2, 0x23002               ; VM, IOPL 3

back_in_pm:
        mov ax, cs
        movzx eax, ax
        CHECK "v86_int_n_to_ring0_iopl3", eax, CODE32

        ; ---- a task switch into a task whose TSS has EFLAGS.VM set (SDM §20.2.2) ----
        mov edi, VTSS_BASE
        mov ecx, 0x68
        xor al, al
        rep stosb
        mov dword [VTSS_BASE + 4], 0x5F000      ; ESP0
        mov dword [VTSS_BASE + 8], DATA32       ; SS0
        mov dword [VTSS_BASE + 0x20], v86_task
        mov dword [VTSS_BASE + 0x24], 0x23002   ; VM, IOPL 3
        mov dword [VTSS_BASE + 0x38], 0xFF00
        mov dword [VTSS_BASE + 0x4C], 0xF000    ; CS, SS: real-mode style selectors
        mov dword [VTSS_BASE + 0x50], 0x7000
        mov dword [VTSS_BASE + 0x54], 0x0060    ; DS
        mov word [VTSS_BASE + 0x66], 0x68
        SET_DESC VTSS, VTSS_BASE, 0x67, 0x89, 0
        SET_GATE 0x41, CODE32, v86_task_exit, 0xEE
        mov dword [0x620], 0
        jmp VTSS:0
        CHECK "v86_task_ran_with_ds_x16", dword [0x620], 0x5A5A
        mov eax, [0x624]
        and eax, 0x20000
        CHECK "v86_task_frame_vm", eax, 0x20000
        CHECK "v86_task_frame_cs", dword [0x628], 0xF000
        CHECK "v86_task_ring0_stack_from_its_tss", dword [0x62C], 0x5F000 - 36
        EXIT

v86_task_exit:                                  ; ring 0, still in the V86 task
        mov ax, DATA32
        mov ds, ax
        mov eax, [esp + 8]
        mov [0x624], eax
        mov eax, [esp + 4]
        mov [0x628], eax
        mov [0x62C], esp
        jmp TSS_SEL:0

v86_int3:
        push eax
        mov ax, ds
        movzx eax, ax
        push eax
        mov ax, DATA32
        mov ds, ax
        pop eax
        mov [V_DS_IN_HANDLER], eax
        push esi
        push edi
        push ecx
        lea esi, [esp + 16]
        mov edi, V_FRAME
        mov ecx, 9
.copy:  mov eax, [esi]
        mov [edi], eax
        add esi, 4
        add edi, 4
        loop .copy
        pop ecx
        pop edi
        pop esi
        cmp dword [V_MODE], 0
        jne .leave
        pop eax
        xor ax, ax                              ; DS was 0 in the frame anyway; IRET reloads it
        mov ds, ax
        iretd
.leave: mov esp, [saved_esp]
        jmp phase2

bits 16
v86_phase1:
        PASS "v86_entered"
        ; ---- segment loads are real-mode style ----
        mov ax, 0x0060
        mov es, ax
        mov word [es:0x10], 0xBEEF
        cmp word [0x610], 0xBEEF
        jne .segbad
        PASS "v86_segment_base_x16"
        jmp .segdone
.segbad: FAIL "v86_segment_base_x16", "ES=0x60 did not address 0x600"
.segdone:
        ; ---- IOPL-sensitive instructions with IOPL 0 ----
        EXPECT_FAULT .r1
        cli
.r1:    CHECK_FAULT "v86_cli_gp", 13, 0
        EXPECT_FAULT .r2
        sti
.r2:    CHECK_FAULT "v86_sti_gp", 13, 0
        EXPECT_FAULT .r3
        pushf
.r3:    CHECK_FAULT "v86_pushf_gp", 13, 0
        EXPECT_FAULT .r4
        popf
.r4:    CHECK_FAULT "v86_popf_gp", 13, 0
        EXPECT_FAULT .r5
        int 0x21
.r5:    CHECK_FAULT "v86_int_n_gp", 13, 0
        EXPECT_FAULT .r6
        iret
.r6:    CHECK_FAULT "v86_iret_gp", 13, 0
        ; ---- I/O permission bitmap ----
        EXPECT_FAULT .r7
        out 0x80, al
.r7:    CHECK_FAULT "v86_iomap_denied_gp", 13, 0
        EXPECT_FAULT .r8
        mov dx, 0x7F
        in ax, dx                               ; ports 7F..80: 80 denied
.r8:    CHECK_FAULT "v86_iomap_word_straddle_gp", 13, 0
        EXPECT_FAULT .r9
        mov dx, 0x3F8 + 7                       ; scratch register: allowed
        in al, dx
.r9:    CHECK "v86_iomap_allowed", dword [last_vec], 0xFFFFFFFF
        ; ---- INT3 is not IOPL-sensitive: ring-0 handler through a DPL-3 gate ----
        int3
.after_int3:
        CHECK "v86_int3_ds_zero_in_handler", dword [V_DS_IN_HANDLER], 0
        CHECK "v86_int3_frame_ip", dword [V_FRAME], .after_int3
        CHECK "v86_int3_frame_ss", dword [V_FRAME + 16], 0x7000
        CHECK "v86_int3_frame_ds", dword [V_FRAME + 24], 0
        mov eax, [V_FRAME + 8]
        and eax, 0x23000
        CHECK "v86_int3_frame_eflags_vm", eax, 0x20000
        mov ax, 0x0060
        mov ds, ax                              ; DS pushed as 0x60 by the next INT3
        int3
        xor ax, ax
        mov ds, ax
        CHECK "v86_int3_frame_ds_pushed", dword [V_FRAME + 24], 0x60
        mov dword [V_MODE], 1
        int3                                    ; leave V86 mode for good

v86_phase2:
        ; IOPL 3: CLI/STI/PUSHF/POPF/IRET execute normally, POPF cannot change IOPL
        cli
        sti
        cli
        pushf
        pop ax
        and ax, 0x3200
        movzx eax, ax
        CHECK "v86_iopl3_pushf", eax, 0x3000
        push word 0x0002                        ; IOPL 0 requested
        popf
        pushf
        pop ax
        and ax, 0x3000
        movzx eax, ax
        CHECK "v86_popf_keeps_iopl", eax, 0x3000
        pushf
        push cs
        push word .after_iret
        iret
        FAIL "v86_iret_iopl3", "fell through"
.after_iret:
        PASS "v86_iret_iopl3"
        RING0 back_in_pm

v86_task:
        mov word [0x20], 0x5A5A                 ; DS = 0x60: linear 0x620
        int 0x41

        ROM_END
