package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/log"

	"github.com/selloff/selloff/cmd/selloff/internal/config"
	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/yahoo/fakeyahoo"
	"github.com/selloff/selloff/snapshots"
)

// recordCLI runs `snapshot record` in-process until ctx ends.
func recordCLI(ctx context.Context, t *testing.T, env map[string]string, args ...string) (int, string) {
	t.Helper()
	var out, errb bytes.Buffer
	a := liveApp(&out, &errb, env)
	code := a.run(ctx, append([]string{"snapshot", "record", "--config", emptyConfig(t)}, args...))
	return code, out.String() + errb.String()
}

// Offline, `snapshot record` says nothing was recorded, exits 1, and
// leaves no file and no claim of one.
func TestRecordOfflineExitsOneWithNoFile(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there: connection refused
	out := filepath.Join(t.TempDir(), "rec.jsonl.gz")
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	code, text := recordCLI(ctx, t, map[string]string{"SELLOFF_YAHOO_URL": "http://" + addr}, "-o", out, "--symbols", "NVDA")
	if code != exitFail {
		t.Fatalf("exit %d, want 1:\n%s", code, text)
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("%s exists after an offline recording (%v)", out, err)
	}
	if strings.Contains(text, "recording closed") || !strings.Contains(text, "nothing was recorded") {
		t.Fatalf("output:\n%s", text)
	}
}

// Yahoo answers, but only 429: the header was written when the first poll
// ended; with no record at the end the file goes and the command says so.
func TestRecordRefusedRemovesHeaderOnlyFile(t *testing.T) {
	f := fakeMarket(t)
	f.RateLimit(-1)
	out := filepath.Join(t.TempDir(), "rec.jsonl")
	stop := recordInBackground(t, map[string]string{"SELLOFF_YAHOO_URL": f.URL}, "-o", out, "--symbols", "NVDA")
	waitFile(t, out)
	code, text := stop()
	if code != exitFail || !strings.Contains(text, "nothing was recorded") || !strings.Contains(text, "rate limited") {
		t.Fatalf("exit %d:\n%s", code, text)
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the header-only file stayed (%v)", err)
	}
}

// The header is on disk as soon as the first poll ends, with the session;
// the file validates; the command names it with its record count.
func TestRecordWritesHeaderAtOnce(t *testing.T) {
	f := fakeMarket(t)
	out := filepath.Join(t.TempDir(), "rec.jsonl.gz")
	stop := recordInBackground(t, map[string]string{"SELLOFF_YAHOO_URL": f.URL}, "-o", out, "--symbols", "NVDA,AVGO")
	waitFile(t, out)
	var s *snapshots.Snapshot
	var err error
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		// the file exists a moment before its header is flushed
		if s, err = snapshots.ReadFile(out, snapshots.ReadOptions{}); s != nil {
			break
		}
	}
	if s == nil || len(s.Header.Sessions) != 1 {
		t.Fatalf("header at once: %+v (%v)", s, err)
	}
	code, text := stop()
	if code != exitOK || !strings.Contains(text, "recording closed: "+out) {
		t.Fatalf("exit %d:\n%s", code, text)
	}
	if c, o, e := runCLI(t, "snapshot", "validate", out); c != exitOK {
		t.Fatalf("validate: %d %s %s", c, o, e)
	}
}

// recordInBackground runs recordCLI on its own goroutine; stop cancels
// it, waits for it to end and returns its exit code and output.
func recordInBackground(t *testing.T, env map[string]string, args ...string) (stop func() (int, string)) {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	done := make(chan struct{})
	var code int
	var text string
	go func() {
		defer close(done)
		code, text = recordCLI(ctx, t, env, args...)
	}()
	return func() (int, string) {
		cancel()
		<-done
		return code, text
	}
}

func waitFile(t *testing.T, path string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if fi, err := os.Stat(path); err == nil && fi.Size() > 0 {
			return
		}
	}
	t.Fatalf("%s never appeared", path)
}

const (
	recordChildEnv = "SELLOFF_TEST_RECORD_CHILD" // the output path
	recordURLEnv   = "SELLOFF_TEST_RECORD_URL"
)

// TestRecordKillChild is the child of TestRecordSurvivesSIGKILL: the real
// `snapshot record` command on the wall clock, against the parent's fake.
func TestRecordKillChild(t *testing.T) {
	path := os.Getenv(recordChildEnv)
	if path == "" {
		t.Skip("the child process of TestRecordSurvivesSIGKILL")
	}
	env := map[string]string{"SELLOFF_YAHOO_URL": os.Getenv(recordURLEnv)}
	a := newApp(strings.NewReader(""), os.Stdout, os.Stderr, func(k string) string { return env[k] })
	a.clock = feeds.RealClock{}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	a.run(ctx, []string{"snapshot", "record", "--config", emptyConfig(t), "-o", path, "--symbols", "NVDA,AVGO", "--interval", "1s"})
	t.Fatal("the parent never killed the child")
}

