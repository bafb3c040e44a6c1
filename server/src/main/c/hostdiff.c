/*
 * hostdiff: runs single x86 instructions on the host CPU for the differential conformance suite
 * (org.x86play.conformance.HostDiffSuite). x86 Linux; built twice:
 *  - 64-bit (default): the cases use only encodings that mean the same in 64-bit mode as in 32-bit
 *    protected mode (no REX bytes; memory operands carry a 0x67 prefix so addressing is 32-bit);
 *  - 32-bit (gcc -m32 -no-pie -fno-pic): for what 64-bit mode lacks (BCD, PUSH/POP r32, PUSHAD,
 *    INTO, BOUND, INC/DEC 40-4F). Register slot 4 (ESP) then reports ESP after minus ESP before.
 * Code and data live at fixed low addresses so that the emulator can use the very same addresses.
 *
 * Protocol (all little-endian), repeated until EOF on stdin:
 *   in : u32 flags (bit0: 512-byte FXSAVE image follows the memory block and is loaded first;
 *                   bit1: memory block present; bit2: the block lives at LOW_BLOCK_ADDR instead of
 *                   BLOCK_ADDR — answered with status 0xFFFF if that page could not be mapped)
 *        u32 code length (1..32), u8 code[32], u32 reg[8] (EAX..EDI; ESP ignored), u32 eflags,
 *        u8 mem[256] (if bit1), u8 fx[512] (if bit0)
 *   out: u32 status (0 = completed, 0x100 = completed by branching to CODE_ADDR + 0x40,
 *                    else the signal number that stopped the instruction),
 *        u32 reg[8] (ESP undefined), u32 eflags, u8 mem[256] (if bit1), u8 fx[512] (if bit0, after FXSAVE)
 * On a signal the registers/flags are those of the signal context (the faulting instruction has
 * not retired) and the FXSAVE image is all zero.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#define CODE_ADDR 0x00300000UL
#define DATA_ADDR 0x00200000UL
#define DATA_SIZE 0x3000UL
#define BLOCK_ADDR 0x00201000UL
/* A second block below 64 KiB for 16-bit addressing (flags bit 2); mapping it needs vm.mmap_min_addr <= LOW_PAGE. */
#define LOW_PAGE 0x8000UL
#define LOW_BLOCK_ADDR 0x8800UL
#define STATUS_UNSUPPORTED 0xFFFF
#define BLOCK_SIZE 256
#define MAX_CODE 32
/* A branch whose target is CODE_ADDR + TAKEN_OFF reports status 0x100 ("taken") instead of 0. */
#define TAKEN_OFF 0x40

struct ctx {
    uint64_t reg[8];     /* 0   */
    uint64_t eflags;     /* 64  */
    uint64_t saved_rsp;  /* 72  */
    uint64_t fx;         /* 80: FXSAVE area or 0 */
    uint64_t target;     /* 88  */
    uint64_t taken;      /* 96: set when the branch stub at TAKEN_OFF was reached */
    uint64_t esp_before; /* 104: (32-bit) ESP when the guest code starts */
    uint64_t esp_after;  /* 112: (32-bit) ESP when it ends */
};

/* The one context; global so that the 32-bit trampoline can reach it with absolute addresses. */
struct ctx hd_ctx __attribute__((used));

void run_code(struct ctx *c);
extern char run_code_back[], run_code_taken[];

#if defined(__x86_64__)

/* The guest code never uses REX, so it cannot touch R8-R15: R15 keeps the context pointer. */
__asm__(
    ".text\n"
    ".globl run_code\n"
    "run_code:\n"
    "  push %rbx\n push %rbp\n push %r12\n push %r13\n push %r14\n push %r15\n"
    "  mov %rdi, %r15\n"
    "  mov %rsp, 72(%r15)\n"
    "  mov 80(%r15), %rax\n"
    "  test %rax, %rax\n"
    "  jz 1f\n"
    "  fxrstor (%rax)\n"
    "1:\n"
    "  pushq 64(%r15)\n"
    "  popfq\n"
    "  mov 0(%r15), %eax\n"
    "  mov 8(%r15), %ecx\n"
    "  mov 16(%r15), %edx\n"
    "  mov 24(%r15), %ebx\n"
    "  mov 40(%r15), %ebp\n"
    "  mov 48(%r15), %esi\n"
    "  mov 56(%r15), %edi\n"
    "  jmp *88(%r15)\n"
    ".globl run_code_taken\n"
    "run_code_taken:\n"
    "  movq $1, 96(%r15)\n"
    ".globl run_code_back\n"
    "run_code_back:\n"
    "  mov %eax, 0(%r15)\n"
    "  mov %ecx, 8(%r15)\n"
    "  mov %edx, 16(%r15)\n"
    "  mov %ebx, 24(%r15)\n"
    "  mov %ebp, 40(%r15)\n"
    "  mov %esi, 48(%r15)\n"
    "  mov %edi, 56(%r15)\n"
    "  pushfq\n"
    "  popq 64(%r15)\n"
    "  cld\n"
    "  mov 80(%r15), %rax\n"
    "  test %rax, %rax\n"
    "  jz 2f\n"
    "  fxsave (%rax)\n"
    "  fninit\n"
    "2:\n"
    "  mov 72(%r15), %rsp\n"
    "  pop %r15\n pop %r14\n pop %r13\n pop %r12\n pop %rbp\n pop %rbx\n"
    "  ret\n");
