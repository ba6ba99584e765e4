#!/bin/sh
# Runtime tests of containers and pods (runtime/container.h, issue #17
# part 5), real BPF as root: cgroup v2 hierarchies shaped like each
# runtime's, made under the cgroup2 mount in a directory of this test
# (removed at exit), a test process moved into each; a fake state tree
# of containerd and docker (ETRACE_CONTAINER_STATE_ROOT); processes in
# new PID and mount namespaces (unshare).
#   containers.sh ETRACE ETRACE_RUN RT_TARGET CASE
# Exit 77: not root.
set -u
etrace=$1
etrace_run=$2
target=$3
case=$4

RUN_TIMEOUT=60
. "$(dirname "$0")/rtlib.sh"
ETRACE_CACHE_DIR=
export ETRACE_CACHE_DIR

cgroot=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
[ -n "$cgroot" ] || fail "no cgroup2 mount"
top=$cgroot/etrace-test-$$
trap 'cleanup' EXIT
# cleanup: processes moved back to the root, the test's cgroups removed
# (deepest first), then rtlib's own cleanup
nsinit=
cleanup() {
	# a PID namespace's init (perfmap), not this shell's child
	[ -n "$nsinit" ] && kill -9 "$nsinit" 2>/dev/null
	if [ -d "$top" ]; then
		find "$top" -name cgroup.procs | while read -r f; do
			while read -r p; do
				echo "$p" >"$cgroot/cgroup.procs" 2>/dev/null
			done <"$f"
		done
		find "$top" -depth -type d -exec rmdir {} \; 2>/dev/null
	fi
	rm -rf "$tmp"
	kill_bg
}

hex() { head -c 32 /dev/urandom | sha256sum | cut -c1-64; }
docker_id=$(hex)
cri_id=$(hex)
crio_id=$(hex)
podman_id=$(hex)
cgfs_id=$(hex)
pod_uid=0c1d2e3f-1111-4222-8333-444455556666
pod_slice=kubepods-besteffort-pod$(echo "$pod_uid" | tr - _).slice
kube=kubepods.slice/kubepods-besteffort.slice/$pod_slice

# every layout: NAME PATH (below $top)
layouts="docker system.slice/docker-$docker_id.scope
cri $kube/cri-containerd-$cri_id.scope
crio $kube/crio-$crio_id.scope
podman machine.slice/libpod-$podman_id.scope
cgroupfs docker/$cgfs_id
nspawn machine.slice/machine-web\\x2d1.scope/payload
host user.slice/user-0.slice/session-1.scope"

mkcgroups() {
	printf '%s\n' "$layouts" | while read -r name path; do
		mkdir -p "$top/$path" || fail "mkdir $top/$path"
	done
}

# in PATH ARGS...: rt_target ARGS, moved into cgroup $top/PATH first
in_cg() {
	p=$1
	shift
	sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' sh \
		"$top/$p" "$target" "$@" || fail "cannot run in $p"
}

path_of() { printf '%s\n' "$layouts" | awk -v n="$1" '$1 == n { print $2 }'; }

# the fake state: containerd's bundle of the CRI container, docker's
# config of the docker one
mkstate() {
	st=$tmp/state
	b=$st/run/containerd/io.containerd.runtime.v2.task/k8s.io/$cri_id
	mkdir -p "$b" "$st/var/lib/docker/containers/$docker_id"
	cat >"$b/config.json" <<EOF
{"ociVersion": "1.0.2", "annotations": {
 "io.kubernetes.cri.container-type": "container",
 "io.kubernetes.cri.container-name": "nginx",
 "io.kubernetes.cri.sandbox-name": "web-7d9f",
 "io.kubernetes.cri.sandbox-namespace": "shop",
 "io.kubernetes.cri.sandbox-uid": "$pod_uid"}}
EOF
	echo '{"ID": "'"$docker_id"'", "Name": "/redis-cache"}' \
		>"$st/var/lib/docker/containers/$docker_id/config.v2.json"
	# root's, as the runtimes' state is: after the privilege drop etrace
	# reads it through its helper
	chmod 700 "$st"
	ETRACE_CONTAINER_STATE_ROOT=$st
	export ETRACE_CONTAINER_STATE_ROOT
}

getppid_prog='tracepoint:syscalls:sys_enter_getppid /comm == "rt_target"/'

