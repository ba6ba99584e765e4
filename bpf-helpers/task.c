/* Another task's name by its PID, through kfuncs (kernel functions BPF
 * programs may call): bpftrace 0.26's comm(pid).
 * The kfuncs are extern functions in section .ksyms: the BPF backend
 * describes each in .BTF as an extern FUNC, libbpf finds it in the
 * kernel's BTF and checks the prototype (a pointer to a struct, of any
 * name and members, matches task_struct). Declarations that no call
 * uses leave no trace in a program: an unused kfunc is never resolved.
 * comm is read through a CO-RE relocation of its offset. */
#include "helpers.h"

#ifdef __bpf__
#define ET_KSYM __attribute__((section(".ksyms")))

struct task_struct {
	char comm[16];
} __attribute__((preserve_access_index));

extern struct task_struct *bpf_task_from_pid(int pid) ET_KSYM;
extern void bpf_task_release(struct task_struct *p) ET_KSYM;

static long (*const read_kernel_str)(void *dst, unsigned int size,
				     const void *src) = (void *)115;

ET_HELPER et_s64 et_task_comm(et_s64 pid, char *out, et_u64 size)
{
	struct task_struct *t = bpf_task_from_pid((int)pid);

	if (!t)
		return -3;
	read_kernel_str(out, size < 16 ? size : 16, t->comm);
	bpf_task_release(t);
	return 0;
}
#endif
