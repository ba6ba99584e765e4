# socket_cookie: the workload makes 3 Unix sockets and writes the
# cookie getsockopt(SO_COOKIE) gives each to cookies: @c has those
# cookies, once each (the program asked first: the kernel made them then)
run() {
	et_run -c 'work sockets cookies 3'
}

check() {
	expect_status 0
	[ "$(wc -l <"$dir/cookies")" = 3 ] || fail "the workload wrote no 3 cookies"
	set --
	while read -r c; do
		set -- "$@" "@c[$c]: 1"
	done <"$dir/cookies"
	expect_map @c "$@"
}
