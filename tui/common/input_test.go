package common

import (
	"testing"

	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
)

// alt+d deletes the next word; on the last character (where bubbles
// v1.0.0 panics) it deletes that character, and at the end nothing.
func TestUpdateInputDeleteWordForward(t *testing.T) {
	altD := tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("d"), Alt: true}
	tests := []struct {
		value string
		pos   int
		want  string
	}{
		{"14", 1, "1"},
		{"14", 2, "14"},
		{"2025-01-27 14:50", 4, "2025 14:50"},
		{"ab  cd ef", 2, "ab ef"},
		{"", 0, ""},
	}
	for _, tc := range tests {
		ti := textinput.New()
		ti.Focus()
		ti.SetValue(tc.value)
		ti.SetCursor(tc.pos)
		ti, _ = UpdateInput(ti, altD)
		if ti.Value() != tc.want || ti.Position() != min(tc.pos, len(tc.want)) {
			t.Errorf("%q at %d: %q at %d, want %q", tc.value, tc.pos, ti.Value(), ti.Position(), tc.want)
		}
	}
	// other keys are the textinput's own
	ti := textinput.New()
	ti.Focus()
	ti, _ = UpdateInput(ti, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("x")})
	if ti.Value() != "x" {
		t.Errorf("typing: %q", ti.Value())
	}
}
