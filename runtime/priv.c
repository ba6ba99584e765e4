/* priv.c: the privilege drop after the attach, its helper and the
 * seccomp filter (priv.h). */
#define _GNU_SOURCE
#include "priv.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <grp.h>
#include <limits.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <linux/openat2.h>
#include <sys/ptrace.h>
#include <seccomp.h>
#include <sys/capability.h>

#include "container.h"
#include "run_impl.h"
#include "unwind.h"

/* set once the privileges are gone (priv_dropped) */
static bool dropped;

/* the helper: its pid and our end of the socketpair */
static pid_t helper_pid;
static int helper_fd = -1;

enum priv_op {
	PRIV_KILL,     /* kill(pid, sig): the -c command only */
	PRIV_READLINK, /* readlink /proc/PID/exe */
	PRIV_OPEN,     /* open read-only (priv_allowed): the fd comes back */
	PRIV_READ,     /* /proc/PID/stat read by the helper: the text back */
	PRIV_KEEP,     /* a process at its exit: its root and maps kept */
	PRIV_STATE,    /* a container's state file (sig: which, path: id) */
	PRIV_CACHE,    /* an unwind cache file (path: the build id in hex) */
};

struct priv_req {
	enum priv_op op;
	pid_t pid;
	int sig;
	int flags;
	char path[PATH_MAX];
};

struct priv_rep {
	int err;
	char path[PATH_MAX];
};

/* the main thread, the exit watcher and the OTLP sender may ask at once */
static pthread_mutex_t helper_lock = PTHREAD_MUTEX_INITIALIZER;

static bool has_action(const struct et_program *p, enum et_action_kind k)
{
	for (int i = 0; i < p->nactions; i++)
		if (p->actions[i].kind == k)
			return true;
	return false;
}

const char *priv_keep_reason(const struct et_program *p,
			     const struct run_opts *o)
{
	if (has_action(p, ACT_SYSTEM))
		return "system() runs commands as the invoking user";
	if (has_action(p, ACT_CAT))
		return "cat() reads files as the invoking user";
	if (has_action(p, ACT_WATCHPOINT))
		return "watchpoints are armed while the program runs";
	if (o->flamegraph || o->folded || p->settings.flamegraph ||
	    p->settings.folded)
		return "--flamegraph/--folded write their files at exit";
	return NULL;
}

/* what the symbolizers and runtime readers open of a process */
static const char *const proc_leaves[] = { "maps",   "stat",   "auxv",
					   "mem",    "cgroup", "status",
					   "comm",   NULL };

/* rel (a path under /proc/PID/root, no leading '/') names only
 * components, none of them "." or ".." */
