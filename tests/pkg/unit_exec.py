#!/usr/bin/env python3
"""unit_exec.py UNIT INSTANCE: what systemd would run for the service
INSTANCE of the template UNIT (systemd is not PID 1 here), as shell
assignments for tests/pkg/pkg.sh to eval:
  argv=(...)      ExecStart, its %i and $VARS expanded the way systemd
                  does ("$X" alone: the value split at whitespace into
                  words; "${X}": one word), with the Environment= and
                  EnvironmentFile= variables
  envs=(...)      the environment: systemd's PATH, LOGS_DIRECTORY and
                  CACHE_DIRECTORY, Environment=, EnvironmentFile=
  workdir=...     WorkingDirectory= (a "-" prefix: may be missing)
  caps=...        CapabilityBoundingSet= for setpriv --bounding-set
  nnp=yes|no, killsignal=..., logsdir=..., cachedir=...
Only the directives the unit uses; any other in [Service] is an error,
so the test cannot silently ignore one."""
import os
import re
import shlex
import sys

KNOWN = {"Type", "Environment", "EnvironmentFile", "WorkingDirectory",
         "ExecStart", "KillSignal", "TimeoutStopSec", "Restart",
         "RestartSec", "LogsDirectory", "CacheDirectory", "LimitNOFILE",
         "LimitMEMLOCK", "CapabilityBoundingSet", "NoNewPrivileges",
         "UMask", "ProtectSystem", "ProtectHome", "ProtectHostname",
         "ProtectClock", "ProtectControlGroups", "RestrictRealtime",
         "RestrictSUIDSGID", "LockPersonality", "SystemCallArchitectures",
         "RestrictAddressFamilies", "KeyringMode"}


def service_section(path):
    sec, out = None, []
    for line in open(path):
        line = line.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            sec = line
            continue
        if sec == "[Service]":
            k, _, v = line.partition("=")
            out.append((k.strip(), v.strip()))
    return out


def env_file(path, env):
    for line in open(path):
        line = line.strip()
        if not line or line[0] in "#;":
            continue
        k, _, v = line.partition("=")
        v = v.strip()
        if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
            v = v[1:-1]
        env[k.strip()] = v


def main():
    unit, inst = sys.argv[1], sys.argv[2]
    spec = lambda s: s.replace("%i", inst).replace("%%", "%")
    env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:"
                   "/sbin:/bin"}
    d = {}
    for k, v in service_section(unit):
        if k not in KNOWN:
            sys.exit(f"unit_exec.py: {k}= is not known to the test")
        d[k] = v
        if k == "Environment":
            for a in shlex.split(spec(v)):
                n, _, val = a.partition("=")
                env[n] = val
        elif k == "EnvironmentFile":
            p = spec(v)
            opt = p.startswith("-")
            p = p.lstrip("-")
            if os.path.exists(p):
                env_file(p, env)
            elif not opt:
                sys.exit(f"unit_exec.py: no {p}")
    if "LogsDirectory" in d:
        env["LOGS_DIRECTORY"] = "/var/log/" + d["LogsDirectory"]
    if "CacheDirectory" in d:
        env["CACHE_DIRECTORY"] = "/var/cache/" + d["CacheDirectory"]
    argv = []
    for w in shlex.split(spec(d["ExecStart"])):
        m = re.fullmatch(r"\$([A-Za-z_][A-Za-z0-9_]*)", w)
        if m:
            argv += env.get(m.group(1), "").split()
        else:
            argv.append(re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}",
                               lambda m: env.get(m.group(1), ""), w))
    caps = ",".join("+" + c[4:].lower()
                    for c in d.get("CapabilityBoundingSet", "").split())
    q = shlex.quote
    print("argv=(" + " ".join(q(a) for a in argv) + ")")
    print("envs=(" + " ".join(q(f"{k}={v}") for k, v in env.items()) + ")")
    print("workdir=" + q(spec(d.get("WorkingDirectory", "/"))))
    print("caps=" + q("-all," + caps if caps else "+all"))
    print("nnp=" + q(d.get("NoNewPrivileges", "no")))
    print("killsignal=" + q(d.get("KillSignal", "SIGTERM")))
    print("logsdir=" + q(d.get("LogsDirectory", "")))
    print("cachedir=" + q(d.get("CacheDirectory", "")))


if __name__ == "__main__":
    main()
