#!/bin/sh
# Writes the Node test program to $1 (tests/runtime/node.sh runs it):
#   node chain.js wait N [GO [DONE]]
#                                N calls a -> b -> c -> d -> e, e waiting
#                                50 ms in Atomics.wait (a futex); GO (a
#                                fifo, "-": none) read first, DONE (a
#                                fifo) read at the end, once DONE.at is
#                                made: the test prints the stacks while
#                                the process lives
#   node chain.js opt N [GO [DONE]]
#                                a warm-up of 300000 calls, after which
#                                TurboFan has compiled a..e, then wait N
#   node --allow-natives-syntax chain.js opt 0 check
#                                the warm-up, then which of a..e
#                                %GetOptimizationStatus says are
#                                TurboFan's: "optimized: a b c d e"
#   node chain.js spin MS [GO [DONE]]
#                                e loops, called through the chain, MS ms
#   node chain.js timer MS [GO [DONE]]
#                                the same in a timer's callback (a turn
#                                of the event loop)
# Each of a..d carries statements that never run (w is never 0.5), so
# that its bytecode passes TurboFan's inlining budget (460 bytes): the
# chain stays five frames when compiled.
set -eu
pad() {
	i=0
	while [ $i -lt 60 ]; do
		echo "    x = (x * 31 + $i) % 1000003; y = (y ^ x) + $i;"
		i=$((i + 1))
	done
}
fn() { # NAME CALLEE
	echo "function $1(w) {"
	echo "  let x = w, y = 0;"
	echo "  if (w === 0.5) {"
	pad
	echo "    return x + y;"
	echo "  }"
	echo "  return $2(w) + 1;"
	echo "}"
}
{
	echo "'use strict';"
	echo "const sab = new Int32Array(new SharedArrayBuffer(4));"
	echo "function e(w) {"
	echo "  if (w > 0) return Atomics.wait(sab, 0, 0, w) === 'timed-out' ? 1 : 0;"
	echo "  let s = 0;"
	echo "  for (let i = 0; i < -w; i++) s += i % 7;"
	echo "  return s;"
	echo "}"
	fn d e
	fn c d
	fn b c
	fn a b
	cat <<'JS'
const [mode, n, arg, done] = [process.argv[2], +process.argv[3], process.argv[4], process.argv[5]];
if (mode === 'opt') {
  for (let i = 0; i < 300000; i++) a(-5);
  if (arg === 'check') {
    const st = eval('[a, b, c, d, e].map(f => (%GetOptimizationStatus(f) & 16) ? f.name : "-")');
    console.log('optimized: ' + st.join(' '));
    process.exit(0);
  }
}
if (arg && arg !== '-') require('fs').readFileSync(arg);
function spin(ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) a(-100000);
}
function finish() {
  if (!done) return;
  require('fs').writeFileSync(done + '.at', '');
  require('fs').readFileSync(done);
}
if (mode === 'wait' || mode === 'opt')
  for (let i = 0; i < n; i++) a(50);
if (mode === 'spin')
  spin(n);
if (mode === 'timer')
  setTimeout(() => { spin(n); finish(); }, 10);
else
  finish();
JS
} >"$1"