static bool plain_path(const char *rel)
{
	const char *c = rel;

	if (!*rel)
		return false;
	while (*c) {
		size_t n = strcspn(c, "/");

		if (!n || (n == 1 && c[0] == '.') ||
		    (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		c += n;
		if (*c == '/' && !*++c)
			return false;
	}
	return true;
}

static size_t dir_len(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? (size_t)(s - path) : 0;
}

/* /REL is a file the maps text names, or a separate debug file beside
 * one (DIR/X.debug or DIR/.debug/X.debug: .gnu_debuglink's places) */
static bool maps_have(const char *maps, const char *rel)
{
	size_t rlen = strlen(rel), dlen = dir_len(rel);
	bool debug = rlen > 6 && !strcmp(rel + rlen - 6, ".debug");
	const char *line = maps;

	if (debug && dlen >= 7 && !strncmp(rel + dlen - 7, "/.debug", 7))
		dlen -= 7;
	while (maps && *line) {
		size_t len = strcspn(line, "\n");
		const char *file = memchr(line, '/', len);
		size_t n = file ? len - (size_t)(file - line) : 0;

		if (n > 10 && !memcmp(file + n - 10, " (deleted)", 10))
			n -= 10;
		/* as rel: no leading '/' */
		/* the file (n bytes, its leading '/' too) is rel; or, for a
		 * debug file, it is in rel's directory (dlen bytes) */
		if (n > 1 && n - 1 == rlen && !memcmp(file + 1, rel, rlen))
			return true;
		if (debug && n > dlen + 2 && file[1 + dlen] == '/' &&
		    !memcmp(file + 1, rel, dlen) &&
		    !memchr(file + 2 + dlen, '/', n - 2 - dlen))
			return true;
		line += len + (line[len] == '\n');
	}
	return false;
}

/* rel is a perf map or a system debug file (allowed whatever the
 * process maps) */
static bool rel_any(const char *rel)
{
	unsigned long n;
	int used = 0;

	return (sscanf(rel, "tmp/perf-%lu.map%n", &n, &used) == 1 &&
		!rel[used]) ||
	       !strncmp(rel, "usr/lib/debug/", 14);
}

/* what else rel may be: a perf map, a system debug file */
static bool rel_ok(const char *maps, const char *rel)
{
	return rel_any(rel) || maps_have(maps, rel);
}

/* the text of /proc/PID/maps (NULL: gone); free it */
static char *read_maps(pid_t pid)
{
	char path[64], *text = NULL;
	size_t cap = 0, n = 0;
	ssize_t r = 1;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	while (fd >= 0 && r > 0) {
		if (cap - n < 4096) {
			char *t = realloc(text, cap + 65536);

			if (!t)
				break;
			text = t;
			cap += 65536;
		}
		r = read(fd, text + n, cap - n - 1);
		n += r > 0 ? (size_t)r : 0;
	}
	if (fd >= 0)
		close(fd);
	if (text)
		text[n] = '\0';
	return text;
}

/* The roots and mappings of processes at their exit (PRIV_KEEP, from
 * the exit watcher, umaps.c): a stack printed after the process has
 * gone still opens what it mapped, in its root. */
#define KEPT_MAX 16
static struct kept {
	pid_t pid;
	int root;
	char *maps;
} kept[KEPT_MAX];
static unsigned kept_next;

static void keep_proc(pid_t pid)
{
	char path[64];
	struct kept *k = NULL;

	for (int i = 0; i < KEPT_MAX && !k; i++)
		if (kept[i].pid == pid)
			k = &kept[i];
	if (!k)
		k = &kept[kept_next++ % KEPT_MAX];
	if (k->pid) {
		close(k->root);
		free(k->maps);
	}
	snprintf(path, sizeof(path), "/proc/%d/root", (int)pid);
	k->root = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	k->maps = k->root < 0 ? NULL : read_maps(pid);
	k->pid = k->maps ? pid : 0;
	if (!k->maps && k->root >= 0)
		close(k->root);
}

static const struct kept *kept_of(pid_t pid)
{
	for (int i = 0; i < KEPT_MAX; i++)
		if (kept[i].pid == pid)
			return &kept[i];
	return NULL;
}

int priv_allowed(const char *path, bool link, pid_t *pidp,
		 const char **relp)
{
	const char *c = path;
	char *end;
	long pid;

	if (strncmp(c, "/proc/", 6) || !(c[6] >= '1' && c[6] <= '9'))
		return -EPERM;
	errno = 0;
	pid = strtol(c + 6, &end, 10);
	if (errno || pid <= 0 || pid > INT_MAX || *end != '/')
		return -EPERM;
	c = end + 1;
	*pidp = (pid_t)pid;
	*relp = NULL;
	if (link)
		return strcmp(c, "exe") ? -EPERM : 0;
	for (int i = 0; proc_leaves[i]; i++)
		if (!strcmp(c, proc_leaves[i]))
			return 0;
	if (strncmp(c, "root/", 5) || !plain_path(c + 5))
		return -EPERM;
	*relp = c + 5;
	return 0;
}

/* rel as the process sees it: resolved inside its root dir (an
 * absolute symbolic link of a container's file stays in the container) */
static int open_at_root(int dir, const char *rel, int flags)
{
	struct open_how how = { .flags = (uint64_t)flags,
				.resolve = RESOLVE_IN_ROOT |
					   RESOLVE_NO_MAGICLINKS };
	int fd = (int)syscall(SYS_openat2, dir, rel, &how, sizeof(how));

	if (fd < 0 && errno == ENOSYS)
		fd = openat(dir, rel, flags);
	return fd;
}

/* rel under the root of live process pid, when it maps rel (else -1,
 * errno EPERM) */
static int open_live(pid_t pid, const char *rel, int flags)
{
	/* a perf map's or a debug file's request reads no maps: a reader
	 * of the process's mappings opens them once a lookup as before */
	char path[64], *maps = rel_any(rel) ? NULL : read_maps(pid);
	int dir, fd = -1;

	errno = EPERM;
	if (rel_any(rel) || (maps && maps_have(maps, rel))) {
		snprintf(path, sizeof(path), "/proc/%d/root", (int)pid);
		dir = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		fd = dir < 0 ? -1 : open_at_root(dir, rel, flags);
		if (dir >= 0)
			close(dir);
	}
	free(maps);
	return fd;
}

/* A request for a file: allowed (priv_allowed and, under root/, a file
 * the process maps or mapped at its exit, its debug file, its perf map
 * or a system debug file), opened read-only; -1 with a->err set
 * otherwise. */
static int answer_open(const struct priv_req *q, struct priv_rep *a)
{
	int flags = O_RDONLY | O_CLOEXEC | (q->flags & O_NONBLOCK);
	const struct kept *k;
	const char *rel;
	pid_t pid;
	int fd;

	a->err = -priv_allowed(q->path, false, &pid, &rel);
	if (a->err)
		return -1;
	if (!rel)
		fd = open(q->path, flags);
	else if ((fd = open_live(pid, rel, flags)) < 0 &&
		 (k = kept_of(pid)) && rel_ok(k->maps, rel))
		fd = open_at_root(k->root, rel, flags);
	if (fd < 0)
		a->err = errno;
	return fd;
}

/* A container runtime's state file (container_state_path: the path
 * is the helper's own, from the kind and a 64-hex id), read-only */
static int answer_state(const struct priv_req *q, struct priv_rep *a)
{
	char path[4096];
	int fd = -1;
	glob_t g;

	if (!container_state_path((enum container_state)q->sig, q->path, path,
				  sizeof(path))) {
		a->err = EPERM;
		return -1;
	}
	if (q->sig != CS_CONTAINERD) {
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	} else if (!glob(path, 0, NULL, &g)) {
		fd = open(g.gl_pathv[0], O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		globfree(&g);
	} else {
		errno = ENOENT;
	}
	if (fd < 0)
		a->err = errno;
	return fd;
}

static int answer(const struct priv_req *q, pid_t child, struct priv_rep *a)
{
	const char *rel;
	pid_t pid;
	ssize_t n;

	a->err = 0;
	a->path[0] = '\0';
	if (q->op == PRIV_KILL) {
		if (!child || q->pid != child || q->sig < 0 || q->sig >= NSIG)
			a->err = EPERM;
		else if (kill(q->pid, q->sig))
			a->err = errno;
		return -1;
	}
	if (q->op == PRIV_OPEN)
		return answer_open(q, a);
	if (q->op == PRIV_STATE)
		return answer_state(q, a);
	if (q->op == PRIV_CACHE) {
		char path[4300];
		int fd = -1;

		if (!unwind_cache_path(q->path, path, sizeof(path)))
			a->err = EPERM;
		else if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) <
			 0)
			a->err = errno;
		return fd;
	}
	if (q->op == PRIV_KEEP) {
		if (q->pid > 0)
			keep_proc(q->pid);
		return -1;
	}
	if (q->op == PRIV_READ) {
		size_t n = strlen(q->path);
		ssize_t r;
		int fd;

		/* the kernel shows a process's addresses in it to a reader
		 * that may trace it, whoever opened the file */
		if (n < 5 || strcmp(q->path + n - 5, "/stat")) {
			a->err = EPERM;
			return -1;
		}
		fd = answer_open(q, a);
		if (fd < 0)
			return -1;
		r = read(fd, a->path, sizeof(a->path) - 1);
		if (r < 0)
			a->err = errno;
		a->path[r < 0 ? 0 : r] = '\0';
		close(fd);
		return -1;
	}
	if (q->op != PRIV_READLINK) {
		a->err = EINVAL;
		return -1;
	}
	a->err = -priv_allowed(q->path, true, &pid, &rel);
	if (a->err)
		return -1;
	n = readlink(q->path, a->path, sizeof(a->path) - 1);
	if (n < 0)
		a->err = errno;
	else
		a->path[n] = '\0';
	return -1;
}

/* the answer, with fd (>= 0) as SCM_RIGHTS */
static bool send_rep(int sock, const struct priv_rep *a, int fd)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct iovec iov = { .iov_base = (void *)a, .iov_len = sizeof(*a) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (fd >= 0) {
		memset(&u, 0, sizeof(u));
		m.msg_control = u.buf;
		m.msg_controllen = sizeof(u.buf);
		CMSG_FIRSTHDR(&m)->cmsg_level = SOL_SOCKET;
		CMSG_FIRSTHDR(&m)->cmsg_type = SCM_RIGHTS;
		CMSG_FIRSTHDR(&m)->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(CMSG_FIRSTHDR(&m)), &fd, sizeof(int));
	}
	return sendmsg(sock, &m, MSG_NOSIGNAL) == (ssize_t)sizeof(*a);
}