// `snapshot record` killed with SIGKILL leaves a file `snapshot validate`
// accepts, plain or gzip, holding the polls up to about 2 s before.
func TestRecordSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a child process for a few seconds")
	}
	for _, name := range []string{"rec.jsonl", "rec.jsonl.gz"} {
		t.Run(name, func(t *testing.T) {
			f := fakeyahoo.Start()
			defer f.Close()
			now := time.Now()
			f.SetQuote(fakeyahoo.Quote{Symbol: "NVDA", Price: 118.42, PrevClose: 142.62, Time: now})
			f.SetQuote(fakeyahoo.Quote{Symbol: "AVGO", Price: 202.13, PrevClose: 244.70, Time: now})
			path := filepath.Join(t.TempDir(), name)
			cmd := exec.Command(os.Args[0], "-test.run=^TestRecordKillChild$", "-test.count=1")
			cmd.Env = append(os.Environ(), recordChildEnv+"="+path, recordURLEnv+"="+f.URL)
			var childOut bytes.Buffer
			cmd.Stdout, cmd.Stderr = &childOut, &childOut
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer func() { cmd.Process.Kill(); cmd.Wait() }()
			waitFile(t, path)
			// a few polls with new prices, past the writer's 2 s flush
			for i := range 7 {
				time.Sleep(500 * time.Millisecond)
				f.SetPrice("NVDA", 118.42+float64(i+1)*0.01, time.Now())
			}
			if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			cmd.Wait()
			code, out, errs := runCLI(t, "snapshot", "validate", path)
			if code != exitOK {
				t.Fatalf("validate after SIGKILL: exit %d\n%s%s\nchild:\n%s", code, out, errs, childOut.String())
			}
			s, err := snapshots.ReadFile(path, snapshots.ReadOptions{Strict: true})
			if err != nil || len(s.Quotes) < 2 {
				t.Fatalf("%v; %d quotes", err, len(s.Quotes))
			}
			t.Log(fmt.Sprintf("%d quotes survived", len(s.Quotes)))
		})
	}
}

// --log-file gets the live feed's errors and state changes (it stayed
// empty through failed polls before).
func TestLiveLogFileGetsFeedErrors(t *testing.T) {
	f := fakeMarket(t)
	f.ServerError(-1, 503)
	var buf syncBuffer
	a := liveApp(nil, nil, map[string]string{"SELLOFF_YAHOO_URL": f.URL})
	a.clock = instantRetries{a.clock}
	a.feedLog = log.New(&buf)
	fs := flagSet(t, liveFlags, "--symbols", "NVDA", "--config", emptyConfig(t))
	live, _, err := a.newLive(fs, &config.Config{}, "")
	if err != nil {
		t.Fatal(err)
	}
	live.Poll(context.Background())
	text := buf.String()
	for _, want := range []string{"user_agent=", "state retrying", "error: Yahoo server error (503)"} {
		if !strings.Contains(text, want) {
			t.Errorf("log lacks %q:\n%s", want, text)
		}
	}
}

// snapshot record --alert: an alert that fires is written into the file
// as an event (outlet selloff), so the recorded day replays annotated.
func TestRecordWritesFiredAlertsAsEvents(t *testing.T) {
	f := fakeMarket(t) // NVDA at 118.42
	out := filepath.Join(t.TempDir(), "rec.jsonl")
	stop := recordInBackground(t, map[string]string{"SELLOFF_YAHOO_URL": f.URL}, "-o", out, "--symbols", "NVDA,AVGO", "--alert", "NVDA < 120", "--no-stream")
	waitFile(t, out)
	var ev *snapshots.Event
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline) && ev == nil; time.Sleep(20 * time.Millisecond) {
		s, _ := snapshots.ReadFile(out, snapshots.ReadOptions{})
		if s == nil {
			continue
		}
		for i, e := range s.Events {
			if e.Outlet == "selloff" && strings.HasPrefix(e.ID, "selloff-alert-") {
				ev = &s.Events[i]
			}
		}
	}
	code, text := stop()
	if ev == nil {
		t.Fatalf("no fired alert in the file (exit %d):\n%s", code, text)
	}
	if ev.Title != "Alert: NVDA < 120: 118.42" || !ev.Time.Equal(tradingNow) {
		t.Errorf("event %+v", ev)
	}
	if code != exitOK {
		t.Fatalf("exit %d:\n%s", code, text)
	}
	if c, o, e := runCLI(t, "snapshot", "validate", out); c != exitOK {
		t.Fatalf("validate: %d %s %s", c, o, e)
	}
	// a bad alert is refused before anything is recorded
	code, text = recordCLI(context.Background(), t, map[string]string{"SELLOFF_YAHOO_URL": f.URL}, "-o", out+"2", "--alert", "NVDA <")
	if code != exitUsage || !strings.Contains(text, "--alert") {
		t.Errorf("bad alert: exit %d:\n%s", code, text)
	}
}
