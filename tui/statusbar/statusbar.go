// Package statusbar is the bottom line: mode and provenance badges, the
// snapshot title, exchange date and time, market state, replay speed and
// pause, feed health and the last error in words. Segments are dropped by
// priority when the terminal is narrow; the badges stay.
package statusbar

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/snapshots"
	"github.com/selloff/selloff/tui/common"
	"github.com/selloff/selloff/tui/theme"
)

// State is everything the bar shows. The root fills it from the latest
// update and its own state.
type State struct {
	HasData bool
	Mode    feeds.Mode
	Frame   *market.Frame
	Clock   *feeds.ClockStatus
	Health  feeds.Health
	Now     time.Time // last known wall time (for retry countdowns)
	Ended   bool      // the update channel closed
	Err     string    // the last error of the UI (a refused command, a bad input)
	Note    string    // a short notice ("go to: bad time ...")
	Help    string    // the help hint ("? help")
}

// Model is the status bar. It is one line high.
type Model struct {
	c     common.Common
	width int
	s     State
}

// New returns a status bar.
func New(c common.Common) Model { return Model{c: c} }

// SetSize sets the width; the bar is one line.
func (m *Model) SetSize(w, _ int) { m.width = max(w, 0) }

// Set replaces the state shown.
func (m *Model) Set(s State) { m.s = s }

// Height is the bar's rendered height.
func (m Model) Height() int { return lipgloss.Height(m.View()) }

type segment struct {
	text  string
	drop  int // lower drops first; 0 never
	trim  bool
	short string // a shorter form used when dropping is not enough ("" none)
}

// clock is the exchange time the bar shows: the frame's, or in live mode
// the wall clock when it is later (between polls, and through a long
// back-off, the last frame's time would stand still).
func (s State) clock() time.Time {
	if s.Frame == nil || s.Frame.Time.IsZero() {
		return time.Time{}
	}
	t := s.Frame.Time
	if (s.Mode == feeds.ModeLive || s.Mode == feeds.ModeRecording) && s.Now.After(t) {
		t = s.Now
	}
	return t.In(snapshots.Location())
}

// MarketState names the market state at the frame's time from its session
// times: pre-market, open, after hours or closed.
func MarketState(f *market.Frame) string {
	s, ok := f.CurrentSession()
	if !ok {
		return "closed"
	}
	t := f.Time
	loc := snapshots.Location()
	d := s.Open.In(loc)
	pre := time.Date(d.Year(), d.Month(), d.Day(), 4, 0, 0, 0, loc)
	post := time.Date(d.Year(), d.Month(), d.Day(), 20, 0, 0, 0, loc)
	switch {
	case t.Before(pre):
		return "closed"
	case t.Before(s.Open):
		return "pre-market"
	case t.Before(s.Close):
		return "open"
	case t.Before(post):
		return "after hours"
	}
	return "closed"
}

// Speed formats a replay speed: "60×", "0.5×" ("60x" in ascii).
func Speed(v float64, g common.Glyphs) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if v >= 10 {
		s = strconv.FormatFloat(math.Round(v), 'f', 0, 64)
	}
	return common.Text(s+"×", g)
}

// HealthText describes feed health in words, with a retry countdown
// measured from now (the last wall time the root was told).
func HealthText(h feeds.Health, now time.Time) string {
	var s string
	switch h.State {
	case feeds.HealthOK, "":
		s = "feed ok"
	case feeds.HealthRetrying:
		s = "retrying"
		if !h.RetryAt.IsZero() && !now.IsZero() {
			if d := h.RetryAt.Sub(now); d > 0 {
				s += " in " + strconv.Itoa(int(math.Ceil(d.Seconds()))) + "s"
			} else {
				s += " now"
			}
		}
	case feeds.HealthReauth:
		s = "re-authenticating"
	case feeds.HealthOffline:
		s = "offline"
	case feeds.HealthDegraded:
		s = "degraded"
	case feeds.HealthStopped:
		s = "stopped"
	default:
		s = string(h.State)
	}
	if h.Detail != "" {
		s += ": " + h.Detail
	}
	if h.Skipped > 0 && !strings.Contains(h.Detail, "skipped") {
		n := strconv.Itoa(h.Skipped) + " bad records skipped"
		if h.Skipped == 1 {
			n = "1 bad record skipped"
		}
		s += ", " + n
	}
	return s
}

