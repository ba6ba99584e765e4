#!/bin/sh
# tests/vm: boots Debian's 6.1 kernel under qemu once and runs every case
# of tests/vm/cases in it (kprobes, fentry and the tools that need them:
# the host kernel has neither). The ctest fixture vm/boot; each case's
# verdict is then its own test (check.sh).
# Usage: vm.sh ETRACE WORK OUTDIR
#   ETRACE  the etrace binary, WORK the static guest workload (work.c)
#   OUTDIR  gets kernel/ (the package cache), rootfs/, initramfs.cpio,
#           console.log and results/CASE/: out, err, status (etrace's),
#           kmsg (the guest kernel's log), leftover (kprobes and BPF
#           programs still there after the case), time
# Exits 77 (skipped) when qemu, a static busybox, cpio, bpftool or the
# kernel package cannot be had; with CI set, that is a failure (exit 1).
# VM_TIMEOUT bounds the guest's whole run (seconds, default 240);
# VM_ACCEL is qemu's accelerator (default tcg).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
etrace=$1
work=$2
outdir=$3
results=$outdir/results
rootfs=$outdir/rootfs

rm -rf "$results"
mkdir -p "$results"

skip() {
	echo "$*" >"$results/skipped"
	if [ -n "${CI:-}" ]; then
		echo "FAIL (CI is set, a skip is a failure): $*"
		exit 1
	fi
	echo "skipped: $*"
	exit 77
}

# ---- how a case is prepared on the host: its program as the guest will
# run it (guest/lib.sh's et_run is the other half). SRC is the .et/.bt
# file, DIR the case's directory in the guest's /cases, CASE its .sh.
# Compiled here, on the 6.18 host, into an artifact that etrace-run (the
# runtime alone, no LLVM) runs on the guest's 6.1: what a fleet does. A
# case about what the compiler makes of the guest's own kernel says
# "# compile: guest" and runs the whole etrace there. A program the host
# refuses to compile leaves its messages in compile.err for check().
case_prepare() {
	cp "$1" "$2/prog.et"
	if grep -q '^# compile: guest' "$3"; then
		return 0
	fi
	(cd "$2" && "$etrace" --compile-only -o prog.eto prog.et \
		2>"$results/$(basename "$2")/compile.err") ||
		echo "compile failed" >"$2/compile-failed"
}

# ---- the kernel: the newest linux-image-6.1.0-NN-amd64 the apt lists
# offer, downloaded (never installed) and unpacked into $outdir/kernel
kernel_pkg() {
	apt-cache pkgnames linux-image-6.1.0- 2>/dev/null |
		grep -E '^linux-image-6\.1\.0-[0-9]+-amd64$' | sort -rV |
		while read -r p; do
			apt-cache policy "$p" | grep -q 'Candidate: (none)' ||
				{ echo "$p"; break; }
		done
}

kernel_get() {
	cache=$outdir/kernel
	mkdir -p "$cache"
	pkg=$(kernel_pkg)
	if [ -n "$pkg" ] && [ ! -f "$cache/$pkg/vmlinuz" ]; then
		echo "vm: downloading $pkg"
		rm -rf "$cache/tmp" && mkdir "$cache/tmp"
		(cd "$cache/tmp" && apt-get download -q "$pkg") 2>&1 |
			grep -v '^W: Download is performed unsandboxed' || true
		if ls "$cache"/tmp/*.deb >/dev/null 2>&1; then
			dpkg-deb -x "$cache"/tmp/*.deb "$cache/tmp/x"
			rm -rf "${cache:?}/${pkg:?}" && mkdir "$cache/$pkg"
			mv "$cache"/tmp/x/lib/modules/* "$cache/$pkg/modules"
			mv "$cache"/tmp/x/boot/config-* "$cache/$pkg/config"
			mv "$cache"/tmp/x/boot/vmlinuz-* "$cache/$pkg/vmlinuz"
		fi
		rm -rf "$cache/tmp"
	fi
	# offline, or the archive moved on: the newest kernel in the cache
	if [ -z "$pkg" ] || [ ! -f "$cache/$pkg/vmlinuz" ]; then
		pkg=$(ls "$cache" | grep -E '^linux-image-6\.1\.0-[0-9]+-amd64$' |
		      sort -rV | head -n 1)
		[ -n "$pkg" ] && echo "vm: cannot fetch the newest 6.1 kernel; using the cached $pkg"
	fi
	[ -n "$pkg" ] ||
		skip "no linux-image-6.1.0-NN-amd64 package: none in the apt lists (apt-get update?) and none cached in $cache"
	kdir=$cache/$pkg
}

# ---- the initramfs
# mod_deps NAME: NAME's module file and those it depends on, dependencies
# first (from each .ko's .modinfo: the package has no modules.dep)
mod_path() {
	find "$kdir/modules/kernel" -name "$1.ko" | head -n 1
}

mod_deps() (
	# a subshell: the recursion keeps its own f
	f=$(mod_path "$1")
	[ -n "$f" ] || { echo "vm: no module $1 in $kdir" >&2; exit 1; }
	for d in $(readelf -p .modinfo "$f" |
		   sed -n 's/.*depends=//p' | tr ',' ' '); do
		mod_deps "$d"
	done
	echo "$f"
)

copy_bin() {
	cp "$1" "$rootfs/bin/"
	# shared libraries (absolute paths in ldd's output), kept at their path
	ldd "$1" 2>/dev/null | grep -o '/[^ ]*' | while read -r lib; do
		mkdir -p "$rootfs$(dirname "$lib")"
		cp -L "$lib" "$rootfs$lib"
	done
}

make_rootfs() {
	rm -rf "$rootfs"
	for d in bin cases data dev etc mods proc sys tmp; do
		mkdir -p "$rootfs/$d"
	done
	cp "$busybox" "$rootfs/bin/busybox"
	for b in "$etrace" "$(dirname "$etrace")/etrace-run" "$work" \
		 "$bpftool"; do
		if [ -f "$b" ]; then
			copy_bin "$b"
		fi
	done
	cp "$here/guest/init" "$rootfs/init"
	cp "$here/guest/lib.sh" "$rootfs/etc/lib.sh"
	printf 0123456789 >"$rootfs/data/ten"
	# virtio-blk on PCI: /dev/vda
	mods=$(mod_deps virtio_pci && mod_deps virtio_blk)
	: >"$rootfs/etc/modules"
	for f in $mods; do
		n=$(basename "$f" .ko)
		grep -qx "$n" "$rootfs/etc/modules" && continue
		cp "$f" "$rootfs/mods/"
		echo "$n" >>"$rootfs/etc/modules"
	done
	for c in "$here"/cases/*.sh; do
		prepare_case "$c"
	done
}

# the tools of bpftrace's package, unchanged (Debian: /usr/sbin/*.bt)
tool_path() {
	for d in /usr/sbin /usr/share/bpftrace/tools; do
		[ -f "$d/$1.bt" ] && { echo "$d/$1.bt"; return 0; }
	done
	return 1
}

prepare_case() {
	name=$(basename "$1" .sh)
	dir=$rootfs/cases/$name
	mkdir -p "$dir" "$results/$name"
	cp "$1" "$dir/case.sh"
	tool=$(sed -n 's/^# tool: *//p' "$1")
	if [ -n "$tool" ]; then
		src=$(tool_path "$tool") || {
			echo "bpftrace's tool $tool.bt is not installed (package bpftrace)" \
				>"$results/$name/skipped"
			rm -rf "$dir"
			return 0
		}
	else
		src=${1%.sh}.et
	fi
	case_prepare "$src" "$dir" "$1"
}

