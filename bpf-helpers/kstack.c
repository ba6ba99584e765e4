/* Stacks stored by content: a HASH map (ET_KSTACK_MAP, ET_USTACK_MAP)
 * whose u32 key is a hash of the frames and whose
 * value is ET_STACK_DEPTH u64s ended by a 0. A STACK_TRACE map filled by
 * bpf_get_stackid keys a stack by its hash modulo the map size, so two of
 * a few hundred distinct stacks share a bucket often and the later one is
 * lost (-EEXIST); here they collide only when 32-bit hashes of different
 * frames are equal, and a collision is still found by comparing the
 * frames, never stored over the other. */
#include "helpers.h"

typedef unsigned int et_u32;

#define DEPTH 127 /* ET_STACK_DEPTH */
#define NONE 0xffffffffULL

static void *(*const map_lookup)(void *map, const void *key) = (void *)1;
static long (*const map_update)(void *map, const void *key, const void *value,
				et_u64 flags) = (void *)2;
static long (*const get_stack)(void *ctx, void *buf, et_u32 size,
			       et_u64 flags) = (void *)67;

__attribute__((always_inline)) et_s64 et_stack_store(void *stacks, et_u64 *fr,
						     et_s64 n, et_u64 h)
{
	et_u32 id;
	et_u64 *old;

	if (n < 0 || n > DEPTH)
		return -1;
	if (n < DEPTH)
		fr[n] = 0;
	id = (et_u32)(h ^ (h >> 32));
	if (id == NONE)
		id = 0;
	old = map_lookup(stacks, &id);
	if (old) {
		for (int i = 0; i < DEPTH; i++) {
			if (i > n)
				break;
			if (old[i] != fr[i])
				return -17; /* -EEXIST: a collision */
			if (!fr[i])
				break;
		}
		return id;
	}
	if (map_update(stacks, &id, fr, 0))
		return -12; /* -ENOMEM: the map is full */
	return id;
}

/* bpf_get_stack (flags: BPF_F_USER_STACK or 0) into scratch, stored */
static __attribute__((always_inline)) et_s64
stack_get_store(void *ctx, void *stacks, void *scratch, et_u64 flags)
{
	et_u32 zero = 0;
	et_u64 *fr = map_lookup(scratch, &zero), h = 0xcbf29ce484222325ULL;
	long r;
	et_s64 n;

	if (!fr)
		return -1;
	r = get_stack(ctx, fr, DEPTH * 8, flags);
	if (r < 0)
		return r;
	/* bounded where the verifier sees it: fr[n] = 0 below */
	n = (et_u32)r >> 3;
	if (n > DEPTH)
		n = DEPTH;
	for (int i = 0; i < DEPTH; i++) {
		if (i >= n)
			break;
		h = (h ^ fr[i]) * 0x100000001b3ULL;
	}
	return et_stack_store(stacks, fr, n, h);
}

ET_HELPER et_s64 et_kstack_store(void *ctx, void *stacks, void *scratch)
{
	return stack_get_store(ctx, stacks, scratch, 0);
}

/* ustack under config ustack_unwind = "fp": the kernel's frame-pointer
 * walk of the user stack (as bpf_get_stackid's), stored by its frames */
ET_HELPER et_s64 et_ustack_fp_store(void *ctx, void *stacks, void *scratch)
{
	return stack_get_store(ctx, stacks, scratch, 1ULL << 8);
}
