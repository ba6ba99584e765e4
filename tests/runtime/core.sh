#!/bin/sh
# Runtime tests of portable programs (CO-RE: compiler/codegen/cg_kstruct.c,
# runtime/core_reloc.c), real BPF as root. Programs are compiled with
# etrace --compile-only against a BTF whose kernel structs are laid out
# unlike this kernel's (tests/runtime/core_btf.c, TEST_BTF) and run with
# etrace-run: they must print what the same program compiled against
# this kernel prints, because libbpf relocated every field access; a field
# this kernel lacks is named at its place in the script.
#   core.sh ETRACE ETRACE_RUN TEST_BTF CASE
# Exit 77: not root, or python3 missing (bitfield).
set -u
etrace=$1
etrace_run=$2
btf=$3
case=$4

RUN_TIMEOUT=30
. "$(dirname "$0")/rtlib.sh"
ETRACE_CACHE_DIR=
export ETRACE_CACHE_DIR
unset ETRACE_BTF

# compile OUT PROG [BTF]: the artifact of PROG, against BTF (else against
# this kernel's)
compile() {
	if [ $# -gt 2 ]; then
		ETRACE_BTF=$3 "$etrace" --compile-only -o "$1" -e "$2" \
			>"$out" 2>"$err"
	else
		"$etrace" --compile-only -o "$1" -e "$2" >"$out" 2>"$err"
	fi || fail "compiling failed"
}

# run_art STATUS ARTIFACT [COMMAND...]: etrace-run ARTIFACT, started by
# COMMAND when given, must exit with STATUS
run_art() {
	want=$1
	art=$2
	shift 2
	timeout "$RUN_TIMEOUT" "$@" "$etrace_run" "$art" >"$out" 2>"$err"
	rc=$?
	[ "$rc" = "$want" ] || fail "exit status $rc, expected $want"
}

# both PROG [COMMAND...]: PROG compiled against this kernel and against
# TEST_BTF runs and prints the same; $out holds the latter's output
both() {
	p=$1
	shift
	compile "$tmp/here.eto" "$p"
	compile "$tmp/there.eto" "$p" "$btf"
	run_art 0 "$tmp/here.eto" "$@"
	cp "$out" "$tmp/here.out"
	run_art 0 "$tmp/there.eto" "$@"
	cmp -s "$tmp/here.out" "$out" || fail "compiled against TEST_BTF," \
		"it prints otherwise: $(diff "$tmp/here.out" "$out")"
}

# the lines 2.. of stdout are exactly TEXT (printf escapes)
lines() {
	printf "$1" >"$tmp/want"
	tail -n +2 "$out" | head -n "$(grep -c '' "$tmp/want")" >"$tmp/got"
	cmp -s "$tmp/want" "$tmp/got" ||
		fail "stdout differs: $(diff "$tmp/want" "$tmp/got")"
}

# stderr is exactly TEXT (printf %s of it)
stderr_is() {
	printf "%s\n" "$1" >"$tmp/want"
	cmp -s "$tmp/want" "$err" ||
		fail "stderr differs: $(diff "$tmp/want" "$err")"
}

# Fields at other offsets, through anonymous members here or there, a
# pointer chain, a string, a constant index into an array.
relocated() {
	both 'BEGIN {
	printf("%d %d %d\n", curtask->pid == pid, curtask->tgid == pid,
	       curtask->group_leader->pid == pid);
	printf("%s|%s\n", curtask->comm, comm);
	printf("%s\n", str(curtask->mm->exe_file->f_path.dentry->d_name.name));
	printf("%d %d\n", curtask->mm->saved_auxv[0],
	       curtask->mm->saved_auxv[2]);
	exit();
}'
	lines '1 1 1\netrace-run|etrace-run\netrace-run\n'
}

# Compiled to run at once, but against another BTF: relocated too.
foreign_now() {
	ETRACE_BTF=$btf
	export ETRACE_BTF
	run 0 -e 'BEGIN { printf("%d %d %s|%s\n", curtask->tgid == pid,
	curtask->group_leader->pid == pid, curtask->comm, comm); exit(); }'
	unset ETRACE_BTF
	lines '1 1 etrace|etrace\n'
}

# A bitfield at another bit: etrace-run made a child subreaper reads 1.
bitfield() {
	command -v python3 >/dev/null || { echo "skipped: no python3"; exit 77; }
	p='BEGIN { printf("%d %d\n", curtask->signal->is_child_subreaper,
	curtask->signal->has_child_subreaper); exit(); }'
	both "$p"
	[ "$(sed -n '2s/ .*//p' "$out")" = 0 ] || fail "is_child_subreaper"
	both "$p" python3 -c 'import ctypes, os, sys
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
os.execv(sys.argv[1], sys.argv[1:])'
	[ "$(sed -n '2s/ .*//p' "$out")" = 1 ] || fail "is_child_subreaper"
}

# A field this kernel does not have: the error names it, at its place.
missing_field() {
	p='BEGIN { printf("%d\n", curtask->etrace_missing_field); exit(); }'
	compile "$tmp/m.eto" "$p" "$btf"
	run_art 1 "$tmp/m.eto"
	stderr_is "stdin:1:24: error: struct task_struct has no field 'etrace_missing_field' on this kernel
$p
                       ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~
stdin: note: the program was compiled on $(uname -r): compile it again for this kernel"
}

# ... in a struct inside a struct, in the second program, on line 2
missing_nested() {
	p='BEGIN { printf("start\n"); }
END { @d = curtask->mm->exe_file->f_path.etrace_depth; }'
	compile "$tmp/m.eto" "$p" "$btf"
	run_art 1 "$tmp/m.eto"
	stderr_is "stdin:2:12: error: struct path has no field 'etrace_depth' on this kernel
END { @d = curtask->mm->exe_file->f_path.etrace_depth; }
           ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
stdin: note: the program was compiled on $(uname -r): compile it again for this kernel"
}

# A kernel without BTF (here: /sys/kernel/btf/vmlinux hidden by an empty
# file in a mount namespace) cannot relocate anything: said at the first
# access.
no_btf() {
	p='BEGIN { printf("%d\n", curtask->pid); exit(); }'
	compile "$tmp/m.eto" "$p" "$btf"
	: >"$tmp/empty"
	run_art 1 "$tmp/m.eto" unshare -m sh -c \
		'mount --bind "$1" /sys/kernel/btf/vmlinux && shift && exec "$@"' \
		sh "$tmp/empty"
	stderr_is "stdin:1:24: error: struct task_struct's field 'pid' cannot be found: this kernel has no BTF (/sys/kernel/btf/vmlinux)
$p
                       ^~~~~~~~~~~~
stdin: note: kernel struct fields are found by the running kernel's BTF (CONFIG_DEBUG_INFO_BTF)"
}

"$case"
echo "ok [$case]"
