// A Go target: etrace refuses uretprobes and latency probes on Go
// binaries (Go moves goroutine stacks, which a uretprobe corrupts).
package main

import "fmt"

//go:noinline
func etAdd(a, b int) int {
	return a + b
}

func main() {
	fmt.Println(etAdd(1, 2))
}
