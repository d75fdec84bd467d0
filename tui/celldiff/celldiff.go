// Package celldiff turns successive frames of a full-screen program (the
// strings a bubbletea v1 View returns: text, SGR styles, newlines) into the
// bytes a terminal needs to go from one frame to the next: only the cells
// that changed, with the cursor moves and SGR changes kept small, the way a
// cell-diff renderer does.
//
// It keeps two compact cell grids (8 bytes a cell): the screen the terminal
// has and the one the next frame wants. Per row it sends the changed cells,
// joining two changes when rewriting the cells between them is cheaper than
// a cursor move, erases a blank row end with one sequence, picks the
// shortest cursor move, and changes the pen only where it shows: a plain
// space takes whatever foreground the pen has, since a colour, bold or
// italic cannot be seen on a space (its background, reverse, underline and
// strikethrough can, and are kept).
//
// It has no I/O of its own and no goroutines: the caller decides when to
// take a frame and where its bytes go (an SSH channel, a file, a cast). A
// Writer is not safe for concurrent use.
package celldiff

import (
	"bytes"
	"hash/maphash"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

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
	// AltScreen draws on the alternate screen (a full-screen program).
	AltScreen bool
	// ShowCursor leaves the text cursor visible (hidden by default).
	ShowCursor bool
	// Mouse turns on mouse reporting.
	Mouse Mouse
	// BracketedPaste turns on bracketed paste.
	BracketedPaste bool
	// MapNL says the output turns every LF into CR LF on its way (a
	// terminal's ONLCR; an SSH PTY session's channel does it too).
	MapNL bool
}

// maxStyles bounds a Writer's style table; past it the table is rebuilt
// (and the screen repainted), so a hostile stream of styles cannot grow it.
const maxStyles = 4096

// cell is one screen cell: a rune (0 for the right half of a wide cell),
// its style's index in the Writer's table, and its width.
type cell struct {
	r     rune
	st    uint16
	w     uint8
	multi bool // a grapheme of several runes: its text is in the grid's map
}

var blank = cell{r: ' ', w: 1}

// Writer turns frames into terminal bytes. Make it with New.
type Writer struct {
	opts  Options
	out   bytes.Buffer
	w, h  int
	cur   []cell         // what the terminal shows
	next  []cell         // what the frame wants
	dirty []bool         // rows of next set since they were last rendered
	comb  map[int]string // multi-rune graphemes of next, by index
	have  map[int]string // multi-rune graphemes of cur, by index

	styles []cellbuf.Style
	index  map[cellbuf.Style]uint16
	// rows holds a hash of each row's line in the last frame (rows not to
	// parse again); hashes, not the lines, so the frame is not kept.
	rows  []uint64
	rowOK bool // rows is valid
	seed  maphash.Seed

	cx, cy int    // the cursor; cx -1: unknown column (after the last column)
	pen    uint16 // the terminal's current style
	clear  bool   // the next frame starts from a cleared screen
	// restyled: the style table was rebuilt while parsing this frame
	restyled bool
	opened   bool
	closed   bool
}

// New makes a Writer for a width x height terminal. Nothing is written
// until the first Frame, which clears the screen and paints it all.
func New(width, height int, o Options) *Writer {
	cw := &Writer{opts: o, comb: map[int]string{}, have: map[int]string{}, seed: maphash.MakeSeed()}
	cw.resetStyles()
	cw.setSize(width, height)
	return cw
}

func (cw *Writer) resetStyles() {
	cw.styles = append(cw.styles[:0], cellbuf.Style{})
	cw.index = map[cellbuf.Style]uint16{{}: 0}
}

func (cw *Writer) setSize(width, height int) {
	cw.w, cw.h = max(width, 1), max(height, 1)
	n := cw.w * cw.h
	cw.cur = make([]cell, n)
	cw.next = make([]cell, n)
	cw.dirty = make([]bool, cw.h)
	clear(cw.comb)
	clear(cw.have)
	cw.rows = make([]uint64, cw.h)
	cw.rowOK = false
	cw.clear = true
}

// Size is the terminal size the Writer draws for.
func (cw *Writer) Size() (width, height int) { return cw.w, cw.h }

// Resize tells the Writer the terminal's new size. The next frame repaints
// the whole screen: a terminal that changed size may have reflowed or
// cleared what it showed, so nothing it had is trusted.
func (cw *Writer) Resize(width, height int) {
	if max(width, 1) == cw.w && max(height, 1) == cw.h {
		return
	}
	cw.setSize(width, height)
}

// Redraw makes the next frame a full paint (the terminal's screen is not
// known, e.g. after the client cleared it).
func (cw *Writer) Redraw() {
	cw.rowOK = false
	cw.clear = true
}

