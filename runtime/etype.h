/* Value types as the runtime sees them: what it needs to decode the bytes
 * of map keys, map values and ring buffer records, and nothing more. A
 * compiled artifact carries these (runtime/artifact.h); the compiler's own
 * richer types (compiler/types.h) share the kinds below and are converted
 * when the artifact is written.
 *
 * Ownership: types live in the arena of the program that holds them. */
#ifndef ETRACE_ETYPE_H
#define ETRACE_ETYPE_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"

enum type_kind {
	T_NONE,      /* no value (statements, void calls) */
	T_INT,       /* size, is_signed */
	T_STRING,    /* size: bytes incl. NUL */
	T_BUF,       /* size: capacity in bytes (buf()) */
	T_PTR,       /* elem, as (compiler); an 8-byte address */
	T_RECORD,    /* name, fields, size, is_union */
	T_ARRAY,     /* elem, count */
	T_TUPLE,     /* fields (names NULL), count, size */
	T_STACK,     /* stack: kernel or user, mode, frames */
	T_KSYM,      /* ksym(): symbolized in user space */
	T_USYM,      /* usym() */
	T_INET,      /* ntop() */
	T_USERNAME,  /* username */
	T_TIMESTAMP, /* strftime() */
	T_CGROUP_PATH, /* cgroup_path() */
	T_MACADDR,   /* macaddr() */
	T_STRERROR,  /* strerror() */
	T_SIGNAL_NAME,  /* signal_name(): strsignal(3) text */
	T_SYSCALL_NAME, /* syscall_name() */
	/* container, container_name, pod, pod_namespace, pod_uid: the u64
	 * cgroup id, named in user space (container.h) */
	T_CONTAINER, T_CONTAINER_NAME, T_POD, T_POD_NS, T_POD_UID,
	T_ENUM_VAL,  /* reserved */
	T_BOOL,      /* true/false (bpftrace 0.26): 8 bytes, 0 or 1 */
	/* map values only: aggregations */
	T_COUNT, T_SUM, T_MIN, T_MAX, T_AVG, T_STATS, T_HIST, T_LHIST,
	T_TSERIES,   /* ts_interval, ts_num, ts_agg; is_signed */
	T_KIND_COUNT
};

/* STACK_BUILD_ID: ustack(build_id) (bpftrace 0.26), frames as a build id
 * and a file offset (stack_buildid.h); STACK_NATIVE: ustack(native),
 * printed as STACK_BPFTRACE but without the frames of interpreted
 * runtimes (rt_frames.h), which only STACK_BPFTRACE and STACK_PERF
 * ustacks have */
enum stack_mode {
	STACK_BPFTRACE,
	STACK_PERF,
	STACK_RAW,
	STACK_BUILD_ID,
	STACK_NATIVE
};

/* tseries(): what one interval keeps of the values written in it */
enum ts_agg { TS_LAST, TS_AVG, TS_MAX, TS_MIN, TS_SUM, TS_AGG_COUNT };

struct et_type;

/* One constant of a C enum: a value cast to the enum prints as its name
 * (bpftrace 0.26's (enum X)n). */
struct et_enumerator {
	const char *name;
	int64_t value;
};

struct et_field {
	const char *name;      /* NULL in tuples */
	struct et_type *type;
	uint32_t offset;       /* bytes from the start of the record */
	uint16_t bit_offset;   /* bitfields: bits from offset */
	uint16_t bit_size;     /* bitfields: width; 0 for ordinary fields */
};

struct et_type {
	enum type_kind kind;
	uint32_t size;         /* bytes as stored in BPF */
	bool is_signed;        /* T_INT; T_SUM/T_MIN/T_MAX/T_AVG value sign */
	const char *name;      /* T_RECORD: "struct sock" (or NULL) */
	bool is_union;         /* T_RECORD */
	struct et_type *elem;  /* T_ARRAY */
	uint32_t count;        /* T_ARRAY: elements */
	struct et_field *fields; /* T_RECORD, T_TUPLE */
	uint32_t nfields;
	/* T_STACK */
	bool kernel;
	enum stack_mode mode;
	int frames;
	/* T_LHIST */
	int64_t lh_min, lh_max, lh_step;
	/* T_HIST: log2 k */
	int hist_bits;
	/* T_TSERIES: interval length in ns, number of intervals kept, and
	 * how values in one interval combine */
	uint64_t ts_interval;
	uint32_t ts_num;
	enum ts_agg ts_agg;
	/* T_INT made by a cast to an enum: its constants (name: "enum X") */
	const struct et_enumerator *enumerators;
	uint32_t nenumerators;
};

/* The name of a kind in an artifact ("int", "string", "hist"...), and
 * back (T_KIND_COUNT when unknown). */
const char *etype_kind_name(enum type_kind k);
enum type_kind etype_kind_find(const char *name);

/* A type of kind k and size, zeroed otherwise, in the arena. */
struct et_type *etype_new(struct arena *a, enum type_kind k, uint32_t size);

#endif
