// Command selloff is a terminal dashboard for AI-stock selloffs: live from
// Yahoo Finance or replayed from snapshot files, locally or over SSH.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// version is set by the Makefile (-X main.version=...).
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := newApp(os.Stdin, os.Stdout, os.Stderr, os.Getenv).run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}