// Frame takes the next frame and returns the bytes that turn the
// terminal's screen into it (nil when nothing changed). The slice is valid
// until the next call. Lines past the width are cut; with more lines than
// the height, the last ones are shown (as bubbletea v1 does). Only SGR
// sequences are understood; others in the frame are dropped.
func (cw *Writer) Frame(view string) []byte {
	if cw.closed {
		return nil
	}
	if cw.out.Cap() > 64<<10 {
		cw.out = bytes.Buffer{} // do not keep a first paint's buffer for good
	}
	cw.out.Reset()
	if !cw.opened {
		cw.opened = true
		cw.openModes()
	}
	lines := splitLines(view, cw.h)
	cw.parseRows(lines)
	if cw.restyled {
		// The old indices mean nothing now: parse everything against the
		// new table and repaint from a cleared screen.
		cw.rowOK = false
		cw.parseRows(lines)
		cw.restyled = false
		cw.out.WriteString(ansi.ResetStyle)
		cw.pen = 0
		cw.clear = true
	}
	cw.rowOK = true
	if cw.clear {
		cw.clear = false
		cw.setPen(0)
		cw.out.WriteString(ansi.CursorHomePosition + ansi.EraseEntireScreen)
		cw.cx, cw.cy = 0, 0
		for i := range cw.cur {
			cw.cur[i] = blank
		}
		clear(cw.have)
		for y := range cw.dirty {
			cw.dirty[y] = true
		}
	}
	for y := 0; y < cw.h; y++ {
		cw.renderRow(y)
	}
	if cw.out.Len() == 0 {
		return nil
	}
	return cw.out.Bytes()
}

func (cw *Writer) openModes() {
	if cw.opts.AltScreen {
		cw.out.WriteString(ansi.SetModeAltScreenSaveCursor)
	}
	if !cw.opts.ShowCursor {
		cw.out.WriteString(ansi.HideCursor)
	}
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

// Close returns the bytes that restore the terminal: the pen reset, the
// cursor at the bottom and shown, the main screen back, mouse and bracketed
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
	cw.setPen(0)
	switch cw.opts.Mouse {
	case MouseCellMotion:
		cw.out.WriteString(ansi.ResetModeMouseButtonEvent + ansi.ResetModeMouseExtSgr)
	case MouseAllMotion:
		cw.out.WriteString(ansi.ResetModeMouseAnyEvent + ansi.ResetModeMouseExtSgr)
	}
	if cw.opts.BracketedPaste {
		cw.out.WriteString(ansi.ResetModeBracketedPaste)
	}
	if cw.opts.AltScreen {
		cw.out.WriteString(ansi.ResetModeAltScreenSaveCursor)
	} else {
		cw.moveTo(0, cw.h-1)
	}
	if !cw.opts.ShowCursor {
		cw.out.WriteString(ansi.ShowCursor)
	}
	return cw.out.Bytes()
}

func (cw *Writer) parseRows(lines []string) {
	for y := 0; y < cw.h; y++ {
		var line string
		if y < len(lines) {
			line = lines[y]
		}
		h := maphash.String(cw.seed, line)
		if cw.rowOK && cw.rows[y] == h {
			continue // the row is already set
		}
		cw.rows[y] = h
		cw.parseRow(y, line)
	}
}

// parseRow sets row y of the next grid from one line of the frame.
func (cw *Writer) parseRow(y int, line string) {
	row := cw.next[y*cw.w : (y+1)*cw.w]
	cw.dirty[y] = true
	for x := range row {
		if row[x].multi {
			delete(cw.comb, y*cw.w+x)
		}
		row[x] = blank
	}
	p := ansi.GetParser()
	defer ansi.PutParser(p)
	var style cellbuf.Style
	st := uint16(0)
	x := 0
	var state byte
	for len(line) > 0 && x < cw.w {
		// Fast path: a printable ASCII byte not followed by a byte that
		// could join its grapheme (most of a dashboard).
		if c := line[0]; c >= 0x20 && c < 0x7f && state == ansi.NormalState && (len(line) == 1 || line[1] < 0x80) {
			row[x] = cell{r: rune(c), st: st, w: 1}
			x++
			line = line[1:]
			continue
		}
		seq, width, n, newState := ansi.DecodeSequence(line, state, p)
		state = newState
		line = line[n:]
		switch {
		case width > 0:
			r, size := utf8.DecodeRuneInString(seq)
			if r == '\t' {
				r, width = ' ', 1
			}
			if x+width > cw.w { // a wide cell that does not fit: a space, as a cut does
				row[x] = cell{r: ' ', st: st, w: 1}
				x = cw.w
				continue
			}
			row[x] = cell{r: r, st: st, w: uint8(width), multi: size < len(seq)}
			if row[x].multi {
				cw.comb[y*cw.w+x] = seq
			}
			for i := 1; i < width; i++ {
				row[x+i] = cell{st: st}
			}
			x += width
		case ansi.HasCsiPrefix(seq) && p.Command() == 'm':
			cellbuf.ReadStyle(p.Params(), &style)
			st = cw.styleIndex(style)
		case x > 0 && joins(seq):
			// a zero-width rune (a combining mark) the decoder gave
			// apart from its base: it belongs to the cell before
			lead := x - 1
			for lead > 0 && row[lead].w == 0 {
				lead--
			}
			i := y*cw.w + lead
			base := cw.comb[i]
			if !row[lead].multi {
				base = string(row[lead].r)
			}
			row[lead].multi = true
			cw.comb[i] = base + seq
		}
	}
}

