//go:build unix

package main

import (
	"context"
	"io"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/selloff/selloff/cmd/selloff/internal/config"
	"github.com/selloff/selloff/feeds/yahoo/fakeyahoo"
	"github.com/selloff/selloff/feeds/yahoo/stream"
	"github.com/selloff/selloff/tui"
)

// BenchmarkLiveStreamCPU is BenchmarkLiveIdleCPU with Yahoo's stream on:
// the fake streamer sends ticksPerSec prices (spread over the symbols)
// while the dashboard runs at 20 fps; it reports the whole test process's
// CPU per 10 s of wall time, fake servers included.
func BenchmarkLiveStreamCPU(b *testing.B) {
	for _, rate := range []int{0, 10} {
		b.Run(map[int]string{0: "stream_quiet", 10: "10_ticks_per_s"}[rate], func(b *testing.B) {
			f := fakeMarket(b)
			st := fakeyahoo.NewStreamer()
			defer st.Close()
			a := newApp(nil, io.Discard, io.Discard, func(string) string { return "" })
			a.clock = shiftedClock{start: time.Now()} // a session is open, so the ticks count
			fs := flagSet(b, liveFlags, "--symbols", "NVDA,AVGO,^SOX", "--yahoo-url", f.URL, "--yahoo-stream-url", st.URL())
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
				time.Sleep(2 * time.Second) // the first poll, the backfill, the subscribe
				stop := make(chan struct{})
				if rate > 0 {
					go func() {
						syms := []string{"NVDA", "AVGO", "^SOX"}
						base := []float64{118.42, 202.13, 4853.24}
						tick := time.NewTicker(time.Second / time.Duration(rate))
						defer tick.Stop()
						for i := 0; ; i++ {
							select {
							case <-stop:
								return
							case <-tick.C:
								k := i % len(syms)
								st.Send(stream.Tick{Symbol: syms[k], Price: base[k] + float64(i%50)/100, Hours: stream.HoursRegular})
							}
						}
					}()
				}
				c0, w0 := cpuTime(), time.Now()
				time.Sleep(10 * time.Second)
				used, wall := cpuTime()-c0, time.Since(w0)
				close(stop)
				cancel()
				m.Close()
				closeRec()
				b.ReportMetric(float64(used.Milliseconds())*10e9/float64(wall.Nanoseconds()), "cpu-ms/10s")
				b.ReportMetric(float64(live.Stats().Streamed), "ticks-taken")
			}
		})
	}
}

// shiftedClock runs in real time from tradingNow (inside a regular
// session) whatever the day the benchmark runs.
type shiftedClock struct{ start time.Time }

func (c shiftedClock) Now() time.Time                         { return tradingNow.Add(time.Since(c.start)) }
func (c shiftedClock) After(d time.Duration) <-chan time.Time { return time.After(d) }
