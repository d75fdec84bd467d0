package chart

import "github.com/charmbracelet/bubbles/key"

// KeyMap is the chart's key bindings.
type KeyMap struct {
	Mode  key.Binding // line -> 5-minute candles -> compare
	Range key.Binding // day <-> week of daily bars
}

// DefaultKeyMap returns the chart's default bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Mode:  key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "line/candles/compare")),
		Range: key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "day/week")),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Mode, k.Range} }

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding { return [][]key.Binding{{k.Mode, k.Range}} }
