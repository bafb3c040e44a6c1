; Exception classes and double faults (SDM Vol. 3 §6.15 interrupt 8, Table 6-5): a benign exception
; whose delivery faults is handled serially; contributory + contributory gives #DF(0); a #DF through a
; task gate recovers from a broken ring-0 stack (TSS.SS0 null while a ring-3 fault is delivered).
%include "lib.inc"

DFTSS           equ FREE_SEL            ; 0x48 TSS of the double-fault task
DFBASE          equ WORK + 0x1000
V_DFERR         equ 0x600
V_DFLINK        equ 0x604
V_DFCS          equ 0x608

main:
        ENTER_PM32 pm_main

bits 32
pm_main:
        ; ---- benign (#UD) then contributory (#NP) during its delivery: serial, #NP(6*8+2+EXT) ----
        and byte [IDT_BASE + 6 * 8 + 5], 0x7F           ; #UD gate not present
        EXPECT_FAULT .r1
        ud2
.r1:    and dword [last_err], ~1                         ; EXT: set per SDM §6.13, QEMU leaves it 0
        CHECK_FAULT "ud_gate_np_serial", 11, 6 * 8 + 2
        or byte [IDT_BASE + 6 * 8 + 5], 0x80

        ; ---- #GP whose gate is not present: #NP during #GP -> #DF(0) ----
        and byte [IDT_BASE + 13 * 8 + 5], 0x7F
        EXPECT_FAULT .r2
        mov ax, GDT_ENTRIES * 8 - 8                      ; a null descriptor inside the GDT
        mov ds, ax
.r2:    CHECK_FAULT "gp_then_np_double_fault", 8, 0
        or byte [IDT_BASE + 13 * 8 + 5], 0x80
        mov ax, DATA32
        mov ds, ax

        ; ---- #DF through a task gate when the ring-0 stack is unusable ----
        mov edi, DFBASE
        mov ecx, 0x68
        xor al, al
        rep stosb
        mov dword [DFBASE + 0x20], df_task
        mov dword [DFBASE + 0x24], 2
        mov dword [DFBASE + 0x38], 0x58000
        mov dword [DFBASE + 0x48], DATA32
        mov dword [DFBASE + 0x4C], CODE32
        mov dword [DFBASE + 0x50], DATA32
        mov dword [DFBASE + 0x54], DATA32
        SET_DESC DFTSS, DFBASE, 0x67, 0x89, 0
        SET_GATE 8, DFTSS, 0, 0x85
        mov word [TSS_BASE + 8], 0                       ; SS0 := null
        RING3 ring3

ring3:
        mov ax, DATA32_R3
        mov ds, ax
        cli                                              ; #GP(0) -> #TS(EXT) on the stack switch -> #DF
.resume:
        CHECK "df_task_gate_recovers", dword [V_DFERR], 0
        CHECK "df_task_back_link", dword [V_DFLINK], TSS_SEL
        CHECK "df_task_saw_ring3_cs", dword [V_DFCS], CODE32_R3
        mov ax, cs
        and eax, 3
        CHECK "df_iret_back_to_ring3", eax, 3
        RING0 done

done:
        ; ---- page fault while delivering a page fault -> #DF (Table 6-5); CR2 = the second fault ----
        ENABLE_PAGING
        mov dword [DFBASE + 0x1C], PD_BASE              ; the #DF task's CR3
        mov dword [DFBASE + 0x20], df_task2
        mov dword [DFBASE + 0x38], 0x58000
        UNMAP 0x70000                                    ; the stack page
        UNMAP 0x71000                                    ; the data page
        mov [saved_esp], esp
        mov dword [V_DFERR], 0xFFFFFFFF
        mov esp, 0x70100
        mov eax, [0x71000]                               ; #PF; pushing its frame at 0x700FC -> #PF -> #DF
.pfresume:
        mov esp, [saved_esp]
        CHECK "pf_during_pf_double_fault", dword [V_DFERR], 0
        mov eax, cr2
        CHECK "pf_pf_cr2_second_fault", eax, 0x700FC
        EXIT

df_task:
        pop eax                                          ; error code on the DF task's stack
        mov [V_DFERR], eax
        movzx eax, word [DFBASE]
        mov [V_DFLINK], eax
        movzx eax, word [TSS_BASE + 0x4C]
        mov [V_DFCS], eax
        mov word [TSS_BASE + 8], DATA32                  ; repair SS0
        mov dword [TSS_BASE + 0x20], ring3.resume         ; and resume the interrupted task
        iretd
        jmp df_task

df_task2:                                                ; the #PF+#PF case: resume with a good stack
        pop eax
        mov [V_DFERR], eax
        mov eax, [saved_esp]
        mov [TSS_BASE + 0x38], eax
        mov dword [TSS_BASE + 0x20], done.pfresume
        iretd
        jmp df_task2

        ROM_END
