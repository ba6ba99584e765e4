#!/usr/bin/env python3
"""validate.py: checks Kubernetes manifests of etrace (tests/deploy).

  validate.py [--otlp URL|--no-otlp] FILE...   check every document
  validate.py --commands FILE                  print each container's
                                               command line (JSON)
  validate.py --same-pod FILE1 FILE2           the DaemonSets' pod specs
                                               are the same (prints the
                                               differences)

Every document must match k8s-schema.json (a trimmed copy of the
Kubernetes definitions of DaemonSet and ConfigMap v1; no cluster here),
and a DaemonSet must also be etrace's: hostPID, no privileged container,
all capabilities dropped but the narrow set the load and attach use,
/sys/fs/bpf, /sys/kernel/tracing and /proc mounted, NODE_NAME from the
downward API, the Prometheus port the one --metrics-addr names, the OTLP
endpoint (when one is expected), and etrace-run running a program of the
ConfigMap volume. Prints one line per document; exit 1 on any error."""
import json
import os
import sys

import jsonschema
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
NARROW = {"BPF", "PERFMON", "SYS_PTRACE", "DAC_READ_SEARCH", "SYSLOG",
          "SYS_RESOURCE", "SETUID", "SETGID", "SETPCAP", "KILL"}
NEEDED = {"BPF", "PERFMON"}
HOST_PATHS = ["/sys/fs/bpf", "/sys/kernel/tracing", "/proc"]


def load(path):
    with open(path) as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


def check_daemonset(d, otlp):
    errs = []
    pod = d["spec"]["template"]
    spec = pod["spec"]
    labels = pod.get("metadata", {}).get("labels", {})
    for k, v in d["spec"]["selector"].get("matchLabels", {}).items():
        if labels.get(k) != v:
            errs.append(f"selector {k}={v} does not match the pod's labels")
    if spec.get("hostPID") is not True:
        errs.append("hostPID is not true")
    vols = {v["name"]: v for v in spec.get("volumes", [])}
    names = set()
    for c in spec["containers"]:
        n = c["name"]
        if n in names:
            errs.append(f"{n}: two containers of that name")
        names.add(n)
        sc = c.get("securityContext", {})
        if sc.get("privileged", False):
            errs.append(f"{n}: privileged")
        if sc.get("allowPrivilegeEscalation", True):
            errs.append(f"{n}: allowPrivilegeEscalation is not false")
        caps = sc.get("capabilities", {})
        if caps.get("drop") != ["ALL"]:
            errs.append(f"{n}: capabilities.drop is not [ALL]")
        add = set(caps.get("add", []))
        if add - NARROW:
            errs.append(f"{n}: capabilities beyond the narrow set: "
                        f"{sorted(add - NARROW)}")
        if NEEDED - add:
            errs.append(f"{n}: capabilities missing: {sorted(NEEDED - add)}")
        mounts = {}
        for m in c.get("volumeMounts", []):
            if m["name"] not in vols:
                errs.append(f"{n}: mount of volume {m['name']}, "
                            "which the pod does not have")
                continue
            mounts[m["mountPath"]] = vols[m["name"]]
        hp = {v["hostPath"]["path"] for v in mounts.values() if "hostPath" in v}
        for p in HOST_PATHS:
            if p not in hp:
                errs.append(f"{n}: the node's {p} is not mounted")
        env = {e["name"]: e for e in c.get("env", [])}
        ref = env.get("NODE_NAME", {}).get("valueFrom", {}).get("fieldRef", {})
        if ref.get("fieldPath") != "spec.nodeName":
            errs.append(f"{n}: NODE_NAME is not the downward API's "
                        "spec.nodeName")
        ep = env.get("OTEL_EXPORTER_OTLP_ENDPOINT", {}).get("value")
        if otlp is not False and ep != otlp:
            errs.append(f"{n}: OTEL_EXPORTER_OTLP_ENDPOINT is {ep!r}, "
                        f"not {otlp!r}")
        if otlp is False and ep is not None:
            errs.append(f"{n}: an OTLP endpoint ({ep}) none was asked for")
        cmd = c.get("command", []) + c.get("args", [])
        if not cmd or os.path.basename(cmd[0]) != "etrace-run":
            errs.append(f"{n}: the command is not etrace-run")
            continue
        prog = cmd[-1]
        src = mounts.get(os.path.dirname(prog))
        if not prog.endswith(".eto") or not src or "configMap" not in src:
            errs.append(f"{n}: {prog} is not a program of the ConfigMap "
                        "volume")
        if "--metrics-addr" in cmd:
            addr = cmd[cmd.index("--metrics-addr") + 1]
            port = int(addr.rsplit(":", 1)[1])
            if port not in [p["containerPort"] for p in c.get("ports", [])]:
                errs.append(f"{n}: --metrics-addr {addr}: the port is not "
                            "a containerPort")
        else:
            errs.append(f"{n}: no --metrics-addr (the Prometheus port)")
    return errs


def differences(x, y, path=""):
    if isinstance(x, dict) and isinstance(y, dict):
        for k in sorted(set(x) | set(y)):
            yield from differences(x.get(k), y.get(k), f"{path}/{k}")
    elif isinstance(x, list) and isinstance(y, list) and len(x) == len(y):
        for i, (u, v) in enumerate(zip(x, y)):
            yield from differences(u, v, f"{path}/{i}")
    elif x != y:
        yield f"{path}: {x!r} and {y!r}"


def pod(path):
    for d in load(path):
        if d.get("kind") == "DaemonSet":
            return d["spec"]["template"]["spec"]
    return None


def main():
    args = sys.argv[1:]
    if args[:1] == ["--same-pod"]:
        diffs = list(differences(pod(args[1]), pod(args[2])))
        for d in diffs:
            print(d)
        return 1 if diffs else 0
    if args[:1] == ["--commands"]:
        for d in load(args[1]):
            if d.get("kind") == "DaemonSet":
                for c in d["spec"]["template"]["spec"]["containers"]:
                    print(json.dumps(c.get("command", []) + c.get("args", [])))
        return 0
    otlp = None
    if args[:1] == ["--otlp"]:
        otlp, args = args[1], args[2:]
    elif args[:1] == ["--no-otlp"]:
        otlp, args = False, args[1:]
    with open(os.path.join(HERE, "k8s-schema.json")) as f:
        schema = json.load(f)
    kinds = {("apps/v1", "DaemonSet"): "io.k8s.api.apps.v1.DaemonSet",
             ("v1", "ConfigMap"): "io.k8s.api.core.v1.ConfigMap"}
    bad = 0
    for path in args:
        docs = load(path)
        if not docs:
            print(f"{path}: no documents")
            bad += 1
        for d in docs:
            what = f"{path}: {d.get('kind')} {d.get('metadata', {}).get('name')}"
            errs = []
            ref = kinds.get((d.get("apiVersion"), d.get("kind")))
            if not ref:
                errs.append("schema: not a DaemonSet (apps/v1) or a "
                            "ConfigMap (v1)")
            else:
                v = jsonschema.Draft7Validator(
                    {"$ref": "#/definitions/" + ref,
                     "definitions": schema["definitions"]})
                for e in sorted(v.iter_errors(d), key=lambda e: e.path):
                    loc = "/".join(str(p) for p in e.absolute_path)
                    errs.append(f"schema: {loc}: {e.message}")
            if not errs and d["kind"] == "DaemonSet":
                errs = check_daemonset(d, otlp)
            if errs:
                bad += 1
                for e in errs:
                    print(f"{what}: {e}")
            else:
                print(f"{what}: ok")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
