; CPUID, RDTSC with CR4.TSD, RDMSR/WRMSR privilege, SYSENTER/SYSEXIT (SDM Vol. 2A/2B).
%include "lib.inc"

FLAT0C          equ FREE_SEL            ; 0x48 SYSENTER_CS: flat code DPL 0
FLAT0D          equ FREE_SEL + 8        ; 0x50 (CS + 8) flat data DPL 0
FLAT3C          equ FREE_SEL + 16       ; 0x58 (CS + 16) flat code DPL 3
FLAT3D          equ FREE_SEL + 24       ; 0x60 (CS + 24) flat data DPL 3
V_CS            equ 0x600
V_SS            equ 0x604
V_ESP           equ 0x608

main:
        ENTER_PM32 pm_main

bits 32
pm_main:
        SET_DESC FLAT0C, 0, 0xFFFFF, 0x9B, 0xC
        SET_DESC FLAT0D, 0, 0xFFFFF, 0x93, 0xC
        SET_DESC FLAT3C, 0, 0xFFFFF, 0xFB, 0xC
        SET_DESC FLAT3D, 0, 0xFFFFF, 0xF3, 0xC

        xor eax, eax
        cpuid
        CHECK "cpuid_vendor_ebx", ebx, 0x756E6547
        CHECK "cpuid_vendor_edx", edx, 0x49656E69
        CHECK "cpuid_vendor_ecx", ecx, 0x6C65746E
        mov eax, 1
        cpuid
        shr eax, 8
        and eax, 0xF
        CHECK "cpuid_family6", eax, 6
        and edx, (1 << 0) | (1 << 4) | (1 << 5) | (1 << 8) | (1 << 11) | (1 << 15)
        CHECK "cpuid_fpu_tsc_msr_cx8_sep_cmov", edx, 0x8931

        rdtsc
        mov esi, eax
        mov edi, edx
        mov ecx, 100
        loop $
        rdtsc
        sub eax, esi
        sbb edx, edi
        or edx, edx
        jnz .tsc_bad
        cmp eax, 0
        je .tsc_bad
        PASS "rdtsc_advances"
        jmp .tsc_done
.tsc_bad: FAIL "rdtsc_advances", "no progress"
.tsc_done:

        mov ecx, 0x174
        mov eax, FLAT0C
        xor edx, edx
        wrmsr
        mov ecx, 0x175
        mov eax, KSTACK_TOP
        wrmsr
        mov ecx, 0x176
        mov eax, ROM_BASE + sysenter_entry
        wrmsr
        mov ecx, 0x176
        rdmsr
        CHECK "msr_sysenter_eip_roundtrip", eax, ROM_BASE + sysenter_entry

        mov eax, cr4
        or eax, 4                               ; TSD
        mov cr4, eax
        RING3 ring3

ring3:
        mov ax, DATA32_R3
        mov ds, ax
        EXPECT_FAULT .r1
        rdtsc
.r1:    CHECK_FAULT "rdtsc_tsd_ring3_gp", 13, 0
        EXPECT_FAULT .r2
        mov ecx, 0x10
        rdmsr
.r2:    CHECK_FAULT "rdmsr_ring3_gp", 13, 0
        mov ebp, esp
        sysenter
back3:
        jmp CODE32_R3:back3_lib                 ; leave the flat ring-3 segment
back3_lib:
        CHECK "sysenter_cs", dword [V_CS], FLAT0C
        CHECK "sysenter_ss", dword [V_SS], FLAT0D
        CHECK "sysenter_esp", dword [V_ESP], KSTACK_TOP
        CHECK "sysexit_esp", esp, ebp
        mov dword [V_CS], 0
        RING0 done

sysenter_entry:                                 ; runs with the flat CS: only position-independent code
        mov ax, cs
        movzx eax, ax
        mov [V_CS], eax
        mov ax, ss
        movzx eax, ax
        mov [V_SS], eax
        mov [V_ESP], esp
        mov ecx, ebp                            ; SYSEXIT: ESP = ECX, EIP = EDX
        mov edx, ROM_BASE + back3
        sysexit

done:
        mov eax, cr4
        and eax, ~4
        mov cr4, eax
        rdtsc
        PASS "rdtsc_tsd_ring0_ok"
        EXIT

        ROM_END
