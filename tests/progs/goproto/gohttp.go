// gohttp: the net/http server and client that tests/runtime/goproto.sh
// traces (Go 1.19, GOPATH mode, offline).
//
//	gohttp serve PORTFILE   listen on 127.0.0.1:0, write the port to
//	                        PORTFILE, serve until /quit
//	gohttp get URL...       GET each URL in turn, print "STATUS URL"
//	gohttp nest N           main.nest(N): recursion, for span("name")
//	gohttp tls N            a TLS server and client in one process
//	                        (a self-signed certificate made here):
//	                        the client writes "ping I", the server
//	                        answers "pong I", N times
//	gohttp par N            N goroutines on one P each in main.work,
//	                        all blocked at once, then main.inner
//
// Handlers: /ok writes a body (status 200 by the first Write),
// /created 201, /missing 404 (WriteHeader), /empty writes nothing (200
// set after the handler returns), /teapot/deep/path 418, /quit 202.
package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"io"
	"net"
	"net/http"
	"math/big"
	"os"
	"runtime"
	"strconv"
	"time"
)

//go:noinline
func nest(n int) int {
	if n == 0 {
		return 0
	}
	return nest(n-1) + 1
}

//go:noinline
func inner(i int) int { return i * 2 }

//go:noinline
func work(i int, started chan<- int, ch <-chan struct{}) int {
	started <- i
	<-ch
	return inner(i)
}

// par: n goroutines enter work (on the one P: one thread runs them
// all), each blocks until every one has, then calls inner
func par(n int) {
	runtime.GOMAXPROCS(1)
	started := make(chan int)
	ch := make(chan struct{})
	done := make(chan int)
	for i := 1; i <= n; i++ {
		go func(i int) { done <- work(i, started, ch) }(i)
	}
	for i := 0; i < n; i++ {
		<-started
	}
	close(ch)
	sum := 0
	for i := 0; i < n; i++ {
		sum += <-done
	}
	fmt.Println("par", sum)
}

// tlsPingPong: a TLS connection over loopback, n requests and answers
func tlsPingPong(n int) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "localhost"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		DNSNames:     []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		panic(err)
	}
	cert := tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		panic(err)
	}
	go func() {
		c, err := ln.Accept()
		if err != nil {
			panic(err)
		}
		buf := make([]byte, 64)
		for i := 1; i <= n; i++ {
			m, err := c.Read(buf)
			if err != nil {
				panic(err)
			}
			io.WriteString(c, "pong"+string(buf[4:m]))
		}
		c.Close()
	}()
	c, err := tls.Dial("tcp", ln.Addr().String(), &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		panic(err)
	}
	buf := make([]byte, 64)
	for i := 1; i <= n; i++ {
		io.WriteString(c, "ping "+strconv.Itoa(i))
		m, err := c.Read(buf)
		if err != nil {
			panic(err)
		}
		fmt.Println(string(buf[:m]))
	}
	c.Close()
}

func serve(portfile string) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	quit := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("/created", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusCreated)
	})
	mux.HandleFunc("/missing", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no", http.StatusNotFound)
	})
	mux.HandleFunc("/empty", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("/teapot/", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTeapot)
	})
	mux.HandleFunc("/quit", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusAccepted)
		close(quit)
	})
	port := ln.Addr().(*net.TCPAddr).Port
	tmp := portfile + ".tmp"
	if err := os.WriteFile(tmp, []byte(strconv.Itoa(port)+"\n"), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Rename(tmp, portfile)
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	<-quit
	srv.Close()
	fmt.Println("served")
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: gohttp serve PORTFILE | get URL... | nest N")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "serve":
		serve(os.Args[2])
	case "get":
		// a fresh connection per request: no keep-alive between them
		c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
		for _, u := range os.Args[2:] {
			resp, err := c.Get(u)
			if err != nil {
				fmt.Println("error", err)
				continue
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			fmt.Println(resp.StatusCode, u)
		}
	case "nest":
		n, _ := strconv.Atoi(os.Args[2])
		fmt.Println("nest", nest(n))
	case "tls":
		n, _ := strconv.Atoi(os.Args[2])
		tlsPingPong(n)
	case "par":
		n, _ := strconv.Atoi(os.Args[2])
		par(n)
	}
}
