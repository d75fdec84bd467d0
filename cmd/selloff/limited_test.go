package main

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest"

	"github.com/selloff/selloff/feeds/yahoo/fakeyahoo"
)

// getcrumb refused (429): the dashboard still shows every symbol's price,
// from the v8 chart, and the status bar says quotes are limited.
func TestLiveDashboardWithCrumbRefused(t *testing.T) {
	f := fakeMarket(t)
	f.RateLimitCrumb(-1)
	f.SetChart("NVDA", fakeyahoo.Chart{PrevClose: 142.62}) // chartPreviousClose: the change is known
	tm := liveDashboard(t, map[string]string{"SELLOFF_YAHOO_URL": f.URL}, nil, func(s string) bool {
		return strings.Contains(s, "118.42") && strings.Contains(s, "202.13") && strings.Contains(s, "4,853.24") && strings.Contains(s, "quotes limited")
	}, "--symbols", "NVDA,AVGO,^SOX")
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
