package tui

import (
	"io"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/selloff/selloff/tui/celldiff"
	"github.com/selloff/selloff/tui/common"
	"github.com/selloff/selloff/tui/ticker"
)

// stripBytesPerSecond is what the market-cap strip alone costs one SSH
// viewer of a paused replay at 160x45 in true colour: the cell-diff bytes
// of every frame its ticks cause over a minute of its clock, per second.
func stripBytesPerSecond(t testing.TB) (bps, fps float64) {
	m := newModel(Deps{
		Renderer: lipgloss.NewRenderer(io.Discard, termenv.WithProfile(termenv.TrueColor)),
		Control:  &fakeController{},
		Now:      func() time.Time { return fixedNow },
		Width:    160, Height: 45, Glyphs: common.GlyphsBraille,
	})
	m.strip.SetEvery(ticker.DefaultEvery)
	m, _ = step(t, m, updateMsg{u: replayUpdate(t, "2025-01-27 14:50", 1), at: fixedNow})
	if !m.strip.Scrolls() {
		t.Fatal("the strip fits at 160 columns; nothing to measure")
	}
	cw := celldiff.New(160, 45, celldiff.Options{AltScreen: true, MapNL: true})
	cw.Frame(m.View()) // the first, full paint is not the strip's
	const span = time.Minute
	var n, frames int
	for el := time.Duration(0); ; {
		el += m.strip.Delay()
		if el > span {
			break
		}
		m, _ = step(t, m, m.strip.Tick(fixedNow.Add(el)))
		n += len(cw.Frame(m.View()))
		frames++
	}
	return float64(n) / span.Seconds(), float64(frames) / span.Seconds()
}

// The strip of a paused replay pages by whole items every 2.5 s: an SSH
// viewer at 160x45 gets one row update then, about 50 B/s of screen bytes
// and 0.4 frames a second. A cell at a time it was 4 frames a second for
// ever, about 610 B/s of screen bytes, near 1 KB/s on the wire with an
// SSH packet and a TCP segment per frame.
func TestPausedStripCostsLittleOverSSH(t *testing.T) {
	bps, fps := stripBytesPerSecond(t)
	t.Logf("strip scroll: %.0f screen bytes/s, %.2f frames/s at 160x45", bps, fps)
	if bps > 150 || fps > 0.5 {
		t.Errorf("the strip costs %.0f bytes/s and %.2f frames/s per viewer, want <= 150 and <= 0.5", bps, fps)
	}
}
