#!/bin/bash
# The Debian package (ctest pkg/deb, label pkg; root):
#   tests/pkg/pkg.sh BUILD_DIR SRC_DIR
#  1. cpack (what `cmake --build build --target package` runs) makes the
#     .deb in a temp directory;
#  2. dpkg-deb -I: its Depends name the package of every shared library
#     the binaries need (dpkg-shlibdeps) and libclang's, and this machine
#     satisfies each; dpkg-deb -c: the files it must have;
#  3. dpkg installs it into a root directory of its own (--instdir,
#     --admindir: the machine's packages stay untouched), lists it,
#     purges it at the end;
#  4. in a private mount namespace the package's /usr and /etc lie over
#     the machine's (read-only overlays), so that every path of the unit
#     is the installed one: systemd-analyze verify checks
#     etrace@opensnoop.service (and refuses a broken copy), and, systemd
#     not being PID 1 here, the test runs the unit's ExecStart as systemd
#     would (tests/pkg/unit_exec.py): its environment and EnvironmentFile
#     /etc/etrace/opensnoop.conf, WorkingDirectory, the bounding set and
#     no-new-privileges (setpriv), LogsDirectory and CacheDirectory on
#     fresh tmpfs, ProtectHome read-only, stdout as the journal, stopped
#     with KillSignal: opensnoop prints an open the test makes, serves
#     metrics, drops its capabilities, writes its audit record;
#  5. the completions (bash with bash-completion, zsh -n) complete recipe
#     names, flags and probe kinds, and name every long option.
set -u
BUILD=$(realpath "$1") SRC=$(realpath "$2")
HERE=$SRC/tests/pkg
[ "$(id -u)" = 0 ] || { echo "skipped: needs root"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

if [ "${3:-}" = --in-ns ]; then
	# step 4, in the mount namespace: $R the package root, $tmp
	R=$4 tmp=$5
	mount -t overlay overlay -o "lowerdir=$R/usr:/usr" /usr || exit 1
	mount -t overlay overlay -o "lowerdir=$R/etc:/etc" /etc || exit 1
	unit=/usr/lib/systemd/system/etrace@.service
	[ -x /usr/bin/etrace ] || fail "no /usr/bin/etrace in the overlay"
	systemd-analyze verify etrace@opensnoop.service >"$tmp/verify" 2>&1 ||
		fail "systemd-analyze verify: $(cat "$tmp/verify")"
	[ -s "$tmp/verify" ] && fail "systemd-analyze verify: $(cat "$tmp/verify")"
	sed 's|^ExecStart=/usr/bin/etrace |ExecStart=/usr/bin/etracex |' \
		"$unit" >"$tmp/etrace-bad@.service"
	systemd-analyze verify "$tmp/etrace-bad@.service" >/dev/null 2>&1 &&
		fail "systemd-analyze verify passed a unit with no binary"
	echo "systemd-analyze verify etrace@opensnoop.service: clean"
	systemd-analyze security --offline=yes "$unit" 2>/dev/null |
		grep 'Overall exposure' | sed 's/^→ //'
	eval "$(python3 "$HERE/unit_exec.py" "$unit" opensnoop)" ||
		fail "unit_exec.py"
	echo "ExecStart as systemd runs it: ${argv[*]}"
	for d in $logsdir $cachedir; do :; done
	# LogsDirectory=, CacheDirectory=: made by systemd, here on tmpfs
	[ -n "$logsdir" ] && mount -t tmpfs tmpfs /var/log &&
		mkdir -m 0755 "/var/log/$logsdir"
	[ -n "$cachedir" ] && mount -t tmpfs tmpfs /var/cache &&
		mkdir -m 0755 "/var/cache/$cachedir"
	# ProtectHome=read-only
	for h in /home /root; do
		[ -d $h ] && mount --bind $h $h && mount -o remount,bind,ro $h $h
	done
	wd=${workdir#-}
	[ -d "$wd" ] || [ "$workdir" != "$wd" ] || fail "no $wd"
	[ -d "$wd" ] || wd=/
	sp=(setpriv --bounding-set="$caps")
	[ "$nnp" = yes ] && sp+=(--no-new-privs)
	(cd "$wd" && exec "${sp[@]}" env -i "${envs[@]}" "${argv[@]}" \
		</dev/null >"$tmp/journal" 2>&1) &
	pid=$!
	for _ in $(seq 600); do
		grep -q '^PID' "$tmp/journal" && break
		kill -0 "$pid" 2>/dev/null || fail "etrace ended: $(cat "$tmp/journal")"
		sleep 0.1
	done
	grep -q '^PID' "$tmp/journal" || fail "no header: $(cat "$tmp/journal")"
	# the etrace process (setpriv and env exec it: the same pid)
	grep -q '^CapBnd:.*' /proc/$pid/status || fail "no etrace at $pid"
	marker=$tmp/marker-$$
	for _ in $(seq 100); do
		cat "$marker" 2>/dev/null
		grep -q "marker-$$" "$tmp/journal" && break
		sleep 0.1
	done
	port=$(sed -n 's/.*--metrics-addr [^:]*:\([0-9]*\).*/\1/p' \
		<<<"${argv[*]}")
	curl -sf "http://127.0.0.1:$port/metrics" >"$tmp/metrics" ||
		fail "no metrics on port $port"
	grep '^\(Cap\(Eff\|Bnd\)\|Uid\)' /proc/$pid/status >"$tmp/caps"
	kill -s "${killsignal#SIG}" "$pid"
	wait "$pid"
	rc=$?
	[ "$rc" = 0 ] || fail "exit $rc after $killsignal: $(cat "$tmp/journal")"
	grep -Eq "^[0-9]+ +cat +-1 +2 $marker\$" "$tmp/journal" ||
		fail "the open of $marker is not in the journal"
	# it loaded and attached within the unit's bounding set, then
	# dropped to nobody with nothing (runtime/priv.c)
	grep -q '^CapEff:[[:space:]]*0*$' "$tmp/caps" &&
		grep -q '^CapBnd:[[:space:]]*0*$' "$tmp/caps" &&
		grep -q '^Uid:[[:space:]]*65534[[:space:]]' "$tmp/caps" ||
		fail "privileges kept after the attach: $(cat "$tmp/caps")"
	cp "/var/log/$logsdir/audit.jsonl" "$tmp/audit.jsonl" ||
		fail "no audit log in LogsDirectory"
	echo "service: opensnoop printed the open, served" \
		"$(grep -c '^etrace_' "$tmp/metrics") metric lines, ran with" \
		"$(cat "$tmp/caps" | tr '\n\t' '  ')and wrote" \
		"$(wc -l <"$tmp/audit.jsonl") audit records"
	exit 0
fi

tmp=$(mktemp -d /tmp/etrace-pkg.XXXXXX)
R=$tmp/root
trap 'dpkg --instdir="$R" --admindir="$R/var/lib/dpkg" --force-not-root \
	--purge etrace >/dev/null 2>&1; rm -rf "$tmp"' EXIT

# 1. the package
(cd "$BUILD" && cpack --config CPackConfig.cmake -B "$tmp/out") \
	>"$tmp/cpack.log" 2>&1 || fail "cpack: $(tail -5 "$tmp/cpack.log")"
deb=$(ls "$tmp"/out/etrace_*.deb) || fail "no .deb"
echo "package: $(basename "$deb"), $(stat -c %s "$deb") bytes"

# 2. its control fields and files
dpkg-deb -f "$deb" Package Version Architecture Depends
dep=$(dpkg-deb -f "$deb" Depends)
# the shared libraries the binaries need (NEEDED), where the loader
# finds them, and the package that owns each
need=$(for b in etrace etrace-run; do
	readelf -d "$BUILD/$b" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' |
		sort >"$tmp/needed"
	ldd "$BUILD/$b" | awk '$2 == "=>" && $3 ~ /^\// { print $1, $3 }' |
		sort | join - "$tmp/needed" | cut -d' ' -f2
done | sort -u)
[ -n "$need" ] || fail "no NEEDED libraries read"
for so in $need; do
	p=$(dpkg -S "$so" 2>/dev/null || dpkg -S "$(realpath "$so")" 2>/dev/null)
	p=$(head -n 1 <<<"$p" | cut -d: -f1)
	[ -n "$p" ] || fail "$so: no package owns it"
	grep -Eq "(^|, )$p( |,|$)" <<<"$dep" ||
		fail "Depends lacks $p (for $so): $dep"
done
grep -q 'libclang1-16' <<<"$dep" || fail "Depends lacks libclang1-16"
# every dependency is satisfied on this machine
IFS=, read -ra deps <<<"$dep"
for d in "${deps[@]}"; do
	d=${d# }
	p=${d%% *} ver=
	[[ $d == *"("* ]] && ver=$(sed 's/.*(\(.*\))/\1/' <<<"$d")
	have=$(dpkg-query -W -f '${Version}' "$p" 2>/dev/null | head -n 1)
	[ -n "$have" ] || have=$(dpkg-query -W -f '${Version}' "$p:amd64" 2>/dev/null)
	[ -n "$have" ] || fail "dependency $p is not installed here"
	if [ -n "$ver" ]; then
		dpkg --compare-versions "$have" "${ver%% *}" "${ver#* }" ||
			fail "dependency $d: installed $have"
	fi
done
echo "Depends: $(wc -w <<<"$need") shared libraries of the binaries, each" \
	"by its package; all ${#deps[@]} installed here"
dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./|/|' >"$tmp/files"
for f in /usr/bin/etrace /usr/bin/etrace-run \
	/usr/lib/systemd/system/etrace@.service \
	/usr/share/bash-completion/completions/etrace \
	/usr/share/bash-completion/completions/etrace-run \
	/usr/share/zsh/vendor-completions/_etrace \
	/usr/share/man/man1/etrace.1 /usr/share/man/man1/etrace-run.1 \
	/usr/share/man/man7/etrace-lang.7 \
	/usr/share/doc/etrace/examples/recipe.conf; do
	grep -qx "$f" "$tmp/files" || fail "the package has no $f"
done
for r in "$SRC"/stdlib/*.et; do
	grep -qx "/usr/share/etrace/stdlib/$(basename "$r")" "$tmp/files" ||
		fail "the package has no recipe $(basename "$r")"
done
echo "contents: $(wc -l <"$tmp/files") entries, the binaries, unit," \
	"completions, man pages and $(ls "$SRC"/stdlib/*.et | wc -l) recipes"

# 3. installed into a root of its own
mkdir -p "$R/var/lib/dpkg/info" "$R/var/lib/dpkg/updates" \
	"$R/var/lib/dpkg/triggers" "$R/etc"
touch "$R/var/lib/dpkg/status" "$R/var/lib/dpkg/available"
dp() { dpkg --instdir="$R" --admindir="$R/var/lib/dpkg" --force-not-root "$@"; }
# (the root's own package database has none of the dependencies: they
# were checked against the machine's above)
dp --force-depends -i "$deb" >"$tmp/dpkg.log" 2>&1 ||
	fail "dpkg -i: $(cat "$tmp/dpkg.log")"
[ "$(dp -s etrace | sed -n 's/^Status: //p')" = "install ok installed" ] ||
	fail "not installed: $(dp -s etrace)"
"$R/usr/bin/etrace" --version | grep -q '^  otlp ' ||
	fail "the installed etrace --version has no features"
echo "installed: $(dp -L etrace | wc -l) paths under the root"

# 4. the unit, in a mount namespace where the package's files are at
# their paths; the recipe's settings as an administrator writes them
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$R/etc/etrace"
sed "s|^OPTIONS=.*|OPTIONS=\"--metrics-addr 127.0.0.1:$port\"|" \
	"$R/usr/share/doc/etrace/examples/recipe.conf" \
	>"$R/etc/etrace/opensnoop.conf"
echo "systemd: PID 1 is $(cat /proc/1/comm); the unit's ExecStart runs" \
	"as systemd would run it (tests/pkg/unit_exec.py)"
unshare -m --propagation private "$0" "$BUILD" "$SRC" --in-ns "$R" "$tmp" ||
	fail "the service"

# 5. the completions
comp=$R/usr/share/bash-completion/completions/etrace
complete_words() {	# complete_words WORD...: bash's completions of the last
	bash -c 'source /usr/share/bash-completion/bash_completion
		source "$0"
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_etrace; printf "%s\n" "${COMPREPLY[@]}"' "$comp" "$@"
}
complete_words etrace opens | grep -qx opensnoop ||
	fail "bash: etrace opens<TAB> is not opensnoop"
complete_words etrace --metr | grep -qx -- --metrics-addr ||
	fail "bash: --metr<TAB>"
[ "$(complete_words etrace -f j)" = json ] || fail "bash: -f j<TAB>"
complete_words etrace -l tracep | grep -qx 'tracepoint:' ||
	fail "bash: -l tracep<TAB>: $(complete_words etrace -l tracep)"
zsh -n "$R/usr/share/zsh/vendor-completions/_etrace" || fail "zsh: syntax"
opts=$(sed -n 's/^\t{ "\([a-z-]*\)", .*/\1/p' "$SRC/runtime/cli.c")
[ -n "$opts" ] || fail "no long options read from runtime/cli.c"
for o in $opts; do
	grep -q -- "--$o\b" "$comp" || fail "bash completion lacks --$o"
	grep -q -- "--$o\[" "$R/usr/share/zsh/vendor-completions/_etrace" ||
		[ "$o" = version ] || [ "$o" = help ] ||
		fail "zsh completion lacks --$o"
done
echo "completions: recipes, flags, formats and probe kinds complete;" \
	"$(wc -w <<<"$opts") long options in both"

# 3 (end). purged
dp --purge etrace >"$tmp/dpkg.log" 2>&1 || fail "dpkg --purge: $(cat "$tmp/dpkg.log")"
[ -e "$R/usr/bin/etrace" ] && fail "purge left /usr/bin/etrace"
dp -s etrace >/dev/null 2>&1 && fail "still known after the purge"
echo "purged: no file of it left"
exit 0
