#!/usr/bin/python3
"""A gRPC server and client (python3-grpcio) for tests/runtime/h2.sh.

  grpc_echo.py serve PORTFILE [CERT KEY]     serves etrace.test.Echo on a
      free port of 127.0.0.1 (written to PORTFILE), over TLS with CERT/KEY
  grpc_echo.py call PORT N [CA]              N unary calls, one failing
      call, one server-streaming and one client-streaming call; prints
      what it did, one line per kind

Messages are raw bytes (identity serializers): the wire is gRPC's.
Methods: Unary (echo; b"fail" ends with NOT_FOUND, b"boom" with
INTERNAL), Stream (the request's bytes as a count of replies),
Collect (a reply of the number of requests)."""
import sys
import time
from concurrent import futures

import grpc

SERVICE = "etrace.test.Echo"
ident = (lambda b: b)


def unary(req, ctx):
    if req == b"fail":
        ctx.abort(grpc.StatusCode.NOT_FOUND, "no such thing")
    if req == b"boom":
        ctx.abort(grpc.StatusCode.INTERNAL, "it broke")
    return req


def stream(req, ctx):
    for i in range(int(req)):
        yield b"reply %d" % i


def collect(it, ctx):
    return b"%d" % sum(1 for _ in it)


def serve(portfile, cert=None, key=None):
    s = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    h = grpc.method_handlers_generic_handler(SERVICE, {
        "Unary": grpc.unary_unary_rpc_method_handler(unary, ident, ident),
        "Stream": grpc.unary_stream_rpc_method_handler(stream, ident, ident),
        "Collect": grpc.stream_unary_rpc_method_handler(collect, ident,
                                                        ident),
    })
    s.add_generic_rpc_handlers((h,))
    if cert:
        creds = grpc.ssl_server_credentials(
            [(open(key, "rb").read(), open(cert, "rb").read())])
        port = s.add_secure_port("127.0.0.1:0", creds)
    else:
        port = s.add_insecure_port("127.0.0.1:0")
    s.start()
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % port)
    import os
    os.rename(portfile + ".tmp", portfile)
    s.wait_for_termination()


def call(port, n, ca=None):
    target = "127.0.0.1:%d" % port
    if ca:
        creds = grpc.ssl_channel_credentials(open(ca, "rb").read())
        ch = grpc.secure_channel(target, creds, options=(
            ("grpc.ssl_target_name_override", "localhost"),))
    else:
        ch = grpc.insecure_channel(target)
    u = ch.unary_unary("/%s/Unary" % SERVICE, ident, ident)
    st = ch.unary_stream("/%s/Stream" % SERVICE, ident, ident)
    co = ch.stream_unary("/%s/Collect" % SERVICE, ident, ident)
    tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    ok = 0
    for i in range(n):
        md = (("traceparent", tp),) if i == 0 else None
        if u(b"hello %d" % i, metadata=md) == b"hello %d" % i:
            ok += 1
    print("unary ok %d" % ok)
    for what in (b"fail", b"boom"):
        try:
            u(what)
        except grpc.RpcError as e:
            print("unary %s %s" % (what.decode(), e.code().name))
    print("stream replies %d" % sum(1 for _ in st(b"3")))
    print("collect %s" % co(iter([b"a", b"b", b"c", b"d"])).decode())
    ch.close()


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(*sys.argv[2:])
    else:
        call(int(sys.argv[2]), int(sys.argv[3]), *sys.argv[4:])
