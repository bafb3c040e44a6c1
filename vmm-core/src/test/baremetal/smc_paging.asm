; Block translation cache vs paging: the cache is keyed by physical address, so what a linear address
; executes must follow the page tables (SDM Vol. 3 §4.10: after INVLPG or a CR3 load the new mapping is used).
;  - a linear code page remapped to another frame with other code (INVLPG, then a CR3 reload)
;  - two linear aliases of one frame: write through one, execute through the other
;  - a frame's code replaced while it is not mapped, then mapped again (page reuse)
;  - near indirect calls and returns into a remapped page: the block engine's indirect-target cache
;    (linear address -> block) must not serve the old frame's code after INVLPG
%include "lib.inc"

FRAME1          equ 0x60000
FRAME2          equ 0x61000
FRAME3          equ 0x62000
DRIVER          equ 0x64000             ; identity-mapped RAM: near calls from flat code
LIN             equ 0x300000
LIN2            equ 0x301000
PTE_FLAGS       equ 7                   ; present, writable, user

%macro COPY 3
        mov esi, ROM_BASE + %2
        mov edi, %1
        mov ecx, %3 - %2
        rep movsb
%endmacro

%macro MAP 2
        mov dword [PT_BASE + ((%1) >> 12) * 4], (%2) | PTE_FLAGS
%endmacro

main:
        ENTER_PM32 pm_main

bits 32
pm_main:
        ENABLE_PAGING
        COPY FRAME1, v1, v1_end
        COPY FRAME2, v2, v2_end
        MAP LIN, FRAME1
        invlpg [LIN]
        call FLATCODE32:LIN
        CHECK "remap_initial", eax, 0xAAAA0001
        call FLATCODE32:LIN
        CHECK "remap_initial_cached", eax, 0xAAAA0001

        MAP LIN, FRAME2
        invlpg [LIN]
        call FLATCODE32:LIN
        CHECK "remap_after_invlpg", eax, 0xBBBB0002

        MAP LIN, FRAME1
        mov eax, cr3
        mov cr3, eax
        call FLATCODE32:LIN
        CHECK "remap_after_cr3_reload", eax, 0xAAAA0001

        ; ---- two aliases of FRAME1 ----
        MAP LIN2, FRAME1
        invlpg [LIN2]
        call FLATCODE32:LIN2
        CHECK "alias_exec_second", eax, 0xAAAA0001
        mov dword [LIN2 + 1], 0xCCCC0003        ; patch through alias 2 ...
        call FLATCODE32:LIN                     ; ... execute through alias 1
        CHECK "alias_write_2_exec_1", eax, 0xCCCC0003
        mov dword [LIN + 1], 0xDDDD0004
        call FLATCODE32:LIN2
        CHECK "alias_write_1_exec_2", eax, 0xDDDD0004
        call FLATCODE32:LIN
        CHECK "alias_exec_1_again", eax, 0xDDDD0004

        ; ---- page reuse: unmap, new code into the frame through the identity map, map again ----
        mov dword [PT_BASE + (LIN >> 12) * 4], 0
        invlpg [LIN]
        COPY FRAME1, v3, v3_end                 ; physical frame rewritten while LIN is unmapped
        MAP LIN, FRAME1
        invlpg [LIN]
        call FLATCODE32:LIN
        CHECK "page_reuse_new_code", eax, 0x33330005

        ; ---- a frame never written, reached under a linear page that held other code ----
        COPY FRAME3, v1, v1_end
        MAP LIN, FRAME3
        invlpg [LIN]
        call FLATCODE32:LIN
        CHECK "remap_third_frame", eax, 0xAAAA0001

        ; ---- near CALL r32 / RET into LIN, remapped between two runs of the same loop ----
        COPY DRIVER, drv, drv_end
        COPY FRAME1, v4, v4_end
        COPY FRAME2, v5, v5_end
        MAP LIN, FRAME1
        invlpg [LIN]
        call FLATCODE32:DRIVER
        push edx
        CHECK "near_call_initial", eax, 0x44440006
        CHECK "near_call_loop_sum", dword [esp], (8 * 0x44440006) & 0xFFFFFFFF
        add esp, 4
        MAP LIN, FRAME2
        invlpg [LIN]
        call FLATCODE32:DRIVER
        push edx
        CHECK "near_call_after_remap", eax, 0x55550007
        CHECK "near_call_after_remap_sum", dword [esp], (8 * 0x55550007) & 0xFFFFFFFF
        add esp, 4
        EXIT

drv:    mov ecx, 8                      ; copied to DRIVER: only relative branches inside it
        xor edx, edx
        mov ebx, LIN
.loop:  call ebx
        add edx, eax
        dec ecx
        jnz .loop
        retf
drv_end:
v4:     mov eax, 0x44440006
        ret
v4_end:
v5:     mov eax, 0x55550007
        ret
v5_end:

v1:     mov eax, 0xAAAA0001
        retf
v1_end:
v2:     mov eax, 0xBBBB0002
        retf
v2_end:
v3:     nop
        mov eax, 0x33330005
        retf
v3_end:

        ROM_END
