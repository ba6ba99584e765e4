#!/bin/sh
# Runtime tests of least privilege (runtime/priv.h), signed artifacts
# (runtime/sign.h) and the audit log (runtime/audit.h), real BPF as root.
#   priv.sh ETRACE ETRACE_RUN RT_TARGET CASE
# Exit 77: not root.
set -u
etrace=$1
etrace_run=$2
target=$3
case=$4

RUN_TIMEOUT=30
. "$(dirname "$0")/rtlib.sh"
ETRACE_CACHE_DIR=
ETRACE_AUDIT_LOG=$tmp/audit.jsonl
export ETRACE_CACHE_DIR ETRACE_AUDIT_LOG

# status FIELD: the background etrace's /proc/PID/status field
status() {
	awk -v k="$1:" '$1 == k { print $2 }' /proc/"$bg"/status
}

ticking='interval:ms:100 { printf("tick\n"); }'

# the privileges are gone once the first event is printed: the event
# loop runs after the drop
dropped_after_attach() {
	start -e "$ticking"
	wait_out '^tick$'
	[ "$(status Uid)" = 65534 ] || fail "uid $(status Uid), not nobody's"
	[ "$(status Gid)" = 65534 ] || fail "gid $(status Gid), not nogroup's"
	[ "$(status Groups)" = "" ] || fail "groups left: $(status Groups)"
	for t in /proc/"$bg"/task/*; do
		c=$(awk '$1 == "CapEff:" { print $2 }' "$t/status")
		[ "$c" = 0000000000000000 ] || fail "thread $t: CapEff $c"
	done
	[ "$(status CapPrm)" = 0000000000000000 ] || fail "CapPrm left"
	[ "$(status CapBnd)" = 0000000000000000 ] || fail "CapBnd left"
	[ "$(status NoNewPrivs)" = 1 ] || fail "no_new_privs not set"
	[ "$(status Seccomp)" = 2 ] || fail "no seccomp filter"
	n=1
	ends_within 5000 "a dropped run"
}

# --user NAME: that user, not nobody
user_flag() {
	uid=$(id -u daemon)
	start --user daemon -e "$ticking"
	wait_out '^tick$'
	[ "$(status Uid)" = "$uid" ] || fail "uid $(status Uid), not daemon's"
	kill -INT "$bg"
	wait_bg 0
	run 1 --user no-such-user-here -e "$ticking"
	has "$err" "cannot drop privileges: no user 'no-such-user-here' (--user)"
}

# a feature that needs privileges later keeps them and -v says which;
# --keep-privileges keeps them for any program
kept_when_needed() {
	start -v -e 'tracepoint:syscalls:sys_enter_getppid /pid == 1/ { cat("/etc/hostname"); }
		interval:ms:100 { printf("tick\n"); }'
	wait_out '^tick$'
	[ "$(status Uid)" = 0 ] || fail "cat()'s run dropped root"
	has "$err" "keeping privileges after the attach: cat() reads files"
	kill -INT "$bg"
	wait_bg 0
	start --keep-privileges -e "$ticking"
	wait_out '^tick$'
	[ "$(status Uid)" = 0 ] || fail "--keep-privileges dropped root"
	[ "$(status CapEff)" != 0000000000000000 ] || fail "capabilities gone"
	kill -INT "$bg"
	wait_bg 0
}

# kernel stacks: /proc/kallsyms is read before the drop (it shows no
# addresses to nobody), and the run drops
kstack_dropped() {
	start -e 'tracepoint:syscalls:sys_enter_nanosleep,
		tracepoint:syscalls:sys_enter_clock_nanosleep { @[kstack(2)] = count(); }
		interval:ms:100 { printf("tick\n"); }'
	wait_out '^tick$'
	[ "$(status Uid)" = 65534 ] || fail "kstack's run kept root"
	[ "$(status CapEff)" = 0000000000000000 ] || fail "CapEff left"
	"$target" sleep 1
	kill -INT "$bg"
	wait_bg 0
	has "$out" '^    [a-z_][a-z0-9_.]*+[0-9]*$'
	grep -q '^    [0-9a-fx]*$' "$out" && fail "an unnamed kernel frame"
	true
}

# the lines of stderr matching RE, waited for 20 s
wait_err() {
	for _ in $(seq 1 400); do
		grep -q "$1" "$err" 2>/dev/null && return 0
		sleep 0.05
	done
	fail "no line matching '$1' on stderr in 20 s"
}

# ustack and usym of another user's process (-p of daemon's, uid 1)
# after the drop: no capability left in etrace, its maps and binary
# read through the helper; the helper opens that process's maps and
# mapped files and refuses anything else
other_users_stack() {
	setpriv --reuid=1 --regid=1 --clear-groups "$target" work 100000 &
	tpid=$!
	trap 'rm -rf "$tmp"; kill_bg; kill -9 "$tpid" 2>/dev/null' EXIT
	wait_exec "$tpid" "$target"
	t=$(readlink -f "$target")
	ETRACE_PRIV_SELFTEST_OPEN="/etc/shadow:/proc/$tpid/root/etc/shadow:/proc/$tpid/environ:/proc/$tpid/root/../etc/passwd:/proc/$tpid/root$t/../rt_target:/proc/self/root/etc/shadow:/proc/$tpid/maps:/proc/$tpid/root$t:/proc/$tpid/mem" \
		start -p "$tpid" -e "uprobe:$target:rt_work { printf(\"%s\\n\", usym(reg(\"ip\"))); @[ustack(1)] = count(); }"
	wait_out '^rt_work$'
	[ "$(status Uid)" = 65534 ] || fail "not dropped"
	for th in /proc/"$bg"/task/*; do
		c=$(awk '$1 == "CapEff:" { print $2 }' "$th/status")
		[ "$c" = 0000000000000000 ] || fail "thread $th: CapEff $c"
	done
	kill -INT "$bg"
	wait_bg 0
	kill "$tpid"
	has "$out" '^    rt_work+[0-9]*$'
	for p in /etc/shadow /proc/$tpid/root/etc/shadow /proc/$tpid/environ \
		/proc/$tpid/root/../etc/passwd "/proc/$tpid/root$t/../rt_target" \
		/proc/self/root/etc/shadow; do
		has "$err" "^priv selftest: $p: Operation not permitted$"
	done
	for p in maps "root$t" mem; do
		has "$err" "^priv selftest: /proc/$tpid/$p: opened$"
	done
}

# a -c command (root's: another user's once etrace is nobody) exits
# while its stack is symbolized: the test hook holds the reader, after
# it saw the process alive, until the process has exited, and only then
# lets it open the maps (empty by then). The copy taken at the exit
# stop names the function: the race of runtime/settings/no_cpp_demangle,
# made certain
exit_before_maps() {
	mkfifo "$tmp/go"
	ETRACE_TEST_UMAPS_WAIT_EXIT=1 start -c "$target fifo $tmp/go" \
		-e "uprobe:$target:rt_work { printf(\"%s\\n\", usym(reg(\"ip\"))); exit(); }"
	wait_err '^umaps: waiting for [0-9]* to exit$'
	[ "$(status Uid)" = 65534 ] || fail "not dropped"
	[ "$(status CapEff)" = 0000000000000000 ] || fail "CapEff left"
	echo go >"$tmp/go"
	wait_bg 0
	has "$out" '^rt_work$'
	grep -q '^0x' "$out" && fail "an address, not a name"
	true
}

# a -c command whose binary is in a root-only (0700) directory, its
# stacks printed at exit, once it has exited: the helper opens its files
# in the root it kept at the exit stop. With ETRACE_CACHE_DIR unset (the
# default; the other cases set it empty) the unwinder's first request,
# its cache file, killed the helper (its filter lacked geteuid), and
# every frame after it printed as an address
exited_child_symbols() {
	mkdir -m 700 "$tmp/root-only"
	b=$tmp/root-only/rt_target
	cp "$target" "$b"
	(unset ETRACE_CACHE_DIR
	 run 0 -v -c "$b work 3" -e "uprobe:$b:rt_work { @[ustack(2)] = count(); @u[usym(reg(\"ip\"))] = count(); }")
	[ $? = 0 ] || exit 1
	grep -q 'keeping privileges' "$err" && fail "not dropped"
	has "$out" '^    rt_work+0$'
	has "$out" '^    main+[0-9]*$'
	has "$out" '^@u\[rt_work\]: 3$'
	grep -q '^    0x' "$out" && fail "a frame printed as an address"
	true
}

# config stack_lines after the drop: the source lines of a binary in a
# directory only its owner (daemon, uid 1) may enter, run by that user:
# neither nobody nor etrace's user may open it, only the helper, whose
# descriptor libdw reads the line tables from
stack_lines_other_user() {
	chmod 711 "$tmp"
	mkdir -m 700 "$tmp/own"
	b=$tmp/own/rt_target
	cp "$target" "$b"
	chown -R 1:1 "$tmp/own"
	setpriv --reuid=65534 --regid=65534 --clear-groups cat "$b" \
		>/dev/null 2>&1 && fail "nobody may read $b"
	setpriv --reuid=1 --regid=1 --clear-groups "$b" work 100000 &
	tpid=$!
	trap 'rm -rf "$tmp"; kill_bg; kill -9 "$tpid" 2>/dev/null' EXIT
	wait_exec "$tpid" "$b"
	start -p "$tpid" -e "config = { stack_lines = true }
		uprobe:$b:rt_work { @[ustack(2)] = count(); printf(\"hit\\n\"); }"
	wait_out '^hit$'
	[ "$(status Uid)" = 65534 ] || fail "stack_lines kept root"
	[ "$(status CapEff)" = 0000000000000000 ] || fail "CapEff left"
	kill -INT "$bg"
	wait_bg 0
	kill "$tpid"
	# each frame's line is addr2line's (a caller's: its call's byte)
	for f in rt_work main; do
		sym=$(sed -n "s/^    \($f+[0-9]*\) (.*)\$/\1/p" "$out" | head -1)
		[ -n "$sym" ] || fail "no $f frame with a source line"
		off=${sym#*+}
		start=$(nm "$target" | awk -v n="$f" '$3 == n { print $1 }')
		addr=$((0x$start + off))
		[ "$off" = 0 ] || addr=$((addr - 1))
		want=$(addr2line -e "$target" "$(printf '0x%x' "$addr")" |
		       sed 's| (discriminator [0-9]*)||; s|.*/||')
		case $want in
		rt_target.c:[0-9]*) ;;
		*) fail "addr2line: $want" ;;
		esac
		has "$out" "^    $sym ($want)\$"
	done
}

