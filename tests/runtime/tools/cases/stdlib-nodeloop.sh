# stdlib/nodeloop.et: a node program whose timer callback blocks its
# event loop for 30 ms, 10 times: turns of 16-64 ms. (The whole
# machine's view prints after node ended, too late to name its
# JavaScript frames: tests/runtime/node.sh checks them, with -c.)
HEADER=2
COMPARE=0 NO_COMPARE="bpftrace 0.17 has no nodeloop recipe"
EXPECT=('^@turn_us: $' '^\[16K, 32K\) +[0-9]+ \|@+ *\|$|^\[32K, 64K\) +[0-9]+ \|@+ *\|$'
	'^longest turn: [0-9]+ us$' '^@slow_stacks\[$')
activity() {
	cat >"$WORK/loop.js" <<'JS'
function block(ms) { const end = Date.now() + ms; while (Date.now() < end); }
let n = 0;
const t = setInterval(() => { block(30); if (++n === 10) clearInterval(t); }, 5);
JS
	/usr/bin/node "$WORK/loop.js"
}