# container and the pod fields, for a process in each layout
builtins() {
	mkcgroups
	mkstate
	# one process after the other: the lines come in their order
	start -e "$getppid_prog"' { printf("x|%s|%s|%s|%s|%s\n",
	    container, container_name, pod, pod_namespace, pod_uid); }'
	for name in docker cri crio podman cgroupfs nspawn host; do
		in_cg "$(path_of $name)" getppid 1
	done
	for _ in $(seq 1 200); do
		[ "$(grep -c '^x|' "$out")" -ge 7 ] && break
		sleep 0.05
	done
	# the fields were read with the privileges dropped
	awk '$1 == "Uid:" && $2 == 65534 { u = 1 }
	     $1 == "CapEff:" && $2 == "0000000000000000" { c = 1 }
	     END { exit !(u && c) }' "/proc/$bg/status" ||
		fail "etrace kept privileges: $(grep -E 'Uid|CapEff' "/proc/$bg/status")"
	kill -INT "$bg"
	wait_bg 0
	grep '^x|' "$out" >"$tmp/got"
	cat >"$tmp/want" <<EOF
x|$docker_id|redis-cache|||
x|$cri_id|nginx|web-7d9f|shop|$pod_uid
x|$crio_id||||$pod_uid
x|$podman_id||||
x|$cgfs_id||||
x|web-1|web-1|||
x|||||
EOF
	cmp -s "$tmp/want" "$tmp/got" ||
		fail "fields differ: $(diff "$tmp/want" "$tmp/got")"
}

count_prog="$getppid_prog"' { @[cgroup_path(cgroup)] = count(); }'

# getppid calls of rt_target in each cgroup of $counts ("PATH N" lines),
# counted per cgroup by etrace ARGS... (count_prog); the output is left
# in $out. The counts are in the map once each process has ended.
count_in() {
	counts=$1
	shift
	start "$@"
	printf '%s\n' "$counts" | while read -r p n; do
		in_cg "$p" getppid "$n"
	done
	"$target" getppid 5 # etrace's own cgroup: never counted
	kill -INT "$bg"
	wait_bg 0
}

# want "PATH N" lines: the counts printed (cgroup v2 paths)
counted() {
	printf '%s\n' "$1" | while read -r p n; do
		[ -n "$p" ] && echo "@[unified:${top#$cgroot}/$p]: $n"
	done | LC_ALL=C sort >"$tmp/want"
	grep '^@' "$out" | sed 's/,[^]]*\]/]/' | LC_ALL=C sort >"$tmp/got"
	cmp -s "$tmp/want" "$tmp/got" ||
		fail "counts differ: $(diff "$tmp/want" "$tmp/got")"
}

all="$(path_of docker) 2
$(path_of docker)/sub 3
$(path_of cri) 4
$(path_of crio) 6
$(path_of host) 7"

# --container by id, by a 12-digit prefix, by name: the container and
# its sub-cgroups, nothing else (in the kernel: the map has no other
# entry, the ring buffer nothing else)
filter_container() {
	mkcgroups
	mkdir "$top/$(path_of docker)/sub"
	mkstate
	count_in "$all" --container "$docker_id" -e "$count_prog"
	counted "$(path_of docker) 2
$(path_of docker)/sub 3"
	count_in "$all" --container "$(echo "$cri_id" | cut -c1-12)" \
		-e "$count_prog"
	counted "$(path_of cri) 4"
	count_in "$all" --container redis-cache -e "$count_prog"
	counted "$(path_of docker) 2
$(path_of docker)/sub 3"
	run 1 --container no-such-container -e "$getppid_prog { exit(); }"
	has "$err" "--container no-such-container: no container with that id or name has a cgroup on this host"
}

# --cgroup PATH: the pod's slice takes both its containers; a path
# under the mount point is the same cgroup
filter_cgroup() {
	mkcgroups
	mkdir "$top/$(path_of docker)/sub"
	count_in "$all" --cgroup "${top#$cgroot}/$(dirname "$(path_of cri)")" \
		-e "$count_prog"
	counted "$(path_of cri) 4
$(path_of crio) 6"
	count_in "$all" --cgroup "$top/$(path_of host)" -e "$count_prog"
	counted "$(path_of host) 7"
	run 1 --cgroup /no/such/cgroup -e "$getppid_prog { exit(); }"
	has "$err" "--cgroup /no/such/cgroup: No such file or directory"
}

