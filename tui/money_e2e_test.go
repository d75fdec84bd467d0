package tui

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/selloff/selloff/feeds/alert"
	"github.com/selloff/selloff/feeds/feedstest"
	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/feeds/replay"
	"github.com/selloff/selloff/snapshots"
	"github.com/selloff/selloff/tui/common"
)

// The whole program plays the embedded snapshot on a fake clock with the
// alert NVDA < 120 scanned onto its timeline (as cmd does): when the replay
// clock passes 11:20 the status line announces the firing and the bell
// rings once.
func TestEndToEndAlertFiresDuringAReplay(t *testing.T) {
	s, err := snapshots.ReadFile("../snapshots/data/deepseek-week.jsonl.gz", snapshots.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := alert.Parse("NVDA < 120")
	base, err := market.NewDataset(s)
	if err != nil {
		t.Fatal(err)
	}
	s.Events = append(s.Events, alert.Events(alert.ScanSessions(base, []alert.Alert{a}, nil, time.Minute))...)
	ds, err := market.NewDataset(s)
	if err != nil {
		t.Fatal(err)
	}
	clk := feedstest.NewFakeClock(fixedNow)
	r, err := replay.New(ds, clk, replay.Options{Start: et(t, "2025-01-27 11:15"), Speed: 60})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var rings atomic.Int32
	m := New(Deps{
		Renderer: asciiRenderer(),
		Updates:  r.Subscribe(ctx),
		Control:  r,
		Now:      clk.Now,
		Width:    160,
		Height:   45,
		Glyphs:   common.GlyphsBraille,
	}, WithMoney(Money{Positions: nvda100, Bell: func() { rings.Add(1) }}))
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(160, 45))
	r.Start(ctx)
	waitText(t, tm, "11:15 ET")
	for r.Now().Before(et(t, "2025-01-27 11:25")) {
		if !clk.BlockUntil(1, 5*time.Second) {
			t.Fatal("the replay armed no timer")
		}
		clk.Advance(replay.DefaultCadence)
	}
	waitText(t, tm, "Alert: NVDA < 120: 119.50 at 11:20")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q")})
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
	if n := rings.Load(); n != 1 {
		t.Errorf("the bell rang %d times, want 1", n)
	}
}
