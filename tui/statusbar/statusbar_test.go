package statusbar

import (
	"io"
	"math"
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
		{"party_lesson", State{HasData: true, Mode: feeds.ModeReplay, Frame: frameAt(14, 50),
			Clock: &feeds.ClockStatus{Speed: 120, Party: true, Presenting: true, Presenter: "alice", Watchers: 3,
				Lesson: &feeds.Lesson{Watching: 5, Following: 4}}},
			common.GlyphsASCII, []string{"PRESENTING", "5 watching . 4 follow"}},
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
	for _, w := range []string{"REPLAY", "RECON", "Mon 27 Jan 14:50 ET", "paused", "? help"} {
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
		// the error's kind, and where the rest is: not a cut mid-word
		for _, want := range []string{"LIVE", "07:00 ET", "retrying in 30s", "error: cannot reach Yahoo (e: details)"} {
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

// A long error is shortened at its structure ("kind: cause; more"), never
// cut into "…finance.yahoo.com (no…".
func TestShortError(t *testing.T) {
	for _, tc := range []struct {
		text  string
		limit int
		want  string
	}{
		{"error: cannot reach Yahoo: cannot resolve query1.finance.yahoo.com (no network or no DNS?)", 40, "error: cannot reach Yahoo (e: details)"},
		{"error: rate limited by Yahoo (429 on the crumb request); next try at 15:04:05", 60, "error: rate limited by Yahoo (e: details)"},
		{"error: rate limited by Yahoo (429 on the crumb request); next try at 15:04:05", 80, "error: rate limited by Yahoo (429 on the crumb request); next try at 15:04:05"},
		{"error: rate limited by Yahoo (429 on the crumb request); next try at 15:04:05", 0, "error: rate limited by Yahoo"},
		{"error: short", 40, "error: short"},
	} {
		if got := ShortError(tc.text, tc.limit); got != tc.want {
			t.Errorf("ShortError(%q, %d) = %q, want %q", tc.text, tc.limit, got, tc.want)
		}
	}
}

// A speed a source should never send (NaN, Inf, 1e300) reads as missing or
// overflowed, never "NaN×".
func TestSpeedNeverGarbage(t *testing.T) {
	for v, want := range map[float64]string{math.NaN(): "—×", math.Inf(1): "—×", 1e300: "####×", 0.25: "0.25×", 0.5: "0.5×", 120: "120×"} {
		if got := Speed(v, common.GlyphsBraille); got != want {
			t.Errorf("Speed(%v) = %q, want %q", v, got, want)
		}
	}
}

func TestHealthTextCarriesTheStream(t *testing.T) {
	now := time.Date(2025, 1, 27, 15, 30, 0, 0, time.UTC)
	for name, tc := range map[string]struct {
		h    feeds.Health
		want string
	}{
		"no_stream":  {feeds.Health{State: feeds.HealthOK}, "feed ok"},
		"streaming":  {feeds.Health{State: feeds.HealthOK, Stream: feeds.StreamHealth{State: "streaming"}}, "feed ok: streaming"},
		"connecting": {feeds.Health{State: feeds.HealthOK, Stream: feeds.StreamHealth{State: "connecting"}}, "feed ok: stream connecting"},
		"down": {feeds.Health{State: feeds.HealthOK, Detail: "market closed; polling every 1m",
			Stream: feeds.StreamHealth{State: "down", RetryAt: now.Add(7200 * time.Millisecond), LastErr: "x"}},
			"feed ok: stream down, polling; retry in 8s; market closed; polling every 1m"},
		"bad_frames":    {feeds.Health{State: feeds.HealthOK, Stream: feeds.StreamHealth{State: "streaming", Bad: 3}}, "feed ok: streaming, 3 bad frames"},
		"one_bad_frame": {feeds.Health{State: feeds.HealthOK, Stream: feeds.StreamHealth{State: "streaming", Bad: 1}}, "feed ok: streaming, 1 bad frame"},
	} {
		t.Run(name, func(t *testing.T) {
			if got := HealthText(tc.h, now); got != tc.want {
				t.Fatalf("got %q\nwant %q", got, tc.want)
			}
		})
	}
}

// At 80 columns a paused replay keeps "? help" and the speed play resumes
// at (they were dropped while "feed ok" and "open" stayed); at 60 the date
// keeps its month ("Mon 27 14:50" could be any month).
func TestSmallBarsKeepHelpSpeedAndMonth(t *testing.T) {
	s := State{HasData: true, Mode: feeds.ModeReplay, Frame: frameAt(14, 50), Clock: &feeds.ClockStatus{Speed: 120, Paused: true}, Help: "? help"}
	s.Frame.Title = "DeepSeek week (reconstructed): 24–28 Jan 2025"
	for w, want := range map[int][]string{
		80: {"REPLAY", "Mon 27 Jan", "14:50 ET", "paused", "120×", "? help"},
		60: {"REPLAY", "RECON", "Mon 27 Jan 14:50 ET", "paused", "? help"},
		50: {"REPLAY", "Mon 27", "14:50 ET"},
	} {
		v := view(s, w, common.GlyphsBraille)
		for _, x := range want {
			if !strings.Contains(v, x) {
				t.Errorf("width %d: %q lacks %q", w, v, x)
			}
		}
	}
}

// A note from the source (a file cut short) says the data is incomplete:
// it stays on the bar after "feed ok" has given way, at every width where
// a message fits (it used to go with "feed ok", at 100 columns).
func TestSourceNoteOutlivesFeedOK(t *testing.T) {
	s := State{HasData: true, Mode: feeds.ModeReplay, Frame: frameAt(10, 0), Clock: &feeds.ClockStatus{Speed: 120, Paused: true},
		Health: feeds.Health{State: feeds.HealthOK, Detail: "file cut short after line 17277 (a recording stopped mid-write?)"},
		Help:   "? help"}
	for _, w := range []int{80, 100, 120, 160} {
		v := view(s, w, common.GlyphsBraille)
		if !strings.Contains(v, "file cut short") {
			t.Errorf("width %d: no note: %q", w, v)
		}
		if got := ansi.StringWidth(v); got != w {
			t.Errorf("width %d: %d cells", w, got)
		}
	}
	if v := view(s, 100, common.GlyphsBraille); !strings.Contains(v, "file cut short after line 17277") {
		t.Errorf("100 columns: the line is lost: %q", v)
	}
	if v := view(s, 220, common.GlyphsBraille); !strings.Contains(v, "feed ok") || !strings.Contains(v, "(a recording stopped mid-write?)") {
		t.Errorf("wide: %q", v)
	}
}

// Live mode keeps the month in the time at every width where a replay
// keeps it: it read "Mon 27 16:03 ET  retrying in 9s" where a replay read
// "Mon 27 Jan 16:03 ET"; the countdown gives way first now.
func TestLiveKeepsTheMonthLikeReplay(t *testing.T) {
	now := time.Date(2025, 1, 27, 21, 3, 0, 0, time.UTC)
	replays := []State{
		{HasData: true, Mode: feeds.ModeReplay, Frame: frameAt(16, 3), Clock: &feeds.ClockStatus{Speed: 120, Paused: true}, Help: "? help"},
		{HasData: true, Mode: feeds.ModeReplay, Frame: frameAt(16, 3), Clock: &feeds.ClockStatus{Speed: 120}, Help: "? help"},
	}
	// the narrowest width at which a replay shows the month
	minW := 0
	for w := 220; w > 0; w-- {
		for _, s := range replays {
			if strings.Contains(view(s, w, common.GlyphsBraille), "Mon 27 Jan 16:03 ET") {
				minW = w
			}
		}
	}
	if minW == 0 || minW > 60 {
		t.Fatalf("replay shows the month from %d columns", minW)
	}
	down := feeds.StreamHealth{State: "down", RetryAt: now.Add(8 * time.Second)}
	lives := map[string]feeds.Health{
		"ok":        {State: feeds.HealthOK},
		"streaming": {State: feeds.HealthOK, Stream: feeds.StreamHealth{State: "streaming"}},
		"retrying":  {State: feeds.HealthRetrying, RetryAt: now.Add(9 * time.Second), LastErr: "cannot reach Yahoo: dial tcp: no such host", Stream: down},
		"reauth":    {State: feeds.HealthReauth, LastErr: "HTTP 401"},
		"offline":   {State: feeds.HealthOffline, LastErr: "cannot reach Yahoo"},
		"degraded":  {State: feeds.HealthDegraded, Detail: "3 symbols missing"},
	}
	for name, h := range lives {
		for _, mode := range []feeds.Mode{feeds.ModeLive, feeds.ModeRecording} {
			s := State{HasData: true, Mode: mode, Frame: frameAt(16, 3), Now: now, Health: h, Help: "? help"}
			for w := minW; w <= 220; w++ {
				v := view(s, w, common.GlyphsBraille)
				if !strings.Contains(v, "Mon 27 Jan") {
					t.Errorf("%s %s at %d columns: no month: %q", mode, name, w, v)
					break
				}
				if h.State != feeds.HealthOK && !strings.Contains(v, HealthText(h, now)[:5]) {
					t.Errorf("%s %s at %d columns: the health word is gone: %q", mode, name, w, v)
					break
				}
			}
		}
	}
}

// Live with no network at 80 columns: the error stays on the bar; the
// stream's detail gives way first (both went, leaving "retrying" with no
// reason).
func TestOfflineErrorOutlivesTheDetail(t *testing.T) {
	now := time.Date(2026, 12, 6, 21, 33, 0, 0, time.UTC)
	s := State{HasData: true, Mode: feeds.ModeLive, Frame: frameAt(16, 3), Now: now, Help: "? help",
		Health: feeds.Health{State: feeds.HealthRetrying, RetryAt: now.Add(7 * time.Second), Detail: "no data yet",
			LastErr: "cannot reach Yahoo; dial tcp: lookup query1.finance.yahoo.com: no such host",
			Stream:  feeds.StreamHealth{State: "down", RetryAt: now.Add(8 * time.Second)}}}
	for _, w := range []int{70, 80, 100} {
		v := view(s, w, common.GlyphsBraille)
		if !strings.Contains(v, "error: cannot reach") || !strings.Contains(v, "retrying") || !strings.Contains(v, "? help") {
			t.Errorf("width %d: %q", w, v)
		}
	}
	if v := view(s, 220, common.GlyphsBraille); !strings.Contains(v, "stream down") {
		t.Errorf("wide: %q", v)
	}
}

// A presenter's counts stay on the bar with the help hint at 80 columns
// and 100 (at 100 "feed ok" used to outlast them), playing or paused, and
// beside a note; in their short form when the long one does not fit.
func TestPresenterCountsStay(t *testing.T) {
	for _, paused := range []bool{false, true} {
		for _, note := range []string{"", "asked the room (A locks the answers)"} {
			s := State{HasData: true, Mode: feeds.ModeReplay, Frame: frameAt(14, 50), Help: "? help", Note: note,
				Clock: &feeds.ClockStatus{Speed: 120, Paused: paused, Party: true, Presenting: true, Presenter: "alice",
					Lesson: &feeds.Lesson{Watching: 12, Following: 11}}}
			for _, c := range []struct {
				w    int
				want string
			}{{140, "12 watching · 11 follow"}, {100, "12 watching · 11 follow"}, {80, "11/12 follow"}} {
				if note != "" && c.w == 100 {
					c.want = "11/12 follow" // and the note, cut
				}
				v := view(s, c.w, common.GlyphsBraille)
				// a note outlasts the help hint (as it does for anyone)
				if !strings.Contains(v, c.want) || note == "" && !strings.Contains(v, "? help") || !strings.Contains(v, "PRESENTING") {
					t.Errorf("paused=%v note=%q at %d: %q lacks %q or the help", paused, note, c.w, v, c.want)
				}
			}
		}
	}
	// A viewer on its own clock (f) says so, not that nobody presents.
	s := State{HasData: true, Mode: feeds.ModeReplay, Frame: frameAt(14, 50), Help: "? help",
		Clock: &feeds.ClockStatus{Speed: 120, Paused: true, Party: true, Presenter: "alice"}}
	if v := view(s, 100, common.GlyphsBraille); !strings.Contains(v, "⏸ paused (own clock)") {
		t.Errorf("own clock: %q", v)
	}
}
