// Package errlog is the errors view: the last errors of the feed and the
// UI in full, each with when it first and last happened and how many times,
// repeats folded into one entry. The root opens it over the main panes with
// a key; the status bar keeps only a short form of the latest error.
package errlog

import (
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/selloff/selloff/snapshots"
	"github.com/selloff/selloff/tui/common"
	"github.com/selloff/selloff/tui/theme"
)

// MaxEntries is how many distinct errors are kept (the oldest go first).
const MaxEntries = 50

// maxText bounds one error's text (a hostile or runaway message).
const maxText = 2000

// Entry is one distinct error.
type Entry struct {
	Text        string
	First, Last time.Time
	Count       int
}

// KeyMap is the view's keys.
type KeyMap struct {
	Up, Down key.Binding
	Close    key.Binding
}

// DefaultKeyMap returns the default keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:    key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "scroll up")),
		Down:  key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "scroll down")),
		Close: key.NewBinding(key.WithKeys("esc", "e"), key.WithHelp("esc/e", "close errors")),
	}
}

// Model is the errors view.
type Model struct {
	c       common.Common
	KeyMap  KeyMap
	entries []Entry // oldest first
	width   int
	height  int
	offset  int // lines scrolled up from the newest
}

// New returns an empty errors view.
func New(c common.Common) Model { return Model{c: c, KeyMap: DefaultKeyMap()} }

// SetSize sets the view's size.
func (m *Model) SetSize(w, h int) { m.width, m.height = max(w, 0), max(h, 0) }

// Len is the number of distinct errors kept.
func (m Model) Len() int { return len(m.entries) }

// Entries returns the errors, oldest first.
func (m Model) Entries() []Entry { return append([]Entry(nil), m.entries...) }

// Add records an error seen at at: a repeat of a kept one counts there
// (and moves it to the end), a new one is appended. The slice is copied,
// never changed in place, so earlier copies of the model keep theirs.
func (m *Model) Add(text string, at time.Time) {
	text, _ = snapshots.CleanText(strings.TrimSpace(text))
	if text == "" {
		return
	}
	if r := []rune(text); len(r) > maxText {
		text = string(r[:maxText]) + "…"
	}
	out := make([]Entry, 0, len(m.entries)+1)
	e := Entry{Text: text, First: at, Last: at, Count: 1}
	for _, x := range m.entries {
		if x.Text == text {
			e.First, e.Count = x.First, x.Count+1
			continue
		}
		out = append(out, x)
	}
	out = append(out, e)
	if len(out) > MaxEntries {
		out = out[len(out)-MaxEntries:]
	}
	m.entries = out
	m.offset = 0
}

// Update scrolls.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	if km, ok := msg.(tea.KeyMsg); ok {
		switch {
		case key.Matches(km, m.KeyMap.Up):
			m.offset++
		case key.Matches(km, m.KeyMap.Down):
			m.offset = max(m.offset-1, 0)
		}
	}
	return m, nil
}

// ShortHelp implements help.KeyMap.
func (m Model) ShortHelp() []key.Binding {
	return []key.Binding{m.KeyMap.Close, m.KeyMap.Up, m.KeyMap.Down}
}

// FullHelp implements help.KeyMap.
func (m Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// stamp formats an error's time in exchange time.
func stamp(t time.Time) string {
	if t.IsZero() {
		return "--:--:--"
	}
	return t.In(snapshots.Location()).Format("15:04:05")
}

// lines renders every entry, wrapped to the width, newest last.
func (m Model) lines() []string {
	st := m.c.Styles.P
	g := m.c.Glyphs
	var out []string
	for _, e := range m.entries {
		head := stamp(e.First)
		if e.Count > 1 {
			head += " to " + stamp(e.Last) + ", " + strconv.Itoa(e.Count) + " times"
		}
		out = append(out, st.Muted.Render(head))
		w := max(m.width-2, 8)
		for _, l := range strings.Split(ansi.Wrap(common.Text(e.Text, g), w, " /"), "\n") {
			out = append(out, "  "+st.Err.Render(l))
		}
	}
	return out
}

// View renders exactly width x height: a title line, then the newest
// errors that fit (scroll up for older ones).
func (m Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	st := m.c.Styles.P
	title := "Errors (newest last; esc or e closes)"
	if len(m.entries) == 0 {
		title = "Errors: none so far (esc or e closes)"
	}
	rows := []string{st.Title.Render(common.Text(title, m.c.Glyphs))}
	body := m.lines()
	room := m.height - 1
	end := len(body) - min(m.offset, max(len(body)-room, 0))
	start := max(end-room, 0)
	rows = append(rows, body[start:end]...)
	for len(rows) < m.height {
		rows = append(rows, "")
	}
	for i, r := range rows {
		if theme.Width(r) > m.width {
			r = ansi.Truncate(r, m.width, "…")
		}
		rows[i] = r + strings.Repeat(" ", max(m.width-theme.Width(r), 0))
	}
	return strings.Join(rows[:m.height], "\n")
}
