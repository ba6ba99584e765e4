# stdlib/mysql.et: the mariadb client against a mariadbd started here on
# a free port: a client span and a server span per statement, literals
# redacted (tests/runtime/dbproto.sh checks the attributes and errors).
HEADER=2
EVENT_RE='^span mysql_(client|server) '
COMPARE=0 NO_COMPARE="bpftrace 0.17 has no spans and no redact()"
STDERR_OK='^(stdlib/mysql\.et:[0-9]+:[0-9]+: (warning: [0-9]+ reads? failed|note: [0-9]+ strings? cut) .*|etrace: [0-9]+ span .*)$'
prepare() {
	command -v mariadbd >/dev/null || return 1
	PORT=$((20000 + RANDOM % 20000))
	mariadb-install-db --no-defaults --datadir="$WORK/db" --user=root \
		--auth-root-authentication-method=normal >/dev/null 2>&1 ||
		return 1
	mariadbd --no-defaults --datadir="$WORK/db" --user=root \
		--port=$PORT --bind-address=127.0.0.1 --socket="$WORK/my.sock" \
		--pid-file="$WORK/my.pid" --skip-log-bin >/dev/null 2>&1 &
	PIDS+=($!)
	for _ in $(seq 1 300); do
		mariadb -h 127.0.0.1 -P $PORT -u root -e 'select 1' \
			>/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}
activity() {
	mariadb -h 127.0.0.1 -P $PORT -u root -e "select '$TOKEN' as secret" \
		>/dev/null
	EXPECT=("^span mysql_server .* comm=mariadbd kind=server db\\.system\\.name=\"mysql\" db\\.operation\\.name=\"select\" db\\.query\\.text=\"select \\? as secret\" client\\.port=[1-9][0-9]* db\\.response\\.type=\"resultset\"\$")
}
mark() {
	echo "^span mysql_client .* comm=mariadb kind=client db\\.system\\.name=\"mysql\" db\\.operation\\.name=\"select\" db\\.query\\.text=\"select \\? as secret\" server\\.port=$PORT db\\.response\\.type=\"resultset\"\$"
}
