/* priv.c: the privilege drop after the attach, its helper and the
 * seccomp filter (priv.h). */
#define _GNU_SOURCE
#include "priv.h"

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <seccomp.h>
#include <sys/capability.h>

#include "run_impl.h"

/* the helper: its pid and our end of the socketpair */
static pid_t helper_pid;
static int helper_fd = -1;

enum priv_op {
	PRIV_KILL,  /* kill(pid, sig): the -c command only */
	PRIV_EXE,   /* readlink /proc/PID/exe */
};

struct priv_req {
	enum priv_op op;
	pid_t pid;
	int sig;
};

struct priv_rep {
	int err;
	char path[PATH_MAX];
};

/* the main thread and the OTLP sender may ask at once */
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
	if (p->needs_usyms || p->needs_unwind)
		return "user stacks and symbols read the traced processes' "
		       "/proc/PID/maps and files";
	if (p->needs_containers)
		return "container and pod names read the container "
		       "runtimes' state (root's files)";
	if (p->needs_kallsyms)
		return "kernel symbols need /proc/kallsyms' addresses";
	/* func and the probe names of kernel functions print through
	 * kallsyms too, which shows no addresses to an unprivileged user */
	for (int i = 0; i < p->nprobes; i++) {
		enum probe_kind k = p->probes[i].kind;

		if (k == PK_KPROBE || k == PK_KRETPROBE || k == PK_FENTRY ||
		    k == PK_FEXIT)
			return "kernel function names need /proc/kallsyms' "
			       "addresses";
	}
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

static void answer(const struct priv_req *q, pid_t child,
		   struct priv_rep *a)
{
	char path[64];
	ssize_t n;

	a->err = 0;
	a->path[0] = '\0';
	if (q->op == PRIV_KILL) {
		if (!child || q->pid != child || q->sig < 0 || q->sig >= NSIG)
			a->err = EPERM;
		else if (kill(q->pid, q->sig))
			a->err = errno;
		return;
	}
	if (q->op != PRIV_EXE || q->pid <= 0) {
		a->err = EINVAL;
		return;
	}
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)q->pid);
	n = readlink(path, a->path, sizeof(a->path) - 1);
	if (n < 0)
		a->err = errno;
	else
		a->path[n] = '\0';
}

/* The helper's loop: signals only the -c command, reads only
 * /proc/PID/exe links. */
static void helper_main(int fd, pid_t child)
{
	struct priv_req q;
	struct priv_rep a;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		_exit(0);
	while (read(fd, &q, sizeof(q)) == sizeof(q)) {
		answer(&q, child, &a);
		if (write(fd, &a, sizeof(a)) != sizeof(a))
			break;
	}
	_exit(0);
}

/* The helper keeps CAP_KILL and CAP_SYS_PTRACE (another user's
 * /proc/PID/exe), and nothing else, as root. */
static int helper_limit(void)
{
	cap_value_t keep[] = { CAP_KILL, CAP_SYS_PTRACE };
	cap_t caps = cap_init();
	int err = 0;

	if (!caps)
		return -errno;
	if (cap_set_flag(caps, CAP_PERMITTED, 2, keep, CAP_SET) ||
	    cap_set_flag(caps, CAP_EFFECTIVE, 2, keep, CAP_SET) ||
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

static int ask(const struct priv_req *q, struct priv_rep *a)
{
	int err = 0;

	pthread_mutex_lock(&helper_lock);
	if (helper_fd < 0)
		err = -EPERM;
	else if (write(helper_fd, q, sizeof(*q)) != sizeof(*q) ||
		 read(helper_fd, a, sizeof(*a)) != sizeof(*a))
		err = -EIO;
	pthread_mutex_unlock(&helper_lock);
	return err ? err : -a->err;
}

int priv_kill(pid_t pid, int sig)
{
	struct priv_req q = { .op = PRIV_KILL, .pid = pid, .sig = sig };
	struct priv_rep a;

	if (!kill(pid, sig))
		return 0;
	if (errno != EPERM)
		return -errno;
	return ask(&q, &a);
}

ssize_t priv_exe(pid_t pid, char *buf, size_t size)
{
	struct priv_req q = { .op = PRIV_EXE, .pid = pid };
	struct priv_rep a;
	char path[64];
	ssize_t n;
	int err;

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	n = readlink(path, buf, size);
	if (n >= 0 || (errno != EACCES && errno != EPERM))
		return n;
	err = ask(&q, &a);
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
	if (!err)
		err = seccomp_load(ctx);
	seccomp_release(ctx);
	if (err)
		run_error("cannot install the seccomp filter: %s",
			  strerror(-err));
	return err;
}

int priv_drop(const char *user, pid_t child, bool exe_names)
{
	const char *test;
	int err;

	if (geteuid() == 0) {
		err = child || exe_names ? helper_start(child) : 0;
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
	/* the test suite's proof that the filter holds (tests/runtime/
	 * priv.sh): one call it forbids, ptrace or loading a BPF program */
	test = getenv("ETRACE_SECCOMP_SELFTEST");
	if (!err && test && !strcmp(test, "bpf"))
		syscall(SYS_bpf, BPF_PROG_LOAD, NULL, 0);
	else if (!err && test)
		syscall(SYS_ptrace, 0, 0, 0, 0);
	return err;
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
