package tui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/tui/capbars"
	"github.com/selloff/selloff/tui/chart"
	"github.com/selloff/selloff/tui/common"
	"github.com/selloff/selloff/tui/timeline"
)

// panes holds the chart, the timeline and the value-change bars, and routes
// keys to the focused one. The value-change pane takes the chart's place
// (and its focus slot) while it is open.
type panes struct {
	chart    chart.Model
	timeline timeline.Model
	capbars  capbars.Model
	summary  capbars.Model // the value-change bars under the watchlist when there is room (never focused)
	showCap  bool
	focused  int
}

func newPanes(c common.Common) panes {
	return panes{chart: chart.New(c), timeline: timeline.New(c), capbars: capbars.New(c), summary: capbars.New(c)}
}

func (p *panes) setFrame(f *market.Frame) {
	p.chart.SetFrame(f)
	p.timeline.SetFrame(f)
	p.capbars.SetFrame(f)
	p.summary.SetFrame(f)
}

func (p *panes) setSymbol(sym string, group []string) {
	p.chart.SetSymbol(sym)
	p.chart.SetCompare(group)
}

// setSizes gives each pane the inside of its rectangle (the root draws the
// borders, fw x fh cells of frame).
func (p *panes) setSizes(l layout, showCap bool, fw, fh int) {
	p.showCap = showCap
	if l.showChart {
		if showCap {
			p.capbars.SetSize(max(l.chart.w-fw, 0), max(l.chart.h-fh, 0))
		} else {
			p.chart.SetSize(max(l.chart.w-fw, 0), max(l.chart.h-fh, 0))
		}
	}
	if !l.showChart || showCap {
		// A hidden chart draws nothing on each frame; it keeps no state
		// from drawing, so it draws the same when it is shown again.
		p.chart.SetSize(0, 0)
	}
	if l.showTimeline {
		p.timeline.SetSize(max(l.timeline.w-fw, 0), max(l.timeline.h-fh, 0))
	}
	if l.showSummary {
		p.summary.SetSize(max(l.summary.w-fw, 0), max(l.summary.h-fh, 0))
	}
	p.focus(p.focused)
}

func (p *panes) focus(id int) {
	p.focused = id
	p.chart.Blur()
	p.capbars.Blur()
	p.timeline.Blur()
	switch id {
	case paneChart:
		if p.showCap {
			p.capbars.Focus()
		} else {
			p.chart.Focus()
		}
	case paneTimeline:
		p.timeline.Focus()
	}
}

func (p panes) update(msg tea.Msg, focus int) (panes, tea.Cmd) {
	var cmd tea.Cmd
	switch focus {
	case paneChart:
		if p.showCap {
			p.capbars, cmd = p.capbars.Update(msg)
		} else {
			p.chart, cmd = p.chart.Update(msg)
		}
	case paneTimeline:
		p.timeline, cmd = p.timeline.Update(msg)
	}
	return p, cmd
}

// claims reports whether the focused pane binds k itself (the timeline's
// own [ and ], which also make it follow the clock).
func (p panes) claims(msg tea.KeyMsg, focus int) bool {
	if focus == paneTimeline {
		km := p.timeline.KeyMap
		return key.Matches(msg, km.Prev) || key.Matches(msg, km.Next)
	}
	return false
}

func (p panes) fullHelp(id int) [][]key.Binding {
	switch id {
	case paneChart:
		if p.showCap {
			return p.capbars.FullHelp()
		}
		return p.chart.FullHelp()
	case paneTimeline:
		return p.timeline.FullHelp()
	}
	return nil
}

func (p panes) chartView(showCap bool) string {
	if showCap {
		return p.capbars.View()
	}
	return p.chart.View()
}

func (p panes) timelineView() string { return p.timeline.View() }

func (p panes) summaryView() string { return p.summary.View() }
