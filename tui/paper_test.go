package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/feedstest"
	"github.com/selloff/selloff/feeds/paper"
	"github.com/selloff/selloff/feeds/replay"
	"github.com/selloff/selloff/tui/blotter"
	"github.com/selloff/selloff/tui/common"
)

func keys(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

// nvdaAt is NVDA's fill price in the embedded snapshot at s (read from the
// data, never a figure written into the test).
func nvdaAt(t *testing.T, s string) float64 {
	t.Helper()
	px, ok := blotter.Price(dataset(t).At(et(t, s)), "NVDA")
	if !ok {
		t.Fatalf("no NVDA price at %s", s)
	}
	return px
}

func signedMoney(x float64) string {
	s := paper.Money(x)
	if strings.HasPrefix(s, "-") {
		return common.Minus + s[1:]
	}
	return "+" + s
}

// A paper buy of 100 NVDA at 10:00 and a sell at 14:45 on 27 Jan, in the
// whole program over the replay of the embedded snapshot on a fake clock:
// the blotter's P&L is 100 x (the 14:45 price - the 10:00 price). Seeking
// back past the sell asks first: n keeps the fill (and the clock), y
// discards it and seeks.
func TestPaperTradeInAReplay(t *testing.T) {
	ds := dataset(t)
	clk := feedstest.NewFakeClock(fixedNow)
	r, err := replay.New(ds, clk, replay.Options{Start: et(t, "2025-01-27 10:00"), Paused: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	m := New(Deps{Renderer: asciiRenderer(), Updates: r.Subscribe(ctx), Control: r, Now: clk.Now,
		Width: 160, Height: 45, Glyphs: common.GlyphsBraille})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(160, 45))
	r.Start(ctx)
	waitText(t, tm, "10:00 ET")

	buy, sell := nvdaAt(t, "2025-01-27 10:00"), nvdaAt(t, "2025-01-27 14:45")
	tm.Send(keys("b"))
	waitText(t, tm, "order NVDA: [BUY] sell 100 at")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitText(t, tm, "paper buy 100 NVDA at "+px(buy))

	tm.Send(keys("g"))
	tm.Send(keys("14:45"))
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitText(t, tm, "14:45 ET")
	tm.Send(keys("b"))
	waitText(t, tm, "order NVDA")
	tm.Send(tea.KeyMsg{Type: tea.KeyTab})
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitText(t, tm, "paper sell 100 NVDA at "+px(sell))

	tm.Send(keys("B"))
	waitText(t, tm, "P&L "+signedMoney(100*(sell-buy)))

	// back one bar: past the sell at 14:45
	tm.Send(tea.KeyMsg{Type: tea.KeyLeft})
	waitText(t, tm, "discard 1 fill after 14:44? y/n")
	tm.Send(keys("n"))
	waitText(t, tm, "seek cancelled: the fills are kept")
	if got := r.Now(); !got.Equal(et(t, "2025-01-27 14:45")) {
		t.Fatalf("n moved the replay to %s", got)
	}
	// home: past both fills
	tm.Send(tea.KeyMsg{Type: tea.KeyHome})
	waitText(t, tm, "discard 2 fills after 09:30? y/n")
	tm.Send(tea.KeyMsg{Type: tea.KeyEsc})
	waitText(t, tm, "seek cancelled")
	tm.Send(tea.KeyMsg{Type: tea.KeyLeft})
	waitText(t, tm, "discard 1 fill after 14:44? y/n")
	tm.Send(keys("y"))
	waitText(t, tm, "discarded 1 paper fill")
	tm.Send(keys("q"))
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
	fm := tm.FinalModel(t).(Model)
	if got := r.Now(); !got.Before(et(t, "2025-01-27 14:45")) {
		t.Errorf("y did not seek: the replay is at %s", got)
	}
	fills := fm.paper.blot.Book().Fills()
	if len(fills) != 1 || fills[0].Side != paper.Buy || fills[0].Price != buy {
		t.Errorf("after y the fills are %+v, want the 10:00 buy alone", fills)
	}
}

func px(x float64) string { return paper.Money(x) }

// Every way of seeking goes through the one check: a click on the chart,
// enter on the timeline, go-to, [ and the day keys are held while fills
// would be lost, and a seek forward is not.
func TestPaperSeeksAreHeld(t *testing.T) {
	ctrl := &fakeController{}
	m := newTestModel(t, 160, 45, ctrl, common.GlyphsBraille)
	m, _ = step(t, m, updateMsg{u: replayUpdate(t, "2025-01-27 14:45", 1), at: fixedNow})
	b, _, err := paper.Book{}.Fill("NVDA", paper.Buy, 100, nvdaAt(t, "2025-01-27 14:45"), et(t, "2025-01-27 14:45"))
	if err != nil {
		t.Fatal(err)
	}
	m.paper.blot.SetBook(b)
	back := []tea.Msg{
		common.ControlMsg{Cmd: feeds.Command{Op: feeds.OpSeek, At: et(t, "2025-01-27 11:00")}},
		common.SeekEventMsg{At: et(t, "2025-01-27 11:00"), When: "11:00"},
		tea.KeyMsg{Type: tea.KeyShiftLeft},
		keys("p"),
		keys("["),
	}
	for _, msg := range back {
		m2, cmd := step(t, m, msg)
		if km, ok := msg.(tea.KeyMsg); ok && km.String() == "[" {
			// [ selects the previous event and asks for a seek to it
			m2, cmd = step(t, m2, cmd())
		}
		if m2.paper.pending == nil {
			t.Errorf("%#v: not held", msg)
		}
		m2 = runCmd(t, m2, cmd)
		if _, n := ctrl.last(); n != 0 {
			t.Fatalf("%#v: sent to the replay before the answer", msg)
		}
	}
	m2, cmd := step(t, m, common.ControlMsg{Cmd: feeds.Command{Op: feeds.OpSeekBy, By: 30 * time.Minute}})
	if m2.paper.pending != nil {
		t.Error("a seek forward asks")
	}
	runCmd(t, m2, cmd)
	if c, n := ctrl.last(); n != 1 || c.Op != feeds.OpSeekBy {
		t.Errorf("the seek forward was not sent: %+v (%d)", c, n)
	}
}

// Live data: b says paper trading is off and opens nothing.
func TestPaperOffLive(t *testing.T) {
	m := newTestModel(t, 120, 40, nil, common.GlyphsBraille)
	u := replayUpdate(t, "2025-01-27 14:45", 1)
	u.Mode, u.Clock = feeds.ModeLive, nil
	m, _ = step(t, m, updateMsg{u: u, at: fixedNow})
	m, _ = step(t, m, keys("b"))
	if m.paper.blot.TicketOpen() || !strings.Contains(m.note, "paper trading is off") {
		t.Errorf("live b: ticket %v, note %q", m.paper.blot.TicketOpen(), m.note)
	}
}

// No price, no fill: before the first trade of the session the ticket is
// refused with a message, never filled at zero.
func TestPaperNoPriceRefused(t *testing.T) {
	m := newTestModel(t, 120, 40, &fakeController{}, common.GlyphsBraille)
	m, _ = step(t, m, updateMsg{u: replayUpdate(t, "2025-01-27 08:00", 1), at: fixedNow})
	if _, ok := blotter.Price(m.upd.Frame, m.watch.Selected()); ok {
		t.Skip("the snapshot has a regular trade at 08:00")
	}
	m, _ = step(t, m, keys("b"))
	if m.paper.blot.TicketOpen() || !strings.Contains(m.note, "nothing to fill at") {
		t.Errorf("no price: ticket %v, note %q", m.paper.blot.TicketOpen(), m.note)
	}
}

// The blotter at 80x24 and 160x45 (the buy at 10:00, the sell at 14:45).
func TestGoldenBlotter(t *testing.T) {
	buyAt, sellAt := et(t, "2025-01-27 10:00"), et(t, "2025-01-27 14:45")
	b, _, _ := paper.Book{}.Fill("NVDA", paper.Buy, 100, nvdaAt(t, "2025-01-27 10:00"), buyAt)
	b, _, _ = b.Fill("AVGO", paper.Sell, 50, mustPrice(t, "AVGO", "2025-01-27 10:30"), et(t, "2025-01-27 10:30"))
	b, _, _ = b.Fill("NVDA", paper.Sell, 100, nvdaAt(t, "2025-01-27 14:45"), sellAt)
	for _, sz := range [][2]int{{80, 24}, {160, 45}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			m := newTestModel(t, sz[0], sz[1], &fakeController{}, common.GlyphsBraille)
			m, _ = step(t, m, updateMsg{u: replayUpdate(t, "2025-01-27 14:45", 1), at: fixedNow})
			m.paper.blot.SetBook(b)
			m, _ = step(t, m, keys("B"))
			golden.RequireEqual(t, []byte(m.View()))
		})
	}
}

