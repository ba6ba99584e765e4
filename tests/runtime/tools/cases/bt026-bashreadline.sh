# bashreadline.bt of bpftrace 0.26: as 0.17's (bashreadline.sh), but it
# also probes libreadline's readline (missing_probes = ignore).
. "$(dirname "${BASH_SOURCE[0]}")/bashreadline.sh"
COMPARE=0
NO_COMPARE="0.26's version attaches 3 probes (libreadline's readline
too), bpftrace 0.17's version 2"
