/* What a Go binary says about its build (gobuildinfo.c): the Go version
 * and the main package and module, as `go version -m` prints them, from
 * the .go.buildinfo blob (Go 1.13+; inline strings since Go 1.18,
 * pointers to string headers before) or, without it, from the
 * runtime.buildVersion and runtime.modinfo symbols. */
#ifndef ETRACE_GOBUILDINFO_H
#define ETRACE_GOBUILDINFO_H

#include <gelf.h>

struct gobuildinfo {
	char version[64];   /* "go1.19.8" */
	char path[256];	    /* main package: "example.com/cmd/x", or
			       "command-line-arguments" for go build x.go */
	char module[256];   /* main module "example.com/x", "" outside
			       module mode (GOPATH) */
	char modver[64];    /* its version, "(devel)" for a local build */
	unsigned ndeps;	    /* modules it depends on ("dep" lines) */
	const char *source; /* ".go.buildinfo" or "runtime.buildVersion" */
};

/* Fills bi from elf. 0, or -ENOENT when elf holds no Go version. */
int gobuildinfo__read(Elf *elf, struct gobuildinfo *bi);

#endif
