// Package frameout writes one dashboard frame in other forms than a
// terminal's: an SVG picture of the screen (for slides and READMEs), the
// frame's data as JSON (a versioned schema, docs/frame.schema.json) and
// the watchlist as CSV. It does no I/O beyond writing to the io.Writer it
// is given and reads no clock.
package frameout

import (
	"fmt"
	"image/color"
	"io"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/cellbuf"
)

// SVG geometry: a cell is 0.6em wide (a monospace advance) and 1.2em tall.
const (
	fontSize   = 14.0
	cellWidth  = 8.4
	cellHeight = 17.0
	// baseline of a row's text from the row's top
	baseline = 13.0
	padding  = 8.0

	// FontFamily is the monospace font stack the SVG asks for: the first a
	// viewer has wins; every run is stretched to its cells, so a font with
	// other advances (or braille from a fallback font) still lines up.
	FontFamily = `ui-monospace, 'SF Mono', Menlo, 'DejaVu Sans Mono', 'Cascadia Mono', Consolas, 'Liberation Mono', 'Noto Sans Mono', monospace`
)

// Default colours of the picture's terminal (a dark one: the dashboard's
// palette is made for a dark background).
var (
	DefaultForeground = color.RGBA{0xd4, 0xd4, 0xd4, 0xff}
	DefaultBackground = color.RGBA{0x1b, 0x1d, 0x23, 0xff}
)

// SVGOptions set the picture's terminal.
type SVGOptions struct {
	Width, Height int    // the frame's size in cells; rows past Height are cut
	Title         string // the <title> (accessible name); "" for none
}

// SVG writes frame (a View string: text, SGR styles, newlines) as a
// standalone SVG picture of a Width x Height terminal: a background rect
// per run of cells with the same background, a <text> per row with one
// <tspan> per run of cells with the same style, each placed at its column
// and stretched to its cells.
func SVG(w io.Writer, frame string, o SVGOptions) error {
	if o.Width < 1 || o.Height < 1 || o.Width > 1000 || o.Height > 500 {
		return fmt.Errorf("frameout: SVG size %dx%d: want 1..1000 x 1..500", o.Width, o.Height)
	}
	buf := cellbuf.NewBuffer(o.Width, o.Height)
	cellbuf.SetContent(buf, frame)

	var b strings.Builder
	pw := padding*2 + float64(o.Width)*cellWidth
	ph := padding*2 + float64(o.Height)*cellHeight
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" viewBox="0 0 %s %s" font-family="%s" font-size="%s" xml:space="preserve">`+"\n",
		num(pw), num(ph), num(pw), num(ph), escape(FontFamily), num(fontSize))
	if o.Title != "" {
		fmt.Fprintf(&b, "<title>%s</title>\n", escape(o.Title))
	}
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="%s"/>`+"\n", hex(DefaultBackground))
	for y := 0; y < o.Height; y++ {
		writeBackgrounds(&b, buf, y, o.Width)
	}
	for y := 0; y < o.Height; y++ {
		writeText(&b, buf, y, o.Width)
	}
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// colours are a cell's drawn foreground and background (reverse applied).
func colours(st cellbuf.Style) (fg, bg color.Color, hasBg bool) {
	fg, bg = st.Fg, st.Bg
	if fg == nil {
		fg = DefaultForeground
	}
	hasBg = bg != nil
	if bg == nil {
		bg = DefaultBackground
	}
	if st.Attrs&cellbuf.ReverseAttr != 0 {
		fg, bg, hasBg = bg, fg, true
	}
	return fg, bg, hasBg
}

func writeBackgrounds(b *strings.Builder, buf *cellbuf.Buffer, y, width int) {
	x := 0
	for x < width {
		c := buf.Cell(x, y)
		if c == nil {
			x++
			continue
		}
		_, bg, has := colours(c.Style)
		if !has {
			x++
			continue
		}
		start, col := x, hex(bg)
		for x < width {
			c := buf.Cell(x, y)
			if c == nil {
				break
			}
			if _, bg2, has2 := colours(c.Style); !has2 || hex(bg2) != col {
				break
			}
			x++
		}
		fmt.Fprintf(b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`+"\n",
			num(padding+float64(start)*cellWidth), num(padding+float64(y)*cellHeight),
			num(float64(x-start)*cellWidth), num(cellHeight), col)
	}
}

