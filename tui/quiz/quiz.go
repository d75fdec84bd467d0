// Package quiz is the reveal of a watch party's question: the question,
// one bar per bin of the answers (label, bar, count) with the bin of the
// true answer marked, the true value (or why it is unknown, never a zero)
// and the closest answers. It shows what the party's room computed
// (feeds.QuestionResult) and invents no figure of its own.
package quiz

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/party"
	"github.com/selloff/selloff/tui/common"
	"github.com/selloff/selloff/tui/theme"
)

// KeyMap is the pane's keys.
type KeyMap struct {
	Close key.Binding
}

// DefaultKeyMap returns the default bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{Close: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close the reveal"))}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Close} }

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding { return [][]key.Binding{{k.Close}} }

// maxBar is the widest bar: wider reads no better.
const maxBar = 60

// Model is the reveal pane. Use New.
type Model struct {
	KeyMap KeyMap

	c    common.Common
	w, h int
	q    feeds.Question
	r    *feeds.QuestionResult
}

// New returns an empty pane (it shows "no question revealed").
func New(c common.Common) Model { return Model{KeyMap: DefaultKeyMap(), c: c} }

// Init returns no command.
func (m Model) Init() tea.Cmd { return nil }

// SetSize sets the pane's size; View returns exactly h lines of w cells.
func (m *Model) SetSize(w, h int) { m.w, m.h = max(w, 0), max(h, 0) }

// Bounds of what the pane keeps of a result (a party's room sends far
// fewer; a bad relay must not make the pane draw without end).
const (
	maxBins = 12
	maxText = 120
)

// Set sets the question and its result (r nil: not revealed). Its texts
// are cleaned to one printable line each and bounded.
func (m *Model) Set(q feeds.Question, r *feeds.QuestionResult) {
	q.Text, q.Unit = party.CleanText(q.Text, maxText), party.CleanText(q.Unit, feeds.MaxUnit)
	q.Choices = nil // the bins carry the choices' texts
	m.q, m.r = q, nil
	if r == nil {
		return
	}
	c := feeds.QuestionResult{Truth: party.CleanText(r.Truth, maxText), Why: party.CleanText(r.Why, maxText), Answers: max(r.Answers, 0)}
	for _, b := range r.Bins[:min(len(r.Bins), maxBins)] {
		c.Bins = append(c.Bins, feeds.AnswerBin{Label: party.CleanText(b.Label, feeds.MaxChoiceText), Count: max(b.Count, 0), Truth: b.Truth})
	}
	for _, x := range r.Closest[:min(len(r.Closest), feeds.MaxClosest)] {
		c.Closest = append(c.Closest, feeds.Closest{Who: party.CleanText(x.Who, 32), Answer: party.CleanText(x.Answer, 40), Off: x.Off})
	}
	m.r = &c
}

// QuestionID is the ID of the question shown (0: none).
func (m Model) QuestionID() int {
	if m.r == nil {
		return 0
	}
	return m.q.ID
}

// ShortHelp implements help.KeyMap.
func (m Model) ShortHelp() []key.Binding { return m.KeyMap.ShortHelp() }

// FullHelp implements help.KeyMap.
func (m Model) FullHelp() [][]key.Binding { return m.KeyMap.FullHelp() }

// Update takes no keys of its own: the root closes the pane on Close.
func (m Model) Update(tea.Msg) (Model, tea.Cmd) { return m, nil }

func (m Model) txt(s string) string { return common.Text(s, m.c.Glyphs) }

func (m Model) ascii() bool { return m.c.Glyphs == common.GlyphsASCII }

