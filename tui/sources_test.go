package tui

import (
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/snapshots"
	"github.com/selloff/selloff/tui/common"
	"github.com/selloff/selloff/tui/internal/panetest"
)

// withNotes is u with AVGO's figures noted as the generator notes them
// (a borrowed intraday shape, with its source and link).
func withNotes(u feeds.Update) feeds.Update {
	f := *u.Frame
	f.Symbols = slices.Clone(f.Symbols)
	for i := range f.Symbols {
		if f.Symbols[i].Symbol == "AVGO" {
			f.Symbols[i].Notes = []snapshots.FigureNote{
				{Figure: snapshots.FigureIntraday, Basis: snapshots.BasisBorrowed, From: "^SOX (27 Jan)",
					Source: "no intraday facts for AVGO: the checkpoint shape of another series",
					Link:   "https://github.com/heliar-k/market-base/blob/ea74518/data/ibkr/5m/SOX_2025-01-27.csv",
					Detail: "only the daily open, high, low and close are real"},
			}
		}
	}
	u.Frame = &f
	return u
}

// TestSourcesView: i opens the provenance view of the selected row, for
// every figure its basis, how close and its source (derived from the
// header when the file has no notes; the notes, link and donor when it
// has); esc closes it; the frame keeps its exact size at small sizes.
func TestSourcesView(t *testing.T) {
	for _, sz := range [][2]int{{160, 45}, {80, 24}, {60, 20}} {
		m := newTestModel(t, sz[0], sz[1], &fakeController{}, common.GlyphsBraille)
		m = withUpdate(t, m, withNotes(replayUpdate(t, "2025-01-27 14:50", 1)))
		// ORCL: its price is dividend-adjusted (the header says so)
		for m.watch.Selected() != "ORCL" {
			before := m.watch.Selected()
			m, _ = step(t, m, keyMsg("j"))
			if m.watch.Selected() == before {
				t.Fatalf("no ORCL row")
			}
		}
		m, _ = step(t, m, keyMsg("i"))
		v := ansi.Strip(m.View())
		panetest.CheckSize(t, m.View(), sz[0], sz[1])
		for _, want := range []string{"Sources · ORCL", "Price", "adjusted", "Source:"} {
			if !strings.Contains(v, want) {
				t.Errorf("%dx%d: the sources of ORCL lack %q:\n%s", sz[0], sz[1], want, v)
			}
		}
		for range 200 {
			m, _ = step(t, m, keyMsg("j"))
		}
		if v := ansi.Strip(m.View()); !strings.Contains(v, "Marks on the row") {
			t.Errorf("%dx%d: j does not scroll to the end:\n%s", sz[0], sz[1], v)
		}
		// a click under the view reaches nothing hidden under it
		sel := m.watch.Selected()
		m, _ = step(t, m, click(3, 5))
		if m.watch.Selected() != sel || !m.showProv {
			t.Errorf("%dx%d: a click went through the sources view", sz[0], sz[1])
		}
		m, _ = step(t, m, keyMsg("esc"))
		if m.showProv || !strings.Contains(ansi.Strip(m.View()), "Watchlist") {
			t.Fatalf("%dx%d: esc did not close the sources", sz[0], sz[1])
		}
	}
}

// TestGoldenSources: the sources of AVGO (a note with a borrowed shape and
// a link kept whole) and of ORCL (the header's adjusted price) at 80x24.
func TestGoldenSources(t *testing.T) {
	for _, sym := range []string{"AVGO", "ORCL"} {
		t.Run(sym, func(t *testing.T) {
			m := newTestModel(t, 80, 24, &fakeController{}, common.GlyphsBraille)
			m = withUpdate(t, m, withNotes(replayUpdate(t, "2025-01-27 14:50", 1)))
			for m.watch.Selected() != sym {
				m, _ = step(t, m, keyMsg("j"))
			}
			m, _ = step(t, m, keyMsg("i"))
			if sym == "AVGO" {
				for range 9 {
					m, _ = step(t, m, keyMsg("j"))
				}
			}
			golden.RequireEqual(t, []byte(m.View()))
		})
	}
}

// An update with an empty frame (no time, no prices) is a source saying
// why there is no data yet (a node whose relay is not there): the waiting
// screen stays and names the reason; the first real frame replaces it.
func TestEmptyFrameSaysWhyItWaits(t *testing.T) {
	m := newTestModel(t, 120, 30, nil, common.GlyphsASCII)
	m = send(t, m, updateMsg{u: feeds.Update{Source: "nats", Seq: 1, Frame: &market.Frame{},
		Health: feeds.Health{State: feeds.HealthOffline, LastErr: "feed day not reachable on NATS"}}, at: fixedNow})
	if got := m.View(); !strings.Contains(got, "waiting for data") || !strings.Contains(got, "feed day not reachable on NATS") || strings.Contains(got, "REPLAY") {
		t.Fatalf("waiting screen:\n%s", got)
	}
	u := replayUpdate(t, "2025-01-27 10:00", 2)
	u.Source = "nats"
	m = send(t, m, updateMsg{u: u, at: fixedNow})
	if got := m.View(); strings.Contains(got, "waiting for data") || strings.Contains(got, "not reachable") {
		t.Fatalf("the frame did not replace the waiting screen:\n%s", got)
	}
}
