package tui

import (
	"fmt"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/selloff/selloff/feeds/portfolio"
	"github.com/selloff/selloff/tui/common"
	"github.com/selloff/selloff/tui/holdings"
)

// MaxAddedPositions bounds the positions a viewer may add with P in one
// session (as --position is bounded on the command line).
const MaxAddedPositions = 200

// positionPrompt is the one-line prompt P opens: a position typed as
// SYM:SHARES@COST joins this dashboard's positions (over SSH: this
// viewer's session only).
type positionPrompt struct {
	open  bool
	input *textinput.Model // shared by copies of the model, never changed in place
	err   string           // why the last enter was refused, shown on the prompt's line
	added int
}

func newPositionInput(c common.Common) *textinput.Model {
	st := c.Styles
	ti := textinput.New()
	ti.Prompt = "add position SYM:SHARES@COST: "
	ti.PromptStyle = st.Prompt
	ti.TextStyle = st.Base
	ti.PlaceholderStyle = st.Faint
	ti.Placeholder = "NVDA:100@140"
	ti.Cursor.Style = st.Accent
	ti.Cursor.TextStyle = st.Base
	ti.Cursor.SetMode(cursor.CursorStatic) // no blink timer
	ti.CharLimit = 60
	return &ti
}

// openPositionPrompt opens the prompt (P).
func (m Model) openPositionPrompt() (Model, tea.Cmd) {
	pp := &m.money.prompt
	if pp.input == nil {
		pp.input = newPositionInput(m.c)
	}
	pp.open, pp.err = true, ""
	pp.input = cow(pp.input, func(ti *textinput.Model) {
		ti.SetValue("")
		ti.Focus()
	})
	m.note = ""
	m.relayout()
	return m, nil
}

func (m *Model) closePositionPrompt() {
	pp := &m.money.prompt
	pp.open = false
	pp.input = cow(pp.input, func(ti *textinput.Model) { ti.Blur() })
	m.relayout()
}

// handlePositionKey takes every key while the prompt is open: enter adds
// the position (an error stays in the status line, the prompt open),
// esc closes the prompt.
func (m Model) handlePositionKey(msg tea.KeyMsg) (Model, tea.Cmd) {
	pp := &m.money.prompt
	switch {
	case key.Matches(msg, promptCancel):
		m.note = ""
		m.closePositionPrompt()
	case key.Matches(msg, promptAccept):
		p, err := portfolio.Parse(pp.input.Value())
		if err != nil {
			pp.err = "position: " + err.Error()
			m.note = pp.err
			return m, nil
		}
		if pp.added >= MaxAddedPositions {
			pp.err = fmt.Sprintf("position: at most %d added in a session", MaxAddedPositions)
			m.note = pp.err
			return m, nil
		}
		pp.added++
		m.addPosition(p)
		m.note = "added " + p.String() + " (this session only)"
		m.closePositionPrompt()
	default:
		pp.err = ""
		ti, cmd := common.UpdateInput(*pp.input, msg)
		pp.input = &ti
		return m, cmd
	}
	return m, nil
}

// addPosition adds p to the positions the dashboard values (the
// portfolio row, the strip's item and the watchlist's columns).
func (m *Model) addPosition(p portfolio.Position) {
	ms := &m.money
	ms.positions = append(append([]portfolio.Position(nil), ms.positions...), p)
	ms.hold = holdings.New(m.c, ms.positions)
	m.watch.SetPositions(ms.positions)
	if m.hasData && m.upd.Frame != nil {
		ms.hold.SetFrame(m.upd.Frame)
		m.strip.SetExtra(ms.hold.StripItem())
	}
	m.relayout()
}

// positionPromptView is the prompt's line, with why the last try was
// refused.
func (m Model) positionPromptView() string {
	pp := m.money.prompt
	v := pp.input.View()
	if pp.err != "" {
		v += "  " + m.c.Styles.Warn.Render(common.Text(pp.err, m.c.Glyphs))
	}
	return v
}

// The prompt's keys.
var (
	promptAccept = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "add"))
	promptCancel = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))
)

// positionPromptHelp is the help while the prompt is open.
func (m Model) positionPromptHelp() [][]key.Binding {
	return [][]key.Binding{{promptAccept, promptCancel}}
}
