# stdlib/redis.et: redis-cli against a redis-server started here on a
# free port: a client span and a server span per command, arguments
# redacted (tests/runtime/dbproto.sh checks every attribute, errors,
# pipelines and the options).
HEADER=2
EVENT_RE='^span redis_(client|server) '
COMPARE=0 NO_COMPARE="bpftrace 0.17 has no spans and no redact()"
STDERR_OK='^(stdlib/redis\.et:[0-9]+:[0-9]+: warning: [0-9]+ reads? failed .*|etrace: [0-9]+ span .*)$'
prepare() {
	command -v redis-server >/dev/null || return 1
	PORT=$((20000 + RANDOM % 20000))
	redis-server --port $PORT --bind 127.0.0.1 --save "" --appendonly no \
		--dir "$WORK" >/dev/null 2>&1 &
	PIDS+=($!)
	for _ in $(seq 1 100); do
		redis-cli -p $PORT ping >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}
activity() {
	redis-cli -p $PORT set "$TOKEN" secret-value >/dev/null
	EXPECT=("^span redis_server .* comm=redis-server kind=server db\\.system\\.name=\"redis\" db\\.operation\\.name=\"SET\" db\\.query\\.text=\"SET \\? \\?\" client\\.port=[1-9][0-9]* db\\.response\\.type=\"string\"\$"
		"^@requests\\[client, SET\\]: 1\$")
}
mark() {
	echo "^span redis_client .* comm=redis-cli kind=client db\\.system\\.name=\"redis\" db\\.operation\\.name=\"SET\" db\\.query\\.text=\"SET \\? \\?\" server\\.port=$PORT server\\.address=\"127\\.0\\.0\\.1\" db\\.response\\.type=\"string\"\$"
}
