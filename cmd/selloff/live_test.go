package main

import (
	"bytes"
	"context"
	"flag"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/log"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"
	"github.com/nats-io/nats-server/v2/server"

	"github.com/selloff/selloff/cmd/selloff/internal/config"
	"github.com/selloff/selloff/feeds/feedstest"
	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/feeds/yahoo/fakeyahoo"
	"github.com/selloff/selloff/snapshots"
	"github.com/selloff/selloff/tui"
)

// tradingNow is a fixed instant inside a regular session (Tue 24 Nov 2026,
// 14:00 ET), so live tests behave the same whatever day CI runs on.
var tradingNow = time.Date(2026, 11, 24, 14, 0, 0, 0, snapshots.Location())

// liveApp is an app whose clock stands at tradingNow.
func liveApp(stdout, stderr io.Writer, env map[string]string) *app {
	a := newApp(nil, stdout, stderr, func(k string) string { return env[k] })
	a.clock = feedstest.NewFakeClock(tradingNow)
	return a
}

// fakeMarket serves two equities and an index, priced like 27 Jan 2025's
// close, with today's quote time so the live source treats them as fresh.
func fakeMarket(t testing.TB) *fakeyahoo.Server {
	t.Helper()
	f := fakeyahoo.Start()
	t.Cleanup(f.Close)
	now := tradingNow
	f.SetQuote(fakeyahoo.Quote{Symbol: "NVDA", Name: "NVIDIA Corporation", Price: 118.42, PrevClose: 142.62,
		Open: 124.80, High: 128.40, Low: 116.70, Volume: 818830900, Shares: 24490000000, Time: now})
	f.SetQuote(fakeyahoo.Quote{Symbol: "AVGO", Name: "Broadcom Inc.", Price: 202.13, PrevClose: 244.70,
		Open: 213.40, High: 218.43, Low: 196.23, Volume: 90569400, Shares: 4687356156, Time: now})
	f.SetQuote(fakeyahoo.Quote{Symbol: "^SOX", Type: "INDEX", Name: "PHLX Semiconductor", Price: 4853.24,
		PrevClose: 5341.94, Time: now})
	return f
}

func TestDoctorHealthyAndBroken(t *testing.T) {
	f := fakeMarket(t)
	// The doctor runs on the real clock: its retries wait real seconds.
	code, out, errs := runCLI(t, "doctor", "--yahoo-url", f.URL)
	if code != exitOK {
		t.Fatalf("doctor against a healthy fake: exit %d\n%s%s", code, out, errs)
	}
	for _, step := range []string{"cookie", "crumb", "quote", "chart", "stream"} {
		if !strings.Contains(out, "ok   "+step) {
			t.Errorf("doctor output lacks ok for %s:\n%s", step, out)
		}
	}
	// A streamer that cannot be reached fails doctor though HTTP works.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "ws://" + ln.Addr().String() + "/"
	ln.Close()
	code, out, _ = runCLI(t, "doctor", "--yahoo-url", f.URL, "--yahoo-stream-url", dead)
	if code != exitFail || !strings.Contains(out, "FAIL stream  connect: ") || !strings.Contains(out, "ok   chart") {
		t.Fatalf("doctor with the streamer down: exit %d\n%s", code, out)
	}
	f.ServerError(1000, 503)
	code, out, _ = runCLI(t, "doctor", "--yahoo-url", f.URL)
	if code != exitFail || !strings.Contains(out, "FAIL") {
		t.Fatalf("doctor against a broken fake: exit %d\n%s", code, out)
	}
}

// The live dashboard, end to end against the fake: the fake's prices and
// the market-value change computed from its share count reach the screen.
func TestLiveDashboardShowsFakePrices(t *testing.T) {
	f := fakeMarket(t)
	tm := liveDashboard(t, map[string]string{"SELLOFF_YAHOO_URL": f.URL}, nil, func(s string) bool {
		return strings.Contains(s, "118.42") && strings.Contains(s, "202.13") && strings.Contains(s, "4,853.24")
	}, "--symbols", "NVDA,AVGO,^SOX")
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).View()
	for _, want := range []string{"LIVE", "-16.97%", "-$592.7B"} {
		if !strings.Contains(final, want) {
			t.Errorf("live frame lacks %q:\n%s", want, final)
		}
	}
}

