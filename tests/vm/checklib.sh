# Helpers for the check() functions of tests/vm/cases/*.sh, sourced by
# check.sh with $dir set to the case's results (out, err, status, kmsg:
# etrace's stdout and stderr, its exit status, the guest kernel's log).
# Every helper fails the case (fail) with the reason and both outputs.
out=$dir/out
err=$dir/err
kmsg=$dir/kmsg

fail() {
	echo "FAIL [$case]: $*"
	echo "--- stdout"; cat "$out"
	echo "--- stderr"; cat "$err"
	if [ -s "$kmsg" ]; then
		echo "--- guest kernel log"; cat "$kmsg"
	fi
	exit 1
}

# expect_status N: etrace exited with N
expect_status() {
	got=$(cat "$dir/status")
	[ "$got" = "$1" ] || fail "exit status $got, expected $1"
}

# expect_out LINE / expect_err LINE: LINE is a whole line of stdout/stderr
expect_out() {
	grep -Fxq -- "$1" "$out" || fail "no line '$1' in stdout"
}

expect_err() {
	grep -Fxq -- "$1" "$err" || fail "no line '$1' in stderr"
}

# expect_no_err: stderr is empty
expect_no_err() {
	[ ! -s "$err" ] || fail "unexpected output on stderr"
}

# map_lines @NAME: the lines of map @NAME's entries ("@NAME[...]: V" or
# "@NAME: V"), sorted
map_lines() {
	grep -E "^$1(\[.*\])?: " "$out" | LC_ALL=C sort
}

# expect_map @NAME LINE...: map @NAME has exactly these entries (any order)
expect_map() {
	name=$1
	shift
	want=$(printf '%s\n' "$@" | LC_ALL=C sort)
	got=$(map_lines "$name")
	[ "$got" = "$want" ] ||
		fail "map $name is
$got
expected
$want"
}

# map_value @NAME[KEY]: the value of that entry (empty when absent)
map_value() {
	awk -v k="$1: " 'index($0, k) == 1 {
		print substr($0, length(k) + 1); exit }' "$out"
}

# hist_buckets @NAME: one line per bucket of histogram @NAME: its lower
# bound (a number; [0] and (..., 0] are 0 and -1), its count
hist_buckets() {
	awk -v name="$1:" '
	function num(s,   m) {
		m = 1
		if (s ~ /K$/) m = 1024
		else if (s ~ /M$/) m = 1024 * 1024
		else if (s ~ /G$/) m = 1024 * 1024 * 1024
		else if (s ~ /T$/) m = 1024 * 1024 * 1024 * 1024
		sub(/[KMGT]$/, "", s)
		return s * m
	}
	$1 == name { inside = 1; next }
	inside && /^[[(]/ {
		sub(/ *\|.*$/, "")
		lo = $1; sub(/^\[/, "", lo); sub(/[],]$/, "", lo)
		print ($1 ~ /^\(/ ? -1 : num(lo)), $NF
		next
	}
	inside { inside = 0 }' "$out"
}

# hist_count @NAME [MIN [MAX]]: entries of histogram @NAME in buckets
# whose lower bound is >= MIN and < MAX
hist_count() {
	hist_buckets "$1" | awk -v min="${2:--1}" -v max="${3:-1e30}" '
		$1 >= min && $1 < max { n += $2 } END { print n + 0 }'
}

# expect_eq WHAT GOT WANT / expect_ge WHAT GOT MIN
expect_eq() {
	[ "$2" = "$3" ] || fail "$1 is $2, expected $3"
}

expect_ge() {
	[ "$2" -ge "$3" ] 2>/dev/null || fail "$1 is ${2:-missing}, expected at least $3"
}

# expect_in_order N: at least N events, each of which printed "1 2 3 "
# (three blocks on one event, in the script's order), and nothing else
expect_in_order() {
	got=$(grep -v '^Attaching' "$out" | grep -o '[123] ' | tr -d '\n')
	n=$(grep -v '^Attaching' "$out" | grep -o '1 ' | wc -l)
	want=$(i=0; while [ $i -lt "$n" ]; do printf '1 2 3 '; i=$((i + 1)); done)
	[ "$n" -ge "$1" ] || fail "$n events, expected $1 or more"
	[ "$got" = "$want" ] || fail "blocks ran as '$got', expected '$want'"
}
