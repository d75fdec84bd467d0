// Package celldiff turns successive frames of a full-screen program (the
// strings a bubbletea v1 View returns: text, SGR styles, newlines) into the
// bytes a terminal needs to go from one frame to the next: only the cells
// that changed, with the cursor moves and SGR changes kept small, the way a
// cell-diff renderer does.
//
// It keeps the screen the terminal has (a cell buffer) and the one the next
// frame wants, and renders the difference with charmbracelet/x/cellbuf's
// Screen (the ncurses-style renderer that bubbletea v2's grew from). It
// has no I/O of its own and no goroutines: the caller decides when to take
// a frame and where its bytes go (an SSH channel, a file, a cast).
//
// A Writer is not safe for concurrent use.
package celldiff

import (
	"bytes"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/cellbuf"
)

// Mouse is the mouse reporting a Writer turns on (SGR encoding).
type Mouse int

const (
	MouseNone       Mouse = iota
	MouseCellMotion       // presses, releases, wheel and drags (1002)
	MouseAllMotion        // all motion (1003)
)

// Options are the terminal modes a Writer sets on its first frame and
// restores on Close.
type Options struct {
	// Term is the client's TERM: it picks which optional sequences (REP,
	// ECH, VPA, ...) the renderer may use. Empty: the plainest set.
	Term string
	// AltScreen draws on the alternate screen (a full-screen program).
	AltScreen bool
	// ShowCursor leaves the text cursor visible (hidden by default).
	ShowCursor bool
	// Mouse turns on mouse reporting.
	Mouse Mouse
	// BracketedPaste turns on bracketed paste.
	BracketedPaste bool
}

// Writer turns frames into terminal bytes. Make it with New.
type Writer struct {
	opts   Options
	out    bytes.Buffer
	scr    *cellbuf.Screen
	w, h   int
	lines  []string // the last frame, line by line (rows not to re-parse)
	opened bool
	closed bool
}

// New makes a Writer for a width x height terminal. Nothing is written
// until the first Frame, which paints the whole screen.
func New(width, height int, o Options) *Writer {
	width, height = max(width, 1), max(height, 1)
	cw := &Writer{opts: o, w: width, h: height}
	cw.scr = cellbuf.NewScreen(&cw.out, width, height, &cellbuf.ScreenOptions{
		Term:       termOrDumb(o.Term),
		AltScreen:  o.AltScreen,
		ShowCursor: o.ShowCursor,
	})
	cw.scr.Redraw() // the first frame clears the screen: its content is not known
	return cw
}

func termOrDumb(t string) string {
	if t == "" {
		return "dumb"
	}
	return t
}

// Size is the terminal size the Writer draws for.
func (cw *Writer) Size() (width, height int) { return cw.w, cw.h }

// Resize tells the Writer the terminal's new size. The next frame repaints
// the whole screen: a terminal that changed size may have reflowed or
// cleared what it showed, so nothing it had is trusted.
func (cw *Writer) Resize(width, height int) {
	width, height = max(width, 1), max(height, 1)
	if width == cw.w && height == cw.h {
		return
	}
	cw.w, cw.h = width, height
	cw.scr.Resize(width, height)
	cw.lines = nil
	cw.scr.Redraw()
}

// Redraw makes the next frame a full paint (the terminal's screen is not
// known, e.g. after the client cleared it).
func (cw *Writer) Redraw() {
	cw.lines = nil
	cw.scr.Redraw()
}

// Frame takes the next frame and returns the bytes that turn the
// terminal's screen into it (nil when nothing changed). The slice is valid
// until the next call. Lines past the width are cut; with more lines than
// the height, the last ones are shown (as bubbletea v1 does).
func (cw *Writer) Frame(view string) []byte {
	if cw.closed {
		return nil
	}
	cw.out.Reset()
	if !cw.opened {
		cw.opened = true
		switch cw.opts.Mouse {
		case MouseCellMotion:
			cw.out.WriteString(ansi.SetModeMouseButtonEvent + ansi.SetModeMouseExtSgr)
		case MouseAllMotion:
			cw.out.WriteString(ansi.SetModeMouseAnyEvent + ansi.SetModeMouseExtSgr)
		}
		if cw.opts.BracketedPaste {
			cw.out.WriteString(ansi.SetModeBracketedPaste)
		}
	}
	lines := splitLines(view, cw.h)
	for y := 0; y < cw.h; y++ {
		var line string
		if y < len(lines) {
			line = lines[y]
		}
		if y < len(cw.lines) && cw.lines[y] == line {
			continue // same text and styles as the row already set
		}
		cellbuf.SetContentRect(cw.scr, line, cellbuf.Rect(0, y, cw.w, 1))
	}
	cw.lines = append(cw.lines[:0], lines...)
	for len(cw.lines) < cw.h {
		cw.lines = append(cw.lines, "")
	}
	cw.scr.Render()
	_ = cw.scr.Flush() // into cw.out, which cannot fail
	if cw.out.Len() == 0 {
		return nil
	}
	return cw.out.Bytes()
}

// Close returns the bytes that restore the terminal: the pen reset, the
// cursor shown and at the bottom, the main screen back, mouse and bracketed
// paste off. Later frames return nil.
func (cw *Writer) Close() []byte {
	if cw.closed {
		return nil
	}
	cw.closed = true
	cw.out.Reset()
	if !cw.opened {
		return nil // nothing was drawn, nothing to restore
	}
	_ = cw.scr.Close()
	switch cw.opts.Mouse {
	case MouseCellMotion:
		cw.out.WriteString(ansi.ResetModeMouseButtonEvent + ansi.ResetModeMouseExtSgr)
	case MouseAllMotion:
		cw.out.WriteString(ansi.ResetModeMouseAnyEvent + ansi.ResetModeMouseExtSgr)
	}
	if cw.opts.BracketedPaste {
		cw.out.WriteString(ansi.ResetModeBracketedPaste)
	}
	return cw.out.Bytes()
}

// splitLines cuts a view into at most h lines (the last ones), without
// carriage returns and without control characters other than ESC, which
// the cell parser would otherwise keep as cell content.
func splitLines(view string, h int) []string {
	view = strings.TrimSuffix(view, "\n")
	lines := strings.Split(view, "\n")
	if len(lines) > h {
		lines = lines[len(lines)-h:]
	}
	for i, l := range lines {
		if strings.IndexFunc(l, isStrayControl) >= 0 {
			lines[i] = strings.Map(func(r rune) rune {
				if r == '\t' {
					return ' '
				}
				if isStrayControl(r) {
					return -1
				}
				return r
			}, l)
		}
	}
	return lines
}

func isStrayControl(r rune) bool {
	return (r < 0x20 && r != 0x1b) || r == 0x7f
}
