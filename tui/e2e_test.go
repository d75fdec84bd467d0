package tui

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/feedstest"
	"github.com/selloff/selloff/feeds/replay"
	"github.com/selloff/selloff/tui/common"
)

// The whole program against a real replay of the embedded snapshot on a
// fake clock: it starts paused at the NVDA low, `end` jumps to the close,
// `q` quits; the golden is the final model's View.
func TestEndToEndReplay(t *testing.T) {
	ds := dataset(t)
	clk := feedstest.NewFakeClock(fixedNow)
	r, err := replay.New(ds, clk, replay.Options{Paused: true, Start: et(t, "2025-01-27 14:50")})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	m := New(Deps{
		Renderer: asciiRenderer(),
		Updates:  r.Subscribe(ctx),
		Control:  r,
		Now:      clk.Now,
		Width:    160,
		Height:   45,
		Glyphs:   common.GlyphsBraille,
	})
	m.strip.SetEvery(0) // the golden must not depend on how long the test took
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(160, 45))
	waitText(t, tm, "14:50 ET")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnd})
	waitText(t, tm, "16:00 ET")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q")})
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
	fm := tm.FinalModel(t).(Model)
	fm.Close()
	if st := r.Status(); !st.Paused {
		t.Fatal("the replay was unpaused")
	}
	golden.RequireEqual(t, []byte(fm.View()))
}

func waitText(t *testing.T, tm *teatest.TestModel, s string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(s)) },
		teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
}

type countingWriter struct{ n atomic.Int64 }

func (c *countingWriter) Write(p []byte) (int, error) { c.n.Add(int64(len(p))); return len(p), nil }

// BenchmarkBytesPerSecond measures what the program writes to the terminal
// while a replay plays at the default speed (replay.DefaultSpeed, one frame
// per replay.DefaultCadence): a real tea.Program at 160x45 gets one update
// per frame, paced just slower than the renderer's frame rate so each is
// drawn, and the bytes per update are scaled to the default cadence.
func BenchmarkBytesPerSecond(b *testing.B) {
	for _, prof := range []struct {
		name string
		p    termenv.Profile
	}{{"truecolor", termenv.TrueColor}, {"ascii", termenv.Ascii}} {
		b.Run(prof.name, func(b *testing.B) {
			ds := dataset(b)
			open := et(b, "2025-01-27 09:30")
			step := time.Duration(float64(replay.DefaultCadence) * replay.DefaultSpeed)
			const n = 60
			var perUpdate float64
			for b.Loop() {
				r := lipgloss.NewRenderer(io.Discard)
				r.SetColorProfile(prof.p) // what cmd does for --color always; auto-detection sees no TTY here
				r.SetHasDarkBackground(true)
				m := newModel(Deps{Renderer: r, Now: func() time.Time { return fixedNow }, Width: 160, Height: 45})
				cw := &countingWriter{}
				p := tea.NewProgram(m, tea.WithInput(nil), tea.WithOutput(cw), tea.WithoutSignalHandler())
				done := make(chan struct{})
				go func() { _, _ = p.Run(); close(done) }()
				p.Send(tea.WindowSizeMsg{Width: 160, Height: 45})
				first := feeds.Update{Source: "replay", Seq: 1, Mode: feeds.ModeReplay, Frame: ds.At(open),
					Clock: &feeds.ClockStatus{Speed: replay.DefaultSpeed}}
				p.Send(updateMsg{u: first, at: fixedNow})
				time.Sleep(100 * time.Millisecond) // pacing: let the first full frame out
				base := cw.n.Load()
				for k := 1; k <= n; k++ {
					u := first
					u.Seq = uint64(k + 1)
					u.Frame = ds.At(open.Add(time.Duration(k) * step))
					p.Send(updateMsg{u: u, at: fixedNow})
					time.Sleep(25 * time.Millisecond) // pacing: one rendered frame per update
				}
				perUpdate = float64(cw.n.Load()-base) / n
				p.Quit()
				<-done
			}
			b.ReportMetric(perUpdate, "bytes/update")
			b.ReportMetric(perUpdate*float64(time.Second/replay.DefaultCadence), "bytes/s")
		})
	}
}

// BenchmarkPausedCPU runs the program (renderer at 60 and at 20 frames per
// second) on a paused replay for two seconds of
// wall time and reports the process CPU time it used, scaled to 10 s (the
// issue's budget: under 50 ms per 10 s paused).
func BenchmarkPausedCPU(b *testing.B) {
	for _, fps := range []int{60, 20} {
		b.Run(fmt.Sprintf("fps%d", fps), func(b *testing.B) { pausedCPU(b, fps) })
	}
}

func pausedCPU(b *testing.B, fps int) {
	ds := dataset(b)
	clk := feedstest.NewFakeClock(fixedNow)
	var cpu time.Duration
	for b.Loop() {
		r, err := replay.New(ds, clk, replay.Options{Paused: true, Start: et(b, "2025-01-27 14:50")})
		if err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		m := New(Deps{Renderer: asciiRenderer(), Updates: r.Subscribe(ctx), Control: r, Now: clk.Now, Width: 160, Height: 45})
		p := tea.NewProgram(m, tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithoutSignalHandler(), tea.WithFPS(fps))
		done := make(chan struct{})
		go func() { _, _ = p.Run(); close(done) }()
		time.Sleep(300 * time.Millisecond) // let the first frame out
		runtime.GC()                       // garbage of the setup is not paused work
		before := processCPU()
		time.Sleep(2 * time.Second) // measurement window, not synchronisation
		cpu = processCPU() - before
		p.Quit()
		<-done
		cancel()
		m.Close()
	}
	b.ReportMetric(float64(cpu*5)/float64(time.Millisecond), "cpu-ms/10s")
}
