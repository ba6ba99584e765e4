// The Node TLS case of tests/runtime/proto.sh: an https server and an
// https client in one Node process (Node's own OpenSSL, linked into
// /usr/bin/node: SSL_read/SSL_write), PATHS requested one after the
// other on one keep-alive connection, then exit.
//   node tls.js KEY CERT PATH...
'use strict';
const https = require('https');
const fs = require('fs');
const [key, cert, ...paths] = process.argv.slice(2);

const server = https.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) },
	(req, res) => {
		const status = req.url.endsWith('/missing') ? 404 : 200;
		res.writeHead(status, { 'Content-Type': 'text/plain' });
		res.end('hello\n');
	});
server.listen(0, '127.0.0.1', async () => {
	const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
	const port = server.address().port;
	for (const p of paths) {
		await new Promise((resolve, reject) => {
			https.get({ host: '127.0.0.1', port, path: p, agent, rejectUnauthorized: false },
				(res) => { res.resume(); res.on('end', resolve); }).on('error', reject);
		});
	}
	agent.destroy();
	server.close();
});
