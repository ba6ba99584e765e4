#!/usr/bin/env python3
"""The traced server of the distributed-trace test (tests/runtime/otlp.sh,
case distributed): answers one HTTP request on 127.0.0.1 and exits. It
reads the request with one recv(2) (recvfrom) and answers with send(2)
(sendto), the calls the test's span block begins and ends at. Writes its
port to PORT_FILE once it listens."""
import socket
import sys

s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(1)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(s.getsockname()[1]))
import os
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
c, _ = s.accept()
req = b""
while b"\r\n\r\n" not in req:
    chunk = c.recv(8192)
    if not chunk:
        break
    req += chunk
c.send(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
c.close()
