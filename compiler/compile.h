/* The compile context: source, arena, diagnostics, options, the AST and
 * everything the passes learn about it. compile_run() runs the passes of
 * compile.c in order and stops after the first that reported errors. */
#ifndef ETRACE_COMPILE_H
#define ETRACE_COMPILE_H

#include <stdbool.h>
#include <stdio.h>

#include "arena.h"
#include "ast.h"
#include "diag.h"
#include "program.h" /* struct et_settings */
#include "types.h"

/* Settings of compiler/settings.c's table, at most. */
#define SETTINGS_MAX 48

struct btf;
struct dwarf_file;
struct typereg;
struct ksym_index;

/* config missing_probes: what a probe target that does not exist (and,
 * at run time, one that fails to attach) does. MP_DEFAULT is bpftrace
 * 0.17's: a warning while another target of the probe exists, else an
 * error. */
enum missing_probes { MP_DEFAULT, MP_IGNORE, MP_WARN, MP_ERROR };

/* The unstable features bpftrace 0.26 gates (config unstable_NAME). */
enum unstable_feature {
	UNSTABLE_TSERIES,
	UNSTABLE_DW_USTACK,
	UNSTABLE_IMPORT_STATEMENT,
	UNSTABLE_TYPEINFO,
	UNSTABLE_COUNT
};
/* Their modes; UM_DEFAULT takes the feature's default (settings.c). */
enum unstable_mode { UM_DEFAULT, UM_ENABLE, UM_WARN, UM_ERROR };

struct compile_opts {
	bool unsafe;              /* --unsafe: system(), signal() allowed */
	int nparams;              /* positional parameters $1..$N */
	const char *const *params;
	/* Kernel type information: default /sys/kernel/btf/vmlinux; "" means
	 * none (types then come only from the preamble). */
	const char *btf_path;
	/* Kernel BTF the caller parsed and keeps (many compiles of one
	 * process share it: tests/unit/test_rows.c); NULL: btf_path's. */
	struct btf *shared_btf;
	/* tracefs root: default detected (/sys/kernel/tracing, mounted when
	 * missing and possible, else /sys/kernel/debug/tracing). */
	const char *tracefs;
	/* Kernel function list: default tracefs available_filter_functions,
	 * else /proc/kallsyms. "" disables kernel symbol checks. */
	const char *kallsyms;
	int strlen;               /* ETRACE_STRLEN / config strlen, def. 64 */
	/* Extra -I directories for the preamble. */
	const char *const *include_dirs;
	int ninclude_dirs;
	/* --include FILE: headers read before the preamble (clang's
	 * -include), as if the script began with #include "FILE"; the
	 * preamble pass runs for them even when the script has none. */
	const char *const *include_files;
	int ninclude_files;
	/* Fuzzing: skip libclang (the preamble is still parsed and its
	 * struct definitions ignored). */
	bool no_clang;
	/* -c CMD given: the cpid builtin is available. */
	bool has_child;
	/* -c CMD, when given: watchpoint:func+argN names a function of
	 * its program. */
	const char *child_cmd;
	/* -p PID (0: none): user probes' binaries named without a path
	 * (uprobe:libc:malloc) are looked up in its mappings first. */
	int target_pid;
	/* --compile-only: the program runs later, elsewhere, with run-time
	 * settings the compiler cannot know (-p PID). */
	bool ahead_of_time;
	/* --container or --cgroup given: kernel-side programs test the
	 * cgroup (compiler/codegen/cg_cgfilter.c) */
	bool cgroup_filter;
	/* Default mode of kstack/ustack (config stack_mode). */
	enum stack_mode stack_mode;
	/* config ustack_unwind = "fp": ustack by bpf_get_stack (frame
	 * pointers), not the CFI unwinder */
	bool ustack_fp;
	/* config = { ... } and the environment (compiler/settings.c); 0:
	 * bpftrace's default */
	uint32_t max_map_keys;    /* entries of a map with keys */
	uint32_t max_bpf_progs;   /* BPF programs a script may make */
	uint32_t perf_rb_pages;   /* ring buffer size in 4 KiB pages */
	bool perf_rb_pages_set;   /* by config or the environment */
	/* span blocks (cg_span.c): open instances per block, and how long
	 * one stays open before it is swept as expired (ns) */
	uint32_t span_max;
	uint64_t span_timeout_ns;
	/* bpftrace 0.26 readings of 0.17 text (etrace-lang(7)): a variable
	 * first assigned in a block ends with the block; a - b and x-- are
	 * signed */
	bool block_scoping;
	bool signed_subtraction;
	/* enum_names (bpftrace 0.26): an enum constant has its enum's type,
	 * and prints as its name (0.17: a plain integer) */
	bool enum_names;
	/* config license: the BPF object's license (NULL: "GPL") */
	const char *license;
	enum unstable_mode unstable[UNSTABLE_COUNT];
	enum missing_probes missing_probes;
	/* config rate_limit: events per second of each probe (0: none;
	 * compiler/codegen/cg_gate.c) */
	uint32_t rate_limit;
	struct et_settings run;   /* what the runtime reads (artifact) */
	/* the environment variable that set each setting (settings.c's
	 * table order), or NULL: the script's config yields to it */
	const char *from_env[SETTINGS_MAX];
};

