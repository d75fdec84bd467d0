package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/tui/common"
)

// panes holds the chart, timeline and value-change panes and routes to
// them. Until those packages exist it draws placeholder boxes of the right
// size, so the layout is already what it will be.
type panes struct {
	c      common.Common
	frame  *market.Frame
	sym    string
	group  []string
	chart  rect
	tl     rect
	cap    rect
	focus_ int
}

func newPanes(c common.Common) panes { return panes{c: c} }

func (p *panes) setFrame(f *market.Frame) { p.frame = f }

func (p *panes) setSymbol(sym string, group []string) { p.sym, p.group = sym, group }

func (p *panes) setSizes(l layout, showCap bool) {
	p.chart, p.tl = l.chart, l.timeline
	if showCap {
		p.cap = l.chart
	}
}

func (p *panes) focus(id int) { p.focus_ = id }

func (p panes) update(msg tea.Msg, focus int) (panes, tea.Cmd) {
	return p, nil
}

func (p panes) fullHelp(id int) [][]key.Binding { return nil }

func (p panes) chartView(showCap bool) string {
	if showCap {
		return p.placeholder("Value change by symbol", "share of the basket's move", p.chart, false)
	}
	return p.placeholder("Chart", p.sym, p.chart, p.focus_ == paneChart)
}

func (p panes) timelineView() string {
	n := 0
	if p.frame != nil {
		n = len(p.frame.Events)
	}
	_ = n
	return p.placeholder("Timeline", "", p.tl, p.focus_ == paneTimeline)
}

func (p panes) placeholder(title, body string, r rect, focused bool) string {
	st := p.c.Styles
	pane := st.Pane
	if focused {
		pane = st.PaneFocused
	}
	iw := r.w - pane.GetHorizontalFrameSize()
	ih := r.h - pane.GetVerticalFrameSize()
	if iw <= 0 || ih <= 0 {
		return strings.Repeat("\n", max(r.h-1, 0))
	}
	text := st.Title.Render(title)
	if body != "" {
		text += "\n" + st.Muted.Render(body)
	}
	return pane.Width(iw).Height(ih).MaxHeight(r.h).MaxWidth(r.w).Render(clipLines(text, iw, ih))
}