// joins reports whether a zero-width sequence is text that joins the
// grapheme before it (not a control or an escape).
func joins(seq string) bool {
	r, _ := utf8.DecodeRuneInString(seq)
	return r != utf8.RuneError && r >= 0x20 && !unicode.IsControl(r)
}

func (cw *Writer) styleIndex(s cellbuf.Style) uint16 {
	if i, ok := cw.index[s]; ok {
		return i
	}
	if len(cw.styles) >= maxStyles {
		if cw.restyled {
			return 0 // one frame with more styles than the table holds
		}
		// Too many styles: start the table again; Frame parses the
		// whole frame again and repaints.
		cw.restyled = true
		cw.resetStyles()
	}
	i := uint16(len(cw.styles))
	cw.styles = append(cw.styles, s)
	cw.index[s] = i
	return i
}

// plainBlank: a space whose style shows nothing but its background.
func (cw *Writer) plainBlank(c cell) bool {
	return c.r == ' ' && c.w == 1 && !c.multi && blankInvisible(&cw.styles[c.st])
}

func blankInvisible(s *cellbuf.Style) bool {
	return s.UlStyle == cellbuf.NoUnderline &&
		s.Attrs&(cellbuf.ReverseAttr|cellbuf.StrikethroughAttr) == 0
}

// same reports whether the terminal's cell i already looks like the
// frame's.
func (cw *Writer) same(i int) bool {
	a, b := cw.cur[i], cw.next[i]
	if a == b {
		return !a.multi || cw.have[i] == cw.comb[i]
	}
	if a.r != b.r || a.w != b.w || a.multi != b.multi || a.multi && cw.have[i] != cw.comb[i] {
		return false
	}
	// the styles differ: two plain spaces on the same background look alike
	sa, sb := &cw.styles[a.st], &cw.styles[b.st]
	return a.r == ' ' && blankInvisible(sa) && blankInvisible(sb) && colorEqual(sa.Bg, sb.Bg)
}

// renderRow sends what changed on row y.
func (cw *Writer) renderRow(y int) {
	if !cw.dirty[y] {
		return
	}
	cw.dirty[y] = false
	base := y * cw.w
	first := -1
	last := -1
	for x := 0; x < cw.w; x++ {
		if !cw.same(base + x) {
			if first < 0 {
				first = x
			}
			last = x
		}
	}
	if first < 0 {
		return
	}
	// A changed cell inside a wide cell: start from its first column.
	for first > 0 && (cw.next[base+first].w == 0 || cw.cur[base+first].w == 0) {
		first--
	}
	// Blank, unstyled tail: erase it with EL rather than write spaces.
	tail := cw.w
	for tail > 0 {
		c := cw.next[base+tail-1]
		if c.r != ' ' || c.w != 1 || c.st != 0 || c.multi {
			break
		}
		tail--
	}
	useEL := tail <= last && cw.w-tail > 3
	end := last
	if useEL {
		end = tail - 1
	}
	x := first
	for x <= end {
		i := base + x
		if cw.next[i].w == 0 {
			x++ // the right half of a wide cell: written with its left
			continue
		}
		if cw.same(i) {
			// unchanged: find the next change and see whether rewriting
			// the cells between is cheaper than moving over them
			nx := x + 1
			for nx <= end && (cw.same(base+nx) || cw.next[base+nx].w == 0) {
				nx++
			}
			if nx > end {
				break
			}
			if cw.cy == y && cw.cx == x && cw.gapCost(base, x, nx) <= moveCost(nx-x) {
				for x < nx {
					x += cw.put(base, x, y)
				}
				continue
			}
			x = nx
			continue
		}
		cw.moveTo(x, y)
		x += cw.put(base, x, y)
	}
	if useEL {
		cw.moveTo(tail, y)
		if p := cw.styles[cw.pen]; p.Bg != nil || p.Attrs&cellbuf.ReverseAttr != 0 {
			cw.setPen(0) // EL erases with the pen's background
		}
		cw.out.WriteString(ansi.EraseLineRight)
		for xx := tail; xx < cw.w; xx++ {
			if cw.cur[base+xx].multi {
				delete(cw.have, base+xx)
			}
			cw.cur[base+xx] = blank
		}
	}
}

