; 32-bit paging (SDM Vol. 3 ch. 4): enabling paging, aliases, accessed/dirty bits, page-fault error codes
; and CR2 (not present, CR0.WP, user/supervisor from ring 3, user fetch from a supervisor page,
; reserved bits in a 4 MiB PDE), a faulting page-crossing write leaving no partial write, INVLPG,
; CR3 reload and CR4.PGE toggle flushing, 4 MiB pages (CR4.PSE).
; Only architecturally guaranteed TLB effects are checked: a TLB may always drop entries, so
; "stale until flushed" and "global survives a CR3 load" are not asserted here (unit tests cover them).
%include "lib.inc"

PD              equ 0x50000             ; page directory
PT0             equ 0x51000             ; identity map of 0..4 MiB, user + writable
PT1             equ 0x52000             ; linear 0x00400000..0x007FFFFF, test pages
FRAME_A         equ 0x60000
FRAME_B         equ 0x61000
FRAME_C         equ 0x62000
FRAME_D         equ 0x63000

PG_P            equ 1
PG_RW           equ 2
PG_US           equ 4
PG_A            equ 0x20
PG_D            equ 0x40
PG_PS           equ 0x80
PG_G            equ 0x100

LIN_A           equ 0x00400000          ; PT1[0] -> FRAME_A, user RW
LIN_SUP         equ 0x00401000          ; PT1[1] -> FRAME_B, supervisor RW
LIN_NP          equ 0x00402000          ; PT1[2] not present
LIN_RO          equ 0x00403000          ; PT1[3] -> FRAME_C, supervisor read-only
LIN_X           equ 0x00404000          ; PT1[4] -> FRAME_D, user RW; PT1[5] not present
LIN_URO         equ 0x00406000          ; PT1[6] -> FRAME_A, user read-only

main:
        ENTER_PM32 pm_main

bits 32
pm_main:
        ; ---- build the tables (paging still off) ----
        mov edi, PD
        mov ecx, 0x3000 / 4
        xor eax, eax
        rep stosd
        mov edi, FRAME_A
        mov ecx, 0x4000 / 4
        rep stosd
        mov edi, PT0
        mov eax, PG_P | PG_RW | PG_US
.fill:  stosd
        add eax, 0x1000
        cmp edi, PT0 + 0x1000
        jb .fill
        ; the page holding sup_code_page: supervisor only (user fetch test)
        mov eax, ROM_BASE + sup_code_page
        shr eax, 12
        and dword [PT0 + eax * 4], ~PG_US
        mov dword [PD + 0], PT0 | PG_P | PG_RW | PG_US
        mov dword [PD + 4], PT1 | PG_P | PG_RW | PG_US
        mov dword [PT1 + 0 * 4], FRAME_A | PG_P | PG_RW | PG_US
        mov dword [PT1 + 1 * 4], FRAME_B | PG_P | PG_RW
        mov dword [PT1 + 3 * 4], FRAME_C | PG_P
        mov dword [PT1 + 4 * 4], FRAME_D | PG_P | PG_RW | PG_US
        mov dword [PT1 + 6 * 4], FRAME_A | PG_P | PG_US
        mov eax, cr0
        and eax, ~0x10000                       ; WP = 0 for now
        mov cr0, eax
        mov eax, PD
        mov cr3, eax
        mov eax, cr0
        or eax, 0x80000000
        mov cr0, eax
        jmp .on
