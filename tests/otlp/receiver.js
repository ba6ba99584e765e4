// An OTLP/HTTP receiver for etrace's tests that judges the wire format
// with OpenTelemetry's own decoders: the protobufjs root generated from
// opentelemetry-proto that ships in @opentelemetry/otlp-transformer.
// Every request to /v1/traces or /v1/metrics is decoded (gzip, protobuf
// or OTLP/JSON) and written as one JSON line to --out:
//   {"path", "timeMs", "contentType", "contentEncoding", "answered", "error", "body"}
// "answered": the status sent back, 0 when the client had gone by then.
// body: the decoded ExportTraceServiceRequest/ExportMetricsServiceRequest
// (int64s as strings, enums as numbers, ids as lowercase hex).
// OTLP/JSON is also checked field by field: a key the message does not
// have is an error (protobufjs's fromObject would ignore it).
// Faults: --status 503,503,200 answers each path's requests in turn (the
// last one repeats), --retry-after S, --delay-ms N before answering, --partial N
// (rejected items in a 200's partial_success), --message TEXT (of a
// refusal, as google.rpc.Status or JSON).
// --count-only 1: each line has the number of spans (or data points)
// instead of the body (tests/bench/otlp.sh), the request still decoded.
// --port-file F: the port it listens on (127.0.0.1, chosen by the kernel).
'use strict';
const http = require('http');
const fs = require('fs');
const zlib = require('zlib');
const path = require('path');

const args = {};
for (let i = 2; i < process.argv.length; i += 2)
	args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
const modules = args.modules;
const rootPath = path.join(modules, '@opentelemetry/otlp-transformer/build/src/generated/root.js');
const root = require(rootPath);
const pb = root.opentelemetry.proto;
const types = {
	'/v1/traces': [pb.collector.trace.v1.ExportTraceServiceRequest,
		pb.collector.trace.v1.ExportTraceServiceResponse, 'rejectedSpans'],
	'/v1/metrics': [pb.collector.metrics.v1.ExportMetricsServiceRequest,
		pb.collector.metrics.v1.ExportMetricsServiceResponse, 'rejectedDataPoints'],
};
const statuses = (args.status || '200').split(',').map(Number);
const nreq = {}; // per path: --status applies to each path's requests in turn
const out = fs.openSync(args.out, 'a');
const ids = new Set(['traceId', 'spanId', 'parentSpanId']);
const toObjectOpts = { longs: String, enums: Number, bytes: String, arrays: true, defaults: false };

// ids: base64 (protobufjs) <-> hex (OTLP/JSON, and our output)
function mapIds(o, f) {
	if (Array.isArray(o)) return o.map((x) => mapIds(x, f));
	if (o === null || typeof o !== 'object') return o;
	const r = {};
	for (const k of Object.keys(o))
		r[k] = ids.has(k) && typeof o[k] === 'string' ? f(o[k]) : mapIds(o[k], f);
	return r;
}
const b64hex = (s) => Buffer.from(s, 'base64').toString('hex');
const hexb64 = (s) => {
	if (!/^([0-9a-f]{2})*$/.test(s)) throw new Error(`id not lowercase hex: ${s}`);
	return Buffer.from(s, 'hex').toString('base64');
};

// every key of the JSON must survive fromObject/toObject
function checkKeys(orig, rt, where) {
	if (Array.isArray(orig)) {
		if (!Array.isArray(rt) || rt.length !== orig.length)
			throw new Error(`${where}: array lost in decoding`);
		orig.forEach((x, i) => checkKeys(x, rt[i], `${where}[${i}]`));
		return;
	}
	if (orig === null || typeof orig !== 'object') return;
	for (const k of Object.keys(orig)) {
		if (!(k in rt)) {
			const v = orig[k];
			const isDefault = v === 0 || v === '0' || v === '' || v === false;
			if (!isDefault) throw new Error(`${where}.${k}: no such field`);
			continue;
		}
		checkKeys(orig[k], rt[k], `${where}.${k}`);
	}
}

