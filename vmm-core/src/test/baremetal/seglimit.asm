; Segment limit and type checks on memory accesses (SDM Vol. 3 §5.3, §5.4, §6.15 #GP/#SS):
; byte-granular limits, expand-down segments, read-only data, writes through CS, null selectors,
; stack-segment limit faults (#SS(0)).
%include "lib.inc"

SMALL           equ FREE_SEL            ; 0x48 data, base WORK, limit 0xFFF
RDONLY          equ FREE_SEL + 8        ; 0x50 read-only data
EXPDOWN         equ FREE_SEL + 16       ; 0x58 expand-down data, limit 0xFFF, B=1
SMALLSS         equ FREE_SEL + 24       ; 0x60 stack, base WORK+0x10000, limit 0xFFF

main:
        ENTER_PM32 pm_main

bits 32
pm_main:
        SET_DESC SMALL, WORK, 0xFFF, 0x92, 0x4
        SET_DESC RDONLY, WORK, 0xFFFF, 0x90, 0x4
        SET_DESC EXPDOWN, WORK, 0xFFF, 0x96, 0x4
        SET_DESC SMALLSS, WORK + 0x10000, 0xFFF, 0x92, 0x4

        mov ax, SMALL
        mov fs, ax
        EXPECT_FAULT .r1
        mov eax, [fs:0xFFC]                     ; last dword inside the limit
.r1:    CHECK "limit_last_dword_ok", dword [last_vec], 0xFFFFFFFF
        EXPECT_FAULT .r2
        mov eax, [fs:0xFFD]                     ; straddles the limit
.r2:    CHECK_FAULT "limit_straddle_gp0", 13, 0
        EXPECT_FAULT .r3
        mov byte [fs:0x1000], 1
.r3:    CHECK_FAULT "limit_write_gp0", 13, 0

        mov ax, RDONLY
        mov gs, ax
        EXPECT_FAULT .r4
        mov eax, [gs:0]
        mov [gs:0], eax                         ; write to read-only data
.r4:    CHECK_FAULT "readonly_write_gp0", 13, 0

        EXPECT_FAULT .r5
        mov [cs:0x10], eax                      ; write through a code segment
.r5:    CHECK_FAULT "code_write_gp0", 13, 0

        mov ax, EXPDOWN
        mov es, ax
        EXPECT_FAULT .r6
        mov eax, [es:0x1000]                    ; expand-down: valid offsets are limit+1 .. 4 GiB-1
.r6:    CHECK "expand_down_above_limit_ok", dword [last_vec], 0xFFFFFFFF
        EXPECT_FAULT .r7
        mov eax, [es:0x800]
.r7:    CHECK_FAULT "expand_down_below_limit_gp0", 13, 0
        mov ax, DATA32
        mov es, ax

        xor ax, ax
        mov fs, ax
        EXPECT_FAULT .r8
        mov eax, [fs:0]                         ; use of a null selector
.r8:    CHECK_FAULT "null_selector_use_gp0", 13, 0

        ; ---- stack segment limit: #SS(0), handler runs on the same (small) stack ----
        mov ebx, esp
        mov ax, SMALLSS
        mov ss, ax
        mov esp, 0xF00
        EXPECT_FAULT .r9
        mov ebp, 0x2000
        mov eax, [ebp]                          ; SS-relative beyond the limit
.r9:    mov ax, DATA32
        mov ss, ax
        mov esp, ebx
        CHECK_FAULT "stack_limit_ss0", 12, 0

        ; ---- a taken Jcc beyond the CS limit (SDM Vol. 2 Jcc: #GP(0)), right after a compare: the fault
        ;      is the jump's (EIP of the jump), the compare before it completed ----
        EXPECT_FAULT .r10
        mov eax, 1
        xor ecx, ecx
        cmp eax, 2                              ; CF = 1: JB taken
.jb:    jb 0x12345                              ; beyond CODE32's limit 0xFFFF
        inc ecx                                 ; not reached
.r10:   CHECK_FAULT "jcc_beyond_cs_limit_gp0", 13, 0
        CHECK "jcc_fault_eip_is_the_jump", dword [last_eip], .jb
        CHECK "jcc_fault_nothing_after", ecx, 0
        EXIT

        ROM_END
