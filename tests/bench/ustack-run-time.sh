#!/bin/sh
# The BPF run time of one ustack sample with Python frames (issue #13):
# profile:hz:499 { @[ustack] = count(); } with -p on a busy python3.11,
# the kernel's own count of the program's runs and their time
# (BPF_ENABLE_STATS, held only while this runs), averaged over ROUNDS
# rounds of SECONDS each. Given two etrace binaries, rounds alternate
# between them: e.g. a build before a change to the unwinder and one
# after (the exec identity check, 3 kernel reads a stack: not
# measurable on the shared machine, where rounds of one build differ by
# 10%).
#   ustack-run-time.sh ETRACE [ETRACE2] [ROUNDS] [SECONDS]   (as root)
set -eu
A=$1 B=${2:-} ROUNDS=${3:-3} SECS=${4:-8}
[ "$(id -u)" -eq 0 ] || { echo "needs root"; exit 1; }
exec python3 - "$A" "$B" "$ROUNDS" "$SECS" <<'PY'
import ctypes, json, signal, subprocess, sys, time

etraces = [e for e in sys.argv[1:3] if e]
rounds, secs = int(sys.argv[3]), float(sys.argv[4])
libc = ctypes.CDLL(None, use_errno=True)
attr = (ctypes.c_uint32 * 8)()  # BPF_STATS_RUN_TIME
if libc.syscall(321, 32, ctypes.byref(attr), 4) < 0:  # BPF_ENABLE_STATS
    sys.exit("BPF_ENABLE_STATS failed: errno %d" % ctypes.get_errno())
spin = "while True:\n    sum(range(1000))\n"
py = subprocess.Popen(["/usr/bin/python3.11", "-c", spin])

def progs():
    return json.loads(subprocess.check_output(["bpftool", "-j", "prog", "show"]))

res = {e: [0, 0] for e in etraces}
try:
    time.sleep(1)
    for r in range(rounds):
        for e in etraces:
            before = {p["id"] for p in progs()}
            t = subprocess.Popen([e, "-p", str(py.pid), "-e",
                                  "profile:hz:499 { @[ustack] = count(); }"],
                                 stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
            time.sleep(secs)
            for p in progs():
                if p["id"] not in before and p.get("type") == "perf_event":
                    res[e][0] += p.get("run_time_ns", 0)
                    res[e][1] += p.get("run_cnt", 0)
            t.send_signal(signal.SIGINT)
            t.wait()
finally:
    py.kill()
for e, (ns, n) in res.items():
    print("%s: %d samples, %.2f us of BPF a sample" % (e, n, ns / max(n, 1) / 1000))
PY
