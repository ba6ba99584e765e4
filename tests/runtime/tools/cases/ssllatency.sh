# ssllatency.bt: the TLS exchange of sslsnoop.sh; latency lhist and stats
# per function at exit (@hist/@stat for calls that succeed, @histF/@statF
# for the others: which ones depends on the TLS library's path).
. "$HERE/cases/sslsnoop.sh"
HEADER=2
EVENT_RE=
mark() { :; }
EXPECT=('^@histF?\[.*\]: $'
	'^@statF?\[.*\]: count [0-9]+, average [0-9]+, total [0-9]+$')
