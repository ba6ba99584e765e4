/* Running an artifact from the command line (run_cli.h). */
#include "run_cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "artifact.h"
#include "audit.h"
#include "options.h"
#include "outstream.h"
#include "sign.h"

static int set_buffering(FILE *f, enum cli_buffering b)
{
	switch (b) {
	case CLI_BUF_LINE: return setvbuf(f, NULL, _IOLBF, 0);
	case CLI_BUF_FULL: return setvbuf(f, NULL, _IOFBF, 0);
	case CLI_BUF_NONE: return setvbuf(f, NULL, _IONBF, 0);
	case CLI_BUF_DEFAULT: break;
	}
	return 0;
}

/* stdout, or -o FILE (created, or emptied), as an outstream (its write
 * errors are kept: outstream.h); a terminal is line-buffered, as
 * stdout is. */
FILE *run_cli_open_output(const struct cli *cli)
{
	int fd = STDOUT_FILENO;
	FILE *f;

	if (cli->output) {
		fd = open(cli->output, O_WRONLY | O_CREAT | O_TRUNC |
			  O_CLOEXEC, 0666);
		if (fd < 0)
			goto fail;
	}
	f = outstream__open(fd, cli->output ? cli->output : "stdout",
			    cli->output != NULL);
	if (!f) {
		if (cli->output)
			close(fd);
		goto fail;
	}
	if (cli->buffering == CLI_BUF_DEFAULT && isatty(fd))
		setvbuf(f, NULL, _IOLBF, 0);
	set_buffering(f, cli->buffering);
	return f;
fail:
	fprintf(stderr, "%s: cannot open output file '%s': %s\n",
		cli_progname, cli->output ? cli->output : "stdout",
		strerror(errno));
	return NULL;
}

/* The run reported a write error it saw (run.c); what only the last
 * flush meets is said here. A closed pipe is no error. */
int run_cli_close_output(FILE *f, int rc)
{
	bool seen = outstream__error(f) != 0;
	char *name = strdup(outstream__name(f));
	int err = outstream__close(f);

	if (err && !seen && err != EPIPE) {
		fprintf(stderr, "%s: cannot write the output (%s): %s\n",
			cli_progname, name ? name : "?", strerror(err));
		rc = rc ? rc : 1;
	}
	free(name);
	return rc;
}

int run_cli_check_pid(const struct cli *cli)
{
	char path[64];

	if (!cli->pid)
		return 0;
	snprintf(path, sizeof(path), "/proc/%ld", cli->pid);
	if (access(path, F_OK) == 0)
		return 0;
	fprintf(stderr, "%s: no process with PID %ld (-p)\n", cli_progname,
		cli->pid);
	return 1;
}

void run_cli_opts(const struct cli *cli, FILE *out, struct run_opts *ro)
{
	ro->out = out;
	ro->to_file = cli->output != NULL;
	ro->format = cli->format == CLI_FMT_JSON     ? OUT_JSON :
		     cli->format == CLI_FMT_FOLDED ? OUT_FOLDED :
						     OUT_TEXT;
	ro->flamegraph = cli->flamegraph;
	ro->folded = cli->folded;
	ro->metrics_addr = cli->metrics_addr;
	ro->max_overhead = cli->max_overhead;
	ro->otlp = cli->otlp;
	ro->pid = (pid_t)cli->pid;
	ro->container = cli->container;
	ro->cgroup = cli->cgroup;
	ro->cmd = cli->cmd;
	ro->unsafe = cli->unsafe;
	ro->usdt_file_activation = cli->usdt_file_activation;
	ro->quiet = cli->quiet;
	ro->user = cli->user;
	ro->keep_privileges = cli->keep_privileges;
	ro->flush = cli->buffering != CLI_BUF_FULL;
	ro->verbose = cli->verbose;
}

/* Positional parameters are compiled in: the command line may repeat
 * them, not change them. */