// Watching says how many others watch a watch party's presenter.
func Watching(n int) string {
	switch n {
	case 0:
		return "nobody watching yet"
	case 1:
		return "1 watching"
	}
	return strconv.Itoa(n) + " watching"
}

func (m Model) segments() []segment {
	st := &m.c.Styles.P // painters: the bar is drawn on every View
	g := m.c.Glyphs
	s := m.s
	var segs []segment
	add := func(text string, drop int, trim bool) {
		if text != "" {
			segs = append(segs, segment{text: text, drop: drop, trim: trim})
		}
	}
	if !s.HasData || s.Frame == nil {
		add(st.Badge.Render("SELLOFF"), 0, false)
		if s.Ended {
			add(st.Err.Render("feed ended before any data"), 0, true)
		} else {
			add(st.Muted.Render("waiting for data…"), 3, true)
		}
		if s.Err != "" {
			add(st.Err.Render("error: "+s.Err), 2, true)
		}
		add(st.Faint.Render(s.Help), 1, false)
		return segs
	}
	f := s.Frame
	mode := strings.ToUpper(string(s.Mode))
	if mode == "" {
		mode = "REPLAY"
	}
	modeStyle := st.Badge
	if s.Mode == feeds.ModeRecording {
		modeStyle = st.BadgeErr
	}
	add(modeStyle.Render(mode), 0, false)
	if p := f.Provenance; p != "" && (s.Mode == feeds.ModeReplay || s.Mode == "") {
		ps := st.Badge
		if p == snapshots.Reconstructed {
			ps = st.BadgeWarn
		}
		add(ps.Render(strings.ToUpper(string(p))), 0, false)
		if p == snapshots.Reconstructed {
			segs[len(segs)-1].short = ps.Render("RECON.")
		}
	}
	add(st.Title.Render(common.Text(f.Title, g)), 2, true) // drops before the figures
	if t := s.clock(); !t.IsZero() {
		add(st.Base.Render(t.Format("Mon 2 Jan 2006 15:04")+" ET"), 0, false) // shortened in View when narrow
	}
	add(st.Muted.Render(MarketState(f)), 3, false)
	if c := s.Clock; c != nil {
		var cs string
		switch {
		case c.AtEnd:
			cs = "end of data"
		case c.Paused:
			cs = common.Text("⏸ paused", g)
			if g == common.GlyphsASCII {
				cs = "|| paused"
			}
		default:
			cs = common.Text("▶ ", g) + Speed(c.Speed, g)
			if g == common.GlyphsASCII {
				cs = "> " + Speed(c.Speed, g)
			}
		}
		switch {
		case c.Presenting:
		case c.Follows && c.Presenter != "":
			cs += " (following " + c.Presenter + ")"
		case c.Follows:
			cs += " (following)"
		case c.Party:
			cs += " (nobody presents)"
		}
		sty := st.Accent
		if c.Paused {
			sty = st.Warn
		}
		add(sty.Render(cs), 0, false)
		if c.Paused && !c.AtEnd {
			short := "⏸"
			if g == common.GlyphsASCII {
				short = "||"
			}
			segs[len(segs)-1].short = sty.Render(short)
			// the speed play will resume at: + and - change it while paused
			add(st.Muted.Render(Speed(c.Speed, g)), 2, false)
		}
		if c.Presenting {
			// a watch party's presenter: the room follows this clock
			add(st.Badge.Render("PRESENTING"), 0, false)
			add(st.Muted.Render(Watching(c.Watchers)), 2, false)
		}
	}
	h := HealthText(s.Health, s.Now)
	hs := st.Up
	switch s.Health.State {
	case feeds.HealthRetrying, feeds.HealthReauth, feeds.HealthDegraded:
		hs = st.Warn
	case feeds.HealthOffline, feeds.HealthStopped:
		hs = st.Err
	default:
		if s.Health.Skipped > 0 {
			hs = st.Warn
		}
	}
	if s.Ended {
		add(st.Err.Render("feed ended"), 0, false)
	} else {
		// The state word ("degraded", "offline") stays whatever the width
		// when something is wrong; its detail after ": " is cut to the room
		// left. A healthy "feed ok" is among the first things dropped.
		word, detail, hasDetail := strings.Cut(h, ": ")
		if !hasDetail {
			word, detail, hasDetail = strings.Cut(h, ", ") // "feed ok, 12 bad records skipped"
		}
		level, detailLevel := 0, 5
		if (s.Health.State == feeds.HealthOK || s.Health.State == "") && s.Health.Skipped == 0 {
			level, detailLevel = 4, 4 // healthy: both go early, together
		}
		add(hs.Render(common.Text(word, g)), level, false)
		if hasDetail {
			add(hs.Render(common.Text(detail, g)), detailLevel, true)
		}
	}
	errText := s.Err
	if errText == "" && s.Health.LastErr != "" && s.Health.State != feeds.HealthOK {
		errText = s.Health.LastErr
	}
	if errText != "" {
		// A long error (a URL, a wrapped chain) must not push the health
		// and the time off the bar: it gets at most two fifths of the width.
		errText = common.Text("error: "+errText, g)
		if limit := max(24, m.width*2/5); theme.Width(errText) > limit {
			errText = ansi.Truncate(errText, limit, "…")
		}
		add(st.Err.Render(errText), 5, true)
	}
	if s.Note != "" {
		add(st.Warn.Render(common.Text(s.Note, g)), 5, true)
	}
	add(st.Faint.Render(s.Help), 1, false)
	return segs
}

