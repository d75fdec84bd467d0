package watchlist

import (
	"strings"

	"github.com/selloff/selloff/snapshots"
	"github.com/selloff/selloff/tui/common"
	"github.com/selloff/selloff/tui/theme"
)

// Provenance marks: a figure further from the truth than the file's badge
// says (snapshots.FigureNote.Marked) carries a one-cell mark right after
// it on its row: an adjusted price, an approximate share count (hence
// value), a modelled volume (until the close, where the day's official
// total holds), an intraday shape borrowed from another series. The title
// line has the legend; `i` (the root) opens the provenance view.

// Mark kinds, in legend order.
const (
	markAdjusted = iota
	markApprox
	markModelled
	markBorrowed
	numMarks
)

// markGlyph is the mark of kind k: superscript letters, or plain ones for
// the ASCII glyph set ('~' for approximate in both).
func markGlyph(k int, g common.Glyphs) string {
	if g == common.GlyphsASCII {
		return [numMarks]string{"a", "~", "m", "b"}[k]
	}
	return [numMarks]string{"ᵃ", "~", "ᵐ", "ᵇ"}[k]
}

var markWords = [numMarks]string{"adjusted", "approx.", "modelled", "borrowed"}

// markShortWords shorten the legend where the whole one does not fit (a
// 120-column dashboard), so the marks shown keep their explanation.
var markShortWords = [numMarks]string{"adj.", "approx.", "modelled", "borrowed"}

// markLegend is the legend of the marks in kinds (all when nil), as the
// watchlist's title line shows it: "ᵃ=adjusted ~=approx.
// ᵐ=modelled ᵇ=borrowed".
func markLegend(g common.Glyphs, kinds *markKinds) string {
	return legendOf(g, kinds, &markWords)
}

// legendOf is markLegend with the given words.
func legendOf(g common.Glyphs, kinds *markKinds, words *[numMarks]string) string {
	var parts []string
	for k := range numMarks {
		if kinds == nil || kinds[k] {
			parts = append(parts, markGlyph(k, g)+"="+words[k])
		}
	}
	return strings.Join(parts, " ")
}

// rowMarks are the marks of one symbol's figures (-1: none).
type rowMarks struct {
	price, value, intraday int
	volume                 bool // a modelled volume: marked until the close
}

// marksMemo holds the marks of the frame's symbols, computed when the
// symbols or the provenance change (the same slice comes with every frame).
type marksMemo struct {
	syms *snapshots.Symbol
	n    int
	prov snapshots.Provenance
	rows []rowMarks
}

// symbolMarks returns the marks of the frame's symbols.
func (m *Model) symbolMarks() []rowMarks {
	f := m.frame
	if f == nil || len(f.Symbols) == 0 {
		return nil
	}
	if mm := m.marks; mm != nil && mm.syms == &f.Symbols[0] && mm.n == len(f.Symbols) && mm.prov == f.Provenance {
		return mm.rows
	}
	rows := make([]rowMarks, len(f.Symbols))
	for i, s := range f.Symbols {
		r := rowMarks{price: -1, value: -1, intraday: -1}
		for _, n := range snapshots.FigureNotes(s, f.Provenance) {
			if !n.Marked(f.Provenance) {
				continue
			}
			switch n.Figure {
			case snapshots.FigurePrice:
				r.price = basisMark(n.Basis)
			case snapshots.FigureShares:
				r.value = basisMark(n.Basis)
			case snapshots.FigureVolume:
				r.volume = n.Basis == snapshots.BasisModelled
			case snapshots.FigureIntraday:
				r.intraday = basisMark(n.Basis)
			}
		}
		rows[i] = r
	}
	m.marks = &marksMemo{syms: &f.Symbols[0], n: len(f.Symbols), prov: f.Provenance, rows: rows}
	return rows
}

