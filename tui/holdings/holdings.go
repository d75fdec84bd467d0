// Package holdings is the portfolio row: the user's positions valued in
// the frame (value, today's P&L, total P&L against cost), one line under
// the watchlist, and the "your portfolio" item pinned in the strip. It
// shows nothing when no positions are given.
package holdings

import (
	"math"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/feeds/portfolio"
	"github.com/selloff/selloff/tui/common"
	"github.com/selloff/selloff/tui/theme"
)

// Label names the portfolio in the row and the strip.
const Label = "Your portfolio"

// Model is the portfolio row.
type Model struct {
	c         common.Common
	positions []portfolio.Position
	sum       portfolio.Summary
	valued    bool // SetFrame has run
	width     int
}

// New returns a row for positions (none: an empty row of height 0).
func New(c common.Common, positions []portfolio.Position) Model {
	return Model{c: c, positions: positions}
}

// Enabled reports whether there are positions to show.
func (m Model) Enabled() bool { return len(m.positions) > 0 }

// SetFrame values the positions in f.
func (m *Model) SetFrame(f *market.Frame) {
	if !m.Enabled() {
		return
	}
	m.sum = portfolio.Value(f, m.positions)
	m.valued = f != nil
}

// Summary is the valuation of the last frame.
func (m Model) Summary() portfolio.Summary { return m.sum }

// SetSize sets the width; the row is one line.
func (m *Model) SetSize(w, _ int) { m.width = max(w, 0) }

// Height is 1 with positions, else 0.
func (m Model) Height() int {
	if m.Enabled() {
		return 1
	}
	return 0
}

// money formats a signed dollar amount with cents: "−$2,420.00".
func money(v float64, signed bool) string {
	s := "$" + common.Number(math.Abs(v), 2)
	switch {
	case v < 0 && s != "$0.00":
		return common.Minus + s
	case signed && s != "$0.00":
		return "+" + s
	}
	return s
}

// parts are the row's pieces, most important first: the row drops pieces
// from the end when narrow.
func (m Model) parts() []string {
	st := m.c.Styles
	g := m.c.Glyphs
	t := func(s string) string { return common.Text(s, g) }
	s := m.sum
	if !m.valued {
		return []string{st.Muted.Render(t("waiting for data"))}
	}
	if s.Valued == 0 {
		return []string{st.Warn.Render(t("no position priced: " + strings.Join(s.Missing, ", ") + " missing"))}
	}
	var out []string
	if s.TodayOK() {
		today := t(money(s.Today, true) + " " + common.Pct(s.TodayPct))
		out = append(out, st.P.Muted.Render("today ")+st.Move(s.TodayPct, math.Inf(1)).Bold(true).Render(today))
	} else {
		out = append(out, st.P.Muted.Render("today ")+st.Muted.Render(t(common.Missing+" no trade yet")))
	}
	total := t(money(s.Total, true) + " " + common.Pct(s.TotalPct))
	out = append(out, st.P.Muted.Render("total ")+st.Move(s.TotalPct, math.Inf(1)).Render(total))
	out = append(out, st.P.Muted.Render("value ")+st.Base.Render(t(money(s.Value, false))))
	if len(s.Missing) > 0 {
		// the label says "(partial)" where this does not fit
		out = append(out, st.Warn.Render(t(strings.Join(s.Missing, ", ")+" missing, not counted")))
	}
	if len(s.TodayUnknown) > 0 && s.TodayOK() {
		out = append(out, st.Muted.Render(t("today without "+strings.Join(s.TodayUnknown, ", "))))
	}
	return out
}

// View is the row, exactly the width wide ("" without positions).
func (m Model) View() string {
	if !m.Enabled() || m.width <= 0 {
		return ""
	}
	st := m.c.Styles
	parts := m.parts()
	// the label, shorter when the first figure would not fit beside it;
	// "(partial)" when a position is missing from the totals
	partial := ""
	if m.valued && m.sum.Valued > 0 && len(m.sum.Missing) > 0 {
		partial = " " + st.Warn.Render("(partial)")
	}
	line := st.P.StripLabel.Render(Label) + partial
	for _, l := range []string{Label, "Portfolio", "P&L"} {
		line = st.P.StripLabel.Render(l) + partial
		if theme.Width(line+"  "+parts[0]) <= m.width {
			break
		}
	}
	for _, p := range parts {
		next := line + "  " + p
		if theme.Width(next) > m.width {
			break
		}
		line = next
	}
	return fit(line, m.width)
}

// StripItem is the pinned strip item: "your portfolio −$2,420.00" (today's
// P&L, or the total when today's is unknown); "" without positions.
func (m Model) StripItem() string {
	if !m.Enabled() || !m.valued {
		return ""
	}
	st := m.c.Styles
	s := m.sum
	label := st.P.StripLabel.Render("your portfolio ")
	switch {
	case s.Valued == 0:
		return label + st.Muted.Render(common.Text(common.Missing, m.c.Glyphs))
	}
	partial := ""
	if len(s.Missing) > 0 {
		partial = st.Warn.Render(" (partial)")
	}
	if s.TodayOK() {
		return label + st.Move(s.TodayPct, math.Inf(1)).Bold(true).Render(common.Text(money(s.Today, true), m.c.Glyphs)) + partial
	}
	return label + st.Move(s.TotalPct, math.Inf(1)).Render(common.Text(money(s.Total, true)+" total", m.c.Glyphs)) + partial
}

func fit(s string, w int) string {
	if theme.Width(s) > w {
		s = ansi.Truncate(s, w, "")
	}
	if d := w - theme.Width(s); d > 0 {
		s += strings.Repeat(" ", d)
	}
	return s
}