#define PC_REG REG_RIP
#elif defined(__i386__)
/* Every register is the guest's: the context is addressed absolutely, ESP is restored first thing. */
__asm__(
    ".text\n"
    ".globl run_code\n"
    "run_code:\n"
    "  push %ebp\n push %ebx\n push %esi\n push %edi\n"
    "  mov %esp, hd_ctx+72\n"
    "  mov hd_ctx+80, %eax\n"
    "  test %eax, %eax\n"
    "  jz 1f\n"
    "  fxrstor (%eax)\n"
    "1:\n"
    "  pushl hd_ctx+64\n"
    "  popfl\n"
    "  mov hd_ctx+0, %eax\n"
    "  mov hd_ctx+8, %ecx\n"
    "  mov hd_ctx+16, %edx\n"
    "  mov hd_ctx+24, %ebx\n"
    "  mov hd_ctx+40, %ebp\n"
    "  mov hd_ctx+48, %esi\n"
    "  mov hd_ctx+56, %edi\n"
    "  mov %esp, hd_ctx+104\n"
    "  jmp *hd_ctx+88\n"
    ".globl run_code_taken\n"
    "run_code_taken:\n"
    "  movl $1, hd_ctx+96\n"
    ".globl run_code_back\n"
    "run_code_back:\n"
    "  mov %esp, hd_ctx+112\n"
    "  mov hd_ctx+72, %esp\n"
    "  mov %eax, hd_ctx+0\n"
    "  mov %ecx, hd_ctx+8\n"
    "  mov %edx, hd_ctx+16\n"
    "  mov %ebx, hd_ctx+24\n"
    "  mov %ebp, hd_ctx+40\n"
    "  mov %esi, hd_ctx+48\n"
    "  mov %edi, hd_ctx+56\n"
    "  pushfl\n"
    "  popl hd_ctx+64\n"
    "  cld\n"
    "  mov hd_ctx+80, %eax\n"
    "  test %eax, %eax\n"
    "  jz 2f\n"
    "  fxsave (%eax)\n"
    "  fninit\n"
    "2:\n"
    "  pop %edi\n pop %esi\n pop %ebx\n pop %ebp\n"
    "  ret\n");
#define REG_RAX REG_EAX
#define REG_RCX REG_ECX
#define REG_RDX REG_EDX
#define REG_RBX REG_EBX
#define REG_RBP REG_EBP
#define REG_RSI REG_ESI
#define REG_RDI REG_EDI
#define PC_REG REG_EIP
#else
#error "x86 only"
#endif

static sigjmp_buf jb;
static volatile int fault_sig;
static uint32_t fault_reg[8], fault_flags;

static void on_signal(int sig, siginfo_t *si, void *ucv) {
    ucontext_t *uc = ucv;
    greg_t *g = uc->uc_mcontext.gregs;
    uint64_t rip = (uint64_t) (uintptr_t) g[PC_REG];
    (void) si;
    if (rip < CODE_ADDR || rip >= CODE_ADDR + 4096) {
        /* Not the guest instruction: a harness bug (or a bad FXRSTOR image). */
        static const char msg[] = "hostdiff: signal outside the test code\n";
        write(2, msg, sizeof msg - 1);
        _exit(3);
    }
    fault_reg[0] = (uint32_t) g[REG_RAX];
    fault_reg[1] = (uint32_t) g[REG_RCX];
    fault_reg[2] = (uint32_t) g[REG_RDX];
    fault_reg[3] = (uint32_t) g[REG_RBX];
#if defined(__i386__)
    fault_reg[4] = (uint32_t) g[REG_ESP] - (uint32_t) hd_ctx.esp_before;
#else
    fault_reg[4] = 0;
#endif
    fault_reg[5] = (uint32_t) g[REG_RBP];
    fault_reg[6] = (uint32_t) g[REG_RSI];
    fault_reg[7] = (uint32_t) g[REG_RDI];
    fault_flags = (uint32_t) g[REG_EFL];
    fault_sig = sig;
    siglongjmp(jb, 1);
}

static int read_full(void *buf, size_t n) {
    size_t got = fread(buf, 1, n, stdin);
    return got == n;
}

/* An absolute indirect jump to {@code to} at code[at]: 64-bit "jmp *0(%rip)" + .quad, 32-bit "jmp *[abs32]" + .long. */
static void stub(uint8_t *code, unsigned at, uintptr_t to) {
    code[at] = 0xFF;
    code[at + 1] = 0x25;
#if defined(__x86_64__)
    memset(code + at + 2, 0, 4);
    memcpy(code + at + 6, &to, 8);
#else
    uint32_t slot = (uint32_t) (uintptr_t) (code + at + 6);
    memcpy(code + at + 2, &slot, 4);
    memcpy(code + at + 6, &to, 4);
#endif
}

