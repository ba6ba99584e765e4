/* core_reloc: a program the kernel refused because libbpf could not
 * relocate one of its kernel struct field accesses (CO-RE) on this
 * kernel, explained at the access in the script: "struct task_struct has
 * no field 'x' on this kernel" rather than the verifier's log. libbpf
 * replaces the instruction of a relocation it cannot resolve with a call
 * the verifier rejects, and rewrites that line of the log to name the
 * relocation; the artifact lists each program's accesses with their
 * places (et_probe.core_fields), and the kernel's BTF says which step of
 * the access is missing. Also: a kernel without BTF, where no relocation
 * can be resolved. */
#ifndef ETRACE_CORE_RELOC_H
#define ETRACE_CORE_RELOC_H

#include <stdbool.h>
#include <stddef.h>

#include "program.h"

struct btf;
struct run;

/* A relocation as the log names it: "struct task_struct" (without a
 * "___flavor" suffix) and "f_path.dentry"; both empty when the log only
 * shows the rejected instruction. */
struct core_failure {
	char type[128];
	char access[256];
};

/* Whether the verifier's log (NULL: none) shows a failed relocation;
 * then *f says which, when it can. */
bool core_reloc_failed(const char *log, struct core_failure *f);

/* Why f failed on the kernel whose types are kbtf, as one sentence in
 * msg: the access of ep it is, *at (NULL when ep lists none that
 * matches; when f names none, the first of ep's accesses that kbtf
 * lacks). line, the last script line the log named (0: none), picks
 * among places of the same access. */
void core_reloc_explain(const struct et_probe *ep, const struct source *src,
			const struct core_failure *f, unsigned line,
			const struct btf *kbtf, const struct et_core_field **at,
			char *msg, size_t len);

/* report_load_failure's first question (runtime/run.c): whether the load
 * of prog (the rejected program, NULL when none was) failed for a
 * relocation, or for lack of kernel BTF; if so the error is printed at
 * the access and this returns true. */
bool core_reloc_report(struct run *r, const char *prog, const char *log);

#endif
