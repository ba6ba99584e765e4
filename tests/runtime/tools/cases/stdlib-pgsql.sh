# stdlib/pgsql.et: psql against a postgres 15 started here on a free
# port: a client span and a server span per query, literals redacted
# (tests/runtime/dbproto.sh checks the attributes, errors, the extended
# protocol and the options).
HEADER=2
EVENT_RE='^span pgsql_(client|server) '
COMPARE=0 NO_COMPARE="bpftrace 0.17 has no spans and no redact()"
STDERR_OK='^(stdlib/pgsql\.et:[0-9]+:[0-9]+: (warning: [0-9]+ reads? failed|note: [0-9]+ strings? cut) .*|etrace: [0-9]+ span .*)$'
prepare() {
	PGBIN=/usr/lib/postgresql/15/bin
	[ -x $PGBIN/initdb ] && id postgres >/dev/null 2>&1 || return 1
	PORT=$((20000 + RANDOM % 20000))
	chmod 755 "$WORK"
	mkdir "$WORK/pg" && chown postgres "$WORK/pg" || return 1
	su postgres -s /bin/sh -c "$PGBIN/initdb -D $WORK/pg/data -A trust \
		-U postgres" >/dev/null 2>&1 || return 1
	su postgres -s /bin/sh -c "exec $PGBIN/postgres -D $WORK/pg/data \
		-p $PORT -k $WORK/pg -c listen_addresses=127.0.0.1" \
		>"$WORK/pg/log" 2>&1 &
	PIDS+=($!)
	for _ in $(seq 1 200); do
		if psql -h 127.0.0.1 -p $PORT -U postgres -c 'select 1' \
			>/dev/null 2>&1; then
			PIDS+=($(head -1 "$WORK/pg/data/postmaster.pid"))
			return 0
		fi
		sleep 0.1
	done
	return 1
}
activity() {
	psql -h 127.0.0.1 -p $PORT -U postgres -q \
		-c "select '$TOKEN' as secret" >/dev/null
	EXPECT=("^span pgsql_server .* comm=postgres kind=server db\\.system\\.name=\"postgresql\" db\\.operation\\.name=\"select\" db\\.query\\.text=\"select \\? as secret\" client\\.port=[1-9][0-9]* db\\.response\\.tag=\"SELECT 1\"\$")
}
mark() {
	echo "^span pgsql_client .* comm=psql kind=client db\\.system\\.name=\"postgresql\" db\\.operation\\.name=\"select\" db\\.query\\.text=\"select \\? as secret\" server\\.port=$PORT db\\.response\\.tag=\"SELECT 1\"\$"
}
