# sslsnoop.bt: one TLS handshake and a write between openssl s_server and
# s_client on loopback (an EC key made before the tracers start).
NEEDS=uprobe
# the tool lists functions of several libssl versions: etrace says which
# ones this libssl lacks (bpftrace skips them silently)
STDERR_OK="warning: u(ret)?probe target .* does not exist here"
HEADER=3
EVENT_RE='^[0-9][0-9 ]{9} [0-9]+ +\S+ +[0-9]+ +-?[0-9]+ \S+$'
MASK=-	# latencies, thread ids and the order of the two processes vary
prepare() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
		-nodes -keyout "$WORK/key.pem" -out "$WORK/cert.pem" \
		-days 1 -subj /CN=etrace-test 2>/dev/null
}
activity() {
	local port=$((20000 + RANDOM % 20000)) s i

	timeout 10 openssl s_server -accept $port -cert "$WORK/cert.pem" \
		-key "$WORK/key.pem" -quiet -naccept 1 </dev/null &
	s=$!
	for ((i = 0; i < 50; i++)); do
		ss -ltn 2>/dev/null | grep -q ":$port " && break
		sleep 0.05
	done
	echo "$TOKEN" | timeout 5 openssl s_client -quiet \
		-connect 127.0.0.1:$port
	wait $s
}
mark() { echo '^[0-9][0-9 ]{9} [0-9]+ +openssl +[0-9]+ +-?[0-9]+ \S+$'; }
