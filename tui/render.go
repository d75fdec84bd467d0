package tui

import (
	"github.com/charmbracelet/lipgloss"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/tui/common"
)

// Render draws exactly one frame of the dashboard for u at width x height,
// for `selloff render`, SSH one-shots and tests. It starts no goroutine and
// reads no clock; colours follow r's profile (an Ascii renderer gives plain
// text).
func Render(u feeds.Update, width, height int, r *lipgloss.Renderer, g common.Glyphs) string {
	return RenderWith(u, width, height, r, g)
}

// RenderWith is Render with options (WithSpoilers).
func RenderWith(u feeds.Update, width, height int, r *lipgloss.Renderer, g common.Glyphs, opts ...Option) string {
	m := newModel(Deps{Renderer: r, Width: width, Height: height, Glyphs: g}, opts...)
	m.apply(u)
	m.refreshStatus()
	m.relayout()
	return m.View()
}
