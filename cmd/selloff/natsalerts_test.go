package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"

	"github.com/selloff/selloff/cmd/selloff/internal/config"
	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/alert"
	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/feeds/yahoo/fakeyahoo"
	"github.com/selloff/selloff/snapshots"
	"github.com/selloff/selloff/tui"
	"github.com/selloff/selloff/tui/common"
)

// bells counts the bells written to a terminal.
type bells struct{ n atomic.Int32 }

func (b *bells) Write(p []byte) (int, error) {
	b.n.Add(int32(bytes.Count(p, []byte("\a"))))
	return len(p), nil
}

// natsViewer is one dashboard session on a node: its updates (through
// serve's session feed) and the time of the last frame it drew.
type natsViewer struct {
	name string
	ch   <-chan feeds.Update
	prev time.Time
	seq  uint64
}

// announced is what a dashboard announces on frame f after a frame at
// prev (the rule of tui's applyMoney): the firings its clock passed, as
// "HH:MM title".
func announced(prev time.Time, f *market.Frame) []string {
	var out []string
	for _, e := range f.Events {
		if alert.IsFiring(e) && !e.Time.After(f.Time) && !prev.IsZero() && e.Time.After(prev) {
			out = append(out, e.Time.In(snapshots.Location()).Format("15:04")+" "+e.Title)
		}
	}
	return out
}