.on:    mov eax, cr0
        shr eax, 31
        CHECK "paging_enabled", eax, 1

        ; ---- a linear alias of another frame ----
        mov dword [LIN_A + 0x10], 0x12345678
        CHECK "alias_write_reaches_frame", dword [FRAME_A + 0x10], 0x12345678
        mov dword [FRAME_A + 0x14], 0x9ABCDEF0
        CHECK "alias_read_from_frame", dword [LIN_A + 0x14], 0x9ABCDEF0

        ; ---- accessed and dirty bits (SDM §4.8) ----
        and dword [PT1 + 1 * 4], ~(PG_A | PG_D)
        and dword [PD + 4], ~(PG_A | PG_D)
        invlpg [LIN_SUP]
        mov eax, [LIN_SUP]
        mov eax, [PT1 + 1 * 4]
        and eax, PG_A | PG_D
        CHECK "read_sets_pte_accessed_only", eax, PG_A
        mov eax, [PD + 4]
        and eax, PG_A
        CHECK "read_sets_pde_accessed", eax, PG_A
        mov dword [LIN_SUP], 1
        mov eax, [PT1 + 1 * 4]
        and eax, PG_A | PG_D
        CHECK "write_sets_pte_dirty", eax, PG_A | PG_D

        ; ---- not-present faults ----
        EXPECT_FAULT .np1
        mov eax, [LIN_NP + 4]
.np1:   CHECK_FAULT "not_present_read", 14, 0
        mov eax, cr2
        CHECK "not_present_read_cr2", eax, LIN_NP + 4
        EXPECT_FAULT .np2
        mov dword [LIN_NP + 8], 1
.np2:   CHECK_FAULT "not_present_write", 14, 2
        mov eax, cr2
        CHECK "not_present_write_cr2", eax, LIN_NP + 8

        ; ---- CR0.WP: supervisor writes to read-only pages ----
        mov dword [LIN_RO], 0xAB
        CHECK "wp0_supervisor_write_allowed", dword [FRAME_C], 0xAB
        mov eax, cr0
        or eax, 0x10000
        mov cr0, eax
        EXPECT_FAULT .wp1
        mov dword [LIN_RO + 0x10], 0xCD
.wp1:   CHECK_FAULT "wp1_supervisor_write_faults", 14, 3
        mov eax, cr2
        CHECK "wp1_cr2", eax, LIN_RO + 0x10
        CHECK "wp1_nothing_written", dword [FRAME_C + 0x10], 0
        CHECK "wp1_read_allowed", dword [LIN_RO], 0xAB

        ; ---- a page-crossing write faulting on its second page writes nothing ----
        mov dword [FRAME_D + 0xFFC], 0x11111111
        EXPECT_FAULT .cx
        mov dword [LIN_X + 0xFFE], 0xAABBCCDD
.cx:    CHECK_FAULT "crossing_write_faults", 14, 2
        mov eax, cr2
        CHECK "crossing_write_cr2_second_page", eax, LIN_X + 0x1000
        CHECK "crossing_write_no_partial_write", dword [FRAME_D + 0xFFC], 0x11111111

        ; ---- INVLPG ----
        mov dword [FRAME_A + 0x100], 0xA
        mov dword [FRAME_B + 0x100], 0xB
        CHECK "before_remap", dword [LIN_A + 0x100], 0xA
        mov dword [PT1 + 0 * 4], FRAME_B | PG_P | PG_RW | PG_US
        invlpg [LIN_A + 0x123]
        CHECK "invlpg_remap_visible", dword [LIN_A + 0x100], 0xB
        mov dword [PT1 + 0 * 4], FRAME_A | PG_RW | PG_US     ; not present
        invlpg [LIN_A]
        EXPECT_FAULT .iv
        mov eax, [LIN_A + 0x100]
