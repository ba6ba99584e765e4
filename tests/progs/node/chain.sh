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
#   node chain.js workers:wait N [GO [DONE]]
#   node chain.js workers:spin MS [GO [DONE]]
#                                the main thread and 3 worker_threads
#                                (each its own V8 isolate), each running
#                                wait N or spin MS: once every worker
#                                runs, "ready MAINTID TID TID TID" (the
#                                threads' ids, from /proc/thread-self),
#                                then GO is read and all start at once;
#                                the workers, done, stay parked in
#                                Atomics.wait (their heaps, where the
#                                names are, live) until the process ends
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
const WORKERS = 3;
const wt = require('worker_threads');
const tid = () => require('fs').readlinkSync('/proc/thread-self').split('/').pop();
if (mode.startsWith('worker:')) {
  // a worker: its id, then mode's work once the main thread says go
  // (flag[0]), then parked on flag[1], which nothing sets
  const flag = new Int32Array(wt.workerData);
  wt.parentPort.postMessage(tid());
  Atomics.wait(flag, 0, 0);
  run(mode.slice(7));
  wt.parentPort.postMessage('done');
  Atomics.wait(flag, 1, 0);
}
if (mode.startsWith('workers:')) {
  const sub = mode.slice(8), flag = new Int32Array(new SharedArrayBuffer(8));
  const tids = [];
  let left = WORKERS;
  for (let i = 0; i < WORKERS; i++) {
    const w = new wt.Worker(__filename,
      { argv: ['worker:' + sub, n], workerData: flag.buffer });
    w.on('message', m => {
      if (m !== 'done') {
        tids.push(m);
        if (tids.length < WORKERS) return;
        console.log('ready ' + tid() + ' ' + tids.join(' '));
        if (arg && arg !== '-') require('fs').readFileSync(arg);
        Atomics.store(flag, 0, 1);
        Atomics.notify(flag, 0);
        run(sub);
      } else if (--left === 0) {
        finish();
        process.exit(0);
      }
    });
  }
}
if (arg && arg !== '-' && !mode.startsWith('worker'))
  require('fs').readFileSync(arg);
function spin(ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) a(-100000);
}
function finish() {
  if (!done) return;
  require('fs').writeFileSync(done + '.at', '');
  require('fs').readFileSync(done);
}
function run(m) {
  if (m === 'wait')
    for (let i = 0; i < n; i++) a(50);
  if (m === 'spin')
    spin(n);
}
if (mode === 'wait' || mode === 'opt')
  for (let i = 0; i < n; i++) a(50);
if (mode === 'spin')
  spin(n);
if (mode === 'timer')
  setTimeout(() => { spin(n); finish(); }, 10);
else if (!mode.startsWith('worker'))
  finish();
JS
} >"$1"