// Record live quotes into a file, then replay it: the same prices come back.
func TestRecordThenReplay(t *testing.T) {
	f := fakeMarket(t)
	out := filepath.Join(t.TempDir(), "rec.jsonl")
	ctx, cancel := context.WithCancel(context.Background())
	var out1, err1 strings.Builder
	a := liveApp(&out1, &err1, nil)
	done := make(chan int, 1)
	go func() {
		done <- a.run(ctx, []string{"snapshot", "record", "-o", out, "--symbols", "NVDA,AVGO,^SOX",
			"--yahoo-url", f.URL, "--interval", "1s", "--config", emptyConfig(t)})
	}()
	// Wait (bounded) until the first poll's quotes are on disk.
	deadline := time.Now().Add(20 * time.Second)
	for {
		b, _ := os.ReadFile(out)
		if strings.Count(string(b), `"record":"quote"`) >= 3 {
			break
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("no quotes recorded in 20 s; stderr: %s", err1.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	if code := <-done; code != exitOK {
		t.Fatalf("record: exit %d: %s", code, err1.String())
	}
	s, err := snapshots.ReadFile(out, snapshots.ReadOptions{Strict: true})
	if err != nil {
		t.Fatalf("the recording does not read strictly: %v", err)
	}
	if s.Header.Provenance != snapshots.Recorded {
		t.Errorf("provenance %q, want recorded", s.Header.Provenance)
	}
	ds, err := market.NewDataset(s)
	if err != nil {
		t.Fatal(err)
	}
	_, end, _ := ds.Span()
	fr := ds.At(end)
	for sym, want := range map[string]float64{"NVDA": 118.42, "AVGO": 202.13, "^SOX": 4853.24} {
		i := fr.Index(sym)
		if i < 0 || !fr.Quotes[i].HasPrice || fr.Quotes[i].Price != want {
			t.Errorf("%s replays as %+v, want %v", sym, fr.Quotes, want)
		}
	}
}

func TestFetchOutsideWindowFailsClearly(t *testing.T) {
	f := fakeMarket(t)
	var o, e strings.Builder
	code := liveApp(&o, &e, nil).run(context.Background(), []string{"snapshot", "fetch", "--date", "2025-01-27", "--symbols", "NVDA",
		"-o", filepath.Join(t.TempDir(), "x.jsonl"), "--yahoo-url", f.URL})
	errs := e.String()
	if code != exitFail || !strings.Contains(errs, "30") {
		t.Fatalf("fetch of Jan 2025: exit %d, stderr %q", code, errs)
	}
	if n := f.Count("/"); n != 0 {
		t.Errorf("fetch outside the window sent %d requests, want none", n)
	}
}

// liveDashboard builds the live source the flags choose (against the fakes
// env points at) and runs it under a 160x45 ASCII dashboard that logs to
// logw (nil: no log), then waits up to 20s for a screen that satisfies
// ready. The source and dashboard stop when the test ends.
func liveDashboard(t *testing.T, env map[string]string, logw io.Writer, ready func(screen string) bool, args ...string) *teatest.TestModel {
	t.Helper()
	a := liveApp(io.Discard, io.Discard, env)
	fs := flagSet(t, liveFlags, append(args, "--config", emptyConfig(t))...)
	src, closeRec, err := a.newSource(fs, &config.Config{}, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { closeRec() })
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go src.Run(ctx)
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	deps := tui.Deps{Renderer: r, Updates: src.Subscribe(ctx), Now: time.Now, Width: 160, Height: 45, Glyphs: "ascii"}
	if logw != nil {
		deps.Logger = log.New(logw)
	}
	m := tui.New(deps)
	t.Cleanup(m.Close)
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(160, 45))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return ready(string(b)) }, teatest.WithDuration(20*time.Second))
	return tm
}

// syncBuffer is a bytes.Buffer safe for writers and readers on several goroutines (logs, stderr).
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// natsServer runs a JetStream NATS server on loopback for the test, shut
// down when the test ends.
func natsServer(t *testing.T) *server.Server {
	t.Helper()
	ns, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: t.TempDir(), NoLog: true, NoSigs: true})
	if err != nil {
		t.Fatal(err)
	}
	go ns.Start()
	t.Cleanup(ns.Shutdown)
	if !ns.ReadyForConnections(10 * time.Second) {
		t.Fatal("NATS not ready")
	}
	return ns
}

// flagSet parses args with the flags a command declares.
func flagSet(t testing.TB, declare func(*flag.FlagSet), args ...string) *flag.FlagSet {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	declare(fs)
	if _, err := parseInterspersed(fs, args); err != nil {
		t.Fatal(err)
	}
	return fs
}

// emptyConfig is a config file with nothing in it, so a developer's own
// config never changes a test.
func emptyConfig(t *testing.T) string {
	p := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(p, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
