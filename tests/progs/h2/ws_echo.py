#!/usr/bin/python3
"""A WebSocket server and client (python3-websockets) for
tests/runtime/h2.sh (case websocket).

  ws_echo.py serve PORTFILE      echoes every message on a free port of
      127.0.0.1 (written to PORTFILE), path /etrace-ws
  ws_echo.py call PORT           3 text messages (5, 200 and 70000
      bytes), a binary one (3 bytes), a ping, then a close with code
      1000; prints what came back"""
import asyncio
import os
import sys

import websockets


async def echo(ws, path=None):
    async for m in ws:
        await ws.send(m)


async def serve(portfile):
    async with websockets.serve(echo, "127.0.0.1", 0,
                                compression=None) as s:
        port = s.sockets[0].getsockname()[1]
        with open(portfile + ".tmp", "w") as f:
            f.write("%d\n" % port)
        os.rename(portfile + ".tmp", portfile)
        await asyncio.Future()


async def call(port):
    async with websockets.connect("ws://127.0.0.1:%d/etrace-ws" % port,
                                  compression=None) as ws:
        for m in ("hello", "x" * 200, "y" * 70000):
            await ws.send(m)
            r = await ws.recv()
            print("text %d %s" % (len(r), r == m))
        await ws.send(b"\x01\x02\x03")
        print("binary %d" % len(await ws.recv()))
        await (await ws.ping(b"pi"))
        print("pong")
        await ws.close(code=1000)
        print("closed %d" % ws.close_code)


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        asyncio.run(serve(sys.argv[2]))
    else:
        asyncio.run(call(int(sys.argv[2])))
