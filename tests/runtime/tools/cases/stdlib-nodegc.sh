# stdlib/nodegc.et: a node program that allocates 200 arrays of 80 KB,
# keeping 50 at most: V8 scavenges its young generation.
HEADER=2
COMPARE=0 NO_COMPARE="bpftrace 0.17 cannot attach uprobes to node's mangled
C++ names the same way"
EXPECT=('^@pause_us\[scavenge\]: $' '^@collections\[scavenge\]: [1-9][0-9]*$')
activity() {
	/usr/bin/node -e 'let k = []; for (let i = 0; i < 200; i++) { k.push(new Array(10000).fill(i)); if (k.length > 50) k = []; }'
}
