// Command selloff is a terminal dashboard for AI-stock selloffs: live from
// Yahoo Finance or replayed from snapshot files, locally or over SSH.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// version is set by the Makefile (-X main.version=...).
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go backstop(ctx, os.Stderr, 10*time.Second)
	code := newApp(os.Stdin, os.Stdout, os.Stderr, os.Getenv).run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

// backstop ends a command that does not end soon after SIGINT or SIGTERM:
// every command stops on ctx, but one blocked reading a stalled pipe or a
// device that never ends a line cannot notice. A second signal ends it at
// once; otherwise it gets grace to close files and sessions.
func backstop(ctx context.Context, stderr *os.File, grace time.Duration) {
	<-ctx.Done()
	again := make(chan os.Signal, 1)
	signal.Notify(again, os.Interrupt, syscall.SIGTERM)
	code := 130 // 128 + SIGINT, as shells report it
	select {
	case sig := <-again:
		if sig == syscall.SIGTERM {
			code = 143 // 128 + SIGTERM
		}
	case <-time.After(grace):
	}
	fmt.Fprintln(stderr, "selloff: interrupted")
	os.Exit(code)
}
