package config

import (
	"strings"
	"testing"
)

// FuzzParseMoney feeds the config parser positions: and alerts: entries:
// every outcome is a config whose positions pass their own check and whose
// alerts re-parse, or an error naming the file.
func FuzzParseMoney(f *testing.F) {
	for _, s := range []string{
		"positions:\n  - {symbol: NVDA, shares: 100, cost: 140}\n",
		"positions:\n  - symbol: avgo\n    shares: -2.5\n    cost: $230\n    lot: 2025-01-27\n",
		"alerts:\n  - NVDA < 120\n  - basket < -1T\n",
		"alerts: [\"portfolio pnl <= -5k\"]\npositions: [{symbol: X, shares: 1, cost: 1}]\n",
		"positions:\n  - [1, 2]\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 4096 {
			src = src[:4096]
		}
		c, err := Parse(strings.NewReader(src), "c.yaml")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "c.yaml") {
				t.Fatalf("error without the file name: %v", err)
			}
			return
		}
		for _, p := range c.Portfolio() {
			if err := p.Check(); err != nil {
				t.Fatalf("accepted a bad position %+v: %v", p, err)
			}
		}
		for _, a := range c.AlertList() {
			if a.Text == "" || a.Kind == "" || a.Op == "" {
				t.Fatalf("accepted an empty alert %+v", a)
			}
		}
	})
}
