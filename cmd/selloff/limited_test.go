package main

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"

	"github.com/selloff/selloff/cmd/selloff/internal/config"
	"github.com/selloff/selloff/feeds/yahoo/fakeyahoo"
	"github.com/selloff/selloff/tui"
)

// getcrumb refused (429): the dashboard still shows every symbol's price,
// from the v8 chart, and the status bar says quotes are limited.
func TestLiveDashboardWithCrumbRefused(t *testing.T) {
	f := fakeMarket(t)
	f.RateLimitCrumb(-1)
	f.SetChart("NVDA", fakeyahoo.Chart{PrevClose: 142.62}) // chartPreviousClose: the change is known
	a := liveApp(io.Discard, io.Discard, map[string]string{"SELLOFF_YAHOO_URL": f.URL})
	fs := flagSet(t, liveFlags, "--symbols", "NVDA,AVGO,^SOX", "--config", emptyConfig(t))
	live, closeRec, err := a.newLive(fs, &config.Config{}, "")
	if err != nil {
		t.Fatal(err)
	}
	defer closeRec()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go live.Run(ctx)
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	m := tui.New(tui.Deps{Renderer: r, Updates: live.Subscribe(ctx), Now: time.Now, Width: 160, Height: 45, Glyphs: "ascii"})
	defer m.Close()
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(160, 45))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		s := string(b)
		return strings.Contains(s, "118.42") && strings.Contains(s, "202.13") && strings.Contains(s, "4,853.24") && strings.Contains(s, "quotes limited")
	}, teatest.WithDuration(20*time.Second))
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).View()
	if !strings.Contains(final, "-16.97%") || !strings.Contains(final, "error: rate limited by Yahoo") {
		t.Errorf("frame:\n%s", final)
	}
	if n := f.Count("/v1/test/getcrumb"); n != 1 {
		t.Errorf("%d getcrumb requests, want 1 (then the back-off)", n)
	}
}
