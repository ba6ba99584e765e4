#!/usr/bin/env python3
"""A service of the HTTP distributed-trace test (tests/runtime/proto.sh,
case distributed): a thread-per-request HTTP server on 127.0.0.1 that
answers GET with 200. With NEXT_URL it first calls NEXT_URL itself,
forwarding the request's traceparent header, as an app whose framework
propagates context does, and answers with that call's status. Writes
its port to PORT_FILE once it listens.
    hop.py PORT_FILE [NEXT_URL]"""
import http.client
import http.server
import os
import sys
import urllib.parse

port_file = sys.argv[1]
next_url = sys.argv[2] if len(sys.argv) > 2 else None


class Hop(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        status = 200
        if next_url:
            u = urllib.parse.urlsplit(next_url)
            headers = {}
            tp = self.headers.get("traceparent")
            if tp:
                headers["traceparent"] = tp
            c = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
            c.request("GET", u.path, headers=headers)
            r = c.getresponse()
            r.read()
            status = r.status
            c.close()
        body = b"ok\n"
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hop)
with open(port_file + ".tmp", "w") as f:
    f.write(str(s.server_address[1]))
os.rename(port_file + ".tmp", port_file)
s.serve_forever()
