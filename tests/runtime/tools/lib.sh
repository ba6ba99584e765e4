# Functions of run-tool.sh (sourced): starting and stopping the tracers,
# the checks on etrace's output, and the comparison with bpftrace's output
# through masked mark lines and output skeletons.
# shellcheck shell=bash disable=SC2034

skip() {
	echo "SKIP: $*"
	exit 77
}

# Records one failure; report prints them all.
fail() {
	FAILS+=("$*")
}

note() {
	echo "note: $*"
}

cleanup_all() {
	local p

	for p in "${PIDS[@]}"; do
		kill -KILL "$p" 2>/dev/null
	done
	cd / && rm -rf "$WORK"
}

# reaped PID: PID was waited for; never signal it again (it may be reused).
reaped() {
	local p keep=()

	for p in "${PIDS[@]}"; do
		[ "$p" = "$1" ] || keep+=("$p")
	done
	PIDS=("${keep[@]}")
}

# start_tracer NAME PREFIX BIN ARGS...: BIN ARGS in the background from
# $WORK, output to PREFIX.out and PREFIX.err; its pid in LAST_PID. SIGINT
# stays as a script's & leaves it (ignored): a tracer must still end on
# it, as bpftrace does.
start_tracer() {
	local prefix=$2 bin=$3

	shift 3
	(cd "$WORK" && exec "$bin" "$@") >"$prefix.out" 2>"$prefix.err" &
	LAST_PID=$!
	PIDS+=("$LAST_PID")
}

# The header of a tracer's output: its first HEADER lines that are not
# events (a probe may fire before BEGIN has printed).
header_lines() {
	if [ -n "$EVENT_RE" ]; then
		grep -Ev -- "$EVENT_RE" "$1" | head -n "$HEADER"
	else
		head -n "$HEADER" "$1"
	fi
}

# in_event_loop PID: the tracer waits in epoll_wait, which both tools do
# only once every probe is attached (BEGIN, whose lines are the header,
# runs before the other probes attach, in bpftrace 0.17 and etrace)
in_event_loop() {
	case $(cat /proc/"$1"/wchan 2>/dev/null) in
	*epoll_wait*|ep_poll*) return 0 ;;
	esac
	return 1
}

# wait_ready NAME PREFIX PID: until the header ("Attaching N probes..."
# and what BEGIN prints) is out and every probe is attached.
wait_ready() {
	local name=$1 prefix=$2 pid=$3 i n rc

	for ((i = 0; i < 300; i++)); do
		n=$(header_lines "$prefix.out" | wc -l)
		[ "$n" -ge "$HEADER" ] && in_event_loop "$pid" && return 0
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid"
			rc=$?
			reaped "$pid"
			fail "$name exited (status $rc) before printing its" \
			     "$HEADER header line(s); stderr:" \
			     "$(head -c 2000 "$prefix.err")"
			return 1
		fi
		sleep 0.1
	done
	fail "$name did not print its $HEADER header line(s) and reach its" \
	     "event loop (all probes attached) within 30 s"
	return 1
}

# stop_tracer NAME PID: SIGINT, then up to 10 s to exit; status in
# STOP_RC ("hung" when it had to be killed).
stop_tracer() {
	local name=$1 pid=$2 i

	if [[ " ${PIDS[*]} " != *" $pid "* ]]; then
		STOP_RC="exited before SIGINT"
		return
	fi
	kill -INT "$pid" 2>/dev/null
	# killsnoop traces kill(): a kill -0 of the tracer entered while it
	# prints its maps at exit left an @tpid/@tsig entry in its output
	# (CI); it prints them within milliseconds of the signal
	sleep 0.3
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid"
		wait "$pid" 2>/dev/null
		reaped "$pid"
		# bpftrace 0.17 itself sometimes hangs there (seen with
		# uprobes): that voids the comparison, not the test.
		[ "$name" = etrace ] &&
			fail "$name did not exit within 10 s of SIGINT (killed)"
		STOP_RC=hung
		return
	fi
	wait "$pid"
	STOP_RC=$?
	reaped "$pid"
}

# The mark line's regex (mark() of the case, after activity() ran).
mark_re() {
	mark
}

# What the end of a run counts as lost (runtime/drops.c: one line each),
# which bpftrace does not say: a tool's strings cut at strlen, reads that
# failed, and the like, are what happened, not a fault.
DROP_LINE='^([^ ]+:[0-9]+:[0-9]+: )?(warning|note): [0-9]+ (string|read|update|stack|[a-z]+\(\) call|file)s? '

# etrace's stderr is empty (but for the counts of what was lost), or has
# only the warnings STDERR_OK expects (each a diagnostic: message, source
# line, caret).
stderr_ok() {
	local err=$RUN/etrace.err rest=$RUN/etrace.err.rest

	grep -Ev -- "$DROP_LINE" "$err" >"$rest"
	[ -s "$rest" ] || return 0
	[ -n "$STDERR_OK" ] || return 1
	grep -q "error:" "$rest" && return 1
	! grep "warning:" "$rest" | grep -Evq -- "$STDERR_OK"
}

