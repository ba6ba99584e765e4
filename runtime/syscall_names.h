/* System call names by number, for syscall_name() (runtime/value.c):
 * generated at build time from the kernel's uapi header
 * (runtime/syscall_names.cmake). Gaps are NULL. */
#ifndef ETRACE_SYSCALL_NAMES_H
#define ETRACE_SYSCALL_NAMES_H

extern const char *const et_syscall_names[];
extern const int et_nsyscall_names;

#endif
