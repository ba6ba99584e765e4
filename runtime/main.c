/* etrace's entry point: parse the command line, dispatch to the driver. */
#include <stdio.h>

#include "cli.h"
#include "driver.h"

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
		printf("etrace v%s\n", ETRACE_VERSION);
		return 0;
	case CLI_LIST:
		return et_list(&cli);
	case CLI_INFO:
		return et_info(&cli);
	case CLI_RUN:
		break;
	}
	return et_run(&cli);
}