/* The helper's own system calls (answering: read, open, readlink,
 * kill, sendmsg; stdio's buffers; geteuid: unwind_cache_path names the
 * cache directory by it when ETRACE_CACHE_DIR is unset): a helper made
 * to do anything else is killed. */
static const int helper_calls[] = {
	SCMP_SYS(read),	      SCMP_SYS(sendmsg),    SCMP_SYS(open),
	SCMP_SYS(openat),     SCMP_SYS(openat2),    SCMP_SYS(readlink),
	SCMP_SYS(readlinkat), SCMP_SYS(close),	    SCMP_SYS(kill),
	SCMP_SYS(fstat),      SCMP_SYS(newfstatat), SCMP_SYS(lseek),
	SCMP_SYS(brk),	      SCMP_SYS(mmap),	    SCMP_SYS(munmap),
	SCMP_SYS(mprotect),   SCMP_SYS(madvise),    SCMP_SYS(rt_sigreturn),
	SCMP_SYS(exit),	      SCMP_SYS(exit_group), SCMP_SYS(getdents64),
	SCMP_SYS(geteuid),
};

static int helper_filter(void)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	int err = ctx ? 0 : -ENOMEM;

	for (size_t i = 0;
	     !err && i < sizeof(helper_calls) / sizeof(*helper_calls); i++)
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, helper_calls[i], 0);
	if (!err)
		err = seccomp_load(ctx);
	seccomp_release(ctx);
	return err;
}

