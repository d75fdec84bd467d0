package server

import (
	"context"
	"sort"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/alert"
	"github.com/selloff/selloff/snapshots"
	"github.com/selloff/selloff/tui"
)

// liveHub is a stub live source: one upstream, every session subscribed.
type liveHub struct{ *feeds.Hub }

func (liveHub) ID() string { return "live" }

// A live source over SSH with Config.SessionFeed evaluating an alert (as
// serve --source live wires it): both viewers get the firing in their
// status line and a bell on their own channel, once.
func TestLiveAlertsReachEveryViewer(t *testing.T) {
	ds, err := realDataset()
	if err != nil {
		t.Fatal(err)
	}
	a, err := alert.Parse("NVDA < 120")
	if err != nil {
		t.Fatal(err)
	}
	hub := liveHub{feeds.NewHub()}
	loc := snapshots.Location()
	frame := func(h, m int) *feeds.Update {
		return &feeds.Update{Source: "live", Mode: feeds.ModeLive, Frame: ds.At(time.Date(2025, 1, 27, h, m, 0, 0, loc)),
			Health: feeds.Health{State: feeds.HealthOK}}
	}
	u := frame(11, 0)
	u.Seq = 1
	hub.Publish(*u)
	ts := startServer(t, func(c *Config) {
		c.Sources = LiveSources(hub)
		c.Render = nil
		c.Model = func(d SessionDeps) tea.Model {
			out := d.Renderer.Output()
			return tui.New(tui.Deps(d), tui.WithMoney(tui.Money{Bell: func() { _, _ = out.Write([]byte("\a")) }}))
		}
		// what cmd's liveAlerts does, per session
		c.SessionFeed = func(ctx context.Context, in <-chan feeds.Update) <-chan feeds.Update {
			w := alert.NewWatcher([]alert.Alert{a}, nil)
			out := make(chan feeds.Update)
			go func() {
				defer close(out)
				var fired []snapshots.Event
				for u := range in {
					fired = append(fired, alert.Events(w.Step(u.Frame))...)
					f := *u.Frame
					f.Events = append(append([]snapshots.Event(nil), f.Events...), fired...)
					sort.SliceStable(f.Events, func(i, j int) bool { return f.Events[i].Time.Before(f.Events[j].Time) })
					u.Frame = &f
					select {
					case out <- u:
					case <-ctx.Done():
						return
					}
				}
			}()
			return out
		}
	})
	env := map[string]string{"NO_COLOR": "1"}
	v1 := openTerm(t, mustDial(t, ts.addr), 140, 40, env)
	v2 := openTerm(t, mustDial(t, ts.addr), 140, 40, env)
	for _, v := range []*term{v1, v2} {
		v.waitText(t, "LIVE")
	}
	u = frame(11, 20)
	u.Seq = 2
	hub.Publish(*u)
	for _, v := range []*term{v1, v2} {
		v.waitText(t, "Alert: NVDA < 120: 119.50 at 11:20")
		v.waitFor(t, "the bell", func(out, _ string, _ bool) bool { return strings.Count(out, "\a") == 1 })
	}
	basket := func(v *term) string { // the strip's total: it moves with the frame
		s := v.screenText()
		if i := strings.Index(s, "AI basket "); i >= 0 {
			return strings.Fields(s[i+len("AI basket "):])[0]
		}
		return ""
	}
	before := map[*term]string{}
	for _, v := range []*term{v1, v2} {
		v.mu.Lock()
		before[v] = basket(v)
		v.mu.Unlock()
	}
	u = frame(11, 30) // still below: no second firing
	u.Seq = 3
	hub.Publish(*u)
	for _, v := range []*term{v1, v2} {
		v.waitFor(t, "11:30 with the bell rung once", func(out, _ string, _ bool) bool {
			if n := strings.Count(out, "\a"); n != 1 {
				t.Fatalf("the bell rang %d times", n)
			}
			return basket(v) != before[v]
		})
	}
}
