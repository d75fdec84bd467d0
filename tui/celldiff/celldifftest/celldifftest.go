// Package celldifftest checks terminal output in tests: a real terminal
// emulator (charmbracelet/x/vt) reconstructs the screen from the bytes a
// program sent, and is compared cell by cell (text, width, style) with the
// frame the program meant; a reference cell-diff renderer (ultraviolet's
// TerminalRenderer, the one bubbletea v2 uses) says how many bytes the same
// screens need. Tests only: it pulls in x/vt and ultraviolet.
package celldifftest

import (
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/colorprofile"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/vt"
)

// Term is the client's terminal: an emulator fed the bytes a program sent.
type Term struct {
	em *vt.Emulator
	w  int
	h  int
}

// NewTerm is a width x height terminal.
func NewTerm(w, h int) *Term {
	return &Term{em: NewEmulator(w, h), w: w, h: h}
}

// NewEmulator is an x/vt emulator whose replies (to the queries in what it
// is fed) are read and dropped. Stop it with StopEmulator, not its Close:
// x/vt's Close races with a reader.
func NewEmulator(w, h int) *vt.Emulator {
	em := vt.NewEmulator(w, h)
	go func() { _, _ = io.Copy(io.Discard, em) }()
	return em
}

// StopEmulator ends the reader of an emulator's replies. The emulator can
// still be read (String, CellAt) but must not be fed.
func StopEmulator(em *vt.Emulator) {
	if pw, ok := em.InputPipe().(*io.PipeWriter); ok {
		_ = pw.CloseWithError(io.EOF)
	}
}

// Write feeds the terminal.
func (t *Term) Write(p []byte) (int, error) { return t.em.Write(p) }

// Resize resizes the terminal, as a window change does.
func (t *Term) Resize(w, h int) { t.w, t.h = w, h; t.em.Resize(w, h) }

// Size is the terminal's size.
func (t *Term) Size() (w, h int) { return t.w, t.h }

// Close stops the emulator.
func (t *Term) Close() error { StopEmulator(t.em); return nil }

// CursorHidden reports whether the program hid the cursor.
func (t *Term) CursorHidden() bool { return t.em.CursorHidden() }

// Paint is the screen a fresh terminal shows for frame: each line from
// column 0, cut at the width, the last h lines when there are more.
func Paint(w, h int, frame string) *vt.Emulator {
	em := NewEmulator(w, h)
	lines := strings.Split(strings.TrimSuffix(frame, "\n"), "\n")
	if len(lines) > h {
		lines = lines[len(lines)-h:]
	}
	var b strings.Builder
	for y, l := range lines {
		fmt.Fprintf(&b, "\x1b[%d;1H\x1b[m%s", y+1, ansi.Truncate(strings.TrimSuffix(l, "\r"), w, ""))
	}
	b.WriteString("\x1b[m")
	_, _ = em.WriteString(b.String())
	return em
}

// Diff says where the terminal's screen differs from frame ("" when they
// look the same): the first few differing cells, by position. Cells
// compare by text, width and style, except that a plain space compares by
// what shows on it (its background): a foreground colour, bold, faint,
// italic or blink on a space cannot be seen.
func (t *Term) Diff(frame string) string {
	want := Paint(t.w, t.h, frame)
	defer StopEmulator(want)
	var b strings.Builder
	n := 0
	for y := 0; y < t.h; y++ {
		for x := 0; x < t.w; x++ {
			got, exp := t.em.CellAt(x, y), want.CellAt(x, y)
			if cellsEqual(got, exp) {
				continue
			}
			if n < 5 {
				fmt.Fprintf(&b, "(%d,%d) got %s want %s; ", x, y, show(got), show(exp))
			}
			n++
		}
	}
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("%d cells differ: %s", n, b.String())
}

func cellsEqual(a, b *uv.Cell) bool {
	if a == nil || b == nil {
		return a == b
	}
	ac, bc := *a, *b
	if ac.Content == "" {
		ac.Content = " "
	}
	if bc.Content == "" {
		bc.Content = " "
	}
	if ac.Content == " " && bc.Content == " " && blankOnly(ac.Style) && blankOnly(bc.Style) {
		ac.Style, bc.Style = uv.Style{Bg: ac.Style.Bg}, uv.Style{Bg: bc.Style.Bg}
	}
	return ac.Equal(&bc)
}

// blankOnly: on a space, style s shows only its background.
func blankOnly(s uv.Style) bool {
	return s.Underline == uv.UnderlineNone && s.Attrs&(uv.AttrReverse|uv.AttrStrikethrough) == 0
}

func show(c *uv.Cell) string {
	if c == nil {
		return "nil"
	}
	return fmt.Sprintf("%q w%d %q", c.Content, c.Width, c.Style.String())
}

// Reference renders the same screens through ultraviolet's TerminalRenderer
// (colours passed through as they are) and counts its bytes.
type Reference struct {
	r     *uv.TerminalRenderer
	n     counter
	w, h  int
	first bool
}

type counter struct{ n int64 }

func (c *counter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// NewReference is a reference renderer for a width x height terminal.
func NewReference(w, h int) *Reference {
	ref := &Reference{w: w, h: h, first: true}
	ref.r = uv.NewTerminalRenderer(&ref.n, []string{"TERM=xterm-256color"})
	ref.r.SetColorProfile(colorprofile.TrueColor)
	ref.r.SetFullscreen(true)
	return ref
}

// Resize is a window change: the next frame is a full paint.
func (r *Reference) Resize(w, h int) {
	r.w, r.h = w, h
	r.r.Resize(w, h)
	r.r.Erase()
}

// Frame renders frame and returns the bytes it took.
func (r *Reference) Frame(frame string) int64 {
	em := Paint(r.w, r.h, frame)
	defer StopEmulator(em)
	buf := uv.NewRenderBuffer(r.w, r.h)
	for y := 0; y < r.h; y++ {
		for x := 0; x < r.w; x++ {
			if c := em.CellAt(x, y); c != nil {
				buf.SetCell(x, y, c.Clone())
			}
		}
	}
	before := r.n.n
	if r.first {
		r.r.Erase()
		r.first = false
	}
	r.r.Render(buf)
	_ = r.r.Flush()
	return r.n.n - before
}

// Bytes is the total the reference sent.
func (r *Reference) Bytes() int64 { return r.n.n }
