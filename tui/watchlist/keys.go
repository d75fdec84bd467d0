package watchlist

import "github.com/charmbracelet/bubbles/key"

// KeyMap is the watchlist's keys. Filter-mode keys (Accept, Cancel) are
// enabled only while the filter is being typed.
type KeyMap struct {
	Up        key.Binding
	Down      key.Binding
	PageUp    key.Binding
	PageDown  key.Binding
	NextGroup key.Binding
	Sort      key.Binding
	Filter    key.Binding
	Accept    key.Binding
	Cancel    key.Binding
}

// DefaultKeyMap returns the watchlist's default bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:        key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:      key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:    key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown:  key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		NextGroup: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next group")),
		Sort:      key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sort")),
		Filter:    key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		Accept:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "apply filter"), key.WithDisabled()),
		Cancel:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter"), key.WithDisabled()),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.NextGroup, k.Sort, k.Filter, k.Accept, k.Cancel}
}

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown},
		{k.NextGroup, k.Sort, k.Filter, k.Accept, k.Cancel},
	}
}