# a system call outside the filter kills etrace (SIGSYS), not the
# process it traces, and nothing of the run stays attached
seccomp_kills_etrace() {
	"$target" sleep 60000 &
	tpid=$!
	bg="$tpid"
	wait_exec "$tpid" "$target"
	# ptrace, then a BPF program load: each kills etrace
	for call in ptrace bpf; do
		ETRACE_SECCOMP_SELFTEST=$call timeout "$RUN_TIMEOUT" "$etrace" \
			-p "$tpid" -e 'tracepoint:syscalls:sys_enter_getppid /pid == $1/ { }' \
			"$tpid" >"$out" 2>"$err"
		rc=$?
		[ "$rc" = $((128 + 31)) ] ||
			fail "$call: etrace's status $rc: not killed by SIGSYS"
		kill -0 "$tpid" 2>/dev/null || fail "the traced process died"
		grep -q '^State:.*[SR]' /proc/"$tpid"/status ||
			fail "target not running"
	done
	kill "$tpid"
	wait "$tpid"
	bg=
}

# exit() ends the -c command, a root process nobody may not signal: the
# helper (CAP_KILL only) does it, and no command is left behind
child_ended_by_helper() {
	run 0 -c "$target sleep 60000" -e 'interval:ms:300 { printf("done\n"); exit(); }'
	has "$out" '^done$'
	sleep_left=$(pgrep -f "$target sleep 60000")
	[ -z "$sleep_left" ] || fail "the -c command still runs: $sleep_left"
}

