#!/bin/bash
# The Kubernetes deployment (deploy/): tests/deploy/deploy.sh CASE ETRACE
# ETRACE_RUN (ctest deploy/CASE; no cluster here).
#   manifest  deploy/daemonset.yaml matches the Kubernetes schema that
#             ships with the test and etrace's rules (validate.py); and
#             the validator refuses broken copies of it
#   chart     the Helm chart rendered (render.go: Go's text/template,
#             Helm's engine) with its values and with others, each
#             result validated the same way
#   configmap deploy/make-configmap.sh compiles a recipe into a valid
#             ConfigMap; its artifact, decoded, runs under etrace-run
#             with the DaemonSet's command line (root: real BPF)
set -u
case=$1 ETRACE=$2 ETRACE_RUN=$3
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
V="python3 $HERE/validate.py"
tmp=$(mktemp -d /tmp/etrace-deploy.XXXXXX)
pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
fail() { echo "FAIL [$case]: $*"; exit 1; }
OTLP=http://otel-collector.observability:4318

# refused SED-EXPR WHY: the manifest changed by SED-EXPR must fail
refused() {
	sed "$1" "$SRC/deploy/daemonset.yaml" >"$tmp/bad.yaml"
	cmp -s "$tmp/bad.yaml" "$SRC/deploy/daemonset.yaml" &&
		fail "'$1' changed nothing"
	$V --otlp "$OTLP" "$tmp/bad.yaml" >"$tmp/v" &&
		fail "a manifest with $2 passed: $(cat "$tmp/v")"
	grep -q "$3" "$tmp/v" || fail "$2: not the error expected: $(cat "$tmp/v")"
	echo "refused ($2): $(tail -n 1 "$tmp/v")"
}

# render OUT [VALUES-OVERRIDE.yaml]: the chart with its values (merged
# with the override's), release "etrace" in kube-system
render() {
	python3 - "$SRC/deploy/helm/etrace" "$tmp" "${2:-}" <<'PY' || return 1
import json, sys, yaml
chart, tmp, over = sys.argv[1:4]
def merge(a, b):
    for k, v in b.items():
        a[k] = merge(a.get(k, {}), v) if isinstance(v, dict) and \
            isinstance(a.get(k), dict) else v
    return a
values = yaml.safe_load(open(chart + "/values.yaml"))
if over:
    merge(values, yaml.safe_load(open(over)))
json.dump(values, open(tmp + "/values.json", "w"))
json.dump(yaml.safe_load(open(chart + "/Chart.yaml")),
          open(tmp + "/chart.json", "w"))
PY
	"$tmp/render" "$SRC/deploy/helm/etrace" etrace kube-system \
		"$tmp/values.json" "$tmp/chart.json" >"$1"
}

case $case in
manifest)
	$V --otlp "$OTLP" "$SRC/deploy/daemonset.yaml" || fail "not valid"
	refused 's/hostPID: true/hostPid: true/' "a misspelt field" \
		"'hostPid' was unexpected"
	refused 's/hostPID: true/hostPID: false/' "no hostPID" "hostPID"
	refused 's/"PERFMON", /"PERFMON", "SYS_ADMIN", /' "CAP_SYS_ADMIN" \
		"SYS_ADMIN"
	refused 's/privileged: false/privileged: true/' "a privileged pod" \
		"privileged"
	refused 's/fieldPath: spec.nodeName/fieldPath: metadata.name/' \
		"NODE_NAME from the pod's name" "NODE_NAME"
	refused 's/containerPort: 9469/containerPort: 9470/' \
		"a port --metrics-addr does not use" "not a containerPort"
	refused 's|path: /sys/kernel/tracing|path: /sys/kernel/tracin|' \
		"no tracefs" "/sys/kernel/tracing is not mounted"
	refused 's/protocol: TCP/protocol: tcp/' "a bad enum" "'tcp' is not one"
	refused 's/memory: 64Mi/memory: 64 MiB/' "a bad quantity" \
		"not valid under any"
	;;
chart)
	command -v go >/dev/null || fail "no go (golang-go) to build render.go"
	(cd "$HERE" && GO111MODULE=off go build -o "$tmp/render" render.go) ||
		fail "cannot build render.go"
	render "$tmp/default.yaml" || fail "the chart does not render"
	$V --otlp "$OTLP" "$tmp/default.yaml" || fail "default values: invalid"
	# what the default values must give: deploy/daemonset.yaml's pod
	$V --same-pod "$tmp/default.yaml" "$SRC/deploy/daemonset.yaml" ||
		fail "the chart's pod is not deploy/daemonset.yaml's"
	cat >"$tmp/over.yaml" <<'YAML'
programs:
  - name: opensnoop
    metricsPort: 9469
    args: []
  - name: execsnoop
    metricsPort: 9470
    args: ["-f", "json"]
otlp:
  endpoint: ""
verifyKeySecret: etrace-signing-key
mountDebugfs: false
nodeSelector:
  kubernetes.io/os: linux
