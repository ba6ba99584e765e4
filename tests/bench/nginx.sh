# shellcheck shell=sh
# Shared by the web server benchmarks (http-cost.sh, http-prog-cost.sh,
# h2-cost.sh; POSIX sh, sourced): nginx serving a small file on a free
# local port, with its files in $tmp (the caller's temp directory).
#   bench_nginx [http2]   sets $port and $ng (nginx's pid) and returns
#                         once nginx answers (http2: h2c, keep-alive
#                         unbounded, ready once it wrote its pid file)
bench_nginx() {
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	mkdir -p "$tmp/html" "$tmp/logs"
	echo hello >"$tmp/html/index.html"
	if [ "${1:-}" = http2 ]; then
		keep="keepalive_requests 1000000;" listen="$port http2"
	else
		keep="" listen="$port"
	fi
	cat >"$tmp/nginx.conf" <<CONF
daemon off;
user root;
worker_processes 1;
pid $tmp/nginx.pid;
error_log $tmp/logs/error.log;
events { worker_connections 1024; }
http {
	access_log off;
	$keep
	client_body_temp_path $tmp/body;
	proxy_temp_path $tmp/proxy;
	fastcgi_temp_path $tmp/fcgi;
	uwsgi_temp_path $tmp/uwsgi;
	scgi_temp_path $tmp/scgi;
	server { listen 127.0.0.1:$listen; root $tmp/html; }
}
CONF
	nginx -c "$tmp/nginx.conf" -p "$tmp" &
	ng=$!
	if [ "${1:-}" = http2 ]; then
		until [ -s "$tmp/nginx.pid" ]; do sleep 0.1; done
	else
		until curl -s -o /dev/null "http://127.0.0.1:$port/"; do sleep 0.1; done
	fi
}