# ---- run
command -v qemu-system-x86_64 >/dev/null ||
	skip "qemu-system-x86_64 is not installed (package qemu-system-x86)"
command -v cpio >/dev/null || skip "cpio is not installed (package cpio)"
busybox=/bin/busybox
if [ ! -x "$busybox" ] || readelf -l "$busybox" | grep -q INTERP; then
	skip "no static busybox at $busybox (package busybox-static)"
fi
command -v apt-cache >/dev/null || skip "no apt-cache: not a Debian machine"
# in the guest: what BPF stays after a case
bpftool=$(command -v bpftool) ||
	skip "bpftool is not installed (package bpftool)"

kernel_get
echo "vm: kernel $pkg"
make_rootfs
(cd "$rootfs" && find . | cpio -o -H newc --quiet) >"$outdir/initramfs.cpio"
# a small disk for block I/O (virtio-blk, /dev/vda in the guest)
truncate -s 8M "$outdir/disk.img"

# TCG by default: a /dev/kvm that exists may still fail (nested KVM
# here aborts qemu setting an MSR); VM_ACCEL=kvm where it works
accel=${VM_ACCEL:-tcg}
start=$(date +%s)
rc=0
rm -f "$outdir/console.log" "$outdir/results.txt"
timeout -k 5 "${VM_TIMEOUT:-240}" qemu-system-x86_64 \
	-machine "pc,accel=$accel" -cpu max -m 1024 -smp 1 \
	-nodefaults -no-user-config -display none -no-reboot \
	-kernel "$kdir/vmlinuz" -initrd "$outdir/initramfs.cpio" \
	-append "console=ttyS0 quiet panic=-1" \
	-serial "file:$outdir/console.log" \
	-serial "file:$outdir/results.txt" \
	-drive "file=$outdir/disk.img,format=raw,if=virtio" || rc=$?
echo "vm: qemu exited with $rc after $(($(date +%s) - start)) s"

# results.txt: per case "@@@vm-case NAME", a base64 tar of its files,
# "@@@vm-end NAME"; the guest's last line is "@@@vm-done"
tr -d '\r' <"$outdir/results.txt" | awk -v dir="$results" '
	/^@@@vm-case / { name = $2; f = dir "/" name ".b64"; next }
	/^@@@vm-end / { close(f); name = ""; next }
	name != "" { print > f }'
for b in "$results"/*.b64; do
	[ -f "$b" ] || continue
	name=$(basename "$b" .b64)
	mkdir -p "$results/$name"
	base64 -d "$b" | tar -xf - -C "$results/$name" || true
	rm -f "$b"
done
tr -d '\r' <"$outdir/console.log" | grep '^vm:' || true
if ! tr -d '\r' <"$outdir/results.txt" | grep -q '^@@@vm-done'; then
	echo "vm: the guest did not finish (qemu status $rc); its console:"
	tr -d '\r' <"$outdir/console.log" | tail -n 40
	echo "console: $outdir/console.log" >"$results/unfinished"
fi
exit 0