/* The helper's loop: signals only the -c command, reads only
 * /proc/PID/exe links, opens only what priv_allowed lets through. */
static void helper_main(int sock, pid_t child)
{
	struct priv_req q;
	struct priv_rep a;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1 || helper_filter())
		_exit(0);
	while (read(sock, &q, sizeof(q)) == sizeof(q)) {
		int fd;
		bool sent;

		q.path[sizeof(q.path) - 1] = '\0';
		fd = answer(&q, child, &a);
		sent = send_rep(sock, &a, fd);
		if (fd >= 0)
			close(fd);
		if (!sent)
			break;
	}
	_exit(0);
}

/* The helper keeps CAP_KILL (the -c command), CAP_SYS_PTRACE (another
 * user's /proc/PID files and root) and CAP_DAC_READ_SEARCH (a file only
 * its owner may read, mapped by its process), and nothing else, as
 * root. */
static int helper_limit(void)
{
	cap_value_t keep[] = { CAP_KILL, CAP_SYS_PTRACE,
			       CAP_DAC_READ_SEARCH };
	cap_t caps = cap_init();
	int err = 0;

	if (!caps)
		return -errno;
	if (cap_set_flag(caps, CAP_PERMITTED, 3, keep, CAP_SET) ||
	    cap_set_flag(caps, CAP_EFFECTIVE, 3, keep, CAP_SET) ||
	    cap_set_proc(caps))
		err = -errno;
	cap_free(caps);
	return err;
}

static int helper_start(pid_t child)
{
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(sv[0]);
		close(sv[1]);
		return -errno;
	}
	if (!pid) {
		/* nothing of the run (maps, links, output) stays open here */
		if (dup2(sv[1], 3) < 0)
			_exit(1);
		syscall(SYS_close_range, 4, ~0U, 0);
		helper_limit();
		helper_main(3, child);
	}
	close(sv[1]);
	helper_pid = pid;
	helper_fd = sv[0];
	return 0;
}

/* One request, its answer and the fd it carries (*fdp, -1: none). */
static int ask(const struct priv_req *q, struct priv_rep *a, int *fdp)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct iovec iov = { .iov_base = a, .iov_len = sizeof(*a) };
	struct msghdr m = { .msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = u.buf,
			    .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *c;
	int err = 0, fd = -1;

	pthread_mutex_lock(&helper_lock);
	if (helper_fd < 0)
		err = -EPERM;
	else if (write(helper_fd, q, sizeof(*q)) != sizeof(*q) ||
		 recvmsg(helper_fd, &m, MSG_CMSG_CLOEXEC) != sizeof(*a))
		err = -EIO;
	pthread_mutex_unlock(&helper_lock);
	for (c = err ? NULL : CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
		    c->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(&fd, CMSG_DATA(c), sizeof(int));
	if (!err && a->err)
		err = -a->err;
	if (fdp)
		*fdp = fd;
	else if (fd >= 0)
		close(fd);
	return err;
}

int priv_kill(pid_t pid, int sig)
{
	struct priv_req q = { .op = PRIV_KILL, .pid = pid, .sig = sig };
	struct priv_rep a;

	if (!kill(pid, sig))
		return 0;
	if (errno != EPERM)
		return -errno;
	return ask(&q, &a, NULL);
}

/* Whether a failed open or readlink of path may succeed through the
 * helper: a /proc path refused for want of a privilege. */
static bool helper_may(const char *path)
{
	return (errno == EACCES || errno == EPERM) && helper_fd >= 0 &&
	       !strncmp(path, "/proc/", 6) && strlen(path) < PATH_MAX;
}

ssize_t priv_readlink(const char *path, char *buf, size_t size)
{
	struct priv_req q = { .op = PRIV_READLINK };
	struct priv_rep a;
	ssize_t n = readlink(path, buf, size);
	int err;

	if (n >= 0 || !helper_may(path))
		return n;
	strcpy(q.path, path);
	err = ask(&q, &a, NULL);
	if (err) {
		errno = -err;
		return -1;
	}
	n = (ssize_t)strlen(a.path);
	if ((size_t)n > size)
		n = (ssize_t)size;
	memcpy(buf, a.path, (size_t)n);
	return n;
}

ssize_t priv_exe(pid_t pid, char *buf, size_t size)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	return priv_readlink(path, buf, size);
}

