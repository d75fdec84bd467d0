package watchlist

import (
	"math"
	"strings"

	"github.com/selloff/selloff/feeds/portfolio"
	"github.com/selloff/selloff/tui/common"
)

// SetPositions gives the watchlist the user's positions: columns for each
// held symbol's value, today's P&L ($ and %) and total P&L against cost
// appear (none: they are gone), and a held symbol the frame does not have
// is listed under the table as missing, never priced.
func (m *Model) SetPositions(ps []portfolio.Position) {
	m.positions = append([]portfolio.Position(nil), ps...)
	m.rebuild()
}

// valuePositions values the positions in the frame (rebuild).
func (m *Model) valuePositions() {
	m.held, m.absent = nil, nil
	if len(m.positions) == 0 || m.frame == nil {
		return
	}
	sum := portfolio.Value(m.frame, m.positions)
	m.held = sum.BySymbol()
	for _, sym := range portfolio.Symbols(m.positions) {
		if m.frame.Index(sym) < 0 {
			if _, ok := m.held[sym]; ok { // not a lot opened after the frame
				m.absent = append(m.absent, sym)
			}
		}
	}
}

// absentLines are the lines for held symbols the frame does not have.
func (m Model) absentLines(needle string, iw int) []row {
	st := m.c.Styles
	var out []row
	for _, sym := range m.absent {
		if needle != "" && !strings.Contains(strings.ToLower(sym), needle) {
			continue
		}
		line := " " + st.P.Bold.Render(cell(sym, 6, false)) + " " +
			st.P.Warn.Render(common.Text(common.Missing+" held, not in the snapshot", m.c.Glyphs))
		out = append(out, row{header: true, line: fit(line, iw)})
	}
	return out
}

// positionCell writes symbol sym's position figure for column c: blank
// when not held, the missing mark when held without a price.
func (m Model) positionCell(lb *lineBuilder, sym string, c column) {
	st := m.c.Styles
	gl := m.c.Glyphs
	r, ok := m.held[sym]
	if !ok {
		lb.styled("", 0, c)
		return
	}
	missing := common.Text(common.Missing, gl)
	if !r.Valued() {
		lb.cell(st.P.Faint, missing, c)
		return
	}
	switch c.kind {
	case colPosVal:
		lb.cell(st.P.Base, common.Text(wholeDollars(r.Value, false), gl), c)
	case colPosDay, colPosDayPct:
		if !r.TodayOK {
			lb.cell(st.P.Faint, missing, c)
			return
		}
		if c.kind == colPosDay {
			lb.cell(st.MovePaint(r.TodayPct, StrongMove), common.Text(wholeDollars(r.Today, true), gl), c)
		} else {
			lb.cell(st.MovePaint(r.TodayPct, StrongMove), common.Text(common.Pct(r.TodayPct), gl), c)
		}
	case colPosTot:
		lb.cell(st.MovePaint(r.TotalPct, math.Inf(1)), common.Text(wholeDollars(r.Total, true), gl), c)
	}
}

// wholeDollars formats v to the dollar with separators: "−$2,420",
// "+$2,158" when signed.
func wholeDollars(v float64, signed bool) string {
	s := "$" + common.Number(math.Abs(v), 0)
	switch {
	case s == "$0":
	case v < 0:
		s = common.Minus + s
	case signed:
		s = "+" + s
	}
	return s
}

// lastSymbolRow is the index of the last symbol row (-1: none).
func (m Model) lastSymbolRow() int {
	for i := len(m.rows) - 1; i >= 0; i-- {
		if !m.rows[i].header {
			return i
		}
	}
	return -1
}
