//go:build unix

package main

import (
	"context"
	"io"
	"syscall"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/selloff/selloff/cmd/selloff/internal/config"
	"github.com/selloff/selloff/tui"
)

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkLiveIdleCPU runs the live dashboard (the program's own options:
// 20 fps, 5 s polls) against the fake Yahoo on loopback and reports the
// CPU the whole test process spent per 10 s of wall time, fake server
// included. The goal is under 1% of a core (100 ms per 10 s).
func BenchmarkLiveIdleCPU(b *testing.B) {
	f := fakeMarket(b)
	a := newApp(nil, io.Discard, io.Discard, func(string) string { return "" })
	fs := flagSet(b, liveFlags, "--symbols", "NVDA,AVGO,^SOX", "--yahoo-url", f.URL)
	for b.Loop() {
		live, closeRec, err := a.newLive(fs, &config.Config{}, "")
		if err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		go live.Run(ctx)
		m := tui.New(tui.Deps{Renderer: lipgloss.NewRenderer(io.Discard), Updates: live.Subscribe(ctx), Now: time.Now, Width: 160, Height: 45})
		in, _ := io.Pipe()
		p := tea.NewProgram(m, tea.WithInput(in), tea.WithOutput(io.Discard), tea.WithFPS(20), tea.WithoutSignalHandler(), tea.WithContext(ctx))
		go p.Run()
		p.Send(tea.WindowSizeMsg{Width: 160, Height: 45})
		time.Sleep(2 * time.Second) // let the first poll and backfill settle
		c0, w0 := cpuTime(), time.Now()
		time.Sleep(10 * time.Second)
		used, wall := cpuTime()-c0, time.Since(w0)
		cancel()
		m.Close()
		closeRec()
		b.ReportMetric(float64(used.Milliseconds())*10e9/float64(wall.Nanoseconds()), "cpu-ms/10s")
	}
}