/* A map as the program uses it. key is NULL for a map without keys; with
 * several keys it is a T_TUPLE. */
struct map_info {
	const char *name;
	struct type *key;
	struct type *value;
	struct node *key_site;    /* where key type was first fixed */
	struct node *value_site;  /* where value type was first fixed */
	bool read;                /* used in an expression or print/len... */
	bool written;             /* assigned or aggregated into */
	bool cleared;             /* passed to delete/clear/zero */
	/* assigned somewhere with a value that failed to type (reported
	 * there): reads stay quiet instead of "Undefined map" */
	bool untyped;
	struct node *untyped_at;  /* the first such assignment's map */
	/* the map node of value_site (where a declared kind is checked) */
	struct node *value_map;
	/* let @m = kind(size); (pass_mapdecl): NULL when not declared */
	const struct node *decl;
	bool decl_lru;            /* lruhash, percpulruhash */
	int id;
	struct map_info *next;
};

/* A scratch variable ($x) within one probe. */
struct var_info {
	const char *name;
	struct type *type;
	struct node *site;
	const struct node *probe;
	bool assigned;
	bool read;                /* used in an expression */
	bool loop_var;            /* the variable of a for loop */
	/* Declared by let (N_LET, whose type carries what one round of
	 * the type pass learnt to the next): ends with its block. */
	struct node *let;
	bool fixed;               /* let $x: type: stays that type */
	/* bpftrace 0.17: first assigned in a block that has ended, still
	 * visible; a let of the same name starts a new variable */
	bool leaked;
	struct var_info *next;
};

/* A #define the preamble made, usable in expressions (AF_INET). */
struct macro {
	const char *name;
	const char *body;         /* replacement text */
	struct node *expr;        /* body parsed as an expression, or NULL */
	struct macro *next;
};

struct compile_ctx {
	struct arena *arena;
	struct source src;
	struct diags diags;
	struct compile_opts opts;
	struct node *ast;           /* N_PROGRAM after parsing */

	/* Filled by the passes. */
	struct typereg *types;      /* records/typedefs/enums (typereg.h) */
	struct macro *macros;
	struct map_info *maps;
	int nmaps;
	struct var_info *vars;
	/* getopt() options, in the order first seen (compiler/prog_options.c) */
	struct et_option *options;
	int noptions;
	int nprobes;
	bool has_preamble;
	bool config_done;	  /* config = { ... } applied, once */
	unsigned unstable_warned; /* 1 << feature: warned once */

	/* Lazily loaded kernel information (NULL until first needed). */
	struct btf *btf;
	bool btf_tried;
	struct ksym_index *kfuncs;
	bool kfuncs_tried;
	const char *tracefs_root;   /* resolved tracefs directory or NULL */
	bool tracefs_tried;
	/* Debug info of user binaries, opened on first use (dwarf_reader.h) */
	struct dwarf_file *dwarf;
	/* The probe whose expressions the type pass is typing: a type a
	 * cast names may come from its binaries' debug info (typereg.c) */
	const struct node *type_probe;
	/* Where the next source added goes (compile_add_source). */
	uint32_t src_next;
	/* The macro library (compiler/pass_macros.c): the offset of its
	 * text, 0 until it is first needed. */
	const struct source *macro_lib;
	/* span blocks, in source order (compiler/pass_span.h) */
	struct span_info *spans;
	int nspans;
};

