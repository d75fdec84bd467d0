package theme

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
)

// Painter draws one-line text in a style with the bytes Style.Render gives,
// without Render's per-call work: the style's opening and closing
// sequences are found once (by rendering probes) and each call only joins
// strings. Text holding a tab, a newline or a carriage return (which
// Render rewrites), or a style whose output is not a plain wrap of the
// text (a width, alignment, a border over several lines), goes through
// Render as before.
type Painter struct {
	pre, post string
	wraps     bool // Render(s) == pre + s + post for one-line s
	st        lipgloss.Style
}

// NewPainter probes st once. Build painters where the styles are built
// (New), not per frame.
func NewPainter(st lipgloss.Style) Painter {
	p := Painter{st: st}
	a := st.Render("a")
	i := strings.IndexByte(a, 'a')
	if i < 0 {
		return p
	}
	p.pre, p.post = a[:i], a[i+1:]
	p.wraps = true
	for _, probe := range []string{"", "bc d", "é世 ─●", " ", "\x1b[1mx\x1b[0m"} {
		if st.Render(probe) != p.pre+probe+p.post {
			p.wraps = false
			break
		}
	}
	return p
}

// Render draws s as p's style would.
func (p Painter) Render(s string) string {
	if p.wraps && !strings.ContainsAny(s, "\t\n\r") {
		return p.pre + s + p.post
	}
	return p.st.Render(s)
}

// Style is the style p draws with.
func (p Painter) Style() lipgloss.Style { return p.st }

// Painters are the painters of the styles drawn on every frame.
type Painters struct {
	Base, Muted, Faint, Bold          Painter
	Up, UpStrong, Down, DownStrong    Painter
	Flat, Warn, Err, Stale            Painter
	Title, Header, Selected, GroupHdr Painter
	Axis, Future, Accent, StripLabel  Painter
	// Border and BorderFocused draw border lines in Pane's and
	// PaneFocused's border colour.
	Border, BorderFocused Painter
	// The status bar's badges and the bar itself.
	Badge, BadgeWarn, BadgeErr, StatusBar Painter
}

func newPainters(s *Styles) Painters {
	return Painters{
		Base: NewPainter(s.Base), Muted: NewPainter(s.Muted), Faint: NewPainter(s.Faint), Bold: NewPainter(s.Bold),
		Up: NewPainter(s.Up), UpStrong: NewPainter(s.UpStrong), Down: NewPainter(s.Down), DownStrong: NewPainter(s.DownStrong),
		Flat: NewPainter(s.Flat), Warn: NewPainter(s.Warn), Err: NewPainter(s.Err), Stale: NewPainter(s.Stale),
		Title: NewPainter(s.Title), Header: NewPainter(s.Header), Selected: NewPainter(s.Selected), GroupHdr: NewPainter(s.GroupHeader),
		Axis: NewPainter(s.Axis), Future: NewPainter(s.Future), Accent: NewPainter(s.Accent), StripLabel: NewPainter(s.StripLabel),
		Border:        NewPainter(s.R.NewStyle().Foreground(s.Pane.GetBorderTopForeground())),
		BorderFocused: NewPainter(s.R.NewStyle().Foreground(s.PaneFocused.GetBorderTopForeground())),
		Badge:         NewPainter(s.Badge), BadgeWarn: NewPainter(s.BadgeWarn), BadgeErr: NewPainter(s.BadgeErr),
		StatusBar: NewPainter(s.StatusBar),
	}
}

// MovePaint is Move's painter.
func (s *Styles) MovePaint(pct, strong float64) Painter {
	switch {
	case pct >= strong:
		return s.P.UpStrong
	case pct > 0:
		return s.P.Up
	case pct <= -strong:
		return s.P.DownStrong
	case pct < 0:
		return s.P.Down
	}
	return s.P.Flat
}
