// The Go program of tests/runtime/go.sh: functions with known arguments
// and results, deep recursion that grows the goroutine's stack while
// probes are on it, panics, thousands of goroutines that move between
// threads, and a hot loop. It prints what it computed, so that a traced
// run can be compared with an untraced one.
//
//	gotarget MODE [N]
package main

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
)

type Point struct {
	X, Y int
	Name string
}

//go:noinline
func add(a, b int) int { return a + b }

//go:noinline
func greet(s string, n int) string { return s + "-" + strconv.Itoa(n) }

//go:noinline
func sum(xs []int) (total int, count int) {
	for _, x := range xs {
		total += x
	}
	return total, len(xs)
}

//go:noinline
func divmod(a, b int) (q, r int) { return a / b, a % b }

//go:noinline
func norm(p *Point) int { return p.X*p.X + p.Y*p.Y }

//go:noinline
func byval(p Point, k int32) int { return p.X + p.Y + int(k) }

//go:noinline
func iface(v interface{}) int {
	if n, ok := v.(int); ok {
		return n
	}
	return -1
}

//go:noinline
func many(a, b, c, d, e, f, g, h, i, j, k int) int {
	return a + b + c + d + e + f + g + h + i + j + k
}

// deep: each frame holds 256 bytes, so 4000 levels outgrow the 8 KiB a
// goroutine starts with many times over
//
//go:noinline
func deep(n int) int {
	var buf [256]byte
	buf[n%256] = byte(n)
	if n == 0 {
		return int(buf[0])
	}
	return deep(n-1) + 1 + int(buf[n%256]) - int(byte(n))
}

//go:noinline
func mayPanic(i int) int {
	if i%2 == 1 {
		panic("odd")
	}
	return i
}

func safe(i int) (r int) {
	defer func() {
		if recover() != nil {
			r = -1
		}
	}()
	return mayPanic(i)
}

// goid: the goroutine's id as the runtime prints it in a traceback
func goid() int {
	var buf [64]byte
	n := runtime.Stack(buf[:], false)
	f := bytes.Fields(buf[:n])
	id, _ := strconv.Atoi(string(f[1]))
	return id
}

//go:noinline
func work(id int, k int) int {
	runtime.Gosched() // may come back on another thread
	return id + k
}

//go:noinline
func hot(i int) int { return i*3 + 1 }

// forever never returns: it has no RET instruction
//
//go:noinline
func forever(c chan int) {
	for {
		c <- 1
	}
}

func main() {
	n := 1
	if len(os.Args) > 2 {
		n, _ = strconv.Atoi(os.Args[2])
	}
	switch os.Args[1] {
	case "never":
		if n == 42 {
			forever(nil)
		}
	case "args":
		fmt.Println(add(3, 4), greet("hello", 42))
		t, c := sum([]int{10, 20, 30, 40})
		q, r := divmod(47, 5)
		fmt.Println(t, c, q, r)
		fmt.Println(norm(&Point{3, 4, "p"}), byval(Point{5, 6, "byval"}, -7), iface(99))
		fmt.Println(many(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11))
	case "deep":
		for i := 0; i < n; i++ {
			fmt.Println(deep(4000))
		}
	case "panic":
		s := 0
		for i := 0; i < n; i++ {
			s += safe(i)
		}
		fmt.Println(s)
	case "goroutines":
		var wg sync.WaitGroup
		var mu sync.Mutex
		s := 0
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(k int) {
				defer wg.Done()
				id := goid()
				v := work(id, k) - id
				mu.Lock()
				s += v
				mu.Unlock()
			}(i)
		}
		wg.Wait()
		fmt.Println(s)
	case "gc":
		// N full collections (the recipe gogc)
		for i := 0; i < n; i++ {
			runtime.GC()
		}
		fmt.Println("gc", n)
	case "chan":
		// N values through an unbuffered channel: each send blocks
		// until the receiver takes it (the recipe gochan)
		c := make(chan int)
		done := make(chan int)
		go func() {
			s := 0
			for i := 0; i < n; i++ {
				s += <-c
			}
			done <- s
		}()
		for i := 0; i < n; i++ {
			c <- i
		}
		fmt.Println(<-done)
	case "survive":
		// hot calls, stack growth, panics and goroutines together
		s := 0
		for i := 0; i < n; i++ {
			s += hot(i) % 7
		}
		fmt.Println(s, deep(3000), safe(2), safe(3))
		var wg sync.WaitGroup
		res := make([]int, 200)
		for g := 0; g < 200; g++ {
			wg.Add(1)
			go func(g int) {
				defer wg.Done()
				for i := 0; i < 5; i++ {
					res[g] += hot(i) + deep(40)
				}
			}(g)
		}
		wg.Wait()
		t := 0
		for _, v := range res {
			t += v
		}
		fmt.Println(t)
	}
}