check_etrace() {
	local out=$RUN/etrace.out re pat

	[ "$ETRACE_RC" = 0 ] || [ "$ETRACE_RC" = hung ] ||
		fail "etrace exited with status $ETRACE_RC after SIGINT" \
		     "(expected 0)"
	stderr_ok ||
		fail "etrace wrote to stderr:" "$(head -c 2000 "$RUN/etrace.err")"
	re=$(mark_re)
	[ -z "$re" ] || grep -Eq -- "$re" "$out" ||
		fail "etrace did not print the line for the generated" \
		     "activity, matching /$re/"
	for pat in "${EXPECT[@]}"; do
		grep -Eq -- "$pat" "$out" ||
			fail "etrace's output has no line matching /$pat/"
	done
}

# mask_cols FILE RANGES: the first line of FILE with the character columns
# in RANGES ("1-8 20-27 46-", 1-based) replaced by '#'. An open range
# ("46-") becomes "#*" whatever its length: a count of 69 and one of 132
# are the same mark.
mask_cols() {
	RANGES=$2 perl -ne '
		chomp;
		for my $r (split " ", $ENV{RANGES}) {
			my ($a, $b) = split /-/, $r, -1;
			if ($b eq "") {
				substr($_, $a - 1) = "#*" if $a <= length($_);
				next;
			}
			next if $a > length($_);
			$b = length($_) if $b > length($_);
			substr($_, $a - 1, $b - $a + 1) =~ tr/\0-\377/#/;
		}
		print "$_\n"; exit;' "$1"
}

# skeleton FILE: the shape of a tool's output. Lines matching EVENT_RE
# become <event>; the HEADER first others stay verbatim; hist/lhist bucket
# lines become the column of their bar and its width; map lines keep the
# map name and the kind of value; digits elsewhere become N; a run of blank
# lines becomes its length; "Lost N events" (load-dependent) goes. Runs of
# equal lines, then repeated groups of up to 6 lines (one per map key),
# collapse to one.
skeleton() {
	EVENT_RE=$EVENT_RE HEADER=$HEADER perl -e '
		my ($ev, $hdr, @l) = ($ENV{EVENT_RE}, $ENV{HEADER});
		while (<>) {
			chomp;
			next if /^Lost \d+ events$/;
			if ($ev ne "" && /$ev/) { push @l, "<event>"; next; }
			if ($hdr-- > 0) { push @l, $_; next; }
			if (/^([\[(].*?[\])]) +\d+ \|([@ ]*)\|$/) {
				push @l, sprintf("<bucket %s> bar at column %d," .
				    " %d wide", $1 =~ /\.\.\./ ? "open" :
				    "closed", index($_, "|"), length($2));
				next;
			}
			if (/^(@\w*)(\[.*\])?: (.*)$/) {
				my ($m, $k, $v) = ($1, $2, $3);
				$v =~ s/-?\d+/N/g;
				$v = "<string>" if $v !~
				    /^(|N|count N, average N, total N)$/;
				push @l, $m . ($k ? "[...]" : "") . ": $v";
				next;
			}
			s/\d+/N/g;
			push @l, $_;
		}
		my (@c, $blank);
		for (@l, "<end>") {
			if ($_ eq "") { $blank++; next; }
			push @c, "<$blank blank line(s)>" if $blank;
			$blank = 0;
			push @c, $_ unless @c && $c[-1] eq $_;
		}
		my $s = join("", map { "$_\n" } @c);
		1 while $s =~ s/((?:[^\n]*\n){2,6}?)\1+/$1/;
		print $s;' "$1"
}

# Both outputs, so that a reader of a failure sees them side by side.
show_outputs() {
	local t

	for t in etrace bpftrace; do
		[ -f "$RUN/$t.out" ] || continue
		echo "---- $t stdout ($(wc -l <"$RUN/$t.out") lines;" \
		     "first 25 and last 25) ----"
		if [ "$(wc -l <"$RUN/$t.out")" -le 50 ]; then
			cat "$RUN/$t.out"
		else
			head -25 "$RUN/$t.out"
			echo "[...]"
			tail -25 "$RUN/$t.out"
		fi
	done
}

