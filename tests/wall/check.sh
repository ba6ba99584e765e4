#!/bin/sh
# The wall between compiler and runtime (SPEC §1, STYLE.md), checked.
#   check.sh includes SRC   every #include "X" of runtime/ names a header
#                           of runtime/ itself; no LLVM or libclang header;
#                           compiler/ and grammar/ never include driver/
#   check.sh binary BIN     BIN (etrace-run) holds no LLVM or libclang
#                           code and loads no LLVM or libclang library
set -eu

includes() {
	src=$1
	bad=0
	for f in $(find "$src/runtime" -name '*.[ch]' | sort); do
		dir=$(dirname "$f")
		for h in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f"); do
			if [ -e "$dir/$h" ] || [ -e "$src/runtime/$h" ]; then
				continue
			fi
			echo "wall: $f includes \"$h\", which is not a runtime header"
			bad=1
		done
		if grep -Eq '^[[:space:]]*#[[:space:]]*include[[:space:]]*<(llvm-c|clang-c|llvm|clang)/' "$f"; then
			echo "wall: $f includes an LLVM or libclang header"
			bad=1
		fi
	done
	for f in $(find "$src/compiler" "$src/grammar" -name '*.[chly]' | sort); do
		for h in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f"); do
			if [ -e "$src/driver/$h" ] && [ ! -e "$src/runtime/$h" ] &&
			   [ ! -e "$src/compiler/$h" ]; then
				echo "wall: $f includes the driver's \"$h\""
				bad=1
			fi
		done
	done
	[ $bad -eq 0 ] && echo "wall: runtime/ includes only runtime headers"
	return $bad
}

binary() {
	bin=$1
	n=$(nm -C "$bin" 2>/dev/null | grep -Eci ' (llvm|clang_)' || true)
	if [ "$n" -ne 0 ]; then
		echo "wall: $bin has $n LLVM or libclang symbols, e.g.:"
		nm -C "$bin" | grep -Ei ' (llvm|clang_)' | head -5
		return 1
	fi
	if ldd "$bin" 2>/dev/null | grep -Eqi 'llvm|clang'; then
		echo "wall: $bin loads LLVM or libclang:"
		ldd "$bin" | grep -Ei 'llvm|clang'
		return 1
	fi
	size=$(stat -c %s "$bin")
	echo "wall: $bin: no LLVM, no libclang ($size bytes)"
}

case ${1:-} in
includes) includes "$2" ;;
binary) binary "$2" ;;
*) echo "usage: $0 includes SRC | binary BIN" >&2; exit 2 ;;
esac
