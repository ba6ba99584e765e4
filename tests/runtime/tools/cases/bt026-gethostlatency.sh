# gethostlatency.bt of bpftrace 0.26: as 0.17's (gethostlatency.sh), but
# it probes 7 functions (0.17's version 3), the _r variants among them:
# a lookup through gethostbyname2() that calls gethostbyname2_r() is a
# line for each.
. "$(dirname "${BASH_SOURCE[0]}")/gethostlatency.sh"
COMPARE=0
NO_COMPARE="0.26's version attaches 16 probes (bpftrace 0.17's version
7) and sees nested calls"