// gapCost is the bytes that rewriting cells [x, nx) of a row would take,
// or a large number when they need a pen change.
func (cw *Writer) gapCost(base, x, nx int) int {
	n := 0
	for i := x; i < nx; i++ {
		c := cw.next[base+i]
		if c.w == 0 {
			continue
		}
		if c.st != cw.pen && !cw.blankFits(c) {
			return 1 << 20
		}
		if c.multi {
			n += len(cw.comb[base+i])
		} else {
			n += utf8.RuneLen(c.r)
		}
		if n > 8 {
			return n
		}
	}
	return n
}

// blankFits: a plain space the current pen can draw as it is.
func (cw *Writer) blankFits(c cell) bool {
	if !cw.plainBlank(c) {
		return false
	}
	pen := &cw.styles[cw.pen]
	return blankInvisible(pen) && colorEqual(pen.Bg, cw.styles[c.st].Bg)
}

func moveCost(n int) int { return 3 + len(strconv.Itoa(n)) }

// put writes the frame's cell x of row y at the cursor and returns its
// width.
func (cw *Writer) put(base, x, y int) int {
	i := base + x
	c := cw.next[i]
	if c.w == 0 { // the right half of a wide cell: nothing to write
		return 1
	}
	if c.st != cw.pen && !cw.blankFits(c) {
		cw.setPen(c.st)
	}
	if c.multi {
		s := cw.comb[i]
		cw.out.WriteString(s)
		cw.have[i] = s
	} else {
		var b [utf8.UTFMax]byte
		cw.out.Write(b[:utf8.EncodeRune(b[:], c.r)])
		if cw.cur[i].multi {
			delete(cw.have, i)
		}
	}
	w := int(c.w)
	for k := 0; k < w && x+k < cw.w; k++ {
		cw.cur[i+k] = cw.next[i+k]
	}
	if x+w >= cw.w {
		cw.cx = -1 // at the last column: the terminal's wrap is pending
	} else {
		cw.cx += w
	}
	return w
}

func (cw *Writer) setPen(st uint16) {
	if st == cw.pen {
		return
	}
	to, from := cw.styles[st], cw.styles[cw.pen]
	seq := to.DiffSequence(from)
	const intensity = cellbuf.BoldAttr | cellbuf.FaintAttr
	if full := ansi.ResetStyle + to.Sequence(); to.Empty() {
		seq = ansi.ResetStyle
	} else if len(full) < len(seq) || from.Attrs&intensity&^to.Attrs != 0 && to.Attrs&intensity != 0 {
		// x/cellbuf's diff turns bold on and then faint off with SGR 22,
		// which ends bold too (faint to bold drew plain): when one
		// intensity goes and another stays or comes, set the style whole.
		seq = full
	}
	cw.out.WriteString(seq)
	cw.pen = st
}

// moveTo moves the cursor to (x, y) with the shortest sequence it knows.
func (cw *Writer) moveTo(x, y int) {
	if cw.cx == x && cw.cy == y {
		return
	}
	best := ansi.CursorPosition(x+1, y+1)
	if cw.cy == y && cw.cx >= 0 {
		switch d := x - cw.cx; {
		case x == 0:
			best = "\r"
		case d > 0:
			best = shorter(best, ansi.CursorForward(d))
		default:
			best = shorter(best, ansi.CursorBackward(-d))
		}
	}
	if x == 0 && y > cw.cy && y-cw.cy <= 2 {
		nl := strings.Repeat("\n", y-cw.cy)
		if cw.opts.MapNL {
			best = shorter(best, nl)
		} else {
			best = shorter(best, "\r"+nl)
		}
	}
	if y == cw.cy && x > 0 {
		best = shorter(best, "\r"+ansi.CursorForward(x))
	}
	cw.out.WriteString(best)
	cw.cx, cw.cy = x, y
}

func shorter(a, b string) string {
	if len(b) < len(a) {
		return b
	}
	return a
}

func colorEqual(a, b ansi.Color) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	r1, g1, b1, a1 := a.RGBA()
	r2, g2, b2, a2 := b.RGBA()
	return r1 == r2 && g1 == g2 && b1 == b2 && a1 == a2
}

// splitLines cuts a view into at most h lines (the last ones), without
// carriage returns.
func splitLines(view string, h int) []string {
	view = strings.TrimSuffix(view, "\n")
	lines := strings.Split(view, "\n")
	if len(lines) > h {
		lines = lines[len(lines)-h:]
	}
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return lines
}