# as nobody with only CAP_BPF and CAP_PERFMON (no root): the run works,
# then drops them too
caps_only() {
	chmod 755 "$tmp"
	run 0 --compile-only -o "$tmp/t.eto" -e 'BEGIN { printf("begin\n"); }
		interval:ms:100 { @n = count(); if (@n == 3) { exit(); } }'
	chmod 644 "$tmp/t.eto"
	ETRACE_AUDIT_LOG=none timeout "$RUN_TIMEOUT" setpriv --reuid=65534 \
		--regid=65534 --clear-groups --inh-caps=+bpf,+perfmon \
		--ambient-caps=+bpf,+perfmon "$etrace_run" "$tmp/t.eto" \
		>"$out" 2>"$err"
	rc=$?
	[ "$rc" = 0 ] || fail "etrace-run with CAP_BPF+CAP_PERFMON: status $rc"
	same 'Attaching 2 probes...\nbegin\n\n\n@n: 3\n'
}

# a missing capability is named in one sentence
missing_cap() {
	chmod 755 "$tmp"
	run 0 --compile-only -o "$tmp/t.eto" -e 'BEGIN { exit(); }'
	chmod 644 "$tmp/t.eto"
	ETRACE_AUDIT_LOG=none setpriv --reuid=65534 --regid=65534 \
		--clear-groups --inh-caps=+bpf --ambient-caps=+bpf \
		"$etrace_run" "$tmp/t.eto" >"$out" 2>"$err"
	[ $? = 1 ] || fail "ran without CAP_PERFMON"
	has "$err" "this process lacks CAP_PERFMON"
	ETRACE_AUDIT_LOG=none setpriv --reuid=65534 --regid=65534 \
		--clear-groups "$etrace_run" "$tmp/t.eto" >"$out" 2>"$err"
	[ $? = 1 ] || fail "ran without capabilities"
	has "$err" "this process lacks CAP_BPF"
	[ "$(wc -l <"$err")" = 1 ] || fail "more than one sentence"
}

