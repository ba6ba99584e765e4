/* etrace's entry point: parse the command line, dispatch to the driver. */
#include <stdio.h>
#include <unistd.h>

#include <etrace_features.h> /* generated: cmake/features.cmake */

#include "audit.h"
#include "cli.h"
#include "driver.h"

/* A run ends with _exit: the destructors of statically linked LLVM's
 * thousands of globals (command-line options, registries) cost ~0.3 ms
 * and free nothing the kernel would not. Sanitizer builds exit normally
 * so that LeakSanitizer still checks. */
#if defined(__SANITIZE_ADDRESS__)
#define ET_FAST_EXIT 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ET_FAST_EXIT 0
#endif
#endif
#ifndef ET_FAST_EXIT
#define ET_FAST_EXIT 1
#endif

static int leave(int rc)
{
	if (!ET_FAST_EXIT)
		return rc;
	if (fflush(NULL) && !rc)
		rc = 1;
	_exit(rc);
}

int main(int argc, char **argv)
{
	struct cli cli;

	if (cli_parse(&cli, argc, argv))
		return cli_usage_error(cli.err);
	switch (cli.action) {
	case CLI_HELP:
		cli_usage(stdout);
		return 0;
	case CLI_VERSION:
		/* bpftrace's version line first (scripts read it), then
		 * the build's features */
		printf("etrace v%s\nfeatures:\n%s%s", ETRACE_VERSION,
		       ETRACE_FEATURES_CODEGEN, ETRACE_FEATURES_RUNTIME);
		return 0;
	case CLI_LIST:
		return et_list(&cli);
	case CLI_INFO:
		return et_info(&cli);
	case CLI_AUDIT_VERIFY:
		return audit__verify(cli.audit_verify, stdout);
	case CLI_RUN:
		break;
	}
	return leave(et_run(&cli));
}
