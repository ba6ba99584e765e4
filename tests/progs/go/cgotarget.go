// The cgo program of tests/runtime/go.sh: 20 goroutines each call the C
// function c_work with their goroutine id (as the runtime prints it);
// C code runs on the thread's system stack, where goid is found through
// thread-local storage (g0) and g0.m.curg.
package main

/*
#include <stdint.h>
__attribute__((noinline)) int64_t c_work(int64_t id) { return id * 2; }
*/
import "C"

import (
	"bytes"
	"fmt"
	"runtime"
	"strconv"
	"sync"
)

func goid() int {
	var buf [64]byte
	n := runtime.Stack(buf[:], false)
	f := bytes.Fields(buf[:n])
	id, _ := strconv.Atoi(string(f[1]))
	return id
}

func main() {
	var wg sync.WaitGroup
	s := 0
	var mu sync.Mutex
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func(k int) {
			defer wg.Done()
			id := goid()
			v := int(C.c_work(C.int64_t(id))) - 2*id + k
			mu.Lock()
			s += v
			mu.Unlock()
		}(i)
	}
	wg.Wait()
	fmt.Println(s)
}
