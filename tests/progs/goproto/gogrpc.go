// gogrpc: a grpc-go server and client in one process that
// tests/runtime/goproto.sh traces (Debian's golang-google-grpc-dev,
// GOPATH=/usr/share/gocode, GO111MODULE=off). The service is grpc's
// health service (its generated code ships in the package):
//

//	           Check("nothere") (NotFound), then one Watch("")
//	           stream read once and cancelled
package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"strconv"

	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
)

func main() {
	n := 1
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	srv := grpc.NewServer()
	healthpb.RegisterHealthServer(srv, health.NewServer())
	go srv.Serve(ln)
	conn, err := grpc.Dial(ln.Addr().String(), grpc.WithInsecure(), grpc.WithBlock())
	if err != nil {
		panic(err)
	}
	c := healthpb.NewHealthClient(conn)
	for i := 0; i < n; i++ {
		r, err := c.Check(context.Background(), &healthpb.HealthCheckRequest{})
		fmt.Println("check", r.GetStatus(), status.Code(err))
		_, err = c.Check(context.Background(), &healthpb.HealthCheckRequest{Service: "nothere"})
		fmt.Println("check nothere", status.Code(err))
	}
	conn.Close()
	srv.Stop()
}
