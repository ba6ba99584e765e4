/* A kernel's types as no kernel lays them out, for tests/runtime/core.sh:
 * compiled with clang -g -target bpf, its .BTF is what etrace compiles
 * against (ETRACE_BTF) to show that CO-RE relocations make the program
 * read the running kernel's fields wherever they are. Every field a test
 * reads sits at another offset than in a real task_struct, inside other
 * (or no) anonymous members, or at another bit; the etrace_* fields are
 * ones no kernel has. */

struct qstr {
	const unsigned char *name;
	unsigned long hash_len;
};

struct dentry {
	char etrace_pad[24];
	struct qstr d_name;
};

struct path {
	struct dentry *dentry;
	void *mnt;
	int etrace_depth; /* no kernel has it */
};

struct file {
	long etrace_pad[5];
	struct path f_path; /* the kernel's is in an anonymous union */
};

struct mm_struct { /* the kernel's members are in an anonymous struct */
	long etrace_pad[3];
	unsigned long saved_auxv[8];
	struct file *exe_file;
};

struct signal_struct {
	long etrace_pad[3];
	unsigned int flags;
	unsigned int timer_create_restore_ids : 1;
	unsigned int has_child_subreaper : 1;
	unsigned int is_child_subreaper : 1; /* the kernel's is bit 0 */
};

struct task_struct {
	char etrace_pad[40];
	struct signal_struct *signal;
	char comm[16];
	union {
		struct {
			int etrace_a;
			int tgid;
		};
		long etrace_b;
	};
	int pid;
	struct mm_struct *mm;
	struct task_struct *group_leader;
	int etrace_missing_field; /* no kernel has it */
};

/* clang writes the BTF of what the object uses */
struct task_struct etrace_task;
struct mm_struct etrace_mm;
struct file etrace_file;
struct dentry etrace_dentry;
struct signal_struct etrace_signal;
