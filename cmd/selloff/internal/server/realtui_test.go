package server

import (
	"context"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/feeds/replay"
	"github.com/selloff/selloff/snapshots"
)

// The embedded deepseek-week snapshot, decoded once for the package.
var realDataset = sync.OnceValues(func() (*market.Dataset, error) {
	s, err := snapshots.Load("deepseek-week", snapshots.ReadOptions{})
	if err != nil {
		return nil, err
	}
	return market.NewDataset(s)
})

func startRealServer(t *testing.T, watchParty bool, mutate func(*Config)) *testServer {
	t.Helper()
	ds, err := realDataset()
	if err != nil {
		t.Fatalf("dataset: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	src, err := ReplaySources(ctx, ds, feeds.RealClock{}, replay.Options{}, watchParty)
	if err != nil {
		t.Fatal(err)
	}
	return startServer(t, func(c *Config) {
		c.Sources = src
		c.WatchParty = watchParty
		c.Model, c.Render = nil, nil // the real dashboard
		if mutate != nil {
			mutate(c)
		}
	})
}

func TestRealDashboardOverSSH(t *testing.T) {
	ts := startRealServer(t, false, nil)
	c := mustDial(t, ts.addr)
	tm := openTerm(t, c, 140, 40, map[string]string{"NO_COLOR": "1"})
	tm.waitText(t, "NVDA")
	m := tm.mark()
	if err := tm.sess.WindowChange(30, 100); err != nil {
		t.Fatal(err)
	}
	// A resize repaints; some text the narrower layout draws again.
	tm.waitFor(t, "repaint after resize", func(out, _ string, _ bool) bool { return len(out) > m+100 })
	m = tm.mark()
	tm.send(t, "?")
	tm.waitTextAfter(t, m, "quit")
	tm.send(t, "?")

	// The mouse works over SSH: mouse reporting is on, and a click (SGR
	// encoding, 1-based) on AVGO's row, under NVDA's, selects it.
	tm.waitText(t, "\x1b[?1002h")
	if err := tm.sess.WindowChange(40, 140); err != nil {
		t.Fatal(err)
	}
	tm.waitText(t, "▸NVDA")
	m = tm.mark()
	tm.send(t, "\x1b[<0;5;6M\x1b[<0;5;6m")
	tm.waitTextAfter(t, m, "▸AVGO")
	tm.send(t, "q")
	if _, _, exit := tm.waitDone(t); exit != nil {
		t.Errorf("exit: %v", exit)
	}
}

func TestRealRenderAndSummary(t *testing.T) {
	ts := startRealServer(t, false, nil)
	c := mustDial(t, ts.addr)
	out, errOut, code := run(t, c, "render --at close --width 120 --height 40")
	if code != 0 {
		t.Fatalf("render: %d %q", code, errOut)
	}
	if strings.Contains(out, "\x1b[") {
		t.Errorf("render output has escapes")
	}
	for _, want := range []string{"NVDA", "118.42", "16:00"} {
		if !strings.Contains(out, want) {
			t.Errorf("render --at close lacks %q:\n%s", want, out)
		}
	}
	if n := len(strings.Split(strings.TrimRight(out, "\n"), "\n")); n > 40 {
		t.Errorf("render is %d lines, asked for 40", n)
	}
	out, errOut, code = run(t, c, "summary --at close")
	if code != 0 {
		t.Fatalf("summary: %d %q", code, errOut)
	}
	for _, want := range []string{"NVDA", "118.42", "-16.97%", "-592.7", "16:00 ET"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary --at close lacks %q:\n%s", want, out)
		}
	}
	t.Logf("summary --at close:\n%s", out)
}

func TestRealWatchParty(t *testing.T) {
	ts := startRealServer(t, true, nil)
	env := map[string]string{"NO_COLOR": "1"}
	p := openTerm(t, mustDial(t, ts.addr), 140, 40, env)
	p.waitText(t, "NVDA")
	f := openTerm(t, mustDial(t, ts.addr), 140, 40, env)
	f.waitText(t, "NVDA")
	// A command does not move the party's clock.
	if _, _, code := run(t, mustDial(t, ts.addr), "render --at close"); code != 0 {
		t.Fatal("render failed")
	}
	st := ts.cfg.Sources.Shared.(*replay.Replay).Status()
	if st.AtEnd {
		t.Errorf("a command moved the shared replay")
	}
	// The presenter pauses; the shared clock pauses.
	p.send(t, " ")
	waitUntil(t, "shared replay paused", func() bool { return ts.cfg.Sources.Shared.(*replay.Replay).Status().Paused })
	// The follower's space does nothing to it.
	f.send(t, " ")
	f.send(t, "?")
	f.waitText(t, "quit")
	if !ts.cfg.Sources.Shared.(*replay.Replay).Status().Paused {
		t.Errorf("a follower resumed the shared replay")
	}
	p.send(t, "q")
	p.waitDone(t)
	f.send(t, "q")
	f.waitDone(t)
}

func TestRealDashboardGoroutinesReturnToBaseline(t *testing.T) {
	ts := startRealServer(t, false, nil)
	cycle := func() {
		c := mustDial(t, ts.addr)
		tm := openTerm(t, c, 120, 40, nil)
		tm.waitText(t, "NVDA")
		tm.send(t, "q")
		tm.waitDone(t)
		_ = c.Close()
	}
	cycle()
	waitUntil(t, "no sessions", func() bool { return ts.Sessions() == 0 })
	base := settledGoroutines()
	for i := 0; i < 30; i++ {
		cycle()
	}
	// And sessions whose client vanishes mid-stream.
	for i := 0; i < 5; i++ {
		c := mustDial(t, ts.addr)
		tm := openTerm(t, c, 120, 40, nil)
		tm.waitText(t, "NVDA")
		_ = c.Close()
	}
	waitUntil(t, "goroutines back to the baseline", func() bool { return runtime.NumGoroutine() <= base })
}

// A colour reply that comes after the query gave up (a slow link) is not
// typed into the dashboard: without the filter, "rgb" would open the go-to
// prompt and the q after it would be typed there instead of quitting.
func TestLateTerminalReplyIsNotKeys(t *testing.T) {
	ts := startRealServer(t, false, nil)
	tm := openTerm(t, mustDial(t, ts.addr), 140, 40, map[string]string{"-mute": "1", "NO_COLOR": "1"})
	tm.waitText(t, "NVDA")
	tm.send(t, "\x1b]11;rgb:1e1e/1e1e/1e1e\x1b\\\x1b[?62;22c")
	tm.send(t, "q")
	tm.waitDone(t)
}

// Over SSH as on the command line, --at on a day the snapshot does not
// cover is refused with what it covers, not moved to the data's edge.
func TestAtOutsideTheSnapshotOverSSH(t *testing.T) {
	ts := startRealServer(t, false, nil)
	c := mustDial(t, ts.addr)
	for _, cmd := range []string{"summary --at 2025-02-03T10:00", "render --at 2025-01-01T10:00"} {
		_, errOut, code := run(t, c, cmd)
		if code == 0 || !strings.Contains(errOut, "is outside the snapshot, which covers Fri 24 Jan 2025 00:00 to Tue 28 Jan 2025 23:59 ET") {
			t.Errorf("%q: exit %d, %q", cmd, code, errOut)
		}
	}
	if out, _, code := run(t, c, "summary --at 2025-01-28T16:00"); code != 0 || !strings.Contains(out, "NVDA") {
		t.Errorf("a covered time: exit %d %q", code, out)
	}
}
