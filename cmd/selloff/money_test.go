package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/selloff/selloff/cmd/selloff/internal/config"
	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/alert"
	"github.com/selloff/selloff/feeds/portfolio"
	"github.com/selloff/selloff/snapshots"
)

func TestBadPositionExitsTwoNamingThePart(t *testing.T) {
	cases := map[string]string{
		"NVDA:abc@140": `--position "NVDA:abc@140": shares "abc"`,
		"NVDA:100":     `--position "NVDA:100": no "@"`,
		"NVDA:100@0":   `--position "NVDA:100@0": cost 0`,
	}
	for _, cmd := range []string{"replay", "live", "render", "serve"} {
		for in, want := range cases {
			code, _, errs := runCLI(t, cmd, "--config", emptyConfig(t), "--position", "AVGO:1@1", "--position", in)
			if code != exitUsage || !strings.Contains(errs, want) {
				t.Errorf("%s --position %s: exit %d, stderr %q; want 2 and %s", cmd, in, code, errs, want)
			}
		}
	}
}

func TestBadConfigPositionNamesFileAndLine(t *testing.T) {
	p := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(p, []byte("positions:\n  - symbol: NVDA\n    shares: ten\n    cost: 140\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs := runCLI(t, "render", "--config", p)
	if code == exitOK || !strings.Contains(errs, "c.yaml:3: positions: shares \"ten\" is not a number") {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
}

func TestBadAlertExitsTwoNamingTheColumn(t *testing.T) {
	for _, cmd := range []string{"replay", "live", "render", "serve"} {
		code, _, errs := runCLI(t, cmd, "--config", emptyConfig(t), "--alert", "NVDA < 120", "--alert", "NVDA = 120")
		want := "selloff: --alert \"NVDA = 120\": column 6: \"=\" is not an operator: want <, <=, > or >=\n  NVDA = 120\n       ^\n"
		if code != exitUsage || errs != want {
			t.Errorf("%s: exit %d, stderr %q; want 2 and %q", cmd, code, errs, want)
		}
	}
	for args, want := range map[[2]string]string{
		{"portfolio pnl < -5000", ""}:        `alert "portfolio pnl < -5000" is about your positions, and none are given`,
		{"AVGO total < 0", "NVDA:100@140"}:   `alert "AVGO total < 0" is about your position in AVGO, and you have none`,
		{"NVDA < 120", "NVDA:100@140:extra"}: `--position "NVDA:100@140:extra": cost "140:extra"`,
	} {
		argv := []string{"render", "--config", emptyConfig(t), "--alert", args[0]}
		if args[1] != "" {
			argv = append(argv, "--position", args[1])
		}
		code, _, errs := runCLI(t, argv...)
		if code != exitUsage || !strings.Contains(errs, want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %s", argv, code, errs, want)
		}
	}
}

func TestRenderWithPositionAndAlert(t *testing.T) {
	code, out, errs := runCLI(t, "render", "--config", emptyConfig(t), "--color", "never", "--at", "close",
		"--position", "NVDA:100@140", "--alert", "NVDA < 120", "--alert", "basket < -1T")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{
		"Your portfolio  today −$2,420.00 −16.97%  total −$2,158.00 −15.41%  value $11,842.00",
		"your portfolio −$2,420.00",
		"11:20     Alert: NVDA < 120: 119.50", // on the timeline at its time
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	// the status line names the latest firing up to the close
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if last := lines[len(lines)-1]; !strings.Contains(last, "Alert: ") {
		t.Errorf("status line %q names no alert", last)
	}
}

func TestConfigPositionsAndAlertsReachTheFrame(t *testing.T) {
	p := filepath.Join(t.TempDir(), "c.yaml")
	src := "positions:\n  - {symbol: NVDA, shares: -100, cost: 140}\nalerts:\n  - NVDA < 120\n"
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI(t, "render", "--config", p, "--color", "never", "--at", "close")
	if code != exitOK || !strings.Contains(out, "today +$2,420.00 +16.97%") || !strings.Contains(out, "Alert: NVDA < 120") {
		t.Errorf("exit %d (%s):\n%s", code, errs, out)
	}
	// a flag replaces the config's list
	_, out, _ = runCLI(t, "render", "--config", p, "--color", "never", "--at", "close", "--position", "NVDA:1@100")
	if !strings.Contains(out, "total +$18.42") {
		t.Errorf("--position did not replace the config's positions:\n%s", out)
	}
}

func TestLiveAlertsJoinTheTimeline(t *testing.T) {
	d, err := loadReplayData("", "", false)
	if err != nil {
		t.Fatal(err)
	}
	a, err := alert.Parse("NVDA < 120")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	in := make(chan feeds.Update)
	out := liveAlerts(ctx, in, money{alerts: []alert.Alert{a}})
	loc := snapshots.Location()
	go func() {
		defer close(in)
		for _, hm := range [][2]int{{11, 0}, {11, 20}, {11, 30}, {12, 0}} {
			f := d.ds.At(time.Date(2025, 1, 27, hm[0], hm[1], 0, 0, loc))
			in <- feeds.Update{Source: "live", Mode: feeds.ModeLive, Frame: f}
		}
	}()
	var counts []int
	for u := range out {
		n := 0
		for _, e := range u.Frame.Events {
			if alert.IsFiring(e) {
				n++
				if got := e.Time.In(loc).Format("15:04"); got != "11:20" {
					t.Errorf("firing at %s, want 11:20", got)
				}
			}
		}
		counts = append(counts, n)
	}
	if fmt.Sprint(counts) != "[0 1 1 1]" {
		t.Errorf("firings on the timeline per frame: %v, want [0 1 1 1] (once, kept)", counts)
	}
	// the source's frames are never changed in place
	if f := d.ds.At(time.Date(2025, 1, 27, 12, 0, 0, 0, loc)); len(f.Events) != len(d.snap.Events) {
		t.Errorf("the dataset's events changed: %d, was %d", len(f.Events), len(d.snap.Events))
	}
}

// serve --source live takes --alert (it used to refuse it): each SSH
// session evaluates the alerts on its own live frames, so two viewers each
// get the firing once, at the frame's time; a replay needs no such feed.
func TestServeLiveAlertsPerSession(t *testing.T) {
	f := fakeMarket(t)
	a := liveApp(io.Discard, io.Discard, map[string]string{"SELLOFF_YAHOO_URL": f.URL})
	fs := flagSet(t, serveFlags, "--source", "live", "--symbols", "NVDA,AVGO", "--config", emptyConfig(t), "--alert", "NVDA < 120")
	cfg := &config.Config{}
	m, err := readMoney(fs, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if _, err := a.serveSources(ctx, fs, cfg, m); err != nil {
		t.Fatalf("serve --source live --alert: %v", err)
	}
	if m.sessionAlerts("replay") != nil || (money{}).sessionAlerts("live") != nil {
		t.Error("a session feed for a replay, or without alerts")
	}
	feed := m.sessionAlerts("live")
	if feed == nil {
		t.Fatal("no session feed for live alerts")
	}
	d, err := loadReplayData("", "", false)
	if err != nil {
		t.Fatal(err)
	}
	loc := snapshots.Location()
	var ins []chan feeds.Update
	var outs []<-chan feeds.Update
	for range 2 { // two viewers
		in := make(chan feeds.Update)
		ins, outs = append(ins, in), append(outs, feed(ctx, in))
	}
	for _, hm := range [][2]int{{11, 0}, {11, 20}, {11, 30}} {
		fr := d.ds.At(time.Date(2025, 1, 27, hm[0], hm[1], 0, 0, loc))
		for i, in := range ins {
			in <- feeds.Update{Source: "live", Mode: feeds.ModeLive, Frame: fr}
			u := <-outs[i]
			var at []string
			for _, e := range u.Frame.Events {
				if alert.IsFiring(e) {
					at = append(at, e.Time.In(loc).Format("15:04"))
				}
			}
			want := "[11:20]"
			if hm[1] == 0 {
				want = "[]"
			}
			if fmt.Sprint(at) != want {
				t.Errorf("viewer %d at %02d:%02d: firings %v, want %s", i+1, hm[0], hm[1], at, want)
			}
		}
	}
}

func TestPortfolioTextForSSHSummary(t *testing.T) {
	d, err := loadReplayData("", "", false)
	if err != nil {
		t.Fatal(err)
	}
	u, err := d.still("close")
	if err != nil {
		t.Fatal(err)
	}
	got := portfolioText(u, []portfolio.Position{
		{Symbol: "NVDA", Shares: 100, Cost: 140}, {Symbol: "NVDA", Shares: -10, Cost: 150}, {Symbol: "TSLA", Shares: 1, Cost: 400},
	})
	// compare with runs of spaces (the table's padding) as one
	flat := strings.Join(strings.Fields(strings.ReplaceAll(got, "\n", " | ")), " ")
	for _, want := range []string{
		"NVDA 100 @ 140.00 value $11,842.00 today -$2,420.00 -16.97% total -$2,158.00 -15.41% |",
		"NVDA -10 @ 150.00 value -$1,184.20 today +$242.00 +16.97% total +$315.80 +21.05% |",
		"TSLA 1 @ 400.00 missing: not in the snapshot |",
		// today's % of the gross exposure at the previous close (110 x 142.62),
		// total's of the gross cost (14,000 + 1,500)
		"portfolio: value $10,657.80, today -$2,178.00 -13.88%, total -$1,842.20 -11.89% (partial: TSLA missing, not counted)",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("no %q in\n%s", want, got)
		}
	}
	if portfolioText(u, nil) != "" {
		t.Error("text without positions")
	}
}
