//go:build unix

package main

import (
	"bytes"
	"errors"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A command blocked on a stalled pipe (a header line that never ends)
// cannot see the interrupt: a second SIGINT ends it at once, with 130 and
// a word on stderr, instead of leaving it hung for good.
func TestSecondInterruptEndsAStalledCommand(t *testing.T) {
	bin := builtBinary(t)
	cmd := exec.Command(bin, "snapshot", "validate", "/dev/stdin")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	if _, err := stdin.Write([]byte(`{"record":"header","format":"selloff-snap`)); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	time.Sleep(200 * time.Millisecond) // let it block in the read
	_ = cmd.Process.Signal(syscall.SIGINT)
	time.Sleep(100 * time.Millisecond)
	_ = cmd.Process.Signal(syscall.SIGINT)
	if code := exitWithin(t, cmd, done, "after two SIGINTs"); code != 130 || !strings.Contains(stderr.String(), "interrupted") {
		t.Errorf("exit %d, stderr %q; want 130 and 'interrupted'", code, stderr.String())
	}
}

// exitWithin waits up to 20 s for the process's exit code (killing it and
// failing the test past that).
func exitWithin(t *testing.T, cmd *exec.Cmd, done <-chan error, what string) int {
	t.Helper()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatalf("wait: %v", err)
		}
		return 0
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("still running 20 s %s", what)
	}
	return -1
}

// /dev/zero never ends its first line: the header is refused once it passes
// 1 MiB instead of being read on forever.
func TestEndlessHeaderIsRefused(t *testing.T) {
	bin := builtBinary(t)
	cmd := exec.Command(bin, "snapshot", "validate", "/dev/zero")
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	if code := exitWithin(t, cmd, done, "into validate /dev/zero"); code != 1 || !strings.Contains(stderr.String(), "/dev/zero:1: header: line longer than") {
		t.Errorf("exit %d, output %q", code, stderr.String())
	}
}