static int ask_open(const char *path, int flags)
{
	struct priv_req q = { .op = PRIV_OPEN, .flags = flags };
	struct priv_rep a;
	int err, fd;

	snprintf(q.path, sizeof(q.path), "%s", path);
	err = ask(&q, &a, &fd);
	if (err) {
		errno = -err;
		return -1;
	}
	return fd;
}

int priv_open(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC);

	if (fd >= 0 || (flags & O_ACCMODE) != O_RDONLY || !helper_may(path))
		return fd;
	return ask_open(path, flags);
}

FILE *priv_fopen(const char *path)
{
	int fd = priv_open(path, O_RDONLY);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "r");

	if (fd >= 0 && !f)
		close(fd);
	return f;
}

int priv_stat(const char *path, struct stat *st)
{
	int fd, err;

	if (!stat(path, st))
		return 0;
	if (!helper_may(path))
		return -errno;
	fd = ask_open(path, O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	err = fstat(fd, st) ? -errno : 0;
	close(fd);
	return err;
}

/* a request whose answer is a read-only stream of the fd it carries */
static FILE *ask_fopen(struct priv_req *q, const char *arg)
{
	struct priv_rep a;
	FILE *f;
	int err, fd;

	if (helper_fd < 0) {
		errno = EPERM;
		return NULL;
	}
	snprintf(q->path, sizeof(q->path), "%s", arg);
	err = ask(q, &a, &fd);
	if (err) {
		errno = -err;
		return NULL;
	}
	f = fdopen(fd, "r");
	if (!f)
		close(fd);
	return f;
}

FILE *priv_cache_fopen(const char *hex)
{
	struct priv_req q = { .op = PRIV_CACHE };

	return ask_fopen(&q, hex);
}

FILE *priv_state_fopen(int which, const char *id)
{
	struct priv_req q = { .op = PRIV_STATE, .sig = which };

	return ask_fopen(&q, id);
}

void priv_keep(pid_t pid)
{
	struct priv_req q = { .op = PRIV_KEEP, .pid = pid };
	struct priv_rep a;

	if (helper_fd >= 0)
		ask(&q, &a, NULL);
}

ssize_t priv_read_full(const char *path, char *buf, size_t size)
{
	struct priv_req q = { .op = PRIV_READ };
	struct priv_rep a;
	FILE *f;
	size_t n;
	int err;

	if (helper_fd >= 0 && strlen(path) < PATH_MAX) {
		strcpy(q.path, path);
		err = ask(&q, &a, NULL);
		if (err) {
			errno = -err;
			return -1;
		}
		n = strlen(a.path);
		n = n < size ? n : size;
		memcpy(buf, a.path, n);
		return (ssize_t)n;
	}
	f = priv_fopen(path);
	if (!f)
		return -1;
	n = fread(buf, 1, size, f);
	fclose(f);
	return (ssize_t)n;
}

/* /proc/PID/mem of the processes read through the helper, kept open
 * (a later read of the same process is one pread); a failed read drops
 * the fd: the process exited, or the pid is another's now */
#define MEM_FDS 8
static struct {
	pid_t pid;
	int fd;
} mem_fds[MEM_FDS];
static unsigned mem_next;
static pthread_mutex_t mem_lock = PTHREAD_MUTEX_INITIALIZER;

static int mem_fd(pid_t pid)
{
	char path[64];
	int fd = -1;

	for (int i = 0; i < MEM_FDS && fd < 0; i++)
		if (mem_fds[i].pid == pid && mem_fds[i].fd > 0)
			fd = mem_fds[i].fd;
	if (fd >= 0)
		return fd;
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	fd = ask_open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	if (mem_fds[mem_next].fd > 0)
		close(mem_fds[mem_next].fd);
	mem_fds[mem_next].pid = pid;
	mem_fds[mem_next].fd = fd;
	mem_next = (mem_next + 1) % MEM_FDS;
	return fd;
}

bool priv_vm_read(pid_t pid, uint64_t addr, void *buf, size_t len)
{
	struct iovec l = { .iov_base = buf, .iov_len = len };
	struct iovec r = { .iov_base = (void *)(uintptr_t)addr,
			   .iov_len = len };
	ssize_t n;
	bool ok;
	int fd;

	if (!addr)
		return false;
	n = process_vm_readv(pid, &l, 1, &r, 1, 0);
	if (n == (ssize_t)len)
		return true;
	if (n >= 0 || errno != EPERM || helper_fd < 0 || addr > (uint64_t)INT64_MAX)
		return false;
	pthread_mutex_lock(&mem_lock);
	fd = mem_fd(pid);
	ok = fd >= 0 && pread(fd, buf, len, (off_t)addr) == (ssize_t)len;
	for (int i = 0; !ok && fd >= 0 && i < MEM_FDS; i++)
		if (mem_fds[i].fd == fd) {
			close(fd);
			mem_fds[i].fd = 0;
			mem_fds[i].pid = 0;
		}
	pthread_mutex_unlock(&mem_lock);
	return ok;
}

void priv_end(void)
{
	if (helper_fd < 0)
		return;
	close(helper_fd);
	helper_fd = -1;
	waitpid(helper_pid, NULL, 0);
}

/* nobody's ids where no user database names it (a minimal container or
 * initramfs): the overflow uid and gid */
#define NOBODY_ID 65534

/* root: become user (NULL: nobody), with its group and no others */
static int become(const char *user)
{
	uid_t uid = NOBODY_ID;
	gid_t gid = NOBODY_ID;
	struct passwd *pw;

	errno = 0;
	pw = getpwnam(user ? user : "nobody");
	if (pw) {
		uid = pw->pw_uid;
		gid = pw->pw_gid;
	} else if (user) {
		run_error("cannot drop privileges: no user '%s' (--user)",
			  user);
		return -ENOENT;
	}
	if (setgroups(0, NULL) || setresgid(gid, gid, gid) ||
	    setresuid(uid, uid, uid)) {
		run_error("cannot drop privileges to user '%s': %s",
			  user ? user : "nobody", strerror(errno));
		return -errno;
	}
	return 0;
}

/* The bounding set first (that needs CAP_SETPCAP, gone with root). */
static int drop_bounding(void)
{
	for (int c = 0; c <= CAP_LAST_CAP; c++)
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) && errno != EINVAL &&
		    errno != EPERM)
			return -errno;
	return 0;
}

