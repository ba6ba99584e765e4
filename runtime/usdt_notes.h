/* USDT probes of an ELF file: the SystemTap notes (.note.stapsdt) that
 * <sys/sdt.h> emits, with the probe's location and semaphore as file
 * offsets (what the kernel's uprobe and ref_ctr_offset take) and its
 * argument specifications parsed for code generation (x86-64 operands).
 * Used by the compiler to check usdt:BIN:[PROVIDER:]NAME, by -l to list
 * probes, and by the runtime to attach. */
#ifndef ETRACE_USDT_NOTES_H
#define ETRACE_USDT_NOTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define USDT_MAX_ARGS 12

enum usdt_arg_kind {
	USDT_ARG_CONST,     /* value: the constant ($5) */
	USDT_ARG_REG,       /* reg: the register's value (%rdi) */
	USDT_ARG_MEM,       /* value(reg[,index,scale]): a load from memory
			     * at value + reg + index * scale (-8(%rbp));
			     * reg may be "rip" (value then is relative to
			     * the next instruction) or empty */
};

struct usdt_arg {
	enum usdt_arg_kind kind;
	int size;             /* bytes: 1, 2, 4 or 8 */
	bool is_signed;       /* a negative size in the spec */
	int64_t value;        /* constant or displacement */
	char reg[8];          /* base register as written, without '%' */
	char index[8];        /* index register or "" */
	int scale;            /* 1, 2, 4 or 8 (with index) */
	char symbol[64];      /* symbolic displacement (foo(%rip)) or "" */
	/* Where the base register lives in struct pt_regs (x86-64) and which
	 * bits of it are meant: offset in bytes, -1 when unknown; shift 8
	 * for %ah-style high bytes. */
	int reg_off;
	int reg_shift;
	/* The index register's offset in struct pt_regs, -1 when there is
	 * none or it is not a 64-bit general register (%rax..%r15). */
	int index_off;
};

struct usdt_probe {
	const char *provider;
	const char *name;
	uint64_t pc;          /* probe address (virtual, base-adjusted) */
	uint64_t pc_offset;   /* its file offset: where the uprobe goes */
	uint64_t base;        /* .stapsdt.base address from the note */
	uint64_t semaphore;   /* semaphore address, 0 when none */
	uint64_t sema_offset; /* its file offset (ref_ctr_offset), 0: none */
	const char *args;     /* the argument spec string: "-4@%edi 8@%rax" */
	int nargs;            /* -1: args holds an operand not parsed */
	struct usdt_arg arg[USDT_MAX_ARGS];
};

struct usdt_notes {
	struct usdt_probe *probes;  /* in note order */
	size_t count;
};

/* Reads the notes of path. NULL with errno: open(2) errors, ENOEXEC (not
 * an ELF file), EINVAL (malformed note), ENOMEM. A file
 * without probes gives count 0. Free with usdt_notes__free. */
struct usdt_notes *usdt_notes__open(const char *path);
/* NULL is a no-op. */
void usdt_notes__free(struct usdt_notes *un);

/* The first probe with that provider (NULL: any) and name, or NULL. When
 * wildcard, provider and name are fnmatch(3) patterns; from is the index
 * to start at (0 first, then the returned probe's index + 1). */
const struct usdt_probe *usdt_notes__find(const struct usdt_notes *un,
					  const char *provider,
					  const char *name, bool wildcard,
					  size_t from);

/* Parses one argument ("-4@%edi", "8@-16(%rbp)", "4@$5",
 * "8@foo+8(%rip)", "4@8(%rax,%rbx,4)"). Returns 0 or -EINVAL. */
int usdt_arg_parse(const char *spec, struct usdt_arg *arg);
/* Splits and parses a whole spec string into arg[0..*nargs). Returns 0,
 * -EINVAL, or -E2BIG beyond USDT_MAX_ARGS. */
int usdt_args_parse(const char *spec, struct usdt_arg *arg, int *nargs);

#endif
