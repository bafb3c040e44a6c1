; Block translation cache vs paging: the cache is keyed by physical address, so what a linear address
; executes must follow the page tables (SDM Vol. 3 §4.10: after INVLPG or a CR3 load the new mapping is used).
;  - a linear code page remapped to another frame with other code (INVLPG, then a CR3 reload)
;  - two linear aliases of one frame: write through one, execute through the other
;  - a frame's code replaced while it is not mapped, then mapped again (page reuse)
%include "lib.inc"

FRAME1          equ 0x60000
FRAME2          equ 0x61000
FRAME3          equ 0x62000
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
        EXIT

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