YAML
	render "$tmp/other.yaml" "$tmp/over.yaml" || fail "overrides: no render"
	$V --no-otlp "$tmp/other.yaml" || fail "overrides: invalid"
	$V --commands "$tmp/other.yaml" >"$tmp/cmds"
	want='["/usr/bin/etrace-run", "-B", "line", "--metrics-addr", ":9470", "--verify", "/keys/pub.pem", "-f", "json", "/programs/execsnoop.eto"]'
	[ "$(sed -n 2p "$tmp/cmds")" = "$want" ] ||
		fail "second container: $(sed -n 2p "$tmp/cmds"), not $want"
	grep -q 'secretName: etrace-signing-key' "$tmp/other.yaml" ||
		fail "no key volume"
	grep -q '/sys/kernel/debug' "$tmp/other.yaml" &&
		fail "debugfs mounted though mountDebugfs is false"
	# a capability beyond the narrow set, through the values
	printf 'capabilities: [BPF, PERFMON, SYS_ADMIN]\n' >"$tmp/over2.yaml"
	render "$tmp/bad.yaml" "$tmp/over2.yaml" || fail "no render"
	$V --otlp "$OTLP" "$tmp/bad.yaml" >"$tmp/v" &&
		fail "SYS_ADMIN through the values passed"
	grep -q SYS_ADMIN "$tmp/v" || fail "SYS_ADMIN: $(cat "$tmp/v")"
	echo "chart: default and overridden values render valid DaemonSets"
	;;
configmap)
	[ "$(id -u)" = 0 ] || { echo "skipped: needs root"; exit 77; }
	ETRACE=$ETRACE "$SRC/deploy/make-configmap.sh" opensnoop \
		>"$tmp/cm.yaml" 2>"$tmp/cm.err" || fail "make-configmap.sh: $(cat "$tmp/cm.err")"
	$V "$tmp/cm.yaml" || fail "the ConfigMap is not valid"
	mkdir "$tmp/programs"
	python3 - "$tmp/cm.yaml" "$tmp/programs" <<'PY' || fail "no artifact"
import base64, sys, yaml
cm = yaml.safe_load(open(sys.argv[1]))
for name, b64 in cm["binaryData"].items():
    open(sys.argv[2] + "/" + name, "wb").write(base64.b64decode(b64))
PY
	[ -s "$tmp/programs/opensnoop.eto" ] || fail "no opensnoop.eto"
	# the DaemonSet's command line, its paths on this machine: the
	# binary of the build, the ConfigMap's files in $tmp/programs, a
	# free port for --metrics-addr
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	mapfile -t cmd < <($V --commands "$SRC/deploy/daemonset.yaml" |
		python3 -c 'import json,sys
for a in json.loads(sys.stdin.readline()): print(a)')
	[ "${cmd[0]}" = /usr/bin/etrace-run ] || fail "command ${cmd[0]}"
	cmd[0]=$ETRACE_RUN
	for i in "${!cmd[@]}"; do
		cmd[$i]=${cmd[$i]/#\/programs\//$tmp/programs/}
		cmd[$i]=${cmd[$i]/#:9469/127.0.0.1:$port}
	done
	echo "running: ${cmd[*]}"
	NODE_NAME=node-1 ETRACE_AUDIT_LOG=$tmp/audit.jsonl \
		"${cmd[@]}" >"$tmp/out" 2>"$tmp/err" &
	pid=$!
	for _ in $(seq 300); do
		grep -q '^PID' "$tmp/out" && break
		kill -0 "$pid" 2>/dev/null || fail "etrace-run ended: $(cat "$tmp/err")"
		sleep 0.1
	done
	grep -q '^PID' "$tmp/out" || fail "no header in 30 s: $(cat "$tmp/err")"
	marker=$tmp/programs/marker-$$
	for _ in $(seq 50); do
		cat "$marker" 2>/dev/null
		grep -q "marker-$$" "$tmp/out" && break
		sleep 0.1
	done
	curl -sf "http://127.0.0.1:$port/metrics" >"$tmp/metrics" ||
		fail "no metrics at 127.0.0.1:$port"
	kill -INT "$pid"
	wait "$pid"
	rc=$?
	pid=
	[ "$rc" = 0 ] || fail "etrace-run exit $rc: $(cat "$tmp/err")"
	grep -Eq "^[0-9]+ +cat +-1 +2 $marker\$" "$tmp/out" ||
		fail "the open of $marker is not in the output: $(cat "$tmp/out")"
	grep -q '^etrace_' "$tmp/metrics" ||
		fail "no etrace_ metrics: $(head "$tmp/metrics")"
	echo "configmap: opensnoop.eto ran under etrace-run:" \
		"$(grep -c . "$tmp/out") lines, $(grep -c '^etrace_' "$tmp/metrics") metric lines"
	;;
*) fail "no case $case" ;;
esac
