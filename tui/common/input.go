package common

import (
	"unicode"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
)

// UpdateInput is textinput.Model.Update with one fix: bubbles v1.0.0's
// delete-word-forward (alt+d, alt+delete) indexes past the end of the
// value when the cursor is on the last word's last character, and the
// panic ended the program (over SSH, the session; random bytes could
// trigger it). That key is handled here instead; everything else is the
// textinput's.
func UpdateInput(ti textinput.Model, msg tea.Msg) (textinput.Model, tea.Cmd) {
	if km, ok := msg.(tea.KeyMsg); ok && key.Matches(km, ti.KeyMap.DeleteWordForward) {
		v := []rune(ti.Value())
		pos := ti.Position()
		if pos >= len(v) {
			return ti, nil
		}
		end := pos
		for end < len(v) && unicode.IsSpace(v[end]) {
			end++ // the spaces after the cursor
		}
		for end < len(v) && !unicode.IsSpace(v[end]) {
			end++ // then the word
		}
		ti.SetValue(string(v[:pos]) + string(v[end:]))
		ti.SetCursor(pos)
		return ti, nil
	}
	return ti.Update(msg)
}