function decode(req, body) {
	const [Type] = types[req.url];
	const ct = req.headers['content-type'] || '';
	if (ct === 'application/x-protobuf')
		return Type.toObject(Type.decode(body), toObjectOpts);
	if (ct === 'application/json') {
		const orig = JSON.parse(body.toString('utf8'));
		const msg = Type.fromObject(mapIds(orig, hexb64));
		const err = Type.verify(msg);
		if (err) throw new Error(err);
		const obj = Type.toObject(msg, toObjectOpts);
		checkKeys(orig, mapIds(obj, b64hex), 'request');
		return obj;
	}
	throw new Error(`unexpected Content-Type ${ct}`);
}

function answer(req, res, status, error) {
	const [, Resp, rejectedKey] = types[req.url] || [];
	const json = (req.headers['content-type'] || '') === 'application/json';
	const message = args.message || error || '';
	if (args['retry-after'] && status !== 200)
		res.setHeader('Retry-After', args['retry-after']);
	if (status === 200) {
		const ps = args.partial ? { partialSuccess: { [rejectedKey]: args.partial, errorMessage: message } } : {};
		if (json) {
			res.writeHead(200, { 'Content-Type': 'application/json' });
			res.end(JSON.stringify(ps));
		} else {
			res.writeHead(200, { 'Content-Type': 'application/x-protobuf' });
			res.end(Buffer.from(Resp.encode(Resp.fromObject(ps)).finish()));
		}
		return;
	}
	if (json) {
		res.writeHead(status, { 'Content-Type': 'application/json' });
		res.end(JSON.stringify({ code: 3, message }));
		return;
	}
	// google.rpc.Status { code = 1; message = 2 }
	const m = Buffer.from(message, 'utf8');
	const st = Buffer.concat([Buffer.from([0x08, 3, 0x12]), varint(m.length), m]);
	res.writeHead(status, { 'Content-Type': 'application/x-protobuf' });
	res.end(st);
}

function varint(n) {
	const b = [];
	while (n > 127) { b.push((n & 127) | 128); n >>>= 7; }
	b.push(n);
	return Buffer.from(b);
}

const server = http.createServer((req, res) => {
	const chunks = [];
	req.on('data', (c) => chunks.push(c));
	req.on('end', () => {
		const n = nreq[req.url] || 0;
		const status = statuses[Math.min(n, statuses.length - 1)];
		nreq[req.url] = n + 1;
		const rec = {
			path: req.url,
			timeMs: Date.now(),
			contentType: req.headers['content-type'] || '',
			contentEncoding: req.headers['content-encoding'] || '',
			authorization: req.headers['authorization'] || '',
			tenant: req.headers['x-tenant'] || '',
			answered: status,
		};
		let error = null;
		try {
			if (!types[req.url]) throw new Error(`unexpected path ${req.url}`);
			let body = Buffer.concat(chunks);
			if (rec.contentEncoding === 'gzip') body = zlib.gunzipSync(body);
			const obj = decode(req, body);
			if (args['count-only']) {
				rec.spans = (obj.resourceSpans || []).reduce((n, rs) =>
					n + rs.scopeSpans.reduce((m, ss) => m + ss.spans.length, 0), 0);
			} else {
				rec.body = mapIds(obj, b64hex);
			}
		} catch (e) {
			error = String(e && e.message ? e.message : e);
			rec.error = error;
		}
		// logged once answered: a client that gave up waiting (its
		// exit timeout) never had the answer, "answered": 0
		const reply = () => {
			if (req.socket.destroyed) rec.answered = 0;
			else answer(req, res, error ? 400 : status, error);
			fs.writeSync(out, JSON.stringify(rec) + '\n');
		};
		if (args['delay-ms']) setTimeout(reply, Number(args['delay-ms']));
		else reply();
	});
});
server.listen(0, '127.0.0.1', () => {
	fs.writeFileSync(args['port-file'] + '.tmp', String(server.address().port));
	fs.renameSync(args['port-file'] + '.tmp', args['port-file']);
});
process.on('SIGTERM', () => process.exit(0));
