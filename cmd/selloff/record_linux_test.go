//go:build linux

package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// fsizeChildEnv makes the test binary a `snapshot record` process under a
// small file-size limit (RLIMIT_FSIZE): see TestRecordStopsOnWriteFailure.
const fsizeChildEnv = "SELLOFF_TEST_RECORD_FSIZE_CHILD"

// recordChild records from the fake market named in the environment; once
// the header is on disk it caps the process's file size just past it, so
// the next records' writes fail (EFBIG; Go ignores SIGXFSZ) as on a full
// disk.
func recordChild() int {
	out := os.Getenv("SELLOFF_TEST_OUT")
	go func() {
		for {
			if fi, err := os.Stat(out); err == nil && fi.Size() > 0 {
				lim := syscall.Rlimit{Cur: uint64(fi.Size()) + 1, Max: uint64(fi.Size()) + 1}
				if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &lim); err != nil {
					os.Stderr.WriteString("setrlimit: " + err.Error() + "\n")
					os.Exit(99)
				}
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	a := liveApp(os.Stdout, os.Stderr, nil)
	return a.run(context.Background(), []string{"snapshot", "record", "-o", out,
		"--symbols", "NVDA,AVGO,^SOX", "--yahoo-url", os.Getenv("SELLOFF_TEST_URL"), "--interval", "1s",
		"--config", os.Getenv("SELLOFF_TEST_CONFIG")})
}

// snapshot record stops at once, exit 1, saying why, when its file stops
// taking writes (here the file-size limit; a full disk is the same error
// path) rather than run on to --until recording nothing.
func TestRecordStopsOnWriteFailure(t *testing.T) {
	if os.Getenv(fsizeChildEnv) != "" {
		os.Exit(recordChild()) // the child: this test binary re-run below
	}
	f := fakeMarket(t)
	out := filepath.Join(t.TempDir(), "rec.jsonl")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestRecordStopsOnWriteFailure$")
	cmd.Env = append(os.Environ(), fsizeChildEnv+"=1", "SELLOFF_TEST_OUT="+out, "SELLOFF_TEST_URL="+f.URL,
		"SELLOFF_TEST_CONFIG="+emptyConfig(t))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("record ran on for 60 s after its writes failed; stderr:\n%s", stderr.String())
	}
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != exitFail {
		t.Fatalf("exit %v, want %d; stderr:\n%s", err, exitFail, stderr.String())
	}
	if !strings.Contains(stderr.String(), "recording to "+out+" stopped: ") || !strings.Contains(stderr.String(), "file too large") {
		t.Errorf("stderr does not say why:\n%s", stderr.String())
	}
}