func mustPrice(t *testing.T, sym, s string) float64 {
	t.Helper()
	px, ok := blotter.Price(dataset(t).At(et(t, s)), sym)
	if !ok {
		t.Fatalf("no %s price at %s", sym, s)
	}
	return px
}

// A click on the chart that would replay from before a fill is held too.
func TestPaperMouseSeekHeld(t *testing.T) {
	ctrl := &fakeController{}
	m := newTestModel(t, 160, 45, ctrl, common.GlyphsBraille)
	m = withUpdate(t, m, replayUpdate(t, "2025-01-27 14:50", 1))
	b, _, _ := paper.Book{}.Fill("NVDA", paper.Buy, 100, nvdaAt(t, "2025-01-27 14:45"), et(t, "2025-01-27 14:45"))
	m.paper.blot.SetBook(b)
	y := -1
	for yy := m.lay.chart.h - 3; yy >= 0 && y < 0; yy-- {
		if _, ok := m.panes.chart.TimeAt(0, yy); ok {
			y = yy
		}
	}
	if y < 0 {
		t.Fatal("no plot")
	}
	sx, sy := m.lay.watch.w+1+2, 1+y // early in the session
	m, cmd := step(t, m, click(sx, sy))
	m = runCmd(t, m, cmd)
	m, cmd = step(t, m, click(sx, sy))
	m = runCmd(t, m, cmd)
	if _, n := ctrl.last(); n != 0 || m.paper.pending == nil {
		t.Fatalf("a click back past a fill: %d commands sent, held %v", n, m.paper.pending != nil)
	}
	if !strings.Contains(m.View(), "discard 1 fill after") {
		t.Errorf("the question is not on screen")
	}
	m, cmd = step(t, m, keys("y"))
	runCmd(t, m, cmd)
	if c, n := ctrl.last(); n != 1 || c.Op != feeds.OpSeek {
		t.Errorf("y sent %+v (%d)", c, n)
	}
}

