package timeline

import (
	"github.com/charmbracelet/bubbles/key"
)

// KeyMap is the timeline's key bindings.
type KeyMap struct {
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding // a page of the list, or of a long detail
	PageDown key.Binding
	Detail   key.Binding // enter: replay from the selected event and open its detail (or close it)
	Back     key.Binding // esc: close the detail
	Prev     key.Binding // [: replay to the previous event
	Next     key.Binding // ]: replay to the next event
}

// DefaultKeyMap returns the timeline's default bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:       key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("↑/k", "previous event")),
		Down:     key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("↓/j", "next event")),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		Detail:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "replay from event + detail")),
		Back:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close detail"), key.WithDisabled()),
		Prev:     key.NewBinding(key.WithKeys("["), key.WithHelp("[", "replay to previous event")),
		Next:     key.NewBinding(key.WithKeys("]"), key.WithHelp("]", "replay to next event")),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.Detail, k.Back, k.Prev, k.Next}
}

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Detail, k.Back}, {k.Prev, k.Next}}
}

// setDetail opens or closes the detail view; help describes what j/k and
// enter do.
func (k *KeyMap) setDetail(on, seek bool) {
	k.Back.SetEnabled(on)
	switch {
	case on:
		k.Detail.SetHelp("enter", "close detail")
	case seek:
		k.Detail.SetHelp("enter", "replay from event + detail")
	default:
		k.Detail.SetHelp("enter", "detail")
	}
	if on {
		k.Up.SetHelp("↑/k", "scroll up, then previous event")
		k.Down.SetHelp("↓/j", "scroll down, then next event")
	} else {
		k.Up.SetHelp("↑/k", "previous event")
		k.Down.SetHelp("↓/j", "next event")
	}
}