static uint32_t get32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t) p[3] << 24; }
static void put32(uint8_t *p, uint32_t v) { p[0] = v; p[1] = v >> 8; p[2] = v >> 16; p[3] = v >> 24; }

int main(void) {
    uint8_t *code = mmap((void *) CODE_ADDR, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    uint8_t *data = mmap((void *) DATA_ADDR, DATA_SIZE, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (code != (uint8_t *) CODE_ADDR || data != (uint8_t *) DATA_ADDR) {
        perror("hostdiff: mmap at fixed address");
        return 2;
    }
    void *low = mmap((void *) LOW_PAGE, 4096, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    int low_ok = low == (void *) LOW_PAGE;
    static uint8_t fxarea[512] __attribute__((aligned(16)));
    /* Signals run on their own stack: the guest code may have moved ESP anywhere. */
    static uint8_t altstack[1 << 16];
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
    sigaltstack(&ss, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    int sigs[] = {SIGSEGV, SIGFPE, SIGILL, SIGBUS, SIGTRAP};
    for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) sigaction(sigs[i], &sa, NULL);

    static uint8_t inbuf[8 + MAX_CODE + 36 + BLOCK_SIZE + 512];
    static uint8_t outbuf[4 + 36 + BLOCK_SIZE + 512];
    static char obuf[1 << 16];
    setvbuf(stdout, obuf, _IOFBF, sizeof obuf);

    for (;;) {
        if (!read_full(inbuf, 8)) break;
        uint32_t flags = get32(inbuf), len = get32(inbuf + 4);
        if (len == 0 || len > MAX_CODE || (flags & ~7u)) {
            fprintf(stderr, "hostdiff: bad record (flags %x len %u)\n", flags, len);
            return 2;
        }
        size_t rest = MAX_CODE + 36 + ((flags & 2) ? BLOCK_SIZE : 0) + ((flags & 1) ? 512 : 0);
        if (!read_full(inbuf + 8, rest)) {
            fprintf(stderr, "hostdiff: truncated record\n");
            return 2;
        }
        const uint8_t *p = inbuf + 8;
        uintptr_t block = (flags & 4) ? LOW_BLOCK_ADDR : BLOCK_ADDR;
        if ((flags & 4) && !low_ok) {
            size_t outlen = 40 + ((flags & 2) ? BLOCK_SIZE : 0) + ((flags & 1) ? 512 : 0);
            memset(outbuf, 0, outlen);
            put32(outbuf, STATUS_UNSUPPORTED);
            fwrite(outbuf, 1, outlen, stdout);
            continue;
        }
        memcpy(code, p, len);
        p += MAX_CODE;
        stub(code, len, (uintptr_t) run_code_back);
        stub(code, TAKEN_OFF, (uintptr_t) run_code_taken);

        struct ctx *c = &hd_ctx;
        memset(c, 0, sizeof *c);
        for (int i = 0; i < 8; i++) c->reg[i] = get32(p + 4 * i);
        p += 32;
        /* Arithmetic flags and DF only; bit 1 and IF as user mode requires. */
        c->eflags = (get32(p) & 0xCD5) | 0x202;
        p += 4;
        if (flags & 2) {
            memcpy((void *) block, p, BLOCK_SIZE);
            p += BLOCK_SIZE;
        }
        if (flags & 1) {
            memcpy(fxarea, p, 512);
            c->fx = (uint64_t) (uintptr_t) fxarea;
        }
        c->target = CODE_ADDR;

        uint8_t *o = outbuf;
        if (sigsetjmp(jb, 1) == 0) {
            run_code(c);
            put32(o, c->taken ? 0x100 : 0);
#if defined(__i386__)
            c->reg[4] = (uint32_t) c->esp_after - (uint32_t) c->esp_before;
#else
            c->reg[4] = 0;
#endif
            for (int i = 0; i < 8; i++) put32(o + 4 + 4 * i, (uint32_t) c->reg[i]);
            put32(o + 36, (uint32_t) c->eflags);
        } else {
            __asm__ volatile("cld; fninit");
            put32(o, (uint32_t) fault_sig);
            for (int i = 0; i < 8; i++) put32(o + 4 + 4 * i, fault_reg[i]);
            put32(o + 36, fault_flags);
            if (flags & 1) memset(fxarea, 0, 512);
        }
        o += 40;
        if (flags & 2) {
            memcpy(o, (void *) block, BLOCK_SIZE);
            o += BLOCK_SIZE;
        }
        if (flags & 1) {
            memcpy(o, fxarea, 512);
            o += 512;
        }
        fwrite(outbuf, 1, o - outbuf, stdout);
    }
    fflush(stdout);
    return 0;
}
