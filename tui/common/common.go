// Package common holds what every pane shares: the per-program styles, the
// injected clock, glyph choice, and the few messages panes send to the root.
package common

import (
	"time"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/tui/theme"
)

// Glyphs chooses how charts are drawn.
type Glyphs string

const (
	GlyphsBraille Glyphs = "braille"
	GlyphsBlock   Glyphs = "block"
	GlyphsASCII   Glyphs = "ascii"
)

// Common is passed by value to every pane (soft-serve's common.Common).
type Common struct {
	Styles *theme.Styles
	Glyphs Glyphs
	// Now is the wall clock, for "updated 3s ago". Panes read the time they
	// were last given (through messages), never this func inside View.
	Now func() time.Time
}

// ControlMsg asks the root to send a command to the replay controller (for
// example the timeline's "jump to next event").
type ControlMsg struct{ Cmd feeds.Command }

// SeekEventMsg asks the root to replay from an event's placement (the
// timeline's enter). When is the event's time as the timeline shows it, for
// the note when the event is outside the data.
type SeekEventMsg struct {
	At   time.Time
	When string
}