func basisMark(basis string) int {
	switch basis {
	case snapshots.BasisAdjusted:
		return markAdjusted
	case snapshots.BasisApproximate:
		return markApprox
	case snapshots.BasisBorrowed:
		return markBorrowed
	}
	return markModelled
}

// volumeModelled reports whether a modelled per-minute volume is still
// modelled at the frame's time: before its session's close (at the close
// the day's cumulative volume is the official total).
func (m *Model) volumeModelled() bool {
	f := m.frame
	if f == nil {
		return false
	}
	s, ok := f.CurrentSession()
	if !ok || s.Close.IsZero() {
		return false
	}
	return f.Time.Before(s.Close)
}

// markOf is the mark of column kind c for symbol i (-1: none, and none on
// a figure the row does not show: "—" is unknown, not approximate).
func (m *Model) markOf(rows []rowMarks, i int, c colKind, volModelled bool) int {
	if i < 0 || i >= len(rows) || !m.figureShown(i, c) {
		return -1
	}
	r := rows[i]
	switch c {
	case colLast:
		return r.price
	case colDVal, colMVal:
		return r.value
	case colVol:
		if r.volume && volModelled {
			return markModelled
		}
	case colSpark:
		return r.intraday
	}
	return -1
}

// figureShown reports whether row i shows a figure in column c.
func (m *Model) figureShown(i int, c colKind) bool {
	f := m.frame
	if f == nil || i >= len(f.Quotes) || i >= len(f.Symbols) {
		return false
	}
	q := f.Quotes[i]
	switch c {
	case colLast:
		return q.HasPrice
	case colDVal:
		_, ok := f.MarketValue(i)
		return ok
	case colMVal:
		_, ok := f.MarketCap(i)
		return ok
	case colVol:
		return !f.Symbols[i].NoVolume && q.Volume > 0
	case colSpark:
		return i < len(f.Intraday) && len(f.Intraday[i]) > 0
	}
	return true
}

// markCols says which columns keep a cell for a mark; markKinds which
// kinds of mark the frame shows.
type (
	markCols  [colPosTot + 1]bool
	markKinds [numMarks]bool
)

// markedColumns says which columns carry a mark on some row, and which
// mark kinds the frame shows (for the legend). A marked column keeps its
// last cell for the mark on every row, so the numbers stay aligned.
func (m *Model) markedColumns() (cols markCols, kinds markKinds) {
	rows := m.symbolMarks()
	vol := m.volumeModelled()
	for i := range rows {
		for _, c := range []colKind{colLast, colDVal, colMVal, colVol, colSpark} {
			if k := m.markOf(rows, i, c, vol); k >= 0 {
				cols[c] = true
				kinds[k] = true
			}
		}
	}
	return cols, kinds
}

// markCell writes the mark of kind k (or a blank cell for -1) after a
// figure whose column kept its last cell for it.
func (lb *lineBuilder) markCell(m *Model, k int) {
	if k < 0 {
		lb.b.WriteByte(' ')
	} else {
		lb.b.WriteString(m.c.Styles.P.Muted.Render(markGlyph(k, m.c.Glyphs)))
	}
	lb.w++
}

// legends are the forms of the marks' legend for the title line, longest
// first, for the kinds the frame shows (nil when it shows none).
func (m *Model) legends() []string {
	any := false
	for _, k := range m.markKinds {
		any = any || k
	}
	if !any {
		return nil
	}
	l := markLegend(m.c.Glyphs, &m.markKinds)
	short := legendOf(m.c.Glyphs, &m.markKinds, &markShortWords)
	return []string{common.Text(l+" · i: sources", m.c.Glyphs), common.Text(l, m.c.Glyphs),
		common.Text(short, m.c.Glyphs), "i: sources"}
}

// legendLine is the longest legend that fits in w cells ("" when none).
func (m *Model) legendLine(w int) string {
	for _, s := range m.legend {
		if theme.StringWidth(s) <= w {
			return s
		}
	}
	return ""
}
