#!/bin/sh
# The etrace command line end to end: exit statuses (0 ok, 1 program
# failure, 2 usage), the usage-error form, "stdin" naming, recipes by
# name, -d/-o/-v, ETRACE_* settings, -l and --info. driver.sh ETRACE SRC
etrace=$1 src=$2
case $etrace in /*) ;; *) etrace=$PWD/$etrace ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=$tmp/out err=$tmp/err
fails=0 n=0

# expect STATUS DESCRIPTION -- ARGS...: runs etrace, checks the status
expect() {
	want=$1 what=$2
	shift 3
	n=$((n + 1))
	"$etrace" "$@" >"$out" 2>"$err" </dev/null
	got=$?
	if [ "$got" -ne "$want" ]; then
		echo "FAIL: $what: exit $got, wanted $want (etrace $*)"
		sed 's/^/    /' "$err" | head -n 20
		fails=$((fails + 1))
		return 1
	fi
}
# has FILE TEXT DESCRIPTION: FILE contains the fixed string TEXT
has() {
	n=$((n + 1))
	grep -qF -- "$2" "$1" && return 0
	echo "FAIL: $3: no '$2' in:"
	sed 's/^/    /' "$1" | head -n 20
	fails=$((fails + 1))
}
empty() {
	n=$((n + 1))
	[ ! -s "$1" ] && return 0
	echo "FAIL: $2: expected no output, got:"
	sed 's/^/    /' "$1" | head -n 20
	fails=$((fails + 1))
}

ok='BEGIN { printf("hi\n"); exit(); }'

# bpftrace's forms, which scripts grep: "bpftrace v0.17.0" as the whole
# version line, "USAGE" in the help and below any usage error
expect 0 version -- --version &&
	{ n=$((n + 1)); head -n 1 "$out" |
		grep -qx 'etrace v[0-9]*\.[0-9]*\.[0-9]*' ||
	{ echo "FAIL: version line: $(cat "$out")"; fails=$((fails + 1)); }; }
# below it, the build's features (cmake/features.cmake)
has "$out" "  codegen     LLVM 16." version-llvm &&
	has "$out" "  privileges  libcap 2." version-libcap &&
	has "$out" "  metrics     libmicrohttpd 0." version-metrics
expect 0 help -- -h && has "$out" "USAGE:" help &&
	has "$out" "--include FILE" help-include
expect 2 "no program" -- && has "$err" "etrace: no program given" usage &&
	has "$err" "USAGE: etrace [options]" usage-line &&
	has "$err" "Try 'etrace --help'" usage-hint
expect 2 "bad flag" -- -idonotexist && has "$err" "invalid option -- 'i'" \
	bad-flag && has "$err" "USAGE: etrace" bad-flag-usage
expect 2 "no argument" -- -e && has "$err" \
	"option requires an argument -- 'e'" no-arg
expect 2 "long option without argument" -- -e "$ok" --include &&
	has "$err" "option '--include' requires an argument" no-arg-long
expect 0 "--include" -- --dry-run --include errno.h \
	-e 'BEGIN { printf("%d\n", EPERM); }'
expect 1 "--include missing" -- --dry-run --include etrace-nope.h -e "$ok" &&
	has "$err" "'etrace-nope.h' file not found" include-missing
expect 2 "bad -f" -- -f xml -e "$ok" &&
	has "$err" "etrace: invalid output format 'xml'" bad-format
expect 2 "unknown option" -- --frobnicate &&
	has "$err" "unrecognized option '--frobnicate'" unk
expect 2 "bad -d stage" -- -d nosuch -e "$ok" &&
	has "$err" "unknown stage 'nosuch' for -d: expected ast, imports, macros, preamble" stage
expect 0 "dry run" -- --dry-run -e "$ok" && empty "$out" dry-run-stdout
expect 0 "emit files" -- --dry-run --emit-elf "$tmp/p.o" \
	--emit-llvm "$tmp/p.ll" -e "$ok" &&
	has "$tmp/p.ll" 'target triple = "bpf' emit-llvm &&
	{ od -An -c -N4 "$tmp/p.o" | grep -q 'E   L   F' ||
		{ echo "FAIL: emit-elf: not an ELF object"; fails=$((fails + 1)); }; }
expect 1 "emit to a bad path" -- --dry-run --emit-elf /nonexistent/p.o \
	-e "$ok" && has "$err" "Cannot write the BPF object to /nonexistent/p.o" emit-bad
expect 0 "-d ir" -- -d ir -e "$ok" && has "$out" 'define' dump-ir
if [ "$(id -u)" -eq 0 ]; then
	expect 0 "run BEGIN/exit" -- -e 'BEGIN { printf("hi\n"); exit(); }' &&
		has "$out" "hi" run-output
fi
expect 1 "syntax error" -- --dry-run -e 'BEGIN { @x = ; }' &&
	has "$err" "stdin:1:" stdin-name && has "$err" "error:" error-word
printf '%s\n' "$ok" >"$tmp/prog.et"
expect 0 "file" -- --dry-run "$tmp/prog.et"
n=$((n + 1))
if ! "$etrace" --dry-run - <"$tmp/prog.et" >"$out" 2>"$err"; then
	echo "FAIL: program on stdin"; fails=$((fails + 1))
fi
printf 'BEGIN { $x = }\n' | "$etrace" --dry-run - >"$out" 2>"$err"
has "$err" "stdin:1:" stdin-file-name
expect 1 "missing file" -- --dry-run "$tmp/nope.et" &&
	has "$err" "etrace: cannot read '$tmp/nope.et'" missing
n=$((n + 1))
if ! (cd "$tmp" && "$etrace" --dry-run opensnoop >"$out" 2>"$err"); then
	echo "FAIL: recipe by name"; cat "$err"; fails=$((fails + 1))
fi
# a binary named like a recipe in the current directory does not hide it;
# a script of that name does (a file comes first)
n=$((n + 1))
cp /bin/true "$tmp/opensnoop"
if ! (cd "$tmp" && "$etrace" --dry-run -v opensnoop >"$out" 2>"$err") ||
	! grep -q 'stdlib/opensnoop.et' "$err"; then
	echo "FAIL: recipe beside a binary of its name"; cat "$err"
	fails=$((fails + 1))
fi
printf 'BEGIN { printf("mine\\n"); exit(); }\n' >"$tmp/opensnoop"
n=$((n + 1))
if ! (cd "$tmp" && "$etrace" --dry-run -v opensnoop >"$out" 2>"$err") ||
	! grep -q '^etrace: opensnoop: 1 probe' "$err"; then
	echo "FAIL: a script named like a recipe"; cat "$err"
	fails=$((fails + 1))
fi
rm -f "$tmp/opensnoop"
expect 1 "unknown recipe" -- --dry-run opensnop &&
	has "$err" "no stdlib recipe has that name" recipe-hint
expect 0 "-d ast" -- -d ast -e "$ok" && has "$out" "BEGIN" dump-ast
expect 0 "-d check" -- -d check -e "$ok" && has "$out" "BEGIN" dump-check
expect 0 "-o" -- -d ast -o "$tmp/dump" -e "$ok" && empty "$out" o-stdout &&
	has "$tmp/dump" "BEGIN" o-file
expect 0 "-v" -- -v --dry-run -e "$ok" && has "$err" "1 probe" verbose
expect 0 "params" -- --dry-run -e 'BEGIN { printf("%d\n", $1); }' 7
export ETRACE_STRLEN=500
expect 2 "ETRACE_STRLEN" -- --dry-run -e "$ok" &&
	has "$err" "invalid ETRACE_STRLEN '500'" strlen
export ETRACE_STRLEN=32
expect 0 "ETRACE_STRLEN ok" -- --dry-run -e "$ok"
unset ETRACE_STRLEN
btf='kprobe:vfs_read { $f = (struct file *)arg0; @ = $f->f_flags; }'
if [ -f /sys/kernel/btf/vmlinux ]; then
	expect 0 "kernel BTF" -- --dry-run -e "$btf"
fi
export ETRACE_BTF=
expect 1 "ETRACE_BTF empty" -- --dry-run -e "$btf" &&
	has "$err" "'struct file'" no-btf
unset ETRACE_BTF
export ETRACE_KALLSYMS=
expect 0 "ETRACE_KALLSYMS empty" -- --dry-run -e 'kprobe:no_such_fn_x { }'
unset ETRACE_KALLSYMS
export ETRACE_TRACEFS=/nonexistent
expect 1 "ETRACE_TRACEFS" -- --dry-run -e 'tracepoint:sched:sched_switch { }'
unset ETRACE_TRACEFS
expect 1 "-p" -- -p 2147483647 --dry-run -e "$ok" &&
	has "$err" "no process with PID 2147483647" pid
expect 0 "-l stdlib" -- -l 'stdlib:*' && has "$out" "stdlib:opensnoop" list
# every stdlib/*.et is embedded, and nothing else
n=$((n + 1))
want=$(cd "$src/stdlib" && ls ./*.et | sed 's|^\./|stdlib:|; s|\.et$||')
if [ "$(cat "$out")" != "$want" ]; then
	echo "FAIL: -l 'stdlib:*' lists:"; cat "$out"; echo "wanted:"
	echo "$want"; fails=$((fails + 1))
fi
expect 0 "-l BEGIN" -- -l BEGIN && has "$out" "BEGIN" list-begin
expect 0 "-l software" -- -l 's:*clock*' && has "$out" "software:cpu-clock" sw
if [ -d /sys/kernel/tracing/events/sched ]; then
	expect 0 "-l tracepoint" -- -l 't:sched:sched_switch' &&
		has "$out" "tracepoint:sched:sched_switch" list-tp
fi
expect 0 "-l uprobe" -- -l 'uprobe:/bin/ls:*' &&
	has "$out" "uprobe:/bin/ls:" list-uprobe
# a pattern that cannot name a probe fails as bpftrace 0.17's -l does:
# exit 1, its words, at the place in the pattern (named stdin)
expect 1 "-l invalid character" -- -l '\n' &&
	has "$err" "stdin:1:1: error: invalid character '\\'" list-char &&
	empty "$out" list-char-stdout
expect 1 "-l no probe type" -- -l 'f*:*' &&
	has "$err" "stdin:1:1: error: No probe type matched for f*" list-kind
expect 1 "-l unknown probe type" -- -l 'foo:bar' &&
	has "$err" "error: Invalid probe type 'foo'" list-unknown
expect 1 "-l tracepoint category" -- -l 'tracepoint:sched' &&
	has "$err" "error: tracepoint probe type requires 2 arguments" list-tp
expect 1 "-l missing file" -- -l 'uprobe:/nonexistent/etrace:*' &&
	has "$err" "uprobe target file '/nonexistent/etrace' does not exist" \
	list-file
expect 0 "-l tracepoint wildcard" -- -l 'tracepoint:*sched_switch*'
expect 0 "-l nothing matches" -- -l 'tracepoint:sched:etrace_none' &&
	empty "$out" list-none
expect 0 "--info" -- --info && has "$out" "kernel:" info
expect 0 "--info FILE" -- --info "$etrace" &&
	has "$out" "  functions: " info-file
expect 1 "--info not ELF" -- --info "$src/README.md" &&
	has "$err" "README.md: not an ELF file" info-not-elf
expect 2 "--info two files" -- --info a b &&
	has "$err" "--info takes at most one file" info-two

echo "driver: $n checks, $fails failed"
[ $fails -eq 0 ]
