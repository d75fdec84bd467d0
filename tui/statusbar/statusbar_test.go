package statusbar

import (
	"io"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/snapshots"
	"github.com/selloff/selloff/tui/common"
	"github.com/selloff/selloff/tui/theme"
)

func testCommon(g common.Glyphs) common.Common {
	r := lipgloss.NewRenderer(io.Discard, termenv.WithProfile(termenv.Ascii))
	return common.Common{Styles: theme.New(r, theme.DefaultPalette()), Glyphs: g}
}

func frameAt(h, m int) *market.Frame {
	loc := snapshots.Location()
	return &market.Frame{
		Time:       time.Date(2025, 1, 27, h, m, 0, 0, loc),
		Title:      "DeepSeek week",
		Provenance: snapshots.Reconstructed,
		Sessions: []snapshots.Session{{Date: "2025-01-27",
			Open: time.Date(2025, 1, 27, 9, 30, 0, 0, loc), Close: time.Date(2025, 1, 27, 16, 0, 0, 0, loc)}},
	}
}

func view(s State, w int, g common.Glyphs) string {
	m := New(testCommon(g))
	m.SetSize(w, 1)
	m.Set(s)
	return m.View()
}

func TestStatusBar(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		name string
		s    State
		g    common.Glyphs
		want []string
	}{
		{"replay", State{HasData: true, Mode: feeds.ModeReplay, Frame: frameAt(14, 50), Clock: &feeds.ClockStatus{Speed: 120}},
			common.GlyphsBraille, []string{"REPLAY", "RECONSTRUCTED", "DeepSeek week", "Mon 27 Jan 2025 14:50 ET", "open", "▶ 120×", "feed ok"}},
		{"paused", State{HasData: true, Mode: feeds.ModeReplay, Frame: frameAt(9, 0), Clock: &feeds.ClockStatus{Speed: 0.5, Paused: true}},
			common.GlyphsBraille, []string{"⏸ paused", "pre-market"}},
		{"paused_ascii", State{HasData: true, Mode: feeds.ModeReplay, Frame: frameAt(17, 0), Clock: &feeds.ClockStatus{Paused: true}},
			common.GlyphsASCII, []string{"|| paused", "after hours"}},
		{"live_retrying", State{HasData: true, Mode: feeds.ModeLive, Frame: frameAt(21, 0), Now: now,
			Health: feeds.Health{State: feeds.HealthRetrying, RetryAt: now.Add(11500 * time.Millisecond), LastErr: "HTTP 429 Too Many Requests"}},
			common.GlyphsBraille, []string{"LIVE", "retrying in 12s", "error: HTTP 429 Too Many Requests", "closed"}},
		{"recording_offline", State{HasData: true, Mode: feeds.ModeRecording, Frame: frameAt(10, 0),
			Health: feeds.Health{State: feeds.HealthOffline, LastErr: "no network"}},
			common.GlyphsBraille, []string{"RECORDING", "offline", "error: no network"}},
		{"skipped", State{HasData: true, Mode: feeds.ModeReplay, Frame: frameAt(10, 0), Clock: &feeds.ClockStatus{Speed: 60},
			Health: feeds.Health{State: feeds.HealthOK, Skipped: 3}},
			common.GlyphsBraille, []string{"3 bad records skipped"}},
		{"ended", State{HasData: true, Mode: feeds.ModeReplay, Frame: frameAt(10, 0), Ended: true},
			common.GlyphsBraille, []string{"feed ended"}},
		{"waiting", State{}, common.GlyphsBraille, []string{"waiting for data"}},
		{"party_following", State{HasData: true, Mode: feeds.ModeReplay, Frame: frameAt(14, 50),
			Clock: &feeds.ClockStatus{Speed: 120, Party: true, Follows: true, Presenter: "alice"}},
			common.GlyphsBraille, []string{"▶ 120× (following alice)"}},
		{"party_nobody", State{HasData: true, Mode: feeds.ModeReplay, Frame: frameAt(14, 50),
			Clock: &feeds.ClockStatus{Speed: 120, Paused: true, Party: true}},
			common.GlyphsBraille, []string{"⏸ paused (nobody presents)"}},
		{"party_presenting", State{HasData: true, Mode: feeds.ModeReplay, Frame: frameAt(14, 50),
			Clock: &feeds.ClockStatus{Speed: 120, Party: true, Presenting: true, Presenter: "alice", Watchers: 3}},
			common.GlyphsBraille, []string{"PRESENTING", "3 watching"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := view(tc.s, 220, tc.g)
			for _, w := range tc.want {
				if !strings.Contains(v, w) {
					t.Errorf("%q lacks %q", v, w)
				}
			}
			if tc.g == common.GlyphsASCII {
				for _, r := range v {
					if r > 127 {
						t.Fatalf("non-ascii %q in %q", r, v)
					}
				}
			}
		})
	}
}

// Narrow bars keep the badges, the exchange time and the pause state.
func TestNarrowKeepsEssentials(t *testing.T) {
	s := State{HasData: true, Mode: feeds.ModeReplay, Frame: frameAt(14, 50), Clock: &feeds.ClockStatus{Paused: true},
		Err: "a long error message that will not fit", Help: "? help"}
	v := view(s, 60, common.GlyphsBraille)
	for _, w := range []string{"REPLAY", "RECONSTRUCTED", "14:50 ET", "paused"} {
		if !strings.Contains(v, w) {
			t.Errorf("%q lacks %q", v, w)
		}
	}
	for w := 0; w <= 220; w++ {
		v := view(s, w, common.GlyphsBraille)
		if got := ansi.StringWidth(v); got != w {
			t.Fatalf("width %d: %d", w, got)
		}
		// shorter forms before a cut inside the time
		if w >= 30 && !strings.Contains(v, "14:50 ET") {
			t.Fatalf("width %d: time cut: %q", w, v)
		}
	}
}

