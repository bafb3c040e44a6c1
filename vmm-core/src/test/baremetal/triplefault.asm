; expect: triple-fault
; A fault while delivering #DF shuts the processor down (SDM Vol. 3 §6.15, interrupt 8): with an IDT
; limit of 0, INT 3 raises #GP, whose delivery raises #GP -> #DF, whose delivery faults again.
; The run must end with a triple fault (QEMU -no-reboot: exit status 0), not with the debug exit.
%include "lib.inc"

main:
        ENTER_PM32 pm_main

bits 32
pm_main:
        PASS "triple_fault_armed"
        lidt [cs:idt_empty]
        int3
        FAIL "triple_fault", "execution continued after the triple fault"
        EXIT

idt_empty:
        dw 0
        dd 0

        ROM_END