static int clear_caps(void)
{
	cap_t caps = cap_init(); /* all clear */
	int err = 0;

	if (!caps || cap_set_proc(caps))
		err = -errno;
	cap_free(caps);
	if (!err && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0))
		err = -errno;
	if (err)
		run_error("cannot drop the capabilities: %s", strerror(-err));
	return err;
}

/* What the process does after the attach: the event loop (ring buffer,
 * maps, signals, the -c child), the output, the audit record at the end,
 * the metrics server (microhttpd's thread) and the OTLP sender (libcurl's
 * thread: sockets, name resolution). */
static const int allowed[] = {
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv), SCMP_SYS(writev),
	SCMP_SYS(pread64), SCMP_SYS(pwrite64), SCMP_SYS(lseek),
	SCMP_SYS(close), SCMP_SYS(openat), SCMP_SYS(open),
	SCMP_SYS(fstat), SCMP_SYS(newfstatat), SCMP_SYS(statx),
	SCMP_SYS(stat), SCMP_SYS(lstat), SCMP_SYS(access),
	SCMP_SYS(faccessat), SCMP_SYS(faccessat2), SCMP_SYS(readlink),
	SCMP_SYS(readlinkat), SCMP_SYS(getdents64), SCMP_SYS(fcntl),
	SCMP_SYS(dup), SCMP_SYS(dup2), SCMP_SYS(dup3), SCMP_SYS(pipe2),
	SCMP_SYS(ioctl), SCMP_SYS(flock), SCMP_SYS(fsync),
	SCMP_SYS(fdatasync), SCMP_SYS(ftruncate),
	SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mprotect),
	SCMP_SYS(mremap), SCMP_SYS(madvise), SCMP_SYS(brk),
	SCMP_SYS(epoll_wait), SCMP_SYS(epoll_pwait),
	SCMP_SYS(epoll_pwait2), SCMP_SYS(epoll_ctl), SCMP_SYS(epoll_create1),
	SCMP_SYS(poll), SCMP_SYS(ppoll), SCMP_SYS(select),
	SCMP_SYS(pselect6), SCMP_SYS(eventfd2), SCMP_SYS(timerfd_create),
	SCMP_SYS(timerfd_settime), SCMP_SYS(timerfd_gettime),
	SCMP_SYS(rt_sigaction), SCMP_SYS(rt_sigprocmask),
	SCMP_SYS(rt_sigreturn), SCMP_SYS(rt_sigtimedwait),
	SCMP_SYS(rt_sigpending), SCMP_SYS(rt_sigsuspend), SCMP_SYS(pause),
	SCMP_SYS(tkill), SCMP_SYS(getcwd), SCMP_SYS(close_range),
	SCMP_SYS(fstatfs), SCMP_SYS(statfs), SCMP_SYS(fadvise64),
	SCMP_SYS(getcpu), SCMP_SYS(getresuid), SCMP_SYS(getresgid),
	SCMP_SYS(getgroups), SCMP_SYS(getpgid), SCMP_SYS(getsid),
	SCMP_SYS(sched_getparam), SCMP_SYS(sched_getscheduler),
	SCMP_SYS(getitimer), SCMP_SYS(setitimer), SCMP_SYS(alarm),
	SCMP_SYS(msync), SCMP_SYS(mincore), SCMP_SYS(pidfd_open),
	SCMP_SYS(signalfd4), SCMP_SYS(sigaltstack), SCMP_SYS(kill),
	SCMP_SYS(tgkill), SCMP_SYS(pidfd_send_signal), SCMP_SYS(wait4),
	SCMP_SYS(waitid), SCMP_SYS(futex), SCMP_SYS(clone),
	SCMP_SYS(clone3), SCMP_SYS(set_robust_list), SCMP_SYS(rseq),
	SCMP_SYS(sched_yield), SCMP_SYS(sched_getaffinity),
	SCMP_SYS(nanosleep), SCMP_SYS(clock_nanosleep),
	SCMP_SYS(clock_gettime), SCMP_SYS(gettimeofday), SCMP_SYS(time),
	SCMP_SYS(getpid), SCMP_SYS(gettid), SCMP_SYS(getppid),
	SCMP_SYS(getuid), SCMP_SYS(geteuid), SCMP_SYS(getgid),
	SCMP_SYS(getegid), SCMP_SYS(uname), SCMP_SYS(sysinfo),
	SCMP_SYS(getrandom), SCMP_SYS(prlimit64), SCMP_SYS(getrusage),
	SCMP_SYS(socket), SCMP_SYS(connect), SCMP_SYS(bind),
	SCMP_SYS(listen), SCMP_SYS(accept), SCMP_SYS(accept4),
	SCMP_SYS(sendto), SCMP_SYS(recvfrom), SCMP_SYS(sendmsg),
	SCMP_SYS(recvmsg), SCMP_SYS(sendmmsg), SCMP_SYS(recvmmsg),
	SCMP_SYS(shutdown), SCMP_SYS(getsockopt), SCMP_SYS(setsockopt),
	SCMP_SYS(getsockname), SCMP_SYS(getpeername),
	SCMP_SYS(socketpair), SCMP_SYS(exit), SCMP_SYS(exit_group),
	SCMP_SYS(restart_syscall), SCMP_SYS(capget),
	SCMP_SYS(membarrier), SCMP_SYS(name_to_handle_at),
	SCMP_SYS(process_vm_readv),
};

