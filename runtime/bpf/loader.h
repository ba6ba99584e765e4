/* loader: a compiled BPF object's life in the kernel, through libbpf.
 * Open the ELF image from memory, load it (keeping the verifier's log of
 * a program the kernel rejects), attach every program as a BPF link (so
 * nothing stays attached once etrace is gone), detach, close. Independent
 * of LLVM: the runtime only sees object bytes.
 *
 * Errors: 0 or a negative errno; the message of the last failure is kept
 * in the loader (loader__strerror), never printed. The loader owns the
 * bpf_object and every link; loader__free(NULL) is a no-op. */
#ifndef ETRACE_LOADER_H
#define ETRACE_LOADER_H

#include <stddef.h>
#include <stdint.h>

struct bpf_object;
struct bpf_link;
struct bpf_program;
struct loader;

struct loader *loader__new(void);
void loader__free(struct loader *l);
/* Bytes of the verifier's log kept per program (before loading). */
void loader__set_log_size(struct loader *l, uint32_t size);

/* Open the ELF image buf[0..len) (copied) as object name. */
int loader__open_mem(struct loader *l, const void *buf, size_t len,
		     const char *name);
/* Load maps and programs. When the verifier rejects a program, its log
 * is kept: loader__failed_prog, loader__verifier_log. */
int loader__load(struct loader *l);
/* Attach every loaded program not yet attached, through libbpf's section
 * conventions. Stops at the first failure, naming program and section;
 * links made so far stay until loader__detach. */
int loader__attach(struct loader *l);
/* Hand over a link made elsewhere (a program libbpf cannot attach from
 * its section alone, e.g. a perf event); the loader destroys it. */
int loader__add_link(struct loader *l, struct bpf_link *link);
/* Destroy one link handed over before (a watchpoint unwatch()ed while
 * the program runs): 0, or -ENOENT when the loader has no such link. */
int loader__destroy_link(struct loader *l, struct bpf_link *link);
/* Destroy every link; the object stays loaded. */
void loader__detach(struct loader *l);

const char *loader__strerror(const struct loader *l);
/* The program the verifier rejected, and the kernel's log for it; NULL
 * when none was. */
const char *loader__failed_prog(const struct loader *l);
const char *loader__verifier_log(const struct loader *l);
/* The last source line the log names (the BTF line info the code
 * generator attached: "... @ FILE:LINE"), 0 when it names none. */
unsigned loader__log_line(const struct loader *l);

struct bpf_object *loader__object(struct loader *l);
/* Before loading: sets the .rodata variable name (described in the
 * object's BTF) to the size bytes at value. 0, -ENOENT when the object
 * has no such variable, -EINVAL when size does not fit it. */
int loader__set_rodata(struct loader *l, const char *name, const void *value,
		       size_t size);
/* The fd of map name, or -ENOENT. */
int loader__map_fd(struct loader *l, const char *name);
size_t loader__nlinks(const struct loader *l);
/* Link i (< loader__nlinks; the order changes when one is destroyed). */
struct bpf_link *loader__link(const struct loader *l, size_t i);

/* Make sure tracefs is mounted at /sys/kernel/tracing (it may not be at
 * boot); 0 when it is or now is, else -errno. */
int loader_tracefs_ensure(void);

#endif