// View renders the reveal, exactly h lines of w cells.
func (m Model) View() string {
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	st := m.c.Styles
	var head, tail []string
	title := m.q.Text
	if m.q.Kind == feeds.QuestionNumber && m.q.Unit != "" {
		title += " (" + m.q.Unit + ")"
	}
	if m.r == nil {
		return m.fit([]string{st.Title.Render(m.txt(title)), st.Faint.Render("not revealed yet")})
	}
	r := m.r
	n := strconv.Itoa(r.Answers) + " answers"
	if r.Answers == 1 {
		n = "1 answer"
	}
	head = append(head, st.Title.Render(m.txt(title))+st.Faint.Render("  ("+n+")"))

	// the truth
	switch {
	case r.Truth != "" && m.q.Kind == feeds.QuestionChoice:
		tail = append(tail, st.Bold.Render(m.txt("right answer: "+r.Truth)))
	case r.Truth != "":
		tail = append(tail, st.Bold.Render(m.txt("true value: "+r.Truth)))
	case r.Why != "":
		tail = append(tail, st.Warn.Render(m.txt("true value unknown: "+r.Why)))
	default:
		tail = append(tail, st.Warn.Render("true value unknown"))
	}
	// the closest answers
	switch {
	case len(r.Closest) > 0 && m.q.Kind == feeds.QuestionChoice:
		who := make([]string, len(r.Closest))
		for i, c := range r.Closest {
			who[i] = c.Who
		}
		more := ""
		if c := m.q.Correct; c > 0 && c <= len(r.Bins) && r.Bins[c-1].Count > len(who) {
			more = " and " + strconv.Itoa(r.Bins[c-1].Count-len(who)) + " more"
		}
		tail = append(tail, st.Base.Render(m.txt("right: "+strings.Join(who, ", ")+more)))
	case len(r.Closest) > 0:
		tail = append(tail, st.Base.Render("closest:"))
		whoW, ansW := 0, 0
		for _, c := range r.Closest {
			whoW = max(whoW, theme.StringWidth(m.txt(c.Who)))
			ansW = max(ansW, theme.StringWidth(m.txt(c.Answer)))
		}
		pad := func(s string, w int) string { return s + strings.Repeat(" ", max(w-theme.StringWidth(s), 0)) }
		for i, c := range r.Closest {
			tail = append(tail, st.Base.Render("  "+strconv.Itoa(i+1)+". "+pad(m.txt(c.Who), whoW)+"  "+
				pad(m.txt(c.Answer), ansW)+"  off "+off(c.Off, m.q.Unit)))
		}
	case r.Answers > 0 && r.Truth != "" && m.q.Kind == feeds.QuestionChoice:
		tail = append(tail, st.Faint.Render("nobody had it right"))
	}
	tail = append(tail, st.Faint.Render("esc closes"))

	rows := m.h - len(head) - len(tail) - 1 // a blank line under the title
	var bins []string
	if r.Answers == 0 && len(r.Bins) == 0 {
		bins = []string{st.Faint.Render("no answers")}
	} else {
		bins = m.bars(max(rows, 0))
	}
	lines := append(head, "")
	lines = append(lines, bins...)
	lines = append(lines, tail...)
	return m.fit(lines)
}

// bars draws one line per bin, at most rows of them (a last line says how
// many more there are).
func (m Model) bars(rows int) []string {
	st := m.c.Styles
	bins := m.r.Bins
	if rows <= 0 || len(bins) == 0 {
		return nil
	}
	labelW, countW, most := 0, 1, 0
	for _, b := range bins {
		labelW = max(labelW, theme.StringWidth(m.txt(b.Label)))
		countW = max(countW, len(strconv.Itoa(b.Count)))
		most = max(most, b.Count)
	}
	labelW = min(labelW, max(m.w/3, 4))
	mark, truth, full := "▶ ", "  ← true value", "█"
	if m.q.Kind == feeds.QuestionChoice {
		truth = "  ← right answer"
	}
	if m.ascii() {
		mark, truth, full = "> ", strings.Replace(truth, "←", "<-", 1), "#"
	}
	barW := m.w - 2 - labelW - 2 - 1 - countW - theme.StringWidth(truth)
	if barW < 4 {
		truth = " *"
		barW = m.w - 2 - labelW - 2 - 1 - countW - 2
	}
	barW = min(max(barW, 0), maxBar)
	var out []string
	for i, b := range bins {
		if i == rows-1 && len(bins) > rows {
			out = append(out, st.Faint.Render(m.txt("… "+strconv.Itoa(len(bins)-i)+" more")))
			break
		}
		label := m.txt(b.Label)
		if theme.StringWidth(label) > labelW {
			label = ansi.Truncate(label, labelW, "")
		}
		label += strings.Repeat(" ", labelW-theme.StringWidth(label))
		cells := 0
		if most > 0 {
			cells = min(int(float64(b.Count)/float64(most)*float64(barW)), barW) // no overflow at any count
			if b.Count > 0 && cells == 0 && barW > 0 {
				cells = 1 // an answer is never drawn as none
			}
		}
		cnt := strconv.Itoa(b.Count)
		cnt = strings.Repeat(" ", countW-len(cnt)) + cnt
		bar := strings.Repeat(full, cells) + strings.Repeat(" ", barW-cells)
		pre := "  "
		sty := st.Accent
		if b.Truth {
			pre, sty = mark, st.Up
		}
		line := pre + st.Base.Render(label) + "  " + sty.Render(bar) + " " + st.Base.Render(cnt)
		if b.Truth {
			line += st.Up.Render(truth)
		}
		out = append(out, line)
	}
	return out
}

// off formats a distance from the truth in the question's unit.
func off(v float64, unit string) string {
	s := strconv.FormatFloat(v, 'f', 2, 64)
	switch unit {
	case "":
		return s
	case "$":
		return "$" + s
	case "%":
		return s + " pts"
	}
	return s + " " + unit
}

// fit cuts and pads lines to exactly w x h.
func (m Model) fit(lines []string) string {
	if len(lines) > m.h {
		lines = lines[:m.h]
	}
	for len(lines) < m.h {
		lines = append(lines, "")
	}
	for i, ln := range lines {
		if w := theme.Width(ln); w > m.w {
			lines[i] = ansi.Truncate(ln, m.w, "")
		} else if w < m.w {
			lines[i] = ln + strings.Repeat(" ", m.w-w)
		}
	}
	return strings.Join(lines, "\n")
}
