package server

import (
	"regexp"
	"strconv"
	"testing"
	"time"
)

// waitLog waits until the server log matches re and returns the match.
func waitLog(t *testing.T, ts *testServer, re *regexp.Regexp) []string {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for time.Now().Before(deadline) {
		if m := re.FindStringSubmatch(ts.logs.String()); m != nil {
			return m
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no log line matching %s in:\n%s", re, ts.logs.String())
	return nil
}

// The server logs, at every tick of its (injected) ticker, the viewers and
// the bytes per second sent to them since the last tick, and each session's
// bytes per second when it ends.
func TestRoomSummaryAndSessionBytes(t *testing.T) {
	ticks := make(chan time.Time)
	stopped := make(chan struct{})
	ts := startServer(t, func(c *Config) {
		c.roomTicker = func(d time.Duration) (<-chan time.Time, func()) {
			if d != time.Minute {
				t.Errorf("summary every %v, want a minute", d)
			}
			return ticks, func() { close(stopped) }
		}
	})
	c := mustDial(t, ts.addr)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ticks <- t0 // the first summary: nobody yet
	waitLog(t, ts, regexp.MustCompile(`room viewers=0 bytes/s=0`))

	a := openTerm(t, c, 80, 24, nil)
	b := openTerm(t, c, 80, 24, nil)
	a.waitText(t, "SELLOFF 80x24")
	b.waitText(t, "SELLOFF 80x24")
	ts.publish()
	a.waitText(t, "seq=2 ")
	b.waitText(t, "seq=2 ")
	sent := ts.room.bytes.Load()
	ticks <- t0.Add(time.Minute)
	m := waitLog(t, ts, regexp.MustCompile(`room viewers=2 bytes/s=(\d+) per-viewer=(\d+)`))
	total, _ := strconv.ParseInt(m[1], 10, 64)
	if want := sent / 60; total < want-1 || total > want+1 {
		t.Errorf("room bytes/s %d, want %d (%d bytes over the minute)", total, want, sent)
	}

	a.send(t, "q")
	a.waitDone(t)
	m = waitLog(t, ts, regexp.MustCompile(`screen session=\d+ bytes=(\d+) bytes/s=(\d+) frames=(\d+)`))
	if n, _ := strconv.Atoi(m[1]); n == 0 {
		t.Errorf("a session's end logged no bytes: %q", m[0])
	}
	_ = ts.Shutdown(t.Context())
	select {
	case <-stopped:
	case <-time.After(waitLimit):
		t.Error("the summary's ticker was not stopped")
	}
}
