/* libFuzzer target over the artifact reader (runtime/artifact.h): any
 * bytes as a compiled program are refused with a sentence or read into a
 * program whose types the output module can decode; crashes, leaks and UB
 * are findings (SPEC §7 "Bad input"; issue #10: "a corrupt, truncated or
 * wrong-version artifact gets one clear error, never a crash"). Seeds:
 * tests/fuzz/corpus-artifact/ (real artifacts). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "artifact.h"
#include "value.h"

/* Decodes zero bytes of every map's key and value and of every action
 * argument, as the output module would decode what BPF wrote. */
static void decode_all(const struct et_program *p)
{
	struct arena *a = arena__new();
	struct value_env env = { .arena = a, .prog = p };
	static uint8_t zero[1 << 16];
	struct value v;

	for (int i = 0; i < p->nmaps; i++) {
		const struct et_map *m = &p->maps[i];

		if (m->key && m->key_size <= sizeof(zero))
			value_decode(&env, m->key, zero, m->key_size, &v);
		if (m->value->kind < T_COUNT && m->value_size <= sizeof(zero))
			value_decode(&env, m->value, zero, m->value_size, &v);
	}
	for (int i = 0; i < p->nactions; i++)
		for (int k = 0; k < p->actions[i].nargs; k++) {
			const struct et_arg *g = &p->actions[i].args[k];

			if (g->size <= sizeof(zero))
				value_decode(&env, g->type, zero, g->size, &v);
		}
	arena__free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct et_program *p;
	char err[512];

	if (artifact__read(data, size, &p, err, sizeof(err)) == 0) {
		decode_all(p);
		et_program__free(p);
	} else if (!err[0]) {
		abort(); /* a refusal must say why */
	}
	return 0;
}
