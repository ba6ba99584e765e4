#!/bin/bash
# make-configmap.sh [-n NAMESPACE] [-c NAME] PROGRAM...: compiles each
# PROGRAM (a stdlib recipe's name or a .et file) with `etrace
# --compile-only` and prints a ConfigMap (v1) with the artifacts as
# binaryData NAME.eto, for the DaemonSet or the Helm chart's pods to run
# with etrace-run. ETRACE names the compiler (default: etrace in PATH).
# Optionally signed: SIGN_KEY=key.pem (etrace-run --verify in the pod).
set -eu
ETRACE=${ETRACE:-etrace}
ns=kube-system name=etrace-programs
while getopts n:c: o; do
	case $o in
	n) ns=$OPTARG ;;
	c) name=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || { echo "usage: $0 [-n NS] [-c NAME] PROGRAM..." >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s\n' "$name"
printf '  namespace: %s\n  labels:\n    app.kubernetes.io/name: etrace\n' "$ns"
printf 'binaryData:\n'
for p in "$@"; do
	b=$(basename "$p" .et)
	sign=()
	[ -n "${SIGN_KEY:-}" ] && sign=(--sign "$SIGN_KEY")
	"$ETRACE" --compile-only "${sign[@]}" -o "$tmp/$b.eto" "$p" >&2
	printf '  %s.eto: %s\n' "$b" "$(base64 -w0 "$tmp/$b.eto")"
done
