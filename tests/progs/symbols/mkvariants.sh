#!/bin/sh
# The symbol-source variants of a program with DWARF and a build id, for
# tests/runtime/symbols.sh (runtime/symsrc.h):
#   mkvariants.sh PROG OTHER OUTDIR
#   prog.debug      its debug file (objcopy --only-keep-debug)
#   bid             stripped; root/.build-id/xx/yyyy.debug its debug file
#   dl              stripped, with a .gnu_debuglink to prog.debug beside it
#   dotdebug/dl     the same, the debug file in dotdebug/.debug/
#   rootdl/dl       the same, the debug file in ROOT/<its dir>/ (the test
#                   makes that root: the path is the build directory's)
#   badcrc/dl       the same, beside a prog.debug of another program
#                   (OTHER): the CRC differs
#   mdi             stripped, with MiniDebugInfo (.gnu_debugdata) made as
#                   gdb's manual ("MiniDebugInfo") and Fedora do
set -eu
src=$1 other=$2 out=$3
mkdir -p "$out"
cd "$out"
rm -rf root dotdebug rootdl badcrc bid dl mdi prog.debug mini*
objcopy --only-keep-debug "$src" prog.debug

strip --strip-all -o bid "$src"
id=$(readelf -n "$src" | awk '/Build ID/ { print $3 }')
[ -n "$id" ] || { echo "$src has no build id" >&2; exit 1; }
dir=root/.build-id/$(echo "$id" | cut -c1-2)
mkdir -p "$dir"
cp prog.debug "$dir/$(echo "$id" | cut -c3-).debug"

strip --strip-all -o dl "$src"
objcopy --add-gnu-debuglink=prog.debug dl
mkdir -p dotdebug/.debug rootdl badcrc
cp dl dotdebug/dl
cp prog.debug dotdebug/.debug/prog.debug
cp dl rootdl/dl
cp dl badcrc/dl
objcopy --only-keep-debug "$other" badcrc/prog.debug

# MiniDebugInfo: the function symbols .dynsym lacks, in an xz-compressed
# ELF holding only a .symtab, in the section .gnu_debugdata
nm -D "$src" --format=posix --defined-only | awk '{ print $1 }' |
	sort >mini.dynsyms
nm "$src" --format=posix --defined-only |
	awk '$2 == "T" || $2 == "t" || $2 == "D" { print $1 }' |
	sort >mini.funcsyms
comm -13 mini.dynsyms mini.funcsyms >mini.keep
objcopy --only-keep-debug "$src" mini.debuginfo
objcopy -S --remove-section .gdb_index --remove-section .comment \
	--keep-symbols=mini.keep mini.debuginfo mini.debuginfo
strip --strip-all -R .comment -o mdi "$src"
xz --force mini.debuginfo
objcopy --add-section .gnu_debugdata=mini.debuginfo.xz mdi
