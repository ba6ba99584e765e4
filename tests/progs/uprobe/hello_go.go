// A Go target: etrace traces a Go function's return with uprobes on its
// RET instructions, never a uretprobe (Go moves goroutine stacks, which
// a uretprobe corrupts); tests/runtime/go.sh tests Go further.
package main

import "fmt"

//go:noinline
func etAdd(a, b int) int {
	return a + b
}

func main() {
	fmt.Println(etAdd(1, 2))
}