.iv:    CHECK_FAULT "invlpg_then_not_present", 14, 0

        ; ---- MOV CR3 flushes non-global translations ----
        mov dword [PT1 + 0 * 4], FRAME_A | PG_P | PG_RW | PG_US
        invlpg [LIN_A]
        CHECK "cr3_before", dword [LIN_A + 0x100], 0xA
        mov dword [PT1 + 0 * 4], FRAME_B | PG_P | PG_RW | PG_US
        mov eax, cr3
        mov cr3, eax
        CHECK "cr3_reload_flushes", dword [LIN_A + 0x100], 0xB

        ; ---- toggling CR4.PGE flushes global translations too ----
        mov eax, cr4
        or eax, 0x80
        mov cr4, eax
        mov dword [PT1 + 0 * 4], FRAME_A | PG_P | PG_RW | PG_US | PG_G
        invlpg [LIN_A]
        CHECK "global_before", dword [LIN_A + 0x100], 0xA
        mov dword [PT1 + 0 * 4], FRAME_B | PG_P | PG_RW | PG_US | PG_G
        mov eax, cr4
        and eax, ~0x80
        mov cr4, eax
        CHECK "pge_toggle_flushes_global", dword [LIN_A + 0x100], 0xB
        mov dword [PT1 + 0 * 4], FRAME_A | PG_P | PG_RW | PG_US
        invlpg [LIN_A]

        ; ---- 4 MiB pages (CR4.PSE) ----
        mov eax, cr4
        or eax, 0x10
        mov cr4, eax
        mov dword [PD + 2 * 4], 0x00000000 | PG_PS | PG_P | PG_RW    ; 0x00800000 -> 0
        mov dword [FRAME_D + 0x20], 0x4444
        CHECK "pse_4m_translate", dword [0x00800000 + FRAME_D + 0x20], 0x4444
        mov eax, [PD + 2 * 4]
        and eax, PG_A | PG_D
        CHECK "pse_4m_read_sets_accessed", eax, PG_A
        mov dword [0x00800000 + FRAME_D + 0x24], 0x5555
        CHECK "pse_4m_write", dword [FRAME_D + 0x24], 0x5555
        mov eax, [PD + 2 * 4]
        and eax, PG_A | PG_D
        CHECK "pse_4m_write_sets_dirty", eax, PG_A | PG_D
        ; bit 21 of a 4 MiB PDE is reserved (SDM Table 4-4): #PF with P=1, RSVD=1 (§4.7: "bit 3 of the error
        ; code can be set only if bit 0 is also set"). QEMU 7.2 TCG reports 8 (P=0): a known QEMU deviation.
        mov dword [PD + 3 * 4], 0x00400000 | (1 << 21) | PG_PS | PG_P | PG_RW
        EXPECT_FAULT .rs
        mov eax, [0x00C00010]
.rs:    CHECK_FAULT "pse_reserved_bit_fault", 14, 9
        mov eax, cr2
        CHECK "pse_reserved_bit_cr2", eax, 0x00C00010
        mov dword [PD + 3 * 4], 0

        ; ---- ring 3: user/supervisor and read/write protection ----
        RING3 r3_code
r3_code:
        mov ax, DATA32_R3
        mov ds, ax
        mov es, ax
        EXPECT_FAULT .u1
        mov eax, [LIN_SUP]
.u1:    CHECK_FAULT "user_read_supervisor_page", 14, 5
        CHECK "user_read_user_readonly_page", dword [LIN_URO + 0x10], 0x12345678
        EXPECT_FAULT .u2
        mov dword [LIN_URO], 1
.u2:    CHECK_FAULT "user_write_readonly_page", 14, 7
        EXPECT_FAULT .u3
        mov dword [LIN_NP], 1
.u3:    CHECK_FAULT "user_write_not_present", 14, 6
        mov dword [LIN_A + 0x200], 0x77
        CHECK "user_write_user_page", dword [LIN_A + 0x200], 0x77
        EXPECT_FAULT .u4
        jmp sup_code_page
.u4:    CHECK_FAULT "user_fetch_supervisor_page", 14, 5
        RING0 r0_back
r0_back:
        mov eax, cr2
        CHECK "user_fetch_cr2", eax, ROM_BASE + sup_code_page
        EXIT

; Code in a page the user may not access (PT0 entry without U/S).
align 4096
sup_code_page:
        nop
        FAIL "user_fetch_supervisor_page", "executed"
        EXIT

        ROM_END
