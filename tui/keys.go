package tui

import (
	"github.com/charmbracelet/bubbles/key"
)

// KeyMap is the root's global keys: replay control, focus, help and quit.
// Replay keys are enabled only when there is a replay to control.
type KeyMap struct {
	Quit      key.Binding
	Interrupt key.Binding // ctrl+c: quits even while typing (no help entry)
	Help      key.Binding
	FocusNext key.Binding
	Focus1    key.Binding
	Focus2    key.Binding
	Focus3    key.Binding
	CapBars   key.Binding
	Errors    key.Binding // opens the errors view
	Close     key.Binding // closes the value-change pane
	Spoilers  key.Binding // shows or hides the text of events a replay has not reached
	Sources   key.Binding // opens the provenance view of the selected row
	Ticket    key.Binding // paper trading: the order ticket for the selected row
	Blotter   key.Binding // paper trading: the blotter and its summary
	PaperYes  key.Binding // discard the fills a seek goes back past
	PaperNo   key.Binding // keep them: no seek
	Position  key.Binding // opens the add-a-position prompt
	Board     key.Binding // watch party: the presenter shows the leaderboard to everyone

	Pause     key.Binding
	Faster    key.Binding
	Slower    key.Binding
	StepBack  key.Binding
	StepFwd   key.Binding
	Back30    key.Binding
	Fwd30     key.Binding
	Open      key.Binding
	CloseDay  key.Binding
	PrevDay   key.Binding
	NextDay   key.Binding
	Goto      key.Binding
	PrevEvent key.Binding
	NextEvent key.Binding

	// While the go-to-time input is open.
	GotoAccept key.Binding
	GotoCancel key.Binding
}

// DefaultKeyMap returns the root's default bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Quit:      key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
		Interrupt: key.NewBinding(key.WithKeys("ctrl+c")),
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		FocusNext: key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "next pane")),
		Focus1:    key.NewBinding(key.WithKeys("1"), key.WithHelp("1", "watchlist")),
		Focus2:    key.NewBinding(key.WithKeys("2"), key.WithHelp("2", "chart")),
		Focus3:    key.NewBinding(key.WithKeys("3"), key.WithHelp("3", "timeline")),
		CapBars:   key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "value change pane")),
		Errors:    key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "errors")),
		Close:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close pane"), key.WithDisabled()),
		Spoilers:  key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "show future events (spoilers)"), key.WithDisabled()),
		Sources:   key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "sources of the row's figures"), key.WithDisabled()),
		Ticket:    key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "paper order (buy/sell)")),
		Blotter:   key.NewBinding(key.WithKeys("B"), key.WithHelp("B", "paper blotter, P&L")),
		PaperYes:  key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "discard the later fills")),
		PaperNo:   key.NewBinding(key.WithKeys("n", "N", "esc"), key.WithHelp("n", "keep them, no seek")),
		Position:  key.NewBinding(key.WithKeys("P"), key.WithHelp("P", "add a position")),
		Board:     key.NewBinding(key.WithKeys("L"), key.WithHelp("L", "leaderboard (presenter)"), key.WithDisabled()),

		Pause:     key.NewBinding(key.WithKeys(" "), key.WithHelp("space", "pause/play")),
		Faster:    key.NewBinding(key.WithKeys("+", "="), key.WithHelp("+", "faster")),
		Slower:    key.NewBinding(key.WithKeys("-", "_"), key.WithHelp("-", "slower")),
		StepBack:  key.NewBinding(key.WithKeys("left"), key.WithHelp("←", "step back")),
		StepFwd:   key.NewBinding(key.WithKeys("right"), key.WithHelp("→", "step")),
		Back30:    key.NewBinding(key.WithKeys("shift+left"), key.WithHelp("shift+←", "−30 min")),
		Fwd30:     key.NewBinding(key.WithKeys("shift+right"), key.WithHelp("shift+→", "+30 min")),
		Open:      key.NewBinding(key.WithKeys("home"), key.WithHelp("home", "open")),
		CloseDay:  key.NewBinding(key.WithKeys("end"), key.WithHelp("end", "close")),
		PrevDay:   key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "prev day")),
		NextDay:   key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "next day")),
		Goto:      key.NewBinding(key.WithKeys("g"), key.WithHelp("g", "go to time")),
		PrevEvent: key.NewBinding(key.WithKeys("["), key.WithHelp("[", "prev event")),
		NextEvent: key.NewBinding(key.WithKeys("]"), key.WithHelp("]", "next event")),

		GotoAccept: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "go"), key.WithDisabled()),
		GotoCancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"), key.WithDisabled()),
	}
}

func (k *KeyMap) replay() []*key.Binding {
	return []*key.Binding{&k.Pause, &k.Faster, &k.Slower, &k.StepBack, &k.StepFwd, &k.Back30, &k.Fwd30,
		&k.Open, &k.CloseDay, &k.PrevDay, &k.NextDay, &k.Goto, &k.PrevEvent, &k.NextEvent}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Pause, k.Faster, k.Slower, k.Goto, k.Help, k.Quit}
}

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Pause, k.Faster, k.Slower, k.StepBack, k.StepFwd, k.Back30, k.Fwd30},
		{k.Open, k.CloseDay, k.PrevDay, k.NextDay, k.Goto, k.PrevEvent, k.NextEvent, k.Ticket, k.Blotter, k.Board},
		{k.FocusNext, k.Focus1, k.Focus2, k.Focus3, k.CapBars, k.Errors, k.Close, k.Spoilers, k.Sources, k.Position, k.Help, k.Quit},
	}
}
