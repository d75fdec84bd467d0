// Package theme turns semantic colour tokens into lipgloss styles built from
// one renderer. Every SSH session has its own renderer, so styles are never
// package-level: callers build a *Styles per program with New.
package theme

import (
	"strconv"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// Palette holds semantic colour tokens. Each token adapts to light and dark
// backgrounds.
type Palette struct {
	Fg            lipgloss.AdaptiveColor
	Muted         lipgloss.AdaptiveColor
	Faint         lipgloss.AdaptiveColor
	Accent        lipgloss.AdaptiveColor
	Up            lipgloss.AdaptiveColor // small gain
	UpStrong      lipgloss.AdaptiveColor // large gain
	Down          lipgloss.AdaptiveColor // small loss
	DownStrong    lipgloss.AdaptiveColor // large loss
	Warn          lipgloss.AdaptiveColor
	Err           lipgloss.AdaptiveColor
	Border        lipgloss.AdaptiveColor
	BorderFocused lipgloss.AdaptiveColor
	SelectedBg    lipgloss.AdaptiveColor
	EventMarker   lipgloss.AdaptiveColor
	Baseline      lipgloss.AdaptiveColor
	BadgeFg       lipgloss.AdaptiveColor
	BadgeBg       lipgloss.AdaptiveColor
	// Series colours the lines of a compare chart, in order.
	Series []lipgloss.AdaptiveColor
}

// DefaultPalette works on dark and light terminals.
func DefaultPalette() Palette {
	return Palette{
		Fg:            lipgloss.AdaptiveColor{Light: "#1f2328", Dark: "#e6edf3"},
		Muted:         lipgloss.AdaptiveColor{Light: "#57606a", Dark: "#9da7b3"},
		Faint:         lipgloss.AdaptiveColor{Light: "#8c959f", Dark: "#6e7681"},
		Accent:        lipgloss.AdaptiveColor{Light: "#0969da", Dark: "#58a6ff"},
		Up:            lipgloss.AdaptiveColor{Light: "#1a7f37", Dark: "#56d364"},
		UpStrong:      lipgloss.AdaptiveColor{Light: "#116329", Dark: "#2ea043"},
		Down:          lipgloss.AdaptiveColor{Light: "#cf222e", Dark: "#f85149"},
		DownStrong:    lipgloss.AdaptiveColor{Light: "#a40e26", Dark: "#ff2d2d"},
		Warn:          lipgloss.AdaptiveColor{Light: "#9a6700", Dark: "#d29922"},
		Err:           lipgloss.AdaptiveColor{Light: "#cf222e", Dark: "#ff7b72"},
		Border:        lipgloss.AdaptiveColor{Light: "#d0d7de", Dark: "#30363d"},
		BorderFocused: lipgloss.AdaptiveColor{Light: "#0969da", Dark: "#58a6ff"},
		SelectedBg:    lipgloss.AdaptiveColor{Light: "#ddf4ff", Dark: "#1c2a3a"},
		EventMarker:   lipgloss.AdaptiveColor{Light: "#8250df", Dark: "#d2a8ff"},
		Baseline:      lipgloss.AdaptiveColor{Light: "#8c959f", Dark: "#6e7681"},
		BadgeFg:       lipgloss.AdaptiveColor{Light: "#ffffff", Dark: "#0d1117"},
		BadgeBg:       lipgloss.AdaptiveColor{Light: "#9a6700", Dark: "#d29922"},
		Series: []lipgloss.AdaptiveColor{
			{Light: "#0969da", Dark: "#58a6ff"}, // blue
			{Light: "#bc4c00", Dark: "#ffa657"}, // orange
			{Light: "#8250df", Dark: "#d2a8ff"}, // purple
			{Light: "#1a7f37", Dark: "#7ee787"}, // green
			{Light: "#bf3989", Dark: "#ff7b72"}, // pink
			{Light: "#0a7b83", Dark: "#56d4dd"}, // teal
			{Light: "#9a6700", Dark: "#e3b341"}, // yellow
			{Light: "#57606a", Dark: "#c9d1d9"}, // grey
		},
	}
}

// Styles are every style the panes use, built from one renderer.
// Panes read these; they never build colours themselves. Add fields here
// rather than making styles in a pane.
type Styles struct {
	R       *lipgloss.Renderer
	Palette Palette

	Base       lipgloss.Style
	Muted      lipgloss.Style
	Faint      lipgloss.Style
	Accent     lipgloss.Style
	Bold       lipgloss.Style
	Up         lipgloss.Style
	UpStrong   lipgloss.Style
	Down       lipgloss.Style
	DownStrong lipgloss.Style
	Flat       lipgloss.Style
	Warn       lipgloss.Style
	Err        lipgloss.Style

	Pane        lipgloss.Style // bordered pane
	PaneFocused lipgloss.Style
	Title       lipgloss.Style // pane title
	Selected    lipgloss.Style // selected row
	Header      lipgloss.Style // table header
	Badge       lipgloss.Style // provenance and mode badges
	BadgeWarn   lipgloss.Style
	BadgeErr    lipgloss.Style
	EventMarker lipgloss.Style
	EventColumn lipgloss.Style // a chart's column at a past event: quiet, behind the data
	Baseline    lipgloss.Style
	StatusBar   lipgloss.Style

	// Core panes (watchlist, strip, status bar, help, inputs).
	Stale       lipgloss.Style // a quote that stopped updating: dimmed
	GroupHeader lipgloss.Style // watchlist group row
	StripLabel  lipgloss.Style // the pinned basket total of the strip
	HelpKey     lipgloss.Style
	HelpDesc    lipgloss.Style
	HelpSep     lipgloss.Style
	Prompt      lipgloss.Style // text input prompt

	// Chart panes (chart, timeline, capbars).
	Axis   lipgloss.Style   // chart axes and tick marks
	Future lipgloss.Style   // bars after the frame's time (replay knows them; the viewer has not reached them)
	Series []lipgloss.Style // compare-chart lines, index-aligned with Palette.Series

	// P paints the styles above that are drawn on every frame, with the
	// bytes of their Render at a fraction of its cost. Built by New from
	// the styles as New made them: a caller that changes a style field
	// afterwards must not use its painter.
	P Painters
}

// New builds Styles from r (a session's renderer, or lipgloss.DefaultRenderer
// locally) and a palette. Colours are resolved for r's colour profile and
// background here, once: set those on r (SetColorProfile,
// SetHasDarkBackground) before calling New.
func New(r *lipgloss.Renderer, p Palette) *Styles {
	if r == nil {
		r = lipgloss.DefaultRenderer()
	}
	s := &Styles{R: r, Palette: p}
	// Every style gets its colours already resolved for r: lipgloss would
	// otherwise pick the light or dark variant and search the nearest
	// ANSI256 or ANSI colour of the hex on every Render (most of a replay
	// frame's cost over SSH). The resolved colour draws the same bytes.
	col := resolver(r)
	st := r.NewStyle
	s.Base = st().Foreground(col(p.Fg))
	s.Muted = st().Foreground(col(p.Muted))
	s.Faint = st().Foreground(col(p.Faint))
	s.Accent = st().Foreground(col(p.Accent))
	s.Bold = st().Bold(true)
	s.Up = st().Foreground(col(p.Up))
	s.UpStrong = st().Foreground(col(p.UpStrong)).Bold(true)
	s.Down = st().Foreground(col(p.Down))
	s.DownStrong = st().Foreground(col(p.DownStrong)).Bold(true)
	s.Flat = st().Foreground(col(p.Muted))
	s.Warn = st().Foreground(col(p.Warn))
	s.Err = st().Foreground(col(p.Err)).Bold(true)
	s.Pane = st().Border(lipgloss.RoundedBorder()).BorderForeground(col(p.Border))
	// Focus is shown by the border's weight as well as its colour, so it
	// reads without colour (NO_COLOR, --color never).
	s.PaneFocused = st().Border(lipgloss.ThickBorder()).BorderForeground(col(p.BorderFocused))
	s.Title = st().Foreground(col(p.Accent)).Bold(true)
	s.Selected = st().Background(col(p.SelectedBg)).Bold(true)
	s.Header = st().Foreground(col(p.Muted)).Bold(true)
	s.Badge = st().Foreground(col(p.BadgeFg)).Background(col(p.Accent)).Bold(true).Padding(0, 1)
	s.BadgeWarn = st().Foreground(col(p.BadgeFg)).Background(col(p.BadgeBg)).Bold(true).Padding(0, 1)
	s.BadgeErr = st().Foreground(col(p.BadgeFg)).Background(col(p.Err)).Bold(true).Padding(0, 1)
	s.EventMarker = st().Foreground(col(p.EventMarker)).Bold(true)
	s.EventColumn = st().Foreground(col(p.EventMarker)).Faint(true)
	s.Baseline = st().Foreground(col(p.Baseline))
	s.StatusBar = st().Foreground(col(p.Fg))
	s.Stale = st().Foreground(col(p.Faint)).Faint(true)
	s.GroupHeader = st().Foreground(col(p.Accent)).Bold(true)
	s.StripLabel = st().Foreground(col(p.Fg)).Bold(true)
	s.HelpKey = st().Foreground(col(p.Accent))
	s.HelpDesc = st().Foreground(col(p.Muted))
	s.HelpSep = st().Foreground(col(p.Faint))
	s.Prompt = st().Foreground(col(p.Accent)).Bold(true)
	s.Axis = st().Foreground(col(p.Faint))
	s.Future = st().Foreground(col(p.Faint)).Faint(true)
	for _, c := range p.Series {
		s.Series = append(s.Series, st().Foreground(col(c)))
	}
	if len(s.Series) == 0 {
		s.Series = []lipgloss.Style{s.Accent}
	}
	s.P = newPainters(s)
	return s
}

// Move picks the style for a change of pct percent: flat, up or down, and
// the strong variant for large moves (|pct| >= strong).
func (s *Styles) Move(pct, strong float64) lipgloss.Style {
	switch {
	case pct >= strong:
		return s.UpStrong
	case pct > 0:
		return s.Up
	case pct <= -strong:
		return s.DownStrong
	case pct < 0:
		return s.Down
	}
	return s.Flat
}

// resolver returns the function that turns a token into the colour r
// draws for it: the variant for r's background, converted to r's profile
// once, so Render does no per-call conversion. An Ascii renderer draws no
// colour, and keeps the tokens as they are.
func resolver(r *lipgloss.Renderer) func(lipgloss.AdaptiveColor) lipgloss.TerminalColor {
	prof := r.ColorProfile()
	if prof == termenv.Ascii {
		return func(c lipgloss.AdaptiveColor) lipgloss.TerminalColor { return c }
	}
	dark := r.HasDarkBackground()
	return func(c lipgloss.AdaptiveColor) lipgloss.TerminalColor {
		hex := c.Light
		if dark {
			hex = c.Dark
		}
		switch tc := prof.Color(hex).(type) {
		case termenv.ANSIColor:
			return lipgloss.Color(strconv.Itoa(int(tc)))
		case termenv.ANSI256Color:
			return lipgloss.Color(strconv.Itoa(int(tc)))
		case termenv.RGBColor:
			return lipgloss.Color(hex)
		}
		return c // unparsable: as given
	}
}
