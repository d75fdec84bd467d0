package server

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/snapshots"
	"github.com/selloff/selloff/tui/common"
)

// fakeSource is a tiny replay-like source: it publishes on demand and
// answers control commands with a new update (paused, moved).
type fakeSource struct {
	mu     sync.Mutex
	id     string
	seq    uint64
	cur    feeds.Update
	subs   map[chan feeds.Update]struct{}
	cmds   []feeds.Command
	closed bool
}

var fakeOpen = time.Date(2025, 1, 27, 9, 30, 0, 0, snapshots.Location())

func newFakeSource(id string) *fakeSource {
	f := &fakeSource{id: id, subs: map[chan feeds.Update]struct{}{}}
	f.cur = feeds.Update{
		Source: id, Seq: 1, Mode: feeds.ModeReplay, Frame: fakeFrame(fakeOpen, 520),
		Health: feeds.Health{State: feeds.HealthOK},
		Clock:  &feeds.ClockStatus{Speed: 60, Start: fakeOpen, End: fakeOpen.Add(390 * time.Minute)},
	}
	f.seq = 1
	return f
}

func fakeFrame(t time.Time, nvda float64) *market.Frame {
	return &market.Frame{
		Time:       t,
		Title:      "fake week",
		Provenance: snapshots.Reconstructed,
		Session:    0,
		Sessions:   []snapshots.Session{{Date: "2025-01-27", Open: fakeOpen, Close: fakeOpen.Add(390 * time.Minute)}},
		Symbols: []snapshots.Symbol{
			{Symbol: "NVDA", Kind: snapshots.KindEquity, Shares: &snapshots.Shares{Count: 24_490_000_000}},
			{Symbol: "QQQ", Kind: "etf"},
			{Symbol: "ZZZ", Kind: snapshots.KindEquity},
		},
		Quotes: []market.Quote{
			{Symbol: "NVDA", Price: nvda / 4.3, HasPrice: true, PrevClose: 142.62},
			{Symbol: "QQQ", Price: 514.21, HasPrice: true, PrevClose: 529.63},
			{Symbol: "ZZZ"},
		},
	}
}

func (f *fakeSource) ID() string { return f.id }

func (f *fakeSource) Subscribe(ctx context.Context) <-chan feeds.Update {
	ch := make(chan feeds.Update, 1)
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		close(ch)
		return ch
	}
	ch <- f.cur
	f.subs[ch] = struct{}{}
	f.mu.Unlock()
	go func() {
		<-ctx.Done()
		f.mu.Lock()
		if _, ok := f.subs[ch]; ok {
			delete(f.subs, ch)
			close(ch)
		}
		f.mu.Unlock()
	}()
	return ch
}

func (f *fakeSource) subscribers() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.subs)
}

// publishLocked sends u to every subscriber, latest wins.
func (f *fakeSource) publishLocked(u feeds.Update) {
	f.seq++
	u.Seq = f.seq
	f.cur = u
	for ch := range f.subs {
		select {
		case <-ch:
		default:
		}
		ch <- u
	}
}

func (f *fakeSource) Publish(mod func(u *feeds.Update)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	u := f.cur
	c := *u.Clock
	u.Clock = &c
	mod(&u)
	f.publishLocked(u)
}

func (f *fakeSource) Control(c feeds.Command) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cmds = append(f.cmds, c)
	u := f.cur
	clk := *u.Clock
	u.Clock = &clk
	switch c.Op {
	case feeds.OpPause:
		clk.Paused = true
	case feeds.OpTogglePause:
		clk.Paused = !clk.Paused
	case feeds.OpClose:
		u.Frame = fakeFrame(fakeOpen.Add(390*time.Minute), 510)
	case feeds.OpOpen:
		u.Frame = fakeFrame(fakeOpen, 520)
	case feeds.OpSeek:
		u.Frame = fakeFrame(c.At, 510)
	default:
		return fmt.Errorf("fake: op %d not supported", c.Op)
	}
	f.publishLocked(u)
	return nil
}

func (f *fakeSource) commands() []feeds.Command {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]feeds.Command(nil), f.cmds...)
}

// fakeModel stands in for the dashboard: one line with the size, the
// update's clock, and whether it may drive the clock. '?' toggles help, 'q'
// quits, '!' panics, 'space' toggles pause through the controller.
type fakeModel struct {
	d     SessionDeps
	w, h  int
	u     feeds.Update
	help  bool
	style lipgloss.Style
}

type updateMsg struct {
	u  feeds.Update
	ok bool
}

func newFakeModel(d SessionDeps) tea.Model {
	return fakeModel{d: d, w: d.Width, h: d.Height, style: d.Renderer.NewStyle().Foreground(lipgloss.Color("#ff0000"))}
}

func (m fakeModel) wait() tea.Cmd {
	ch := m.d.Updates
	return func() tea.Msg {
		u, ok := <-ch
		return updateMsg{u, ok}
	}
}

func (m fakeModel) Init() tea.Cmd { return m.wait() }

func (m fakeModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case updateMsg:
		if !msg.ok {
			return m, nil
		}
		m.u = msg.u
		return m, m.wait()
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
	case tea.KeyMsg:
		switch msg.String() {
		case "q":
			return m, tea.Quit
		case "?":
			m.help = !m.help
		case "!":
			panic("fake model: boom")
		case " ":
			if m.d.Control != nil {
				_ = m.d.Control.Control(feeds.Command{Op: feeds.OpTogglePause})
			}
		}
	}
	return m, nil
}

func (m fakeModel) View() string {
	follows, paused := false, false
	if m.u.Clock != nil {
		follows, paused = m.u.Clock.Follows, m.u.Clock.Paused
	}
	line := fmt.Sprintf("SELLOFF %dx%d seq=%d follows=%v control=%v paused=%v", m.w, m.h, m.u.Seq, follows, m.d.Control != nil, paused)
	if m.help {
		line += "\nHELP: q quit"
	}
	return m.style.Render("*") + line
}

// fakeRender stands in for tui.Render.
func fakeRender(u feeds.Update, w, h int, r *lipgloss.Renderer, g common.Glyphs) string {
	at := u.Frame.Time.In(snapshots.Location()).Format("15:04")
	return r.NewStyle().Bold(true).Render(fmt.Sprintf("FRAME %dx%d at %s", w, h, at)) + "\n" + strings.Repeat(".", min(w, 10))
}

type (
	feedsSource     = feeds.Source
	feedsController = feeds.Controller
	feedsUpdate     = feeds.Update
	feedsFrame      = market.Frame
	teaModel        = tea.Model
)
