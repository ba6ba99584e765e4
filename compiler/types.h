/* The type system: what an expression evaluates to, how big it is, where
 * it lives, and how records (struct/union) are laid out. Types are built in
 * the compile context's arena; scalar types are interned, records are
 * looked up by name in the type registry (preamble first, then BTF). */
#ifndef ETRACE_TYPES_H
#define ETRACE_TYPES_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "etype.h" /* enum type_kind, enum stack_mode */

struct compile_ctx;

enum addrspace { AS_NONE, AS_KERNEL, AS_USER };

struct field {
	const char *name;  /* NULL in tuples */
	struct type *type;
	uint32_t offset;   /* bytes from the start of the record */
	uint16_t bit_offset; /* bitfields: bits from offset, 0 otherwise */
	uint16_t bit_size;   /* bitfields: width; 0 for ordinary fields */
	/* Tracepoint dynamic field (tracefs.h): a uint32 holding
	 * offset | length << 16 of data in the event record, the offset
	 * counted from the record start (__data_loc) or from the end of
	 * this field (__rel_loc). bpftrace 0.17 types args->name as the
	 * data's address (int64), so str(args->name) reads it. */
	uint8_t dyn_loc;     /* FIELD_PLAIN, FIELD_DATA_LOC, FIELD_REL_LOC */
};
enum { FIELD_PLAIN, FIELD_DATA_LOC, FIELD_REL_LOC };

struct type {
	enum type_kind kind;
	uint32_t size;        /* bytes as stored in BPF (0: unknown/none) */
	bool is_signed;       /* T_INT; T_SUM/T_MIN/T_MAX/T_AVG value sign */
	enum addrspace as;    /* where pointed-to / record memory lives */
	const char *name;     /* T_RECORD: "struct sock"; typedef name kept
				 in alias for messages */
	struct type *elem;    /* T_PTR, T_ARRAY */
	uint32_t count;       /* T_ARRAY: elements; T_TUPLE: fields */
	struct field *fields; /* T_RECORD, T_TUPLE */
	uint32_t nfields;
	bool is_union;        /* T_RECORD */
	bool incomplete;      /* T_RECORD declared but not defined */
	bool is_ctx;          /* pointer to the probe context (args) */
	/* T_STACK */
	bool kernel;
	enum stack_mode mode;
	int frames;
	/* T_LHIST */
	int64_t lh_min, lh_max, lh_step;
	/* T_HIST: log2 k (bpftrace 0.17 only supports 0) */
	int hist_bits;
	/* T_TSERIES: interval length in ns, number of intervals kept, and
	 * how values in one interval combine */
	uint64_t ts_interval;
	uint32_t ts_num;
	enum ts_agg ts_agg;
	/* T_INT that is a C enum ("enum X" in name): its constants, which
	 * a value of this type prints as (a cast to the enum makes one) */
	const struct et_enumerator *enumerators;
	uint32_t nenumerators;
	struct type *wide; /* that enum widened to 8 bytes (itself if so) */
	/* Where the record came from, for messages and later codegen. */
	int btf_id;           /* >0 when from kernel BTF */
	/* T_RECORD from BTF whose fields are not converted yet: they are,
	 * on first use, by type_complete() (type_field calls it). */
	struct compile_ctx *lazy_ctx;
	/* T_RECORD from a binary's DWARF whose fields are not converted
	 * yet (compiler/dwarf.c; type_complete does it) */
	void *lazy_dwarf;
};

/* Interned scalar types (valid for the lifetime of the process). */
struct type *type_none(void);
struct type *type_int(int bytes, bool is_signed); /* bytes: 1,2,4,8 */
struct type *type_bool(void); /* true/false: 8 bytes, 0 or 1 */
/* A copy of the integer type base that is the enum called name
 * ("enum X") with n constants (copied). */
struct type *type_enum(struct arena *a, const struct type *base,
		       const char *name, const struct et_enumerator *e,
		       uint32_t n);
#define type_u64() type_int(8, false)
#define type_s64() type_int(8, true)

/* Constructors in the arena. */
struct type *type_string(struct arena *a, uint32_t size);
struct type *type_buf(struct arena *a, uint32_t size);
struct type *type_ptr(struct arena *a, struct type *elem, enum addrspace as);
struct type *type_array(struct arena *a, struct type *elem, uint32_t count);
struct type *type_tuple(struct arena *a, struct type **elems, uint32_t n);
/* A record literal's type, (a=1, b="x") (bpftrace 0.26's "record"): a
 * tuple whose fields have names, laid out as a tuple. */
struct type *type_named_tuple(struct arena *a, struct type **elems,
			      const char **names, uint32_t n);
/* Whether t is such a record (a T_TUPLE with named fields). */
bool type_is_named_tuple(const struct type *t);
/* The field named name of the named tuple t, or NULL. */
const struct field *type_named_field(const struct type *t, const char *name);
struct type *type_record(struct arena *a, const char *name, bool is_union);
/* Adds a field; fields are appended in order, offset given by caller. */
struct field *type_record_add(struct arena *a, struct type *rec,
			      const char *name, struct type *t,
			      uint32_t offset, uint16_t bit_offset,
			      uint16_t bit_size);
struct type *type_stack(struct arena *a, bool kernel, enum stack_mode mode,
			int frames);
struct type *type_simple(struct arena *a, enum type_kind kind, uint32_t size);

/* Field lookup, also through anonymous struct/union members (as C does).
 * Fills *offset with the total byte offset. NULL when absent. */
const struct field *type_field(const struct type *rec, const char *name,
			       uint32_t *offset);

/* Makes sure a record converted lazily from BTF has its fields (reading
 * rec->fields directly needs this first; type_field does it). Returns t. */
struct type *type_complete(struct type *t);

/* Exact structural equality (string[8] != string[16]). */
bool type_equal(const struct type *a, const struct type *b);
/* Assignment compatibility as bpftrace allows it: like type_equal, but
 * strings and buffers of any size match, tuples element by element. */
bool type_compatible(const struct type *a, const struct type *b);
/* The fields that every record of recs[0..n) has under the same name and
 * type (offsets may differ between them: a consumer reads each at its
 * offset in its own record). A record named name, or NULL when they share
 * no field. Used where one `args` must serve several tracepoints. */
struct type *type_record_common(struct arena *a, const char *name,
				struct type *const *recs, int n);
/* The type two tuples (or records) are compared in with == and !=:
 * element by element (records by name, in a's order), integers as 8
 * bytes, strings as long as the longer, tuples likewise; other elements
 * must be of equal types. NULL when a and b cannot be compared. */
struct type *type_tuple_common(struct arena *ar, const struct type *a,
			       const struct type *b);
bool type_is_int(const struct type *t);
bool type_is_aggregation(const struct type *t);
/* Can a value of this type be stored in a map or a scratch variable? */
bool type_is_storable(const struct type *t);

/* The name bpftrace 0.17 prints in messages: "int64", "uint8",
 * "string[16]", "struct task_struct *", "(int64,string[8])", "hist",
 * "count", "kstack", ...; unsigned ints print as bpftrace 0.17 does:
 * "unsigned int64". */
const char *type_name(struct arena *a, const struct type *t);

#endif
