#!/bin/sh
# Writes the Node test program of TurboFan's inlining to $1
# (tests/runtime/node.sh runs it): a -> b -> c -> d -> e, each small
# enough that TurboFan inlines b..e into a's optimized code, e waiting
# in Atomics.wait (a futex).
# Run with --no-use-osr: else the warm-up loop's own function may be
# compiled on the stack with a..e inlined, and a never on its own.
#   node --no-use-osr inline.js opt N [GO [DONE]]
#                                a warm-up of 300000 calls whose waits
#                                end at once (the value is not the
#                                expected one: "not-equal", no futex;
#                                the same path through a..e as a wait,
#                                so nothing deoptimizes after), then N
#                                calls waiting 50 ms each; GO (a fifo,
#                                "-": none) read first, DONE (a fifo)
#                                read at the end, once DONE.at is made
#   node --no-use-osr --allow-natives-syntax inline.js opt 0 check
#                                the warm-up, then whether a is
#                                TurboFan's: "optimized: a" (b..e are
#                                compiled on their own too, and
#                                inlined in a: the stacks say where)
set -eu
cat >"$1" <<'JS'
'use strict';
const sab = new Int32Array(new SharedArrayBuffer(4));
function e(v, w) {
  return Atomics.wait(sab, 0, v, w) === 'timed-out' ? 1 : 0;
}
function d(v, w) {
  return e(v, w) + 1;
}
function c(v, w) {
  return d(v, w) + 1;
}
function b(v, w) {
  return c(v, w) + 1;
}
function a(v, w) {
  return b(v, w) + 1;
}
const [mode, n, arg, done] = [process.argv[2], +process.argv[3], process.argv[4], process.argv[5]];
// in a function: the script's own frame stays Ignition's
function warm() {
  for (let i = 0; i < 300000; i++) a(1, 0);
}
warm();
if (arg === 'check') {
  const st = eval('(f) => %GetOptimizationStatus(f)');
  console.log('optimized: ' + ((st(a) & 16) ? 'a' : '-'));
  process.exit(0);
}
if (arg && arg !== '-') require('fs').readFileSync(arg);
if (mode === 'opt')
  for (let i = 0; i < n; i++) a(0, 50);
if (done) {
  require('fs').writeFileSync(done + '.at', '');
  require('fs').readFileSync(done);
}
JS
