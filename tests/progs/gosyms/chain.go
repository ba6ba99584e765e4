// The Go target of the stripped-binary symbol tests (tests/runtime/gosyms.sh,
// tests/unit/test_gopclntab.c): main calls etOuter, which calls etMiddle,
// which calls etLeaf, N times (argument 1, default 3), adds the results
// with the method (*etCounter).add, then prints the sum. The functions are
// kept out of line so each has its own frame and name.
package main

import (
	"fmt"
	"os"
	"strconv"
)

//go:noinline
func etLeaf(n int) int {
	return n*2 + 1
}

//go:noinline
func etMiddle(n int) int {
	return etLeaf(n) + 1
}

//go:noinline
func etOuter(n int) int {
	return etMiddle(n) + 1
}

type etCounter struct{ total int }

//go:noinline
func (c *etCounter) add(v int) {
	c.total += v
}

func main() {
	n := 3
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	var c etCounter
	for i := 0; i < n; i++ {
		c.add(etOuter(i))
	}
	fmt.Println(c.total)
}