compare_bpftrace() {
	if [ "$COMPARE" = 0 ]; then
		note "not compared with bpftrace: $NO_COMPARE"
		return 0
	fi
	if [ -z "$BPFTRACE" ]; then
		note "bpftrace not available: no comparison"
		return 0
	fi
	if [ "$BPFTRACE_RC" = hung ]; then
		note "bpftrace hung on SIGINT and was killed: no comparison"
		return 0
	fi
	if [ "$BPFTRACE_RC" != 0 ]; then
		fail "bpftrace itself failed (status $BPFTRACE_RC), the" \
		     "comparison is void:" "$(grep -v RLIMIT_MEMLOCK \
			"$RUN/bpftrace.err" | head -c 1000)"
		return 1
	fi
	DID_COMPARE=1
	header_lines "$RUN/etrace.out" >"$RUN/etrace.head"
	header_lines "$RUN/bpftrace.out" >"$RUN/bpftrace.head"
	diff -u "$RUN/bpftrace.head" "$RUN/etrace.head" >"$RUN/head.diff" ||
		fail "header lines differ from bpftrace's:" \
		     "$(cat "$RUN/head.diff")"
	if [ "$COMPARE" = header ]; then
		note "only the header compared with bpftrace: $NO_COMPARE"
		return 0
	fi
	compare_mark
	if [ "$COMPARE" = mark ]; then
		note "output shape not compared with bpftrace: $NO_COMPARE"
		return 0
	fi
	skeleton "$RUN/etrace.out" >"$RUN/etrace.skel"
	skeleton "$RUN/bpftrace.out" >"$RUN/bpftrace.skel"
	diff -u "$RUN/bpftrace.skel" "$RUN/etrace.skel" >"$RUN/skel.diff" ||
		fail "the output's shape differs from bpftrace's (skeleton" \
		     "diff, - bpftrace + etrace):" "$(cat "$RUN/skel.diff")"
}

# The mark line of each tracer, volatile columns (MASK) masked.
compare_mark() {
	local re e b

	re=$(mark_re)
	[ -n "$re" ] || return 0
	grep -E -m1 -- "$re" "$RUN/bpftrace.out" >"$RUN/bpftrace.mark"
	grep -E -m1 -- "$re" "$RUN/etrace.out" >"$RUN/etrace.mark"
	if [ ! -s "$RUN/bpftrace.mark" ]; then
		fail "bpftrace did not print the mark line /$re/ either:" \
		     "the activity or the case is wrong"
		return 0
	fi
	# etrace without the line: check_etrace said so.
	[ -s "$RUN/etrace.mark" ] && [ "$MASK" != - ] || return 0
	e=$(mask_cols "$RUN/etrace.mark" "$MASK")
	b=$(mask_cols "$RUN/bpftrace.mark" "$MASK")
	[ "$e" = "$b" ] ||
		fail "the line for the activity differs (columns $MASK" \
		     "masked):"$'\n'"  bpftrace: $b"$'\n'"  etrace:   $e"
}

report() {
	local f

	if [ ${#FAILS[@]} -eq 0 ]; then
		echo "PASS $CASE (${1} ms)${DID_COMPARE:+, compared with bpftrace}"
		return 0
	fi
	for f in "${FAILS[@]}"; do
		echo "FAIL $CASE: $f"
	done
	show_outputs
	echo "---- all files: $RUN"
	return 1
}

# A tool that uses uprobes runs for real only once etrace's uprobes work
# (probed with a uprobe on libc's __libc_start_main, which /bin/true
# calls); until then the test is skipped as an expected failure, with
# etrace's own reason.
need_uprobes() {
	local libc pid i dir=$RUN/uprobe-check

	libc=$(ldd /bin/true | awk '/libc\.so/ { print $3 }')
	start_tracer uprobe-check "$dir" "$ETRACE" -e \
	    "uprobe:$libc:__libc_start_main { printf(\"uprobe-ok\\n\"); exit(); }"
	pid=$LAST_PID
	for ((i = 0; i < 100; i++)); do
		grep -q "^Attaching" "$dir.out" 2>/dev/null && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	for ((i = 0; i < 50; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		/bin/true
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	reaped "$pid"
	grep -q "^uprobe-ok$" "$dir.out" && return 0
	skip "XFAIL: $NAME needs uprobes, which do not work in etrace yet:" \
	     "$(head -3 "$dir.err" | tr '\n' ' ')"
}

# A tool whose probes cannot work here: etrace must refuse it with one
# sentence (EXPECT_FAIL), exit 1, and attach nothing.
run_expect_fail() {
	local rc

	(cd "$WORK" && exec timeout 30 "$ETRACE" "${ETRACE_ARGS[@]}") \
		>"$RUN/etrace.out" 2>"$RUN/etrace.err"
	rc=$?
	[ $rc = 1 ] || fail "etrace exited with status $rc (expected 1)"
	grep -q "^Attaching" "$RUN/etrace.out" &&
		fail "etrace printed 'Attaching...': it attached something"
	grep -qF -- "$EXPECT_FAIL" "$RUN/etrace.err" ||
		fail "etrace's stderr lacks the sentence '$EXPECT_FAIL'"
	[ "$(grep -c 'error:' "$RUN/etrace.err")" -le 1 ] ||
		fail "more than one error message"
	report 0 || { cat "$RUN/etrace.err"; return 1; }
}

# Activity for a recipe without a case file: a bit of everything.
generic_activity() {
	/bin/true "$TOKEN"
	cat "$WORK/$TOKEN.missing" 2>/dev/null
	stat "$WORK" >/dev/null
	dd if=/dev/zero of="$WORK/generic" bs=64k count=4 oflag=direct \
	   status=none
	sync
	kill -0 $$
	sleep 0.2
}