// The clock going back without this viewer's seek (a loop, a watch
// party's presenter) discards the fills after it: no hindsight either way.
func TestPaperClockBackDiscards(t *testing.T) {
	m := newTestModel(t, 120, 40, &fakeController{}, common.GlyphsBraille)
	m = withUpdate(t, m, replayUpdate(t, "2025-01-27 14:45", 1))
	b, _, _ := paper.Book{}.Fill("NVDA", paper.Buy, 100, nvdaAt(t, "2025-01-27 10:00"), et(t, "2025-01-27 10:00"))
	b, _, _ = b.Fill("NVDA", paper.Sell, 100, nvdaAt(t, "2025-01-27 14:45"), et(t, "2025-01-27 14:45"))
	m.paper.blot.SetBook(b)
	m = withUpdate(t, m, replayUpdate(t, "2025-01-27 11:00", 2))
	if n := m.paper.blot.Book().Len(); n != 1 || !strings.Contains(m.note, "discarded 1 paper fill after") {
		t.Errorf("after the clock went back: %d fills, note %q", n, m.note)
	}
}

// At the end of the replay the blotter opens once with its summary; B
// closes it and it stays closed.
func TestPaperSummaryAtTheEnd(t *testing.T) {
	m := newTestModel(t, 120, 40, &fakeController{}, common.GlyphsBraille)
	m = withUpdate(t, m, replayUpdate(t, "2025-01-27 14:45", 1))
	b, _, _ := paper.Book{}.Fill("NVDA", paper.Buy, 100, nvdaAt(t, "2025-01-27 14:45"), et(t, "2025-01-27 14:45"))
	m.paper.blot.SetBook(b)
	u := replayUpdate(t, "2025-01-28 16:00", 2)
	u.Clock.AtEnd = true
	m = withUpdate(t, m, u)
	v := m.View()
	if !m.paper.show || !strings.Contains(v, "Holding the first trade to the close") || !strings.Contains(v, "Trades 1") {
		t.Fatalf("no summary at the end:\n%s", v)
	}
	m, _ = step(t, m, keys("B"))
	u = replayUpdate(t, "2025-01-28 16:00", 3)
	u.Clock.AtEnd = true
	m = withUpdate(t, m, u)
	if m.paper.show {
		t.Error("the summary opened again at the same end")
	}
}

