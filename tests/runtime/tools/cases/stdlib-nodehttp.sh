# stdlib/nodehttp.et: a node program that serves HTTP on a port of its
# own and sends itself GET /hello (200), GET /missing?x=1 (404) and
# POST /fail (500), one after the other, each answered after 20 ms.
HEADER=2
COMPARE=0 NO_COMPARE="bpftrace 0.17 has no nodehttp recipe"
EXPECT=('^[0-9]+ +node +[0-9]+ +GET +/hello +200 +[0-9]{4,}$'
	'^[0-9]+ +node +[0-9]+ +GET +/missing +404 +[0-9]{4,}$'
	'^[0-9]+ +node +[0-9]+ +POST +/fail +500 +[0-9]{4,}$'
	'^@requests\[GET, /hello, 200\]: 1$' '^@errors\[POST, /fail\]: 1$'
	'^@latency_us\[GET, /missing\]: $')
activity() {
	cat >"$WORK/http.js" <<'JS'
const http = require('http');
const codes = { '/hello': 200, '/missing': 404, '/fail': 500 };
const s = http.createServer((req, res) => {
	const st = codes[req.url.split('?')[0]] || 400;
	setTimeout(() => { res.writeHead(st); res.end('body\n'); }, 20);
});
const reqs = [['GET', '/hello'], ['GET', '/missing?x=1'], ['POST', '/fail']];
function next(i) {
	if (i === reqs.length) { s.close(); return; }
	const r = http.request({ host: '127.0.0.1', port: s.address().port,
		method: reqs[i][0], path: reqs[i][1], agent: false }, (res) => {
		res.resume();
		res.on('end', () => next(i + 1));
	});
	r.end();
}
s.listen(0, '127.0.0.1', () => next(0));
JS
	/usr/bin/node "$WORK/http.js"
}