keys() {
	openssl genpkey -algorithm ed25519 -out "$tmp/k.pem" 2>/dev/null &&
	openssl pkey -in "$tmp/k.pem" -pubout -out "$tmp/pub.pem" &&
	openssl genpkey -algorithm ed25519 -out "$tmp/k2.pem" 2>/dev/null &&
	openssl pkey -in "$tmp/k2.pem" -pubout -out "$tmp/pub2.pem" ||
		fail "openssl could not make Ed25519 keys"
}

signed_prog='BEGIN { printf("signed %d\n", 7); exit(); }'

# rrun STATUS ARGS...: etrace-run ARGS must exit with STATUS
rrun() {
	want=$1
	shift
	timeout "$RUN_TIMEOUT" "$etrace_run" "$@" >"$out" 2>"$err"
	rc=$?
	[ "$rc" = "$want" ] || fail "etrace-run: exit status $rc, expected $want"
}

signed() {
	keys
	run 0 --compile-only --sign "$tmp/k.pem" -o "$tmp/s.eto" -e "$signed_prog"
	tail -c 29 "$tmp/s.eto" | grep -q '~etrace Ed25519 signature~' ||
		fail "no signature trailer"
	rrun 0 --verify "$tmp/pub.pem" "$tmp/s.eto"
	same 'Attaching 1 probe...\nsigned 7\n\n\n'
	# etrace runs it too, and a signed artifact runs without --verify
	run 0 --verify "$tmp/pub.pem" "$tmp/s.eto"
	same 'Attaching 1 probe...\nsigned 7\n\n\n'
	rrun 0 "$tmp/s.eto"
	rrun 0 --dry-run --verify "$tmp/pub.pem" "$tmp/s.eto"
	run 2 --sign "$tmp/k.pem" -e "$signed_prog"
	has "$err" "sign needs --compile-only"
}

