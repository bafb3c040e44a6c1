; Hardware task switching (SDM Vol. 3 ch. 7): CALL/JMP to a TSS, CALL through a task gate, INT
; through an IDT task gate, exceptions through a task gate (error code on the new task's stack),
; back link, NT, busy bits, CR0.TS, IRET to the previous task, a 16-bit TSS.
%include "lib.inc"

TSS2            equ FREE_SEL            ; 0x48 32-bit TSS at T2BASE
TSS3            equ FREE_SEL + 8        ; 0x50 16-bit TSS at T3BASE
TGATE2          equ FREE_SEL + 16       ; 0x58 task gate -> TSS2
TSS4            equ FREE_SEL + 24       ; 0x60 32-bit TSS at T4BASE (#GP handler task)
TSS5            equ FREE_SEL + 32       ; 0x68 task B of the nesting chain
TSS6            equ FREE_SEL + 40       ; 0x70 task C of the nesting chain
T5BASE          equ WORK + 0x4000
T6BASE          equ WORK + 0x5000
V_C_LINK        equ 0x620
V_C_BUSY        equ 0x624               ; busy bytes of TSS_SEL, TSS5, TSS6 as seen by task C
V_C_VEC         equ 0x630
V_C_ERR         equ 0x634
V_B_AFTER       equ 0x638               ; TSS6 type byte after C returned to B
T2BASE          equ WORK + 0x1000
T3BASE          equ WORK + 0x2000
T4BASE          equ WORK + 0x3000
; result variables
V_TR            equ 0x600
V_NT            equ 0x604
V_LINK          equ 0x608
V_OLDTYPE       equ 0x60C
V_NEWTYPE       equ 0x610
V_TS            equ 0x614
V_RUNS          equ 0x618
V_ERR           equ 0x61C

main:
        ENTER_PM32 pm_main

bits 32
; Fills a 32-bit TSS: edi = base, ebx = EIP, edx = ESP
init_tss32:
        push edi
        push ecx
        push eax
        mov ecx, 0x68
        xor al, al
        rep stosb
        pop eax
        pop ecx
        pop edi
        mov [edi + 0x20], ebx
        mov dword [edi + 0x24], 2
        mov [edi + 0x38], edx
        mov dword [edi + 0x48], DATA32
        mov dword [edi + 0x4C], CODE32
        mov dword [edi + 0x50], DATA32
        mov dword [edi + 0x54], DATA32
        mov word [edi + 0x66], 0x68
        ret

pm_main:
        mov edi, T2BASE
        mov ebx, task2
        mov edx, 0x50000
        call init_tss32
        mov edi, T4BASE
        mov ebx, task4
        mov edx, 0x52000
        call init_tss32
        SET_DESC TSS2, T2BASE, 0x67, 0x89, 0
        SET_DESC TSS4, T4BASE, 0x67, 0x89, 0
        SET_DESC TSS3, T3BASE, 0x2B, 0x81, 0
        mov word [GDT_BASE + TGATE2 + 2], TSS2
        mov word [GDT_BASE + TGATE2 + 4], 0x8500
        SET_GATE 0x60, TSS2, 0, 0x85
        ; 16-bit TSS: IP, FLAGS, SP, CS, SS, DS, ES
        mov word [T3BASE + 0x0E], task3
        mov word [T3BASE + 0x10], 2
        mov word [T3BASE + 0x1A], 0xF000
        mov word [T3BASE + 0x22], DATA16
        mov word [T3BASE + 0x24], CODE16
        mov word [T3BASE + 0x26], DATA16
        mov word [T3BASE + 0x28], DATA16

        ; ---- CALL to a TSS descriptor ----
        mov eax, 0x12345678
        mov esi, 0xCAFE0001
        call TSS2:0
        CHECK "call_tss_regs_restored", eax, 0x12345678
        CHECK "call_tss_esi_restored", esi, 0xCAFE0001
        CHECK "call_tss_tr", dword [V_TR], TSS2
        CHECK "call_tss_nt_set", dword [V_NT], 0x4000
        CHECK "call_tss_back_link", dword [V_LINK], TSS_SEL
        CHECK "call_tss_old_busy", dword [V_OLDTYPE], 0x8B
        CHECK "call_tss_new_busy", dword [V_NEWTYPE], 0x8B
        CHECK "task_switch_sets_ts", dword [V_TS], 8
        movzx eax, byte [GDT_BASE + TSS2 + 5]
        CHECK "iret_task_clears_busy", eax, 0x89
        str ax
        movzx eax, ax
        CHECK "iret_task_tr", eax, TSS_SEL
        mov eax, [T2BASE + 0x24]
        and eax, 0x4000
        CHECK "iret_task_saves_nt_clear", eax, 0
        clts

        ; ---- JMP to a TSS: no nesting, old task not busy ----
        jmp TSS2:0
        CHECK "jmp_tss_nt_clear", dword [V_NT], 0
        CHECK "jmp_tss_old_not_busy", dword [V_OLDTYPE], 0x89
        CHECK "jmp_tss_runs", dword [V_RUNS], 2
        movzx eax, byte [GDT_BASE + TSS_SEL + 5]
        CHECK "jmp_back_busy_again", eax, 0x8B
        movzx eax, byte [GDT_BASE + TSS2 + 5]
        CHECK "jmp_away_clears_busy", eax, 0x89

        ; ---- CALL through a task gate, INT through an IDT task gate ----
        call TGATE2:0
        CHECK "call_task_gate_link", dword [V_LINK], TSS_SEL
        CHECK "call_task_gate_runs", dword [V_RUNS], 3
        int 0x60
        CHECK "int_task_gate_nt", dword [V_NT], 0x4000
        CHECK "int_task_gate_runs", dword [V_RUNS], 4

        ; ---- a chain A -> B -> C of nested tasks, unwound by IRET (SDM §7.4) ----
        mov edi, T5BASE
        mov ebx, task_b
        mov edx, 0x54000
        call init_tss32
        mov edi, T6BASE
        mov ebx, task_c
        mov edx, 0x56000
        call init_tss32
        SET_DESC TSS5, T5BASE, 0x67, 0x89, 0
        SET_DESC TSS6, T6BASE, 0x67, 0x89, 0
        call TSS5:0
        CHECK "chain_c_back_link_b", dword [V_C_LINK], TSS5
        CHECK "chain_all_busy_in_c", dword [V_C_BUSY], 0x008B8B8B
        CHECK "chain_call_busy_a_gp_vec", dword [V_C_VEC], 13
        CHECK "chain_call_busy_a_gp_err", dword [V_C_ERR], TSS_SEL
        CHECK "chain_c_free_after_iret", dword [V_B_AFTER], 0x89
        movzx eax, byte [GDT_BASE + TSS5 + 5]
        CHECK "chain_b_free_after_iret", eax, 0x89

        ; ---- switching to a busy TSS ----
        EXPECT_FAULT .r1
        jmp TSS_SEL:0
.r1:    CHECK_FAULT "jmp_busy_tss_gp", 13, TSS_SEL

        ; ---- exception through a task gate: error code pushed on the new task's stack ----
        SET_GATE 13, TSS4, 0, 0x85
        mov ax, FREE_SEL + 0x100                ; beyond the GDT? no: inside, a null descriptor
        mov ds, ax                              ; -> #GP(0x148) handled by task 4
.r2:    mov ax, DATA32
        mov ds, ax
        CHECK "exception_task_gate_error", dword [V_ERR], FREE_SEL + 0x100
        str ax
        movzx eax, ax
        CHECK "exception_task_gate_back", eax, TSS_SEL

        ; ---- 16-bit TSS ----
        mov dword [V_RUNS], 0
        call TSS3:0
        CHECK "tss16_call_iret", dword [V_RUNS], 0x16
        movzx eax, word [T3BASE]
        CHECK "tss16_link", eax, TSS_SEL
        movzx eax, byte [GDT_BASE + TSS3 + 5]
        CHECK "tss16_not_busy_after_iret", eax, 0x81
        EXIT

; task 2: records its view, returns by IRET when nested, else by JMP back
task2:
        inc dword [V_RUNS]
        str ax
        movzx eax, ax
        mov [V_TR], eax
        pushfd
        pop eax
        and eax, 0x4000
        mov [V_NT], eax
        movzx eax, word [T2BASE]
        mov [V_LINK], eax
        movzx eax, byte [GDT_BASE + TSS_SEL + 5]
        mov [V_OLDTYPE], eax
        movzx eax, byte [GDT_BASE + TSS2 + 5]
        mov [V_NEWTYPE], eax
        mov eax, cr0
        and eax, 8
        mov [V_TS], eax
        mov eax, 0xDEAD
        mov esi, 0xDEAD
        cmp dword [V_NT], 0
        je .by_jmp
        iretd
        jmp task2
.by_jmp:
        jmp TSS_SEL:0
        jmp task2

task_b:
        call TSS6:0
        movzx eax, byte [GDT_BASE + TSS6 + 5]
        mov [V_B_AFTER], eax
        iretd
        jmp task_b

task_c:
        movzx eax, word [T6BASE]
        mov [V_C_LINK], eax
        movzx eax, byte [GDT_BASE + TSS_SEL + 5]
        movzx ebx, byte [GDT_BASE + TSS5 + 5]
        shl ebx, 8
        or eax, ebx
        movzx ebx, byte [GDT_BASE + TSS6 + 5]
        shl ebx, 16
        or eax, ebx
        mov [V_C_BUSY], eax
        EXPECT_FAULT .x
        call TSS_SEL:0                          ; task A is busy (in the chain)
.x:     mov eax, [last_vec]
        mov [V_C_VEC], eax
        mov eax, [last_err]
        mov [V_C_ERR], eax
        iretd
        jmp task_c

; task 4: #GP handler task
task4:
        pop eax
        mov [V_ERR], eax
        mov dword [TSS_BASE + 0x20], pm_main.r2  ; resume the faulting task after the fault
        iretd
        jmp task4

bits 16
task3:
        mov dword [V_RUNS], 0x16
        iret
        jmp task3
bits 32

        ROM_END
