package tui

import (
	"io"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/selloff/selloff/tui/common"
)

// BenchmarkView is a full dashboard View at 200x50 with all 22 symbols of
// the embedded snapshot (the target: median under 2 ms).
func BenchmarkView(b *testing.B) {
	m := newTestModel(b, 200, 50, &fakeController{}, common.GlyphsBraille)
	u := replayUpdate(b, "2025-01-27 14:50", 1)
	if n := len(u.Frame.Symbols); n != 22 {
		b.Fatalf("%d symbols, want 22", n)
	}
	m = withUpdate(b, m, u)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		_ = m.View()
	}
}

// BenchmarkUpdateView is one replay step: a new frame through Update, then
// View (what the program does per update).
func BenchmarkUpdateView(b *testing.B) {
	benchReplaySteps(b, newTestModel(b, 200, 50, &fakeController{}, common.GlyphsBraille))
}

// benchReplaySteps feeds m a new frame 30 s later each round, through
// Update, then draws View.
func benchReplaySteps(b *testing.B, m Model) {
	ds := dataset(b)
	open := et(b, "2025-01-27 09:30")
	u := replayUpdate(b, "2025-01-27 09:30", 1)
	m = withUpdate(b, m, u)
	seq := uint64(1)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		seq++
		u.Seq = seq
		u.Frame = ds.At(open.Add(time.Duration(seq%780) * 30 * time.Second))
		m, _ = step(b, m, updateMsg{u: u, at: fixedNow})
		_ = m.View()
	}
}

// BenchmarkUpdateViewSSH is BenchmarkUpdateView as the SSH load test runs
// it: 120x40, an xterm-256color session on a dark background, so every
// style resolves colours for the ANSI256 profile.
func BenchmarkUpdateViewSSH(b *testing.B) {
	r := lipgloss.NewRenderer(io.Discard, termenv.WithProfile(termenv.ANSI256))
	r.SetColorProfile(termenv.ANSI256)
	r.SetHasDarkBackground(true)
	benchReplaySteps(b, newModel(Deps{Renderer: r, Control: &fakeController{}, Now: func() time.Time { return fixedNow },
		Width: 120, Height: 40, Glyphs: common.GlyphsBraille}))
}
