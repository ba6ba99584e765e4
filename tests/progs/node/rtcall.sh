#!/bin/sh
# Writes the Node test program of calls into V8's C++ to $1
# (tests/runtime/node.sh runs it):
#   node rtcall.js N GO DONE     N calls a -> b -> c -> d -> e, e calling
#                                Date.now() (the runtime function
#                                Runtime_DateCurrentTime, through
#                                Builtins_CEntry_..._NoBuiltinExit) and
#                                Atomics.wait on a value that is not
#                                there (the C++ builtin
#                                Builtin_AtomicsWait, through
#                                Builtins_CEntry_..._BuiltinExit; it
#                                returns at once) 200 times each; GO
#                                (a fifo) read first, DONE (a fifo) read
#                                at the end, once DONE.at is made.
# Node 20 calls those C++ functions through its embedded builtins in the
# copy V8 maps near its code range (short builtin calls), not in node's
# .text: the frames above the chain.
set -eu
cat >"$1" <<'JS'
'use strict';
const sab = new Int32Array(new SharedArrayBuffer(4));
function e() {
  let s = 0;
  for (let i = 0; i < 200; i++)
    s += Date.now() % 7 + (Atomics.wait(sab, 0, 1, 0) === 'not-equal' ? 1 : 0);
  return s;
}
function d() {
  return e() + 1;
}
function c() {
  return d() + 1;
}
function b() {
  return c() + 1;
}
function a() {
  return b() + 1;
}
const [n, go, done] = [+process.argv[2], process.argv[3], process.argv[4]];
require('fs').readFileSync(go);
for (let i = 0; i < n; i++) a();
require('fs').writeFileSync(done + '.at', '');
require('fs').readFileSync(done);
JS