# an artifact compiled ahead of time takes --container when run by
# etrace-run
filter_aot() {
	mkcgroups
	mkdir "$top/$(path_of docker)/sub"
	run 0 --compile-only -o "$tmp/p.eto" -e "$count_prog"
	etrace=$etrace_run
	count_in "$all" --container "$crio_id" "$tmp/p.eto"
	counted "$(path_of crio) 6"
}

# pid(curr_ns), tid(curr_ns) seen from etrace's own PID namespace: in a
# new one (unshare -fp), the -c command's ids are cpid; in the initial
# one, pid(curr_ns) is pid
pidns() {
	prog="$getppid_prog"' { printf("%d %d %d %d %d\n", pid(curr_ns),
	    tid(curr_ns), cpid, pid(init), pid); exit(); }'
	timeout 60 unshare -fp --mount-proc "$etrace" -e "$prog" \
		-c "$target getppid 1" >"$out" 2>"$err" ||
		fail "etrace in a new PID namespace failed"
	set -- $(grep '^[0-9]' "$out")
	[ $# = 5 ] || fail "no ids printed"
	[ "$1" = "$3" ] && [ "$2" = "$3" ] ||
		fail "pid(curr_ns) $1, tid(curr_ns) $2: not cpid $3"
	[ "$4" = "$5" ] && [ "$4" != "$3" ] ||
		fail "pid(init) $4, pid $5: not the initial namespace's"
	[ "$3" -lt 100 ] || fail "cpid $3: not the new namespace's"
	run 0 -e "$prog" -c "$target getppid 1"
	set -- $(grep '^[0-9]' "$out")
	[ "$1" = "$5" ] && [ "$3" = "$5" ] || fail "ids differ: $*"
}

# a binary visible only in a mount namespace: a uprobe by its path in
# that namespace (-p: through /proc/PID/root), and its function's name
# (func: the symbols read through /proc/PID/root)
mountns() {
	mnt=$tmp/inside
	mkdir "$mnt"
	unshare -m sh -c 'mount -t tmpfs none "$1" && cp "$2" "$1/hidden_target" &&
		exec "$1/hidden_target" work 100000' sh "$mnt" "$target" &
	pid=$!
	bg="$pid"
	for _ in $(seq 1 200); do
		case $(readlink /proc/$pid/exe 2>/dev/null) in
		*/hidden_target) break ;;
		esac
		sleep 0.05
	done
	[ -e "$mnt/hidden_target" ] && fail "the binary is visible outside"
	run 0 -p "$pid" -e 'uprobe:'"$mnt"'/hidden_target:rt_work {
	    printf("%s %s %d\n", func, usym(reg("ip")), arg0 >= 0); exit(); }'
	has "$out" "^rt_work rt_work 1$"
	kill "$pid"
	wait "$pid" 2>/dev/null
	bg=
}

# JIT code named in a perf map that only the process's own mount and PID
# namespaces see: /tmp/perf-1.map on its private /tmp, read through
# /proc/PID/root/tmp/perf-NSPID.map
perfmap() {
	unshare -fpm --mount-proc sh -c 'mount -t tmpfs none /tmp &&
		exec "$1" jit 100000' sh "$target" &
	bg=$!
	pid=
	for _ in $(seq 1 200); do
		for p in $(pgrep -P "$bg"); do
			[ "$(readlink /proc/"$p"/exe)" = "$(readlink -f "$target")" ] &&
				pid=$p
		done
		[ -n "$pid" ] && break
		sleep 0.05
	done
	[ -n "$pid" ] || fail "the JIT process did not start"
	nsinit=$pid
	[ "$(awk '$1 == "NSpid:" { print $3 }' /proc/"$pid"/status)" = 1 ] ||
		fail "not in a new PID namespace"
	run 0 -e 'tracepoint:syscalls:sys_enter_getppid /pid == '"$pid"'/ {
	    printf("%s", ustack(1)); exit(); }'
	has "$out" "^ *rt_jit_getppid+7$"
	# the namespace's init takes only SIGKILL from outside
	kill -9 "$pid"
	nsinit=
	wait "$bg" 2>/dev/null
	bg=
}

"$case"
echo "ok $case"