unsigned() {
	keys
	run 0 --compile-only -o "$tmp/u.eto" -e "$signed_prog"
	rrun 1 --verify "$tmp/pub.pem" "$tmp/u.eto"
	has "$err" "^etrace-run: refusing to run $tmp/u.eto: it is not signed"
	[ ! -s "$out" ] || fail "an unsigned artifact printed something"
	run 1 --verify "$tmp/pub.pem" "$tmp/u.eto"
	has "$err" "it is not signed"
}

altered() {
	keys
	run 0 --compile-only --sign "$tmp/k.pem" -o "$tmp/s.eto" -e "$signed_prog"
	# one byte of the script's text in the metadata: 7 becomes 8
	python3 - "$tmp/s.eto" <<'PY' || fail "no text to alter"
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
i = b.find(b', 7); exit(); }')
if i < 0:
    sys.exit(1)
b[i + 2] = ord("8")
open(p, "wb").write(b)
PY
	rrun 1 --verify "$tmp/pub.pem" "$tmp/s.eto"
	has "$err" "its signature does not match: it was altered after it was signed"
	[ ! -s "$out" ] || fail "an altered artifact printed something"
}

wrong_key() {
	keys
	run 0 --compile-only --sign "$tmp/k.pem" -o "$tmp/s.eto" -e "$signed_prog"
	rrun 1 --verify "$tmp/pub2.pem" "$tmp/s.eto"
	has "$err" "it was signed by another key (id [0-9a-f]*) than '$tmp/pub2.pem'"
	rrun 1 --verify "$tmp/k.pem" "$tmp/s.eto"
	has "$err" "holds no public key in PEM form"
}

# fields: the audit log's records as lines "N FIELD VALUE" (a string
# as it is, any other value as JSON), in $tmp/fields, for field
fields() {
	python3 -c '
import json, sys
for n, line in enumerate(open(sys.argv[1]), 1):
    for k, v in json.loads(line).items():
        v = v if isinstance(v, str) else json.dumps(v)
        print(n, k, v.replace("\n", " "))' "$ETRACE_AUDIT_LOG" >"$tmp/fields" ||
		fail "the audit log is not JSON lines"
}

field() {	# LINE FIELD: a field of the audit record on line LINE
	awk -v n="$1" -v k="$2" '$1 == n && $2 == k {
		sub(/^[^ ]* [^ ]* /, ""); print }' "$tmp/fields"
}

audit_records() {
	prog='tracepoint:syscalls:sys_enter_getppid /pid == cpid/ { @n = count(); }'
	run 0 -c "$target getppid 3" -e "$prog"
	has "$out" '^@n: 3$'
	[ "$(wc -l <"$ETRACE_AUDIT_LOG")" = 2 ] || fail "not 2 records"
	fields
	[ "$(field 1 event)" = start ] || fail "no start record"
	[ "$(field 2 event)" = end ] || fail "no end record"
	[ "$(field 1 uid)" = 0 ] || fail "uid $(field 1 uid)"
	want_login=$(cat /proc/self/loginuid)
	[ "$want_login" = 4294967295 ] && want_login=-1
	[ "$(field 1 loginuid)" = "$want_login" ] || fail "loginuid $(field 1 loginuid)"
	[ "$(field 1 program)" = "$prog" ] || fail "program text $(field 1 program)"
	sum=$(printf '%s' "$prog" | sha256sum | cut -d' ' -f1)
	[ "$(field 1 program_sha256)" = "$sum" ] || fail "program hash"
	[ "$(field 2 program_sha256)" = "$sum" ] || fail "end's program hash"
	[ "$(field 1 probes)" = '["tracepoint:syscalls:sys_enter_getppid"]' ] ||
		fail "probes $(field 1 probes)"
	[ "$(field 1 targets)" = "{\"cmd\": \"$target getppid 3\"}" ] ||
		fail "targets $(field 1 targets)"
	[ "$(field 2 ended)" = exit ] || fail "ended $(field 2 ended)"
	[ "$(field 2 status)" = 0 ] || fail "status $(field 2 status)"
	first=$(sed -n 1p "$ETRACE_AUDIT_LOG" | tr -d '\n' | sha256sum | cut -d' ' -f1)
	[ "$(field 2 prev)" = "$first" ] || fail "prev is not the first's hash"
	[ "$(field 2 start)" = "$first" ] || fail "start is not the first's hash"
	# SIGINT: ended by a signal; the end record written as nobody
	start -e "$ticking"
	wait_out '^tick$'
	[ "$(status Uid)" = 65534 ] || fail "not dropped"
	kill -INT "$bg"
	wait_bg 0
	fields
	[ "$(field 4 ended)" = signal ] || fail "ended $(field 4 ended)"
	"$etrace" --audit-verify "$ETRACE_AUDIT_LOG" >"$out" 2>"$err" ||
		fail "--audit-verify failed on an intact log"
	has "$out" "4 records, chain intact"
}