// The ticket and the question in terminals too small for them: no panic,
// nothing wider than the terminal.
func TestPaperSmallTerminals(t *testing.T) {
	for _, sz := range [][2]int{{10, 4}, {20, 5}, {80, 24}} {
		m := newTestModel(t, sz[0], sz[1], &fakeController{}, common.GlyphsASCII)
		m = withUpdate(t, m, replayUpdate(t, "2025-01-27 14:45", 1))
		for _, k := range []tea.Msg{keys("b"), keys("123456789"), tea.KeyMsg{Type: tea.KeyBackspace}, tea.KeyMsg{Type: tea.KeyTab}, tea.KeyMsg{Type: tea.KeyEnter},
			keys("B"), tea.KeyMsg{Type: tea.KeyHome}} {
			m, _ = step(t, m, k)
			for i, line := range strings.Split(m.View(), "\n") {
				if w := ansi.StringWidth(line); w > sz[0] {
					t.Fatalf("%dx%d: line %d is %d wide", sz[0], sz[1], i, w)
				}
			}
		}
		if sz[0] == 80 && m.paper.pending == nil {
			t.Errorf("80x24: home after a fill did not ask")
		}
		if sz[0] == 80 {
			if f := m.paper.blot.Book().Fills(); len(f) != 1 || f[0].Qty != 1234567 || f[0].Side != paper.Sell {
				t.Errorf("80x24: fills %+v, want a sell of 1234567 (8 digits at most, one deleted)", f)
			}
		}
	}
}

// y on a seek the replay then refuses (a watch-party viewer, the data's
// edge) loses no fill: they go only when the replay comes back from before
// them.
func TestPaperRefusedSeekKeepsFills(t *testing.T) {
	ctrl := &fakeController{err: errors.New("replay: only the presenter can move the clock")}
	m := newTestModel(t, 120, 40, ctrl, common.GlyphsBraille)
	m = withUpdate(t, m, replayUpdate(t, "2025-01-27 14:45", 1))
	b, _, _ := paper.Book{}.Fill("NVDA", paper.Buy, 100, nvdaAt(t, "2025-01-27 14:45"), et(t, "2025-01-27 14:45"))
	m.paper.blot.SetBook(b)
	m, _ = step(t, m, keys("g"))
	for _, k := range []tea.Msg{keys("11:00"), tea.KeyMsg{Type: tea.KeyEnter}} {
		m, _ = step(t, m, k)
	}
	if m.paper.pending == nil {
		t.Fatal("go to 11:00 past a fill did not ask")
	}
	m, cmd := step(t, m, keys("y"))
	m = runCmd(t, m, cmd)
	if _, n := ctrl.last(); n != 1 {
		t.Fatalf("y sent %d commands", n)
	}
	if m.paper.blot.Book().Len() != 1 || !strings.Contains(m.note, "presenter") {
		t.Errorf("refused seek: %d fills, note %q", m.paper.blot.Book().Len(), m.note)
	}
}
