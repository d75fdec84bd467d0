package alert_test

import (
	"testing"
	"time"

	"github.com/selloff/selloff/feeds/alert"
	"github.com/selloff/selloff/feeds/portfolio"
)

// BenchmarkScanWeek is what a replay with alerts costs before it starts:
// every minute of the embedded snapshot's span, three alerts (a price, the
// basket, the portfolio).
func BenchmarkScanWeek(b *testing.B) {
	d, _ := week(b)
	alerts := []alert.Alert{mustParse(b, "NVDA < 120"), mustParse(b, "basket < -1T"), mustParse(b, "portfolio pnl < -2000")}
	pos := []portfolio.Position{{Symbol: "NVDA", Shares: 100, Cost: 140}}
	start, end, _ := d.Span()
	for b.Loop() {
		alert.Scan(d, alerts, pos, start, end, time.Minute)
	}
}

// BenchmarkScanSessions is what `selloff replay --alert ...` runs: the
// snapshot's session days only.
func BenchmarkScanSessions(b *testing.B) {
	d, _ := week(b)
	alerts := []alert.Alert{mustParse(b, "NVDA < 120"), mustParse(b, "basket < -1T"), mustParse(b, "portfolio pnl < -2000")}
	pos := []portfolio.Position{{Symbol: "NVDA", Shares: 100, Cost: 140}}
	for b.Loop() {
		alert.ScanSessions(d, alerts, pos, time.Minute)
	}
}