audit_tamper() {
	for i in 1 2 3; do
		run 0 -e "BEGIN { printf(\"run $i\\n\"); exit(); }"
	done
	"$etrace" --audit-verify "$ETRACE_AUDIT_LOG" >"$out" ||
		fail "intact log refused"
	cp "$ETRACE_AUDIT_LOG" "$tmp/good"
	# editing: the uid of record 3
	sed '3s/"uid":0,/"uid":1000,/' "$tmp/good" >"$ETRACE_AUDIT_LOG"
	cmp -s "$tmp/good" "$ETRACE_AUDIT_LOG" && fail "sed edited nothing"
	"$etrace" --audit-verify "$ETRACE_AUDIT_LOG" >"$out" 2>"$err"
	[ $? = 1 ] || fail "an edited record passed"
	has "$out" "audit.jsonl:4: the chain breaks here"
	# deleting: records 2 and 3
	sed '2,3d' "$tmp/good" >"$ETRACE_AUDIT_LOG"
	"$etrace_run" --audit-verify "$ETRACE_AUDIT_LOG" >"$out" 2>"$err"
	[ $? = 1 ] || fail "a deletion passed"
	has "$out" "audit.jsonl:2: the chain breaks here"
	# deleting the first
	sed '1d' "$tmp/good" >"$ETRACE_AUDIT_LOG"
	"$etrace" --audit-verify "$ETRACE_AUDIT_LOG" >"$out" 2>"$err"
	[ $? = 1 ] || fail "a deleted first record passed"
	has "$out" "audit.jsonl:1: the chain breaks here: records before this one were removed"
}

audit_required() {
	mkdir "$tmp/ro"
	# a directory where the file should be: it cannot be opened
	mkdir "$tmp/ro/audit.jsonl"
	ETRACE_AUDIT_LOG=$tmp/ro/audit.jsonl
	run 1 --audit-required -e 'BEGIN { printf("ran\n"); exit(); }'
	[ ! -s "$out" ] || fail "ran without its audit log"
	has "$err" "cannot write the audit log '$tmp/ro/audit.jsonl': Is a directory (--audit-required: not running)"
	# without the option it says so and runs
	run 0 -e 'BEGIN { printf("ran\n"); exit(); }'
	has "$out" '^ran$'
	has "$err" "cannot write the audit log"
	# --audit-log overrides the environment; none turns it off
	run 0 --audit-log "$tmp/flag.jsonl" -e 'BEGIN { exit(); }'
	[ "$(wc -l <"$tmp/flag.jsonl")" = 2 ] || fail "--audit-log not written"
	run 0 --audit-log none -e 'BEGIN { exit(); }'
	[ ! -s "$err" ] || fail "none still tried a file"
}

# runs at the same time keep one chain (the file is locked per record)
audit_concurrent() {
	pids=
	for i in 1 2 3 4; do
		"$etrace" -e "BEGIN { printf(\"$i\\n\"); } interval:ms:$((i * 50)) { exit(); }" \
			>/dev/null 2>&1 &
		pids="$pids $!"
	done
	for p in $pids; do
		wait "$p" || fail "a concurrent run failed"
	done
	[ "$(wc -l <"$ETRACE_AUDIT_LOG")" = 8 ] || fail "not 8 records"
	"$etrace" --audit-verify "$ETRACE_AUDIT_LOG" >"$out" 2>"$err" ||
		fail "concurrent runs broke the chain: $(cat "$out")"
}

"$case"