/* bpf() only for what a loaded program's user does: its maps, running
 * BEGIN/END/SIGUSR1 (BPF_PROG_TEST_RUN), reading an iterator, program
 * statistics, a link's detach. No new program, map, BTF or attachment,
 * whatever capabilities a thread still has. */
static const int bpf_cmds[] = {
	BPF_MAP_LOOKUP_ELEM, BPF_MAP_UPDATE_ELEM, BPF_MAP_DELETE_ELEM,
	BPF_MAP_GET_NEXT_KEY, BPF_MAP_LOOKUP_AND_DELETE_ELEM,
	BPF_MAP_LOOKUP_BATCH, BPF_MAP_LOOKUP_AND_DELETE_BATCH,
	BPF_MAP_UPDATE_BATCH, BPF_MAP_DELETE_BATCH, BPF_PROG_TEST_RUN,
	BPF_OBJ_GET_INFO_BY_FD, BPF_ITER_CREATE, BPF_LINK_DETACH,
};

/* ptrace() only on a process the exit watcher (umaps.c) already traces:
 * going on from its stops, its entry point's breakpoint, detaching. No
 * new tracee. */
static const int ptrace_reqs[] = {
	PTRACE_CONT,	 PTRACE_DETACH,	 PTRACE_LISTEN, PTRACE_GETEVENTMSG,
	PTRACE_PEEKTEXT, PTRACE_POKETEXT, PTRACE_GETREGS, PTRACE_SETREGS,
};

