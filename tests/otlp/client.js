// The client side of the distributed-trace test (tests/runtime/otlp.sh,
// case distributed): OpenTelemetry's Node SDK (sdk-trace-node) makes a
// CLIENT span, its W3C propagator puts the traceparent header on an HTTP
// request to the traced server, and its OTLP/HTTP exporter
// (exporter-trace-otlp-http) sends the span to the test's receiver.
// Prints the span's trace id and span id.
//   node client.js MODULES SERVER_URL OTLP_URL
'use strict';
const path = require('path');
const http = require('http');
const [modules, serverUrl, otlpUrl] = process.argv.slice(2);
const need = (m) => require(path.join(modules, m));
const api = need('@opentelemetry/api');
const { NodeTracerProvider } = need('@opentelemetry/sdk-trace-node');
const { SimpleSpanProcessor } = need('@opentelemetry/sdk-trace-base');
const { OTLPTraceExporter } = need('@opentelemetry/exporter-trace-otlp-http');

const exporter = new OTLPTraceExporter({ url: `${otlpUrl}/v1/traces` });
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register();
const tracer = api.trace.getTracer('etrace-test-client');

const span = tracer.startSpan('GET /', { kind: api.SpanKind.CLIENT });
const ctx = api.trace.setSpan(api.context.active(), span);
const headers = {};
api.propagation.inject(ctx, headers);
if (!headers.traceparent) {
	console.error('client: the SDK put no traceparent header');
	process.exit(1);
}
http.get(serverUrl, { headers }, (res) => {
	res.resume();
	res.on('end', async () => {
		span.setStatus({ code: api.SpanStatusCode.OK });
		span.end();
		await provider.shutdown();
		const sc = span.spanContext();
		console.log(`${sc.traceId} ${sc.spanId} ${res.statusCode}`);
	});
}).on('error', (e) => {
	console.error(`client: ${e.message}`);
	process.exit(1);
});