static int check_params(const struct cli *cli, const struct et_program *p,
			const char *const *params, int nparams)
{
	bool same = nparams == p->nparams;

	if (!nparams)
		return 0;
	for (int i = 0; same && i < p->nparams; i++)
		same = !strcmp(params[i], p->params[i]);
	if (same)
		return 0;
	fprintf(stderr, "%s: %s was compiled with %d positional parameter%s%s"
		"%s%s: they are part of the compiled program; compile it "
		"again to change them\n", cli_progname, cli->script,
		p->nparams, p->nparams == 1 ? "" : "s",
		p->nparams ? " ($1 = '" : "", p->nparams ? p->params[0] : "",
		p->nparams ? "'...)" : "");
	return 1;
}

int run_cli_body(const struct cli *cli, const char *name, const void *art,
		 size_t len, size_t *body_len)
{
	char err[512];
	bool is_signed;

	if (!cli->verify_key) {
		*body_len = sign__body_len(art, len, &is_signed);
		return 0;
	}
	if (!sign__verify(art, len, cli->verify_key, body_len, err,
			  sizeof(err)))
		return 0;
	fprintf(stderr, "%s: refusing to run %s: %s\n", cli_progname,
		name ? name : "the program", err);
	return 1;
}

int run_cli_artifact(const struct cli *cli, const void *art, size_t len,
		     bool fresh, FILE *out)
{
	struct run_opts ro = { 0 };
	struct et_program *prog;
	struct audit *audit = NULL;
	bool signalled = false;
	const char **words = NULL;
	int npos = 0, nnamed = 0;
	FILE *f = out;
	char err[512];
	int rc;

	if (fresh && cli->verify_key) {
		fprintf(stderr, "%s: --verify checks a compiled program's "
			"signature: a program compiled now has none\n",
			cli_progname);
		return 1;
	}
	if (!fresh && run_cli_body(cli, cli->script, art, len, &len))
		return 1;
	if (artifact__read(art, len, &prog, err, sizeof(err))) {
		fprintf(stderr, "%s: %s%s%s\n", cli_progname,
			cli->script && !fresh ? cli->script : "",
			cli->script && !fresh ? ": " : "", err);
		return 1;
	}
	/* the positional parameters first, the named options after them */
	words = calloc(cli->nparams + 1, sizeof(*words));
	if (!words) {
		et_program__free(prog);
		return 1;
	}
	for (int i = 0; i < cli->nparams; i++)
		if (!options__is_named(prog, cli->params[i]))
			words[npos++] = cli->params[i];
	for (int i = 0; i < cli->nparams; i++)
		if (options__is_named(prog, cli->params[i]))
			words[npos + nnamed++] = cli->params[i];
	rc = fresh ? 0
		   : check_params(cli, prog, words, npos) ||
			 run_cli_check_pid(cli);
	if (!rc && (audit__open(cli, prog, &audit) ||
		    (audit && audit__start(audit))) && cli->audit_required)
		rc = 1;
	if (!rc && !f && !(f = run_cli_open_output(cli)))
		rc = 1;
	if (!rc) {
		run_cli_opts(cli, f, &ro);
		ro.fresh = fresh;
		ro.named = words + npos;
		ro.nnamed = nnamed;
		ro.signalled = &signalled;
		rc = run_program(prog, &ro);
	}
	audit__end(audit, rc, signalled);
	free(words);
	et_program__free(prog);
	if (f && !out)
		rc = run_cli_close_output(f, rc);
	return rc;
}

int run_cli_file(const struct cli *cli, const char *path)
{
	char err[512];
	void *buf;
	size_t len;
	int rc;

	if (artifact__slurp(path, &buf, &len, err, sizeof(err))) {
		fprintf(stderr, "%s: %s: %s\n", cli_progname, path, err);
		return 1;
	}
	rc = run_cli_artifact(cli, buf, len, false, NULL);
	free(buf);
	return rc;
}
