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
// A speed that is not a number or past any real one (a source's bug) is
// "—×" or "####×", never "NaN×".
func Speed(v float64, g common.Glyphs) string {
	if !common.Sane(v, 1e6) {
		if !common.Finite(v) {
			return common.Text(common.Missing+"×", g)
		}
		return common.Text(common.Overflow+"×", g)
	}
	s := strconv.FormatFloat(v, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
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
	detail := h.Detail
	if st := StreamText(h.Stream, now); st != "" {
		if detail != "" {
			st += "; "
		}
		detail = st + detail
	}
	if detail != "" {
		s += ": " + detail
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

// StreamText describes a price stream beside the polls: "streaming",
// "stream connecting", "stream down, polling; retry in 8s" ("" none).
func StreamText(h feeds.StreamHealth, now time.Time) string {
	var s string
	switch h.State {
	case "":
		return ""
	case "streaming":
		s = "streaming"
	case "down":
		s = "stream down, polling"
		if !h.RetryAt.IsZero() && !now.IsZero() {
			if d := h.RetryAt.Sub(now); d > 0 {
				s += "; retry in " + strconv.Itoa(int(math.Ceil(d.Seconds()))) + "s"
			} else {
				s += "; retrying"
			}
		}
	default:
		s = "stream " + h.State
	}
	switch {
	case h.Bad == 1:
		s += ", 1 bad frame"
	case h.Bad > 1:
		s += ", " + strconv.Itoa(h.Bad) + " bad frames"
	}
	return s
}

// Drop levels of the segments, in the order they give way when the bar is
// narrow (0: never dropped). The help hint and the paused speed go last:
// a narrow terminal is where "? help" is needed most.
const (
	lvTitle   = 1 // the snapshot's title
	lvHealthy = 2 // "feed ok": nothing to report
	lvState   = 3 // the market state ("open")
	lvSpeed   = 4 // a paused replay's speed
	lvMsg     = 5 // an error or a note: cut to the room left before dropped
	lvCounts  = 6 // a presenter's "5 watching · 4 follow" (short: "4/5 follow")
	lvHelp    = 7 // "? help"
)

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
			add(st.Muted.Render("waiting for data…"), lvState, true)
		}
		if s.Err != "" {
			add(st.Err.Render("error: "+s.Err), lvMsg, true)
		}
		add(st.Faint.Render(s.Help), lvHelp, false)
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
	add(st.Title.Render(common.Text(f.Title, g)), lvTitle, true) // drops before the figures
	if t := s.clock(); !t.IsZero() {
		add(st.Base.Render(t.Format("Mon 2 Jan 2006 15:04")+" ET"), 0, false) // shortened in View when narrow
	}
	add(st.Muted.Render(MarketState(f)), lvState, false)
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
		case c.Party && c.Presenter != "":
			cs += " (own clock)" // left following (f): its private clock
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
			add(st.Muted.Render(Speed(c.Speed, g)), lvSpeed, false)
		}
		if c.Presenting {
			// a watch party's presenter: the room follows this clock
			add(st.Badge.Render("PRESENTING"), 0, false)
			// Who watches is what a presenter looks at the bar for: it
			// gives way after the notes, before the help hint, and at 80
			// columns takes its short form rather than going.
			w, short := Watching(c.Watchers), ""
			if l := c.Lesson; l != nil {
				// a lesson counts the whole party (every node) and who follows
				w = Watching(l.Watching) + common.Text(" · ", g) + strconv.Itoa(l.Following) + " follow"
				short = strconv.Itoa(l.Following) + "/" + strconv.Itoa(l.Watching) + " follow"
			}
			add(st.Muted.Render(w), lvCounts, false)
			if short != "" {
				segs[len(segs)-1].short = st.Muted.Render(short)
			}
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
		level, detailLevel, note := 0, lvMsg, false
		if (s.Health.State == feeds.HealthOK || s.Health.State == "") && s.Health.Skipped == 0 {
			level, detailLevel = lvHealthy, lvHealthy // healthy: both go early, together
			if s.Health.Detail != "" {
				// a note from the source ("file cut short after line
				// 812"): the data is incomplete, which must stay on the
				// bar after "feed ok" has given way
				detailLevel, hs, note = lvMsg, st.Warn, true
			}
		}
		add(hs.Render(common.Text(word, g)), level, false)
		if short := shortHealth(s.Health.State); short != "" && short != word {
			// gives way before the month of the time does (live at 40
			// columns read "Sun 6 16:03 ET  retrying in 9s")
			segs[len(segs)-1].short = hs.Render(short)
		}
		if hasDetail {
			add(hs.Render(common.Text(detail, g)), detailLevel, true)
			if head, _, ok := strings.Cut(detail, " ("); ok && note {
				// without its parenthesis when cut: "file cut short after line 812"
				segs[len(segs)-1].short = hs.Render(common.Text(head, g))
			}
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
		short := ShortError(errText, 0) // the kind alone, if it comes to that
		if limit := max(24, m.width*2/5); theme.Width(errText) > limit {
			errText = ansi.Truncate(ShortError(errText, limit), limit, "…")
		}
		add(st.Err.Render(errText), lvMsg, true)
		if short != errText {
			segs[len(segs)-1].short = st.Err.Render(short)
		}
	}
	if s.Note != "" {
		add(st.Warn.Render(common.Text(s.Note, g)), lvMsg, true)
	}
	add(st.Faint.Render(s.Help), lvHelp, false)
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
	dropWidest(lvTitle)
	dropWidest(lvHealthy)
	// Shorter exchange times when still too wide: first without the year
	// (the day and month stay: stepping between days must stay readable;
	// at 60 columns the month was lost); the time alone only after every
	// other short form.
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
	shortenTime("Mon 2 Jan 15:04")
	dropWidest(lvState)
	// The short forms of the badges ("RECON.") before the speed and help.
	for i := len(segs) - 1; i >= 0 && width(segs) > w; i-- {
		if segs[i].short != "" && segs[i].drop == 0 && !strings.Contains(segs[i].text, "paused") && !strings.Contains(segs[i].text, "||") {
			segs[i].text = segs[i].short
		}
	}
	dropWidest(lvSpeed)
	// The presenter's counts in their short form before any message is cut.
	for i := range segs {
		if segs[i].drop == lvCounts && segs[i].short != "" && width(segs) > w {
			segs[i].text = segs[i].short
		}
	}
	// The error and a message for the user (a rejected "go to") are cut
	// to the room left rather than dropped, since they say what just went
	// wrong; dropped only when not even a stub fits beside the badges, the
	// time, the clock and the help hint.
	if width(segs) > w {
		segs = fitMessages(segs, w, width)
	}
	if width(segs) > w {
		// The messages give way one at a time from the first (the feed's
		// detail before the error: offline at 80 columns the error went
		// with the stream's detail); the help hint gives way to a message
		// only when that makes it fit; else the messages go and the hint
		// stays.
		segs = fitSomeMessages(segs, w, width)
		if width(segs) > w {
			drop(lvMsg)
		}
	}
	if hasLevel(segs, lvCounts) && width(segs) > w {
		// a presenter at 80 columns: who watches matters more than the
		// month of the time and the word beside the paused sign
		shortenTime("Mon 2 15:04")
		for i := range segs {
			if segs[i].drop == 0 && segs[i].short != "" && width(segs) > w {
				segs[i].text = segs[i].short
			}
		}
	}
	dropWidest(lvCounts)
	dropWidest(lvHelp)
	// Then the shorter forms (the paused sign), from the right, rather
	// than cutting the line inside the time.
	for i := len(segs) - 1; i >= 0 && width(segs) > w; i-- {
		if segs[i].short != "" {
			segs[i].text = segs[i].short
		}
	}
	shortenTime("Mon 2 15:04") // below ~50 columns: the weekday and day stay, the month goes
	shortenTime("15:04")
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

// shortHealth is the short form of a health word whose long form is
// wide: "retrying" without its countdown, "re-auth" ("" none).
func shortHealth(h feeds.HealthState) string {
	switch h {
	case feeds.HealthRetrying:
		return "retrying"
	case feeds.HealthReauth:
		return "re-auth"
	}
	return ""
}

// fitSomeMessages drops the first k messages (k = 0, 1, ...) and fits the
// rest, with the help hint and then without it; segs as they are when no
// message fits.
func fitSomeMessages(segs []segment, w int, width func([]segment) int) []segment {
	without := func(k int, help bool) []segment {
		out := segs[:0:0]
		for _, x := range segs {
			switch {
			case x.drop == lvHelp && !help:
			case x.drop == lvMsg && k > 0:
				k--
			default:
				out = append(out, x)
			}
		}
		return out
	}
	n := 0
	for _, x := range segs {
		if x.drop == lvMsg {
			n++
		}
	}
	for _, help := range []bool{true, false} {
		for k := 0; k < n; k++ {
			if k == 0 && help {
				continue // tried already
			}
			if fitted := fitMessages(without(k, help), w, width); width(fitted) <= w && hasLevel(fitted, lvMsg) {
				return fitted
			}
		}
	}
	return segs
}

func hasLevel(segs []segment, level int) bool {
	for _, s := range segs {
		if s.drop == level {
			return true
		}
	}
	return false
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
		if sh := out[i].short; sh != "" && theme.Width(sh) <= keep {
			out[i].text = sh // a whole short form rather than a cut one
			continue
		}
		out[i].text = ansi.Truncate(out[i].text, keep, "…")
	}
	return out
}

// ShortError fits an error into limit cells by its structure rather than
// by cutting it anywhere ("…finance.yahoo.com (no…"): the text up to its
// first "; ", else up to its second ": " (the kind, "error: cannot reach
// Yahoo"), else without its last parenthesis, with a pointer to the
// errors view where the whole text is. A limit <= 0 asks for the shortest
// of these forms.
func ShortError(text string, limit int) string {
	const more = " (e: details)"
	if limit > 0 && theme.Width(text) <= limit {
		return text
	}
	var cands []string
	head, _, ok := strings.Cut(text, "; ")
	if ok {
		cands = append(cands, head)
	}
	if i := strings.Index(head, ": "); i >= 0 {
		if j := strings.Index(head[i+2:], ": "); j >= 0 {
			cands = append(cands, head[:i+2+j])
		}
	}
	if i := strings.LastIndex(cands0(cands, head), " ("); i > 0 {
		cands = append(cands, cands0(cands, head)[:i]) // "rate limited by Yahoo (429 on ...)" without the parenthesis
	}
	for _, c := range cands {
		if theme.Width(c+more) <= limit {
			return c + more
		}
	}
	for _, c := range cands {
		if theme.Width(c) <= limit {
			return c
		}
	}
	if limit <= 0 && len(cands) > 0 {
		return cands[len(cands)-1] // the shortest form
	}
	return text
}

// cands0 is the last candidate so far, or head.
func cands0(cands []string, head string) string {
	if len(cands) > 0 {
		return cands[len(cands)-1]
	}
	return head
}