// View renders the bar, dropping low-priority segments and then trimming
// text to fit the width.
func (m Model) View() string {
	w := m.width
	if w <= 0 {
		return ""
	}
	segs := m.segments()
	const sep = "  "
	width := func(ss []segment) int {
		n := 0
		for i, s := range ss {
			if i > 0 {
				n += len(sep)
			}
			n += theme.Width(s.text)
		}
		return n
	}
	drop := func(level int) {
		kept := segs[:0:0]
		for _, s := range segs {
			if s.drop != level {
				kept = append(kept, s)
			}
		}
		segs = kept
	}
	// Within a level, the widest segment goes first, one at a time: the
	// snapshot's long title goes before a paused replay's "120×".
	dropWidest := func(level int) {
		for width(segs) > w {
			wi := -1
			for i, s := range segs {
				if s.drop == level && (wi < 0 || theme.Width(s.text) > theme.Width(segs[wi].text)) {
					wi = i
				}
			}
			if wi < 0 {
				return
			}
			segs = append(segs[:wi:wi], segs[wi+1:]...)
		}
	}
	for level := 1; width(segs) > w && level <= 4; level++ {
		dropWidest(level)
	}
	// Shorter exchange times when still too wide: first the weekday and
	// day without month and year (stepping between days must stay
	// readable); the time alone only after every other short form.
	t := m.s.clock()
	curTime := m.c.Styles.P.Base.Render(t.Format("Mon 2 Jan 2006 15:04") + " ET")
	shortenTime := func(layout string) {
		if width(segs) <= w || t.IsZero() {
			return
		}
		next := m.c.Styles.P.Base.Render(t.Format(layout) + " ET")
		for i := range segs {
			if segs[i].text == curTime {
				segs[i].text = next
			}
		}
		curTime = next
	}
	shortenTime("Mon 2 15:04")
	// The last level holds the error and a message for the user (a
	// rejected "go to"): they are cut to the room left rather than
	// dropped, since they say what just went wrong; dropped only when not
	// even a stub fits beside the badges, the time and the clock.
	if width(segs) > w {
		segs = fitMessages(segs, w, width)
	}
	if width(segs) > w {
		drop(5)
	}
	// Then the shorter forms (the paused sign, "RECON."), from the right,
	// rather than cutting the line inside the time.
	for i := len(segs) - 1; i >= 0 && width(segs) > w; i-- {
		if segs[i].short != "" {
			segs[i].text = segs[i].short
		}
	}
	shortenTime("15:04")
	parts := make([]string, len(segs))
	for i, s := range segs {
		parts[i] = s.text
	}
	out := strings.Join(parts, sep)
	if theme.Width(out) > w {
		out = ansi.Truncate(out, w, "")
	}
	if d := w - theme.Width(out); d > 0 {
		out += strings.Repeat(" ", d)
	}
	return m.c.Styles.P.StatusBar.Render(out)
}

// fitMessages cuts the trimmable last-level segments (error, note) so the
// bar fits in w cells, keeping at least a readable stub of each.
func fitMessages(segs []segment, w int, width func([]segment) int) []segment {
	const minCells = 16
	out := append([]segment(nil), segs...)
	for i := len(out) - 1; i >= 0 && width(out) > w; i-- {
		if out[i].drop != 5 || !out[i].trim {
			continue
		}
		over := width(out) - w
		keep := theme.Width(out[i].text) - over
		if keep < minCells {
			continue
		}
		out[i].text = ansi.Truncate(out[i].text, keep, "…")
	}
	return out
}
