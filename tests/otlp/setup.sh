#!/bin/sh
# Installs the npm packages of tests/otlp/package.json (OpenTelemetry's
# own OTLP decoders, and its SDK for the distributed-trace test) into a
# cache directory, once: ETRACE_NPM_DIR, default /var/cache/etrace-tests/npm
# for root, else ~/.cache/etrace-tests/npm. Prints the directory that
# holds node_modules. Exit 77 (skip) when node or npm is missing, or the
# registry cannot be reached on a first install.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if [ "$(id -u)" = 0 ]; then
	def=/var/cache/etrace-tests/npm
else
	def=${HOME:-/tmp}/.cache/etrace-tests/npm
fi
dir=${ETRACE_NPM_DIR:-$def}
command -v node >/dev/null 2>&1 || { echo "setup: no node" >&2; exit 77; }
mkdir -p "$dir"
if cmp -s "$here/package.json" "$dir/package.json" &&
	[ -d "$dir/node_modules/@opentelemetry/otlp-transformer" ]; then
	echo "$dir"
	exit 0
fi
command -v npm >/dev/null 2>&1 || { echo "setup: no npm" >&2; exit 77; }
cp "$here/package.json" "$dir/package.json"
# one install at a time (parallel ctest runs share the cache)
exec 9>"$dir/.lock"
flock 9
if ! (cd "$dir" && npm install --no-audit --no-fund --loglevel=error \
	>"$dir/install.log" 2>&1); then
	echo "setup: npm install failed (see $dir/install.log)" >&2
	rm -f "$dir/package.json"
	exit 77
fi
echo "$dir"