// A long error is cut, not allowed to push the health and the time off the
// bar (a DNS failure's text is longer than most terminals).
func TestLongErrorKeepsHealthAndTime(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	long := "cannot reach Yahoo: " + strings.Repeat("Get \"https://finance.yahoo.com/\": dial tcp: lookup failed; ", 4)
	s := State{HasData: true, Mode: feeds.ModeLive, Frame: frameAt(11, 0), Now: now,
		Health: feeds.Health{State: feeds.HealthRetrying, RetryAt: now.Add(30 * time.Second), LastErr: long}}
	for _, w := range []int{100, 140, 200} {
		v := view(s, w, common.GlyphsBraille)
		// live: the wall clock (07:00 ET), not the last frame's 11:00
		for _, want := range []string{"LIVE", "07:00 ET", "retrying in 30s", "error: cannot reach Yahoo", "…"} {
			if !strings.Contains(v, want) {
				t.Errorf("width %d: %q lacks %q", w, v, want)
			}
		}
		if got := ansi.StringWidth(v); got != w {
			t.Errorf("width %d: bar is %d cells", w, got)
		}
	}
}

// A rejected "go to" says why even on a narrow bar: the message is cut to
// the room left, not dropped with the other low-priority segments.
func TestNoteSurvivesNarrowBar(t *testing.T) {
	s := State{HasData: true, Mode: feeds.ModeReplay, Frame: frameAt(14, 45),
		Clock: &feeds.ClockStatus{Speed: 120, Paused: true},
		Note:  `go to: cannot read "25:99": type HH:MM or YYYY-MM-DDTHH:MM`}
	for _, w := range []int{80, 100} {
		v := view(s, w, common.GlyphsBraille)
		if !strings.Contains(v, `go to: cannot read`) {
			t.Errorf("width %d: %q lost the go-to message", w, v)
		}
		if got := ansi.StringWidth(v); got != w {
			t.Errorf("width %d: bar is %d cells", w, got)
		}
	}
}

// The day stays on the bar down to 40 cells, as "Mon 27 14:50 ET": with n
// and p stepping between days, the time alone cannot tell Friday from
// Monday. It gives way (to the time alone) only after the short badges.
func TestNarrowKeepsTheDay(t *testing.T) {
	s := State{HasData: true, Mode: feeds.ModeReplay, Frame: frameAt(14, 50), Clock: &feeds.ClockStatus{Paused: true}, Help: "? help"}
	for w := 40; w <= 70; w++ {
		v := view(s, w, common.GlyphsBraille)
		if !strings.Contains(v, "Mon 27") || !strings.Contains(v, "14:50 ET") {
			t.Errorf("width %d: %q", w, v)
		}
	}
	if v := view(s, 30, common.GlyphsBraille); !strings.Contains(v, "14:50 ET") || !strings.Contains(v, "RECON.") {
		t.Errorf("width 30: %q", v)
	}
}

// A long health detail (a backfill error per symbol) is cut to the room
// left, and the state word stays: the whole health segment used to vanish.
func TestLongHealthKeepsItsStateWord(t *testing.T) {
	detail := "backfill: NVDA: malformed answer from Yahoo: an HTML page instead of JSON; AVGO: malformed answer from Yahoo: an HTML page instead of JSON; TSM: ..."
	s := State{HasData: true, Mode: feeds.ModeLive, Frame: frameAt(14, 50),
		Health: feeds.Health{State: feeds.HealthDegraded, Detail: detail}, Help: "? help"}
	for _, w := range []int{60, 80, 120, 160} {
		v := view(s, w, common.GlyphsBraille)
		if !strings.Contains(v, "degraded") {
			t.Errorf("width %d: %q", w, v)
		}
		if w >= 120 && !strings.Contains(v, "backfill") {
			t.Errorf("width %d: the detail is gone: %q", w, v)
		}
	}
}

// In live mode the bar's clock is the wall clock when the last frame is
// older (a long back-off publishes nothing); a replay shows its frame.
func TestLiveClockRunsBetweenFrames(t *testing.T) {
	now := time.Date(2025, 1, 27, 16, 4, 48, 0, time.UTC) // 11:04 ET
	s := State{HasData: true, Mode: feeds.ModeLive, Frame: frameAt(11, 0), Now: now}
	if v := view(s, 160, common.GlyphsBraille); !strings.Contains(v, "11:04 ET") {
		t.Errorf("live: %q", v)
	}
	s.Mode = feeds.ModeReplay
	if v := view(s, 160, common.GlyphsBraille); !strings.Contains(v, "11:00 ET") {
		t.Errorf("replay: %q", v)
	}
}

// Skipped records: "feed ok" stays, the count after it is cut to fit,
// and the day is not pushed off a 50-column bar.
func TestSkippedCountIsTrimmed(t *testing.T) {
	s := State{HasData: true, Mode: feeds.ModeReplay, Frame: frameAt(14, 50), Clock: &feeds.ClockStatus{Paused: true},
		Health: feeds.Health{State: feeds.HealthOK, Skipped: 12}, Help: "? help"}
	for _, w := range []int{50, 60, 80} {
		v := view(s, w, common.GlyphsBraille)
		if !strings.Contains(v, "feed ok") || !strings.Contains(v, "Mon 27") {
			t.Errorf("width %d: %q", w, v)
		}
	}
	if v := view(s, 160, common.GlyphsBraille); !strings.Contains(v, "12 bad records skipped") {
		t.Errorf("160: %q", v)
	}
}
