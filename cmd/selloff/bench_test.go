package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// builtBinary compiles selloff once per test process (without -race) for
// tests and benchmarks that run it as a separate process.
func builtBinary(tb testing.TB) string {
	tb.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "selloff-bin")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "selloff")
		cmd := exec.Command("go", "build", "-o", binPath, ".")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			binErr = &buildError{err, string(out)}
		}
	})
	if binErr != nil {
		tb.Fatalf("building selloff: %v", binErr)
	}
	return binPath
}

type buildError struct {
	err error
	out string
}

func (e *buildError) Error() string { return e.err.Error() + "\n" + e.out }

// BenchmarkProcessStartToDecoded measures a whole process: start, decode
// the embedded snapshot strictly, check every record, exit. The issue's
// goal is under 100 ms.
func BenchmarkProcessStartToDecoded(b *testing.B) {
	bin := builtBinary(b)
	b.ResetTimer()
	for b.Loop() {
		cmd := exec.Command(bin, "snapshot", "validate", "deepseek-week")
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("%v: %s", err, out)
		}
	}
}
