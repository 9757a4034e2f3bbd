/* The launcher's entry point in the static x86-64 build (configure links
 * with -Wl,-e,sandbox_entry there): the caller is recorded and the
 * forwarded signals are held (the caller's mask saved in sbx_caller_mask)
 * by the very first instructions the process runs, then glibc's own
 * _start takes over as usual.
 *
 * Why not leave it to main.c's .preinit_array function: glibc's start-up
 * before it (self-relocation, CPU feature detection, TLS) takes a few
 * hundred microseconds on a virtual machine, where every CPUID traps to
 * the hypervisor, and a caller that dies in that time would hand the
 * launcher to a reaper unnoticed.  Here only the kernel's exec comes
 * first.
 *
 * Nothing may be used here that needs relocation or glibc: two raw system
 * calls, data reached RIP-relative, and the registers _start reads (rsp,
 * and rdx, a function for atexit that the kernel sets to 0) left as they
 * were.  main.c's preinit function sees sbx_entry_done and keeps what was
 * recorded here; in any other build it records the caller itself. */

#include "signals.h"

#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>

#if defined(__x86_64__)

/* What block_forwarded_signals holds, as the kernel's 8-byte sigset. */
const uint64_t sbx_entry_mask = FORWARDED_SIGNALS | SIGBIT(SIGCHLD);
int sbx_entry_caller;
int sbx_entry_done;

#define STR_(x) #x
#define STR(x) STR_(x)

__asm__(".text\n"
        ".globl sandbox_entry\n"
        ".type sandbox_entry, @function\n"
        "sandbox_entry:\n"
        "  mov %rdx, %r12\n"
        "  mov $" STR(SYS_getppid) ", %eax\n"
        "  syscall\n"
        "  mov %eax, sbx_entry_caller(%rip)\n"
        "  mov $" STR(SYS_rt_sigprocmask) ", %eax\n"
        "  mov $" STR(SIG_BLOCK) ", %edi\n"
        "  lea sbx_entry_mask(%rip), %rsi\n"
        "  lea sbx_caller_mask(%rip), %rdx\n"
        "  mov $8, %r10d\n"
        "  syscall\n"
        "  movl $1, sbx_entry_done(%rip)\n"
        "  mov %r12, %rdx\n"
        "  jmp _start\n"
        ".size sandbox_entry, . - sandbox_entry\n");

#else

int sbx_entry_caller;
int sbx_entry_done;

#endif
