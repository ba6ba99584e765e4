#!/bin/sh
# The cost per string of user-space redaction (runtime/redact.c, issue
# #17): tests/bench/redact_bench.c over a small corpus (SQL, RESP, log
# lines with and without personal data, a string nothing applies to).
# Not a ctest test (speed targets never live in timed tests).
#   tests/bench/redact.sh REDACT_BENCH [N]
set -eu
"$1" "${2:-200000}"
