// Package panebench measures the chart, timeline and capbars panes together,
// as the dashboard drives them on every replay tick.
package panebench

import (
	"testing"
	"time"

	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/tui/capbars"
	"github.com/selloff/selloff/tui/chart"
	"github.com/selloff/selloff/tui/common"
	"github.com/selloff/selloff/tui/internal/panetest"
	"github.com/selloff/selloff/tui/timeline"
)

type panes struct {
	ch chart.Model
	tl timeline.Model
	cb capbars.Model
}

func newPanes(c common.Common) panes {
	p := panes{ch: chart.New(c), tl: timeline.New(c), cb: capbars.New(c)}
	// the pane sizes of a 200x50 dashboard
	p.ch.SetSize(120, 30)
	p.tl.SetSize(78, 20)
	p.cb.SetSize(78, 20)
	p.ch.SetSymbol("NVDA")
	p.ch.SetCompare([]string{"NVDA", "AVGO", "TSM", "AMD", "MU", "^SOX"})
	return p
}

func (p *panes) setFrame(f *market.Frame) {
	p.ch.SetFrame(f)
	p.tl.SetFrame(f)
	p.cb.SetFrame(f)
}

func (p *panes) view() int { return len(p.ch.View()) + len(p.tl.View()) + len(p.cb.View()) }

// frames of the real snapshot, one a minute through the session.
func frames(b *testing.B) []*market.Frame {
	var fs []*market.Frame
	for t := panetest.ET(27, 9, 31); !t.After(panetest.Close); t = t.Add(time.Minute) {
		f, err := panetest.Real(t)
		if err != nil {
			b.Skipf("embedded snapshot not available: %v", err)
		}
		fs = append(fs, f)
	}
	return fs
}

// BenchmarkChartSetFrameView: one replay tick of the chart at 120x30 in a
// true-colour terminal, per mode.
func BenchmarkChartSetFrameView(b *testing.B) {
	fs := frames(b)
	for _, mode := range []chart.Mode{chart.ModeLine, chart.ModeCandles, chart.ModeCompare} {
		for _, r := range []chart.Range{chart.RangeDay, chart.RangeWeek} {
			b.Run(mode.String()+"_"+r.String(), func(b *testing.B) {
				p := newPanes(panetest.ColorCommon(common.GlyphsBraille))
				p.ch.SetMode(mode)
				p.ch.SetRange(r)
				n, bytes := 0, 0
				b.ReportAllocs()
				for b.Loop() {
					p.ch.SetFrame(fs[n%len(fs)])
					bytes += len(p.ch.View())
					n++
				}
				b.ReportMetric(float64(bytes)/float64(n), "bytes/view")
			})
		}
	}
}

// BenchmarkPanesView: View of the three panes (what every redraw costs).
func BenchmarkPanesView(b *testing.B) {
	fs := frames(b)
	p := newPanes(panetest.ColorCommon(common.GlyphsBraille))
	p.setFrame(fs[len(fs)/2])
	b.ReportAllocs()
	for b.Loop() {
		_ = p.view()
	}
}

// BenchmarkPanesSetFrameView: a replay tick for the three panes: new frame,
// re-render, View.
func BenchmarkPanesSetFrameView(b *testing.B) {
	fs := frames(b)
	for _, g := range []common.Glyphs{common.GlyphsBraille, common.GlyphsASCII} {
		b.Run(string(g), func(b *testing.B) {
			p := newPanes(panetest.ColorCommon(g))
			n, bytes := 0, 0
			b.ReportAllocs()
			for b.Loop() {
				p.setFrame(fs[n%len(fs)])
				bytes += p.view()
				n++
			}
			b.ReportMetric(float64(bytes)/float64(n), "bytes/view")
		})
	}
}
