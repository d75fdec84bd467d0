package timeline

import (
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/selloff/selloff/snapshots"
	"github.com/selloff/selloff/tui/common"
	"github.com/selloff/selloff/tui/theme"
)

// detailRows is the number of detail lines that fit above the footer.
func (m *Model) detailRows() int {
	if m.h > 1 {
		return m.h - 1
	}
	return m.h
}

// maxScroll is the last first line of a detail that still fills the pane.
func (m *Model) maxScroll() int {
	if m.sel < 0 || m.sel >= len(m.events) {
		return 0
	}
	return max(0, len(m.detailBody())-m.detailRows())
}

// detailLines is the visible part of the selected event's detail and a
// footer that says whether more is above or below.
func (m *Model) detailLines() []string {
	faint := m.c.Styles.Faint
	body := m.detailBody()
	rows := m.detailRows()
	m.scroll = common.Clamp(m.scroll, 0, max(0, len(body)-rows))
	end := min(len(body), m.scroll+rows)
	lines := append([]string(nil), body[m.scroll:end]...)
	if m.h <= 1 {
		return lines
	}
	for len(lines) < rows {
		lines = append(lines, "")
	}
	var more []string
	if m.scroll > 0 {
		more = append(more, "↑")
	}
	if end < len(body) {
		more = append(more, "↓ "+strconv.Itoa(len(body)-end)+" more")
	}
	foot := "j/k other event · enter back · [ ] jump"
	if len(more) > 0 {
		foot = strings.Join(more, " ") + " · j/k scroll · enter back"
	}
	return append(lines, faint.Render(m.txt(foot)))
}

// detailBody is the selected event's detail, wrapped to the pane's width.
func (m *Model) detailBody() []string {
	_, faint, _, _, header, title, muted := m.styles()
	e := m.events[m.sel]
	w := m.w
	var lines []string
	add := func(st lipgloss.Style, s string) {
		for _, l := range strings.Split(common.Wordwrap(s, w), "\n") {
			lines = append(lines, st.Render(l))
		}
	}
	loc := snapshots.Location()
	t := e.Time.In(loc)
	var when string
	placed := ""
	if m.sel < len(m.placed) {
		placed = m.placed[m.sel].In(loc).Format("15:04")
		if !sameDay(m.placed[m.sel].In(loc), t) {
			placed = m.placed[m.sel].In(loc).Format("Mon 2 Jan 15:04")
		}
	}
	switch e.Precision {
	case snapshots.PrecisionExact:
		when = t.Format("Mon 2 Jan 2006 15:04") + " ET"
	case snapshots.PrecisionDate:
		when = t.Format("Mon 2 Jan 2006") + " (time of day not known; placed at the close, " + placed + ")"
	default:
		when = t.Format("Mon 2 Jan 2006") + ", " + e.Precision + " ET (exact time not known; placed at " + placed + ", by when it had happened)"
	}
	add(header, "#"+strconv.Itoa(m.sel+1)+"  "+when)
	if m.Hidden(m.sel) {
		add(muted, m.txt("Not reached yet · "+Kind(e)))
		lines = append(lines, "")
		hint := "Its text shows when the replay gets there (no spoilers)."
		if m.seek {
			hint += " enter on the list replays from it."
		}
		add(faint, m.txt(hint+" v shows every event's text."))
		return lines
	}
	add(title, m.txt(e.Title))
	if e.Outlet != "" {
		add(muted, "Outlet: "+m.txt(e.Outlet))
	}
	if e.Link != "" {
		lines = append(lines, common.LinkLines(m.c.Styles, "Link:", e.Link, m.w)...)
	}
	if e.Detail != "" {
		lines = append(lines, "")
		add(m.c.Styles.Base, m.txt(e.Detail))
	}
	if len(e.Symbols) > 0 {
		lines = append(lines, "")
		add(muted, "Symbols: "+strings.Join(e.Symbols, ", "))
	}
	if len(e.Quotes) > 0 {
		lines = append(lines, "")
		for _, q := range e.Quotes {
			add(muted, m.txt("Quoted: "+QuoteText(q)))
		}
	}
	if m.isFuture(m.sel) {
		add(faint, "(after the replay's time: not reached yet)")
	}
	return lines
}

func sameDay(a, b time.Time) bool {
	return a.Year() == b.Year() && a.YearDay() == b.YearDay()
}

// QuoteText is an event's quoted figure in words: "NVDA 199.60 (−18.4%)
// low so far, pre-market".
func QuoteText(q snapshots.EventQuote) string {
	s := q.Symbol
	if q.Price != nil {
		s += " " + common.Price(*q.Price)
	}
	if q.ChangePct != nil {
		pct := common.ReportedMove(*q.ChangePct, q.TolerancePct, q.Bound)
		if q.Price != nil {
			pct = "(" + pct + ")"
		}
		s += " " + pct
	}
	switch q.Extent {
	case snapshots.ExtentLow:
		s += ", the low so far"
	case snapshots.ExtentHigh:
		s += ", the high so far"
	case snapshots.ExtentReport:
		s += ", as reported"
	}
	switch q.Session {
	case snapshots.StatePre:
		s += ", pre-market"
	case snapshots.StatePost:
		s += ", after hours"
	}
	return s
}

// truncWords cuts s to w cells with tail, at a space when one is near the
// end, so a title is not cut inside a number ("(−16.97%)" becomes "…", not
// "(−1…").
func truncWords(s string, w int, tail string) string {
	if theme.StringWidth(s) <= w {
		return s
	}
	tw := theme.StringWidth(tail)
	cut := ansi.Truncate(s, max(0, w-tw), "")
	if i := strings.LastIndexByte(cut, ' '); i > 0 && theme.StringWidth(cut[:i]) >= w*2/3 {
		cut = strings.TrimRight(cut[:i], " ,;:")
	}
	return cut + tail
}
