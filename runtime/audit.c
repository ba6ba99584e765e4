/* audit.c: the audit records of a run and the check of their chain
 * (audit.h). */
#include "audit.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "sha256.h"

#define ZERO_HASH \
	"0000000000000000000000000000000000000000000000000000000000000000"

struct audit {
	int fd;
	char *path;
	cJSON *who;      /* the fields both records carry */
	char run[65];    /* the start record's hash: the end names it */
};

static const char *audit_path(const struct cli *cli)
{
	const char *p = cli->audit_log;

	if (!p)
		p = getenv("ETRACE_AUDIT_LOG");
	if (!p || !*p)
		p = geteuid() == 0 ? ET_AUDIT_DEFAULT : NULL;
	return p && strcmp(p, "none") ? p : NULL;
}

static long long loginuid(void)
{
	FILE *f = fopen("/proc/self/loginuid", "re");
	long long v = -1;

	if (f) {
		if (fscanf(f, "%lld", &v) != 1)
			v = -1;
		fclose(f);
	}
	/* (uid_t)-1: no login (a service, early boot) */
	return v == 4294967295LL ? -1 : v;
}

static void add_time(cJSON *o)
{
	struct timespec ts;
	struct tm tm;
	char buf[64];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000);
	cJSON_AddStringToObject(o, "time", buf);
}

static cJSON *who_json(const struct cli *cli, const struct et_program *p)
{
	struct passwd *pw = getpwuid(getuid());
	cJSON *o = cJSON_CreateObject(), *probes, *targets;
	char hash[65];

	if (!o)
		return NULL;
	cJSON_AddStringToObject(o, "tool", cli_progname);
	cJSON_AddNumberToObject(o, "pid", getpid());
	cJSON_AddNumberToObject(o, "uid", getuid());
	cJSON_AddNumberToObject(o, "euid", geteuid());
	cJSON_AddNumberToObject(o, "loginuid", (double)loginuid());
	cJSON_AddStringToObject(o, "user", pw ? pw->pw_name : "?");
	cJSON_AddStringToObject(o, "name", p->src.name ? p->src.name : "");
	sha256_hex(p->src.text ? p->src.text : "", p->src.len, hash);
	cJSON_AddStringToObject(o, "program_sha256", hash);
	probes = cJSON_AddArrayToObject(o, "probes");
	for (int i = 0; probes && i < p->nprobes; i++)
		cJSON_AddItemToArray(probes,
				     cJSON_CreateString(p->probes[i].raw ?
							p->probes[i].raw : ""));
	targets = cJSON_AddObjectToObject(o, "targets");
	if (targets && cli->pid)
		cJSON_AddNumberToObject(targets, "pid", (double)cli->pid);
	if (targets && cli->cmd)
		cJSON_AddStringToObject(targets, "cmd", cli->cmd);
	return o;
}

/* The SHA-256 of the file's last line (without its newline), or zeros
 * for an empty file. The file is locked. */
static int last_hash(int fd, char out[65])
{
	struct sha256 s;
	struct stat st;
	char buf[4096];
	off_t end, start;
	uint8_t d[32];
	ssize_t n;

	if (fstat(fd, &st))
		return -errno;
	end = st.st_size;
	if (end > 0 && pread(fd, buf, 1, end - 1) == 1 && buf[0] == '\n')
		end--;
	if (end <= 0) {
		strcpy(out, ZERO_HASH);
		return 0;
	}
	/* back to the newline before the last line */
	start = end;
	while (start > 0) {
		off_t from = start > (off_t)sizeof(buf) ?
			     start - (off_t)sizeof(buf) : 0;
		bool found = false;

		n = pread(fd, buf, (size_t)(start - from), from);
		if (n != start - from)
			return n < 0 ? -errno : -EIO;
		for (ssize_t i = n - 1; i >= 0 && !found; i--)
			if (buf[i] == '\n') {
				start = from + i + 1;
				found = true;
			}
		if (found)
			break;
		start = from;
	}
	sha256_init(&s);
	for (off_t at = start; at < end; at += n) {
		size_t want = end - at < (off_t)sizeof(buf) ?
			      (size_t)(end - at) : sizeof(buf);

		n = pread(fd, buf, want, at);
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		sha256_update(&s, buf, (size_t)n);
	}
	sha256_final(&s, d);
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
	return 0;
}

/* Appends o (given "prev") as one line, under the lock; its hash in
 * hash when not NULL. */
static int append(struct audit *a, cJSON *o, char hash[65])
{
	char prev[65], *line = NULL;
	size_t len;
	int err;

	if (flock(a->fd, LOCK_EX))
		return -errno;
	err = last_hash(a->fd, prev);
	if (err)
		goto out;
	cJSON_AddStringToObject(o, "prev", prev);
	line = cJSON_PrintUnformatted(o);
	if (!line) {
		err = -ENOMEM;
		goto out;
	}
	len = strlen(line);
	if (hash)
		sha256_hex(line, len, hash);
	line[len] = '\n'; /* cJSON's NUL: one write, one line */
	if (write(a->fd, line, len + 1) != (ssize_t)(len + 1))
		err = errno ? -errno : -EIO;
out:
	flock(a->fd, LOCK_UN);
	cJSON_free(line);
	return err;
}