static int filter_syscalls(void)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	int err = ctx ? 0 : -ENOMEM;

	/* every thread: the metrics server's and the OTLP sender's too */
	if (!err)
		err = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	for (size_t i = 0; !err && i < sizeof(allowed) / sizeof(*allowed);
	     i++)
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed[i], 0);
	for (size_t i = 0; !err && i < sizeof(bpf_cmds) / sizeof(*bpf_cmds);
	     i++)
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(bpf), 1,
				       SCMP_A0(SCMP_CMP_EQ,
					       (scmp_datum_t)bpf_cmds[i]));
	for (size_t i = 0;
	     !err && i < sizeof(ptrace_reqs) / sizeof(*ptrace_reqs); i++)
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ptrace), 1,
				       SCMP_A0(SCMP_CMP_EQ,
					       (scmp_datum_t)ptrace_reqs[i]));
	if (!err)
		err = seccomp_load(ctx);
	seccomp_release(ctx);
	if (err)
		run_error("cannot install the seccomp filter: %s",
			  strerror(-err));
	return err;
}

/* The test suite's proof that the helper refuses what it must
 * (tests/runtime/priv.sh): ETRACE_PRIV_SELFTEST_OPEN=PATH[:PATH...] asks
 * it for each PATH, as the event loop would, and says what it answered. */
static void selftest_open(const char *paths)
{
	char path[PATH_MAX];

	while (*paths) {
		size_t n = strcspn(paths, ":");
		int fd;

		snprintf(path, sizeof(path), "%.*s", (int)n, paths);
		fd = ask_open(path, O_RDONLY);
		fprintf(stderr, "priv selftest: %s: %s\n", path,
			fd >= 0 ? "opened" : strerror(errno));
		if (fd >= 0)
			close(fd);
		paths += n + (paths[n] == ':');
	}
}

int priv_drop(const char *user, pid_t child, bool helper)
{
	const char *test;
	int err;

	if (geteuid() == 0) {
		err = child || helper ? helper_start(child) : 0;
		if (!err)
			err = drop_bounding();
		if (err) {
			run_error("cannot drop privileges: %s",
				  strerror(-err));
			return err;
		}
		err = become(user);
		if (err)
			return err;
	}
	err = clear_caps();
	if (!err && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		err = -errno;
	if (!err)
		err = filter_syscalls();
	dropped = !err;
	/* the test suite's proof that the filter holds (tests/runtime/
	 * priv.sh): one call it forbids, ptrace or loading a BPF program */
	test = getenv("ETRACE_SECCOMP_SELFTEST");
	if (!err && test && !strcmp(test, "bpf"))
		syscall(SYS_bpf, BPF_PROG_LOAD, NULL, 0);
	else if (!err && test)
		syscall(SYS_ptrace, 0, 0, 0, 0);
	test = getenv("ETRACE_PRIV_SELFTEST_OPEN");
	if (!err && test)
		selftest_open(test);
	return err;
}

bool priv_dropped(void)
{
	return dropped;
}

const char *priv_missing_cap(void)
{
	cap_flag_value_t bpf = CAP_CLEAR, perfmon = CAP_CLEAR,
			 admin = CAP_CLEAR;
	cap_t caps = cap_get_proc();

	if (!caps)
		return NULL; /* let the kernel say no */
	cap_get_flag(caps, CAP_SYS_ADMIN, CAP_EFFECTIVE, &admin);
	cap_get_flag(caps, CAP_BPF, CAP_EFFECTIVE, &bpf);
	cap_get_flag(caps, CAP_PERFMON, CAP_EFFECTIVE, &perfmon);
	cap_free(caps);
	if (admin == CAP_SET)
		return NULL;
	if (bpf != CAP_SET)
		return "CAP_BPF";
	return perfmon != CAP_SET ? "CAP_PERFMON" : NULL;
}