// textStyle is what a tspan's attributes say; runs join while it is equal.
type textStyle struct {
	fill                               string
	bold, faint, italic, under, strike bool
}

func styleOf(st cellbuf.Style) textStyle {
	fg, _, _ := colours(st)
	return textStyle{
		fill:   hex(fg),
		bold:   st.Attrs&cellbuf.BoldAttr != 0,
		faint:  st.Attrs&cellbuf.FaintAttr != 0,
		italic: st.Attrs&cellbuf.ItalicAttr != 0,
		under:  st.UlStyle != cellbuf.NoUnderline,
		strike: st.Attrs&cellbuf.StrikethroughAttr != 0,
	}
}

func (s textStyle) attrs() string {
	a := ` fill="` + s.fill + `"`
	if s.bold {
		a += ` font-weight="bold"`
	}
	if s.faint {
		a += ` fill-opacity="0.6"`
	}
	if s.italic {
		a += ` font-style="italic"`
	}
	switch {
	case s.under && s.strike:
		a += ` text-decoration="underline line-through"`
	case s.under:
		a += ` text-decoration="underline"`
	case s.strike:
		a += ` text-decoration="line-through"`
	}
	return a
}

func writeText(b *strings.Builder, buf *cellbuf.Buffer, y, width int) {
	var row strings.Builder
	x := 0
	for x < width {
		c := buf.Cell(x, y)
		if c == nil || c.Width == 0 || blankCell(c) {
			x++
			continue
		}
		st := styleOf(c.Style)
		start := x
		var text strings.Builder
		cells := 0
		for x < width {
			c := buf.Cell(x, y)
			if c == nil {
				break
			}
			if c.Width == 0 { // right half of a wide cell
				x++
				continue
			}
			if !blankCell(c) && styleOf(c.Style) != st {
				break
			}
			if blankCell(c) && trailingBlank(buf, x, y, width, st) {
				break
			}
			s := c.String()
			if s == "" {
				s = " "
			}
			text.WriteString(s)
			cells += c.Width
			x += c.Width
		}
		fmt.Fprintf(&row, `<tspan x="%s" textLength="%s" lengthAdjust="spacingAndGlyphs"%s>%s</tspan>`,
			num(padding+float64(start)*cellWidth), num(float64(cells)*cellWidth), st.attrs(), escape(text.String()))
	}
	if row.Len() == 0 {
		return
	}
	fmt.Fprintf(b, `<text y="%s">%s</text>`+"\n", num(padding+float64(y)*cellHeight+baseline), row.String())
}

// blankCell: a space whose style draws nothing but a background.
func blankCell(c *cellbuf.Cell) bool {
	if c.Rune != ' ' && c.Rune != 0 || len(c.Comb) > 0 {
		return false
	}
	return c.Style.UlStyle == cellbuf.NoUnderline && c.Style.Attrs&(cellbuf.StrikethroughAttr|cellbuf.ReverseAttr) == 0
}

// trailingBlank: from x on, the row has only blank cells before the next
// cell of another style (or the end): a run stops there instead of
// carrying the spaces.
func trailingBlank(buf *cellbuf.Buffer, x, y, width int, st textStyle) bool {
	for ; x < width; x++ {
		c := buf.Cell(x, y)
		if c == nil {
			return true
		}
		if c.Width == 0 || blankCell(c) {
			continue
		}
		return styleOf(c.Style) != st
	}
	return true
}

func hex(c color.Color) string {
	r, g, b, _ := c.RGBA()
	return fmt.Sprintf("#%02x%02x%02x", r>>8, g>>8, b>>8)
}

// num writes a length with at most 2 decimals (no float noise).
func num(f float64) string {
	s := strconv.FormatFloat(f, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s
}

// escape makes s safe as XML text or an attribute value; characters XML
// 1.0 cannot hold (C0 controls other than tab and newline) are dropped.
func escape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '"':
			b.WriteString("&quot;")
		case r == '\'':
			b.WriteString("&apos;")
		case r < 0x20 && r != '\t' && r != '\n', r == 0xfffe, r == 0xffff, r >= 0xd800 && r < 0xe000:
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
