; Local descriptor tables (SDM Vol. 3 §3.5.1, §7.2.1): LLDT checks, TI=1 selectors and the LDT
; limit, a null LDTR, LAR on an LDT descriptor, and a task switch loading LDTR from the new TSS.
%include "lib.inc"

LDTSEL          equ FREE_SEL            ; 0x48 LDT at LDTBASE, 3 entries
LDTNP           equ FREE_SEL + 8        ; 0x50 LDT descriptor, not present
TSS2            equ FREE_SEL + 16       ; 0x58 TSS of a task whose LDT field is LDTSEL
LDTBASE         equ WORK
T2BASE          equ WORK + 0x1000
L_DATA          equ 0x04                ; LDT index 0, TI=1: data at WORK + 0x2000
L_DATA3         equ 0x0C | 3            ; LDT index 1: DPL 3 data at WORK + 0x3000
V_TASKVAL       equ 0x600
V_TASKLDT       equ 0x604

main:
        ENTER_PM32 pm_main

bits 32
pm_main:
        SET_DESC LDTSEL, LDTBASE, 0x17, 0x82, 0
        SET_DESC LDTNP, LDTBASE, 0x17, 0x02, 0
        ; LDT entries (written like GDT entries, at LDTBASE)
        mov dword [LDTBASE + 0], 0x0000FFFF
        mov dword [LDTBASE + 4], 0x00409200 | ((WORK + 0x2000) >> 16 & 0xFF)
        mov word [LDTBASE + 2], (WORK + 0x2000) & 0xFFFF
        mov dword [LDTBASE + 8], 0x0000FFFF
        mov dword [LDTBASE + 12], 0x0040F200 | ((WORK + 0x3000) >> 16 & 0xFF)
        mov word [LDTBASE + 10], (WORK + 0x3000) & 0xFFFF
        mov dword [LDTBASE + 16], 0
        mov dword [LDTBASE + 20], 0

        mov ax, LDTSEL
        lldt ax
        sldt ax
        movzx eax, ax
        CHECK "sldt", eax, LDTSEL
        mov dword [WORK + 0x2000], 0x600DF00D
        mov ax, L_DATA
        mov es, ax
        mov eax, [es:0]
        CHECK "ldt_segment_base", eax, 0x600DF00D
        mov ax, L_DATA3
        mov fs, ax
        mov dword [fs:4], 0x33
        CHECK "ldt_dpl3_segment", dword [WORK + 0x3004], 0x33

        EXPECT_FAULT .r1
        mov ax, 0x1C                            ; index 3: beyond the LDT limit 0x17
        mov gs, ax
.r1:    CHECK_FAULT "ldt_limit_gp", 13, 0x1C
        EXPECT_FAULT .r2
        mov ax, 0x14                            ; index 2: a null (type 0) descriptor
        mov gs, ax
.r2:    CHECK_FAULT "ldt_null_descriptor_gp", 13, 0x14

        mov bx, LDTSEL
        lar eax, ebx
        and eax, 0xFF00
        CHECK "lar_ldt_descriptor", eax, 0x8200

        EXPECT_FAULT .r3
        mov ax, DATA32
        lldt ax
.r3:    CHECK_FAULT "lldt_not_ldt_gp", 13, DATA32
        EXPECT_FAULT .r4
        mov ax, LDTNP
        lldt ax
.r4:    CHECK_FAULT "lldt_not_present_np", 11, LDTNP
        EXPECT_FAULT .r5
        mov ax, L_DATA                          ; LLDT needs a GDT selector
        lldt ax
.r5:    CHECK_FAULT "lldt_ti1_gp", 13, L_DATA

        xor ax, ax
        lldt ax
        EXPECT_FAULT .r6
        mov ax, L_DATA
        mov gs, ax
.r6:    CHECK_FAULT "null_ldtr_gp", 13, L_DATA
        ; ES still holds the LDT segment (hidden cache)
        mov eax, [es:0]
        CHECK "ldt_cache_survives_lldt0", eax, 0x600DF00D

        ; ---- task switch loads LDTR (and segments through it) from the new TSS ----
        mov ax, DATA32                          ; our TSS has no LDT: no LDT selectors may remain
        mov es, ax
        mov fs, ax
        mov edi, T2BASE
        mov ecx, 0x68
        xor al, al
        rep stosb
        mov dword [T2BASE + 0x20], task2
        mov dword [T2BASE + 0x24], 2
        mov dword [T2BASE + 0x38], 0x50000
        mov dword [T2BASE + 0x48], DATA32
        mov dword [T2BASE + 0x4C], CODE32
        mov dword [T2BASE + 0x50], DATA32
        mov dword [T2BASE + 0x54], DATA32
        mov dword [T2BASE + 0x58], L_DATA       ; FS from the task's LDT
        mov dword [T2BASE + 0x60], LDTSEL
        SET_DESC TSS2, T2BASE, 0x67, 0x89, 0
        call TSS2:0
        CHECK "task_ldt_segment", dword [V_TASKVAL], 0x600DF00D
        CHECK "task_ldtr", dword [V_TASKLDT], LDTSEL
        sldt ax
        movzx eax, ax
        CHECK "iret_task_ldtr_from_old_tss", eax, 0
        EXIT

task2:
        mov eax, [fs:0]
        mov [V_TASKVAL], eax
        sldt ax
        movzx eax, ax
        mov [V_TASKLDT], eax
        iretd
        jmp task2

        ROM_END