/* journald and syslog get the record without the program's text */
static void to_syslog(cJSON *o)
{
	cJSON *c = cJSON_Duplicate(o, 1);
	char *s;

	if (!c)
		return;
	cJSON_DeleteItemFromObject(c, "program");
	s = cJSON_PrintUnformatted(c);
	if (s)
		syslog(LOG_AUTHPRIV | LOG_NOTICE, "%s", s);
	cJSON_free(s);
	cJSON_Delete(c);
}

static int open_log(const char *path)
{
	char *dir = strdup(path), *slash;
	int fd;

	/* the file's directory and those above it (a minimal root may
	 * have no /var/log), made as logrotate expects them */
	slash = dir ? strrchr(dir, '/') : NULL;
	if (slash && slash != dir) {
		*slash = '\0';
		for (char *p = strchr(dir + 1, '/'); p; p = strchr(p + 1, '/')) {
			*p = '\0';
			mkdir(dir, 0755);
			*p = '/';
		}
		mkdir(dir, 0750);
	}
	free(dir);
	fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	return fd < 0 ? -errno : fd;
}

int audit__open(const struct cli *cli, const struct et_program *prog,
		struct audit **out)
{
	const char *path = audit_path(cli);
	struct audit *a;
	int fd;

	*out = NULL;
	if (!path)
		return 0;
	fd = open_log(path);
	if (fd < 0) {
		fprintf(stderr, "%s: cannot write the audit log '%s': %s%s\n",
			cli_progname, path, strerror(-fd),
			cli->audit_required ? " (--audit-required: not "
					      "running)" : "");
		return fd;
	}
	a = calloc(1, sizeof(*a));
	if (a) {
		a->path = strdup(path);
		a->who = who_json(cli, prog);
	}
	if (!a || !a->path || !a->who) {
		close(fd);
		if (a) {
			free(a->path);
			cJSON_Delete(a->who);
		}
		free(a);
		fprintf(stderr, "%s: the audit log: %s\n", cli_progname,
			strerror(ENOMEM));
		return -ENOMEM;
	}
	a->fd = fd;
	openlog("etrace", LOG_PID | LOG_NDELAY, LOG_AUTHPRIV);
	/* the text only in the start record: the end names it by hash */
	cJSON_AddStringToObject(a->who, "program",
				prog->src.text ? prog->src.text : "");
	*out = a;
	return 0;
}

int audit__start(struct audit *a)
{
	cJSON *o = cJSON_Duplicate(a->who, 1);
	int err = o ? 0 : -ENOMEM;

	if (o) {
		cJSON_AddStringToObject(o, "event", "start");
		add_time(o);
		err = append(a, o, a->run);
		to_syslog(o);
	}
	cJSON_Delete(o);
	cJSON_DeleteItemFromObject(a->who, "program");
	if (err)
		fprintf(stderr, "%s: cannot write the audit log '%s': %s\n",
			cli_progname, a->path, strerror(-err));
	return err;
}

void audit__end(struct audit *a, int status, bool signalled)
{
	cJSON *o;
	int err;

	if (!a)
		return;
	o = cJSON_Duplicate(a->who, 1);
	if (o) {
		cJSON_AddStringToObject(o, "event", "end");
		add_time(o);
		cJSON_AddStringToObject(o, "start", a->run);
		cJSON_AddStringToObject(o, "ended", signalled ? "signal" :
					status ? "error" : "exit");
		cJSON_AddNumberToObject(o, "status", status);
		err = append(a, o, NULL);
		if (err)
			fprintf(stderr, "%s: cannot write the audit log '%s': "
				"%s\n", cli_progname, a->path, strerror(-err));
		to_syslog(o);
		cJSON_Delete(o);
	}
	closelog();
	close(a->fd);
	cJSON_Delete(a->who);
	free(a->path);
	free(a);
}

int audit__verify(const char *path, FILE *out)
{
	FILE *f = fopen(path, "re");
	char prev[65] = ZERO_HASH, *line = NULL;
	size_t cap = 0, n = 0, bad = 0;
	ssize_t len;

	if (!f) {
		fprintf(stderr, "%s: cannot read '%s': %s\n", cli_progname,
			path, strerror(errno));
		return 2;
	}
	while ((len = getline(&line, &cap, f)) >= 0) {
		cJSON *o, *p;

		n++;
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		o = cJSON_ParseWithLength(line, (size_t)len);
		p = o ? cJSON_GetObjectItemCaseSensitive(o, "prev") : NULL;
		if (!cJSON_IsString(p)) {
			fprintf(out, "%s:%zu: not an audit record\n", path, n);
			bad++;
		} else if (strcmp(p->valuestring, prev)) {
			fprintf(out, "%s:%zu: the chain breaks here: %s\n",
				path, n, n == 1 ?
				"records before this one were removed" :
				"the record before it was edited, or records "
				"between them were removed");
			bad++;
		}
		cJSON_Delete(o);
		sha256_hex(line, (size_t)len, prev);
	}
	free(line);
	fclose(f);
	if (!bad)
		fprintf(out, "%s: %zu records, chain intact\n", path, n);
	return bad ? 1 : 0;
}