/* text is copied into the arena; name is what diagnostics print. Returns
 * 0 or -ENOMEM. */
int compile_ctx_init(struct compile_ctx *ctx, const char *name,
		     const char *text, size_t len,
		     const struct compile_opts *opts);
void compile_ctx_fini(struct compile_ctx *ctx);

/* grammar/: lexes and parses ctx->src into ctx->ast. Returns 0 or -EINVAL
 * with diagnostics. */
int compile_parse(struct compile_ctx *ctx);
/* Parses one more source (an imported file, a piece of the macro
 * library; see compile_add_source) into an N_PROGRAM whose locations lie
 * in src's offsets; NULL after reporting errors. A program without probes
 * is fine here. */
struct node *compile_parse_more(struct compile_ctx *ctx,
				const struct source *src);
/* Registers text (copied) as a source named name, after all others in
 * the offset space of locations (diag.h); NULL when it does not fit. */
const struct source *compile_add_source(struct compile_ctx *ctx,
					const char *name, const char *text,
					size_t len);
/* l moved into the main source, where the runtime can show it: to the
 * call a macro expansion came from; LOC_NONE for other files. */
struct loc compile_main_loc(const struct compile_ctx *ctx, struct loc l);
/* A copy of source of's offsets (its text shared) for one expansion of
 * a macro called at called_at; NULL when the offsets run out. */
const struct source *compile_add_view(struct compile_ctx *ctx,
				      const struct source *of,
				      const char *macro, struct loc called_at);

/* A pass reads and annotates ctx->ast; returns 0, or <0 after reporting
 * errors in ctx->diags. */
struct pass {
	const char *name;           /* -d NAME prints the state after it */
	int (*run)(struct compile_ctx *ctx);
};
extern const struct pass compile_passes[];
extern const int compile_npasses;

/* Runs all passes (parse first). When dump_after names a pass, prints the
 * AST (or the pass's own dump) after it to dump. Returns 0 or <0 when
 * errors were reported. */
int compile_run(struct compile_ctx *ctx, const char *dump_after,
		FILE *dump);

/* The passes (one file each: compiler/pass_<name>.c). */
int pass_imports(struct compile_ctx *ctx);  /* import "file" */
int pass_macros(struct compile_ctx *ctx);   /* macro expansion */
int pass_preamble(struct compile_ctx *ctx); /* C preamble via libclang */
int pass_probes(struct compile_ctx *ctx);   /* attach points */
int pass_resolve(struct compile_ctx *ctx);  /* builtins, functions, idents */
/* The config block, applied once (pass_resolve.c): the probe pass calls
 * it first, for missing_probes. */
void resolve_config(struct compile_ctx *ctx);
int pass_types(struct compile_ctx *ctx);    /* type inference, maps, vars */
int pass_mapdecl(struct compile_ctx *ctx);  /* let @m = hash(N); */
int pass_check(struct compile_ctx *ctx);    /* semantic rules, warnings */

/* Lazily opened kernel BTF (compiler/btf.c); NULL when unavailable. */
struct btf *compile_btf(struct compile_ctx *ctx);
/* Whether it is another file than the running kernel's BTF
 * (ETRACE_BTF): the running kernel may lay its structs out otherwise. */
bool compile_btf_foreign(const struct compile_ctx *ctx);
/* tracefs directory, mounting it when needed and allowed; NULL when
 * there is none. */
const char *compile_tracefs(struct compile_ctx *ctx);
/* Release what compile_btf() (btf.c), the kernel function index
 * (ksyms.c) and the DWARF readers (dwarf.c) hold outside the arena;
 * called by compile_ctx_fini. */
void compile_btf_free(struct compile_ctx *ctx);
void compile_kfuncs_free(struct compile_ctx *ctx);
void compile_dwarf_free(struct compile_ctx *ctx);

#endif