// serve --source nats://HOST:PORT/FEED takes --alert (it used to refuse
// it), in the flag form and the config's: on a node fed by a replay relay
// the alert fires once when the relay's clock passes the crossing (NVDA
// under 120 at 11:20 on 27 Jan), not again on the relay's heartbeat of
// the same state, and again after a seek back and a second pass, as in a
// replay watch party. A node without alerts gets no firing. A dashboard
// on the node (serve's wiring: the session feed, the viewer's bell) rings
// once per pass.
func TestNATSNodeRingsReplayAlerts(t *testing.T) {
	ns := natsServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr syncBuffer
	relay := newApp(nil, &stderr, &stderr, func(string) string { return "" })
	done := make(chan int, 1)
	go func() {
		done <- relay.run(ctx, []string{"relay", "--nats", ns.ClientURL(), "--feed", "alerts", "--at", "2025-01-27T11:00", "--paused"})
	}()
	src := ns.ClientURL() + "/alerts"

	// node A: a watch party's node without alerts, whose controller
	// moves the relay's clock (a presenter's seek)
	a := newApp(nil, &stderr, &stderr, func(string) string { return "" })
	srcsA, err := a.natsSources(ctx, flagSet(t, serveFlags, "--source", src, "--watch-party", "--config", emptyConfig(t)), src, money{})
	if err != nil {
		t.Fatal(err)
	}
	ctl := srcsA.SharedControl
	plain := &natsViewer{name: "node A (no alerts)", ch: srcsA.Shared.Subscribe(ctx)}

	cfgPath := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(cfgPath, []byte("alerts:\n  - NVDA<120\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var (
		viewers []*natsViewer
		dash    *teatest.TestModel
		rang    bells
	)
	for _, c := range []struct {
		name string
		args []string
	}{
		{"node B (--alert)", []string{"--config", emptyConfig(t), "--alert", "NVDA<120"}},
		{"node C (alerts: in the config)", []string{"--config", cfgPath}},
	} {
		fs := flagSet(t, serveFlags, append([]string{"--source", src}, c.args...)...)
		cfg, err := loadConfig(fs)
		if err != nil {
			t.Fatal(err)
		}
		m, err := readMoney(fs, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if len(m.alerts) != 1 {
			t.Fatalf("%s: alerts %v", c.name, m.alerts)
		}
		n := newApp(nil, &stderr, &stderr, func(string) string { return "" })
		srcs, err := n.natsSources(ctx, fs, src, m)
		if err != nil {
			t.Fatalf("%s: serve --source nats:// with an alert: %v", c.name, err)
		}
		feed := m.sessionAlerts(src)
		if feed == nil {
			t.Fatalf("%s: no session feed for alerts over NATS", c.name)
		}
		for i := range 2 { // two viewers on the node
			viewers = append(viewers, &natsViewer{name: fmt.Sprintf("%s viewer %d", c.name, i+1), ch: feed(ctx, srcs.Shared.Subscribe(ctx))})
		}
		if dash == nil { // and a dashboard, as serve builds one, its bell counted
			r := lipgloss.NewRenderer(io.Discard, termenv.WithProfile(termenv.Ascii))
			dash = teatest.NewTestModel(t, tui.New(tui.Deps{Renderer: r, Updates: feed(ctx, srcs.Shared.Subscribe(ctx)),
				Now: time.Now, Width: 160, Height: 45, Glyphs: common.GlyphsBraille}, tui.WithMoney(m.tui(&rang, nil))),
				teatest.WithInitialTermSize(160, 45))
		}
	}
	all := append([]*natsViewer{plain}, viewers...)

	loc := snapshots.Location()
	at := func(h, m int) time.Time { return time.Date(2025, 1, 27, h, m, 0, 0, loc) }
	// step reads v's frames until one at t that is newer than the last
	// one read (repeat: another frame of the same state, a heartbeat) and
	// returns what the dashboard announced on the way.
	step := func(v *natsViewer, t0 time.Time, repeat bool) []string {
		t.Helper()
		var got []string
		deadline := time.After(20 * time.Second)
		for {
			select {
			case u, ok := <-v.ch:
				if !ok {
					t.Fatalf("%s: feed closed", v.name)
				}
				if u.Frame == nil {
					continue
				}
				got = append(got, announced(v.prev, u.Frame)...)
				again := u.Frame.Time.Equal(v.prev)
				v.prev = u.Frame.Time
				if u.Frame.Time.Equal(t0) && (!repeat || again) {
					return got
				}
			case <-deadline:
				t.Fatalf("%s: no frame at %s; log:\n%s", v.name, t0.Format("15:04"), stderr.String())
			}
		}
	}
	check := func(what string, t0 time.Time, repeat bool, want []string) {
		t.Helper()
		for _, v := range all {
			w := want
			if v == plain {
				w = nil
			}
			if got := step(v, t0, repeat); !slices.Equal(got, w) {
				t.Errorf("%s, %s: announced %q, want %q", v.name, what, got, w)
			}
		}
	}
	// the dashboard shows the relay's time, and has rung its bell n times
	// (the screen repaints what changed: each text waited for is new)
	shows := func(text string, n int32) {
		t.Helper()
		if text != "" {
			teatest.WaitFor(t, dash.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(text)) },
				teatest.WithDuration(20*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
		} else {
			time.Sleep(300 * time.Millisecond) // the node's frames just read reach it too
		}
		deadline := time.Now().Add(5 * time.Second)
		for rang.n.Load() < n && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if got := rang.n.Load(); got != n {
			t.Fatalf("the dashboard showing %q rang %d times, want %d", text, got, n)
		}
	}
	seek := func(t0 time.Time) {
		t.Helper()
		if err := ctl.Control(feeds.Command{Op: feeds.OpSeek, At: t0}); err != nil {
			t.Fatalf("seek to %s through the relay: %v; log:\n%s", t0.Format("15:04"), err, stderr.String())
		}
	}
	fired := []string{"11:20 Alert: NVDA<120: 119.50"}

	check("the relay at 11:00", at(11, 0), false, nil)
	shows("11:00 ET", 0)
	seek(at(11, 30))
	check("the relay's clock past 11:20", at(11, 30), false, fired)
	shows("Alert: NVDA<120: 119.50 at 11:20", 1)
	check("the relay's heartbeat at 11:30", at(11, 30), true, nil)
	check("another heartbeat at 11:30", at(11, 30), true, nil)
	shows("", 1)
	seek(at(11, 10))
	check("a seek back to 11:10", at(11, 10), false, nil)
	shows("11:10 ET", 1)
	seek(at(11, 25))
	check("past 11:20 again", at(11, 25), false, fired)
	check("the heartbeat at 11:25", at(11, 25), true, nil)
	shows("11:25 ET", 2)
	if err := dash.Quit(); err != nil {
		t.Fatal(err)
	}
	dash.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
	if n := rang.n.Load(); n != 2 {
		t.Errorf("the dashboard rang %d times, want 2 (a pass, a seek back, a second pass)", n)
	}

	cancel()
	if rc := <-done; rc != exitOK {
		t.Fatalf("relay exit %d; log:\n%s", rc, stderr.String())
	}
}

// Over a live relay a node's sessions evaluate the alerts on the frames
// they read (as serve --source live does); a replay relay's frames pass
// as they are, their firings already on the node's timeline.
func TestNATSSessionAlertsLiveAndReplay(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, err := alert.Parse("NVDA < 120")
	if err != nil {
		t.Fatal(err)
	}
	m := money{alerts: []alert.Alert{a}}
	if (money{}).sessionAlerts("nats://127.0.0.1:4222/day") != nil {
		t.Error("a session feed without alerts")
	}
	feed := m.sessionAlerts("tls://127.0.0.1:4222/day")
	if feed == nil {
		t.Fatal("no session feed for tls://")
	}
	d, err := loadReplayData("", "", false)
	if err != nil {
		t.Fatal(err)
	}
	in := make(chan feeds.Update)
	out := feed(ctx, in)
	loc := snapshots.Location()
	firings := func(f *market.Frame) (at []string) {
		for _, e := range f.Events {
			if alert.IsFiring(e) {
				at = append(at, e.Time.In(loc).Format("15:04"))
			}
		}
		return at
	}
	for _, c := range []struct {
		mode feeds.Mode
		h, m int
		want string
	}{
		{feeds.ModeLive, 11, 0, "[]"},
		{feeds.ModeLive, 11, 20, "[11:20]"},
		{feeds.ModeLive, 11, 30, "[11:20]"}, // still under: no second firing
		{feeds.ModeReplay, 11, 30, "[]"},    // passed on as it is
		{feeds.ModeLive, 11, 40, "[11:40]"}, // a live run after a replay starts unarmed
	} {
		fr := d.ds.At(time.Date(2025, 1, 27, c.h, c.m, 0, 0, loc))
		in <- feeds.Update{Source: "nats:day", Mode: c.mode, Frame: fr}
		u := <-out
		if got := fmt.Sprint(firings(u.Frame)); got != c.want {
			t.Errorf("%s frame at %02d:%02d: firings %s, want %s", c.mode, c.h, c.m, got, c.want)
		}
		if c.mode == feeds.ModeReplay && u.Frame != fr {
			t.Errorf("a replay frame was copied")
		}
	}
}

// A node fed by a live relay (Yahoo's poll on the local fake) with
// --alert "NVDA < 118": its session fires when a poll brings NVDA under
// 118, once however many polls and heartbeats repeat it, and again only
// after a poll has brought it back over.
func TestNATSNodeRingsLiveAlerts(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a few seconds of live polling")
	}
	ns := natsServer(t)
	f := fakeMarket(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	clock := newMovedClock(tradingNow)
	cfg := emptyConfig(t)
	var stderr syncBuffer
	relay := newApp(nil, &stderr, &stderr, func(string) string { return "" })
	relay.clock = clock
	done := make(chan int, 1)
	go func() {
		done <- relay.run(ctx, []string{"relay", "--nats", ns.ClientURL(), "--feed", "live", "--source", "live",
			"--symbols", "NVDA,AVGO", "--yahoo-url", f.URL, "--interval", "1s", "--no-stream", "--config", cfg})
	}()
	src := ns.ClientURL() + "/live"
	fs := flagSet(t, serveFlags, "--source", src, "--config", cfg, "--alert", "NVDA < 118")
	m, err := readMoney(fs, &config.Config{})
	if err != nil {
		t.Fatal(err)
	}
	node := newApp(nil, &stderr, &stderr, func(string) string { return "" })
	srcs, err := node.natsSources(ctx, fs, src, m)
	if err != nil {
		t.Fatal(err)
	}
	ch := m.sessionAlerts(src)(ctx, srcs.Shared.Subscribe(ctx))
	nvda := func(p float64) {
		f.SetQuote(fakeyahoo.Quote{Symbol: "NVDA", Name: "NVIDIA Corporation", Price: p, PrevClose: 142.62, Volume: 830000000,
			Shares: 24490000000, Time: clock.Now()})
	}
	// frames reads the session's frames until n of them show NVDA at p,
	// and returns the firings on the last one
	frames := func(p float64, n int) int {
		t.Helper()
		deadline := time.After(20 * time.Second)
		for seen := 0; ; {
			select {
			case u := <-ch:
				if u.Frame == nil || u.Mode != feeds.ModeLive {
					continue
				}
				if i := u.Frame.Index("NVDA"); i < 0 || u.Frame.Quotes[i].Price != p {
					continue
				}
				if seen++; seen < n {
					continue
				}
				fired := 0
				for _, e := range u.Frame.Events {
					if alert.IsFiring(e) {
						fired++
					}
				}
				return fired
			case <-deadline:
				t.Fatalf("no live frame with NVDA at %.2f; log:\n%s", p, stderr.String())
			}
		}
	}
	if n := frames(118.42, 1); n != 0 {
		t.Fatalf("NVDA at 118.42: %d firings, want none", n)
	}
	nvda(117.05)
	if n := frames(117.05, 1); n != 1 {
		t.Fatalf("NVDA under 118: %d firings, want 1", n)
	}
	if n := frames(117.05, 3); n != 1 {
		t.Fatalf("NVDA still under 118, three frames on: %d firings, want still 1", n)
	}
	nvda(118.42)
	if n := frames(118.42, 1); n != 1 {
		t.Fatalf("NVDA back over 118: %d firings, want still 1", n)
	}
	nvda(117.05)
	if n := frames(117.05, 1); n != 2 {
		t.Fatalf("NVDA under 118 again: %d firings, want 2", n)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		t.Fatalf("the relay did not stop; log:\n%s", stderr.String())
	}
}
