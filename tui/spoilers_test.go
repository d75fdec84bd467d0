package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/feedstest"
	"github.com/selloff/selloff/feeds/replay"
	"github.com/selloff/selloff/snapshots"
	"github.com/selloff/selloff/tui/common"
)

// spoilerSizes are the sizes the spoiler tests look at: the layouts with a
// timeline, the smallest ones and the detail.
var spoilerSizes = [][2]int{{160, 45}, {120, 40}, {100, 30}, {80, 24}, {60, 20}}

// futureTitles are the titles of the embedded events placed after at, cut
// to a length that is unique enough to find a truncated row.
func futureTitles(t *testing.T, at time.Time) []string {
	t.Helper()
	ds := dataset(t)
	var out []string
	for _, e := range ds.Events() {
		if snapshots.Placement(e, ds.Sessions()).After(at) {
			ttl := []rune(e.Title)
			out = append(out, string(ttl[:min(len(ttl), 18)]))
		}
	}
	return out
}

// TestNoSpoilers: a replay shows no future event's text by default, at any
// size, in the list and in the detail; the 28 Jan 10:02 frame carries no
// 128.99 and no +8.9% (the rebound is known only at that day's close).
func TestNoSpoilers(t *testing.T) {
	for _, at := range []string{"2025-01-27 10:00", "2025-01-27 14:50", "2025-01-28 10:02"} {
		future := futureTitles(t, et(t, at))
		if len(future) == 0 {
			t.Fatalf("%s: no future events in the embedded snapshot", at)
		}
		for _, sz := range spoilerSizes {
			m := newTestModel(t, sz[0], sz[1], &fakeController{}, common.GlyphsBraille)
			m = withUpdate(t, m, replayUpdate(t, at, 1))
			views := []string{m.View()}
			// the timeline focused, moved down onto future events, and
			// their detail opened (without enter's seek: the list's d-less
			// way in is a second click; here the keys j then enter run
			// with no controller answer, so the clock stays)
			m, _ = step(t, m, keyMsg("3"))
			for range 3 {
				m, _ = step(t, m, keyMsg("j"))
				views = append(views, m.View())
			}
			m, _ = step(t, m, keyMsg("enter")) // the seek Cmd is not run
			views = append(views, m.View())
			for k, v := range views {
				v = ansi.Strip(v)
				for _, ttl := range future {
					if strings.Contains(v, ttl) {
						t.Errorf("%s %dx%d view %d: shows the future event %q:\n%s", at, sz[0], sz[1], k, ttl, v)
					}
				}
				if at == "2025-01-28 10:02" && (strings.Contains(v, "128.99") || strings.Contains(v, "+8.9%")) {
					t.Errorf("%s %dx%d view %d: the rebound's figures before the close:\n%s", at, sz[0], sz[1], k, v)
				}
			}
		}
	}
}

// TestSpoilersShow: --spoilers (WithSpoilers) and the v key show every
// event's text; v again hides it; a live feed has nothing to hide.
func TestSpoilersShow(t *testing.T) {
	const at = "2025-01-28 10:02"
	m := newModel(Deps{Renderer: asciiRenderer(), Control: &fakeController{}, Now: func() time.Time { return fixedNow },
		Width: 120, Height: 40, Glyphs: common.GlyphsBraille}, WithSpoilers(true))
	m = withUpdate(t, m, replayUpdate(t, at, 1))
	if v := ansi.Strip(m.View()); !strings.Contains(v, "128.99") || !strings.Contains(v, "+8.9%") {
		t.Fatalf("--spoilers: the rebound's text is not shown:\n%s", v)
	}
	m = newTestModel(t, 120, 40, &fakeController{}, common.GlyphsBraille)
	m = withUpdate(t, m, replayUpdate(t, at, 1))
	m, _ = step(t, m, keyMsg("v"))
	if v := ansi.Strip(m.View()); !strings.Contains(v, "128.99") {
		t.Fatalf("v: the rebound's text is not shown:\n%s", v)
	}
	m, _ = step(t, m, keyMsg("v"))
	if v := ansi.Strip(m.View()); strings.Contains(v, "128.99") {
		t.Fatalf("v twice: the rebound's text is still shown:\n%s", v)
	}
	// help lists the key
	m, _ = step(t, m, keyMsg("?"))
	if v := ansi.Strip(m.View()); !strings.Contains(v, "future events") {
		t.Errorf("help does not list v:\n%s", v)
	}
	// live: nothing is in the future, nothing is hidden, v is not offered
	live := replayUpdate(t, at, 1)
	live.Mode, live.Clock = feeds.ModeLive, nil
	m = newTestModel(t, 120, 40, nil, common.GlyphsBraille)
	m = withUpdate(t, m, live)
	if m.keys.Spoilers.Enabled() || !strings.Contains(ansi.Strip(m.View()), "Trump") {
		t.Errorf("live: v enabled %v, or an event hidden", m.keys.Spoilers.Enabled())
	}
}

// TestGoldenNoSpoilers is the 28 Jan 10:02 frame without and with spoilers.
func TestGoldenNoSpoilers(t *testing.T) {
	for _, sp := range []bool{false, true} {
		name := "hidden"
		if sp {
			name = "spoilers"
		}
		t.Run(name, func(t *testing.T) {
			m := newModel(Deps{Renderer: asciiRenderer(), Control: &fakeController{}, Now: func() time.Time { return fixedNow },
				Width: 120, Height: 40, Glyphs: common.GlyphsBraille}, WithSpoilers(sp))
			m = withUpdate(t, m, replayUpdate(t, "2025-01-28 10:02", 1))
			golden.RequireEqual(t, []byte(m.View()))
		})
	}
}

// runSeek runs cmd and feeds a SeekEventMsg back to the model, then runs
// the control command it produces.
func runSeek(t *testing.T, m Model, cmd tea.Cmd) Model {
	t.Helper()
	if cmd == nil {
		return m
	}
	msg := cmd()
	switch msg := msg.(type) {
	case tea.BatchMsg:
		for _, c := range msg {
			m = runSeek(t, m, c)
		}
	case common.SeekEventMsg, common.ControlMsg:
		var next tea.Cmd
		m, next = step(t, m, msg)
		m = runCmd(t, m, next)
	case controlDoneMsg:
		m, _ = step(t, m, msg)
	}
	return m
}

// TestEnterSeeksToEvent: enter on an event selected in the timeline seeks
// the replay to that event's placement and opens its detail; after the
// frame arrives the event's text shows and [ ] step on from there.
func TestEnterSeeksToEvent(t *testing.T) {
	ds := dataset(t)
	ctl := &fakeController{}
	m := newTestModel(t, 120, 40, ctl, common.GlyphsBraille)
	m = withUpdate(t, m, replayUpdate(t, "2025-01-27 10:00", 1))
	m, _ = step(t, m, keyMsg("3"))
	// select the afternoon statement (placed at the close)
	target := -1
	for i, e := range ds.Events() {
		if e.Precision == snapshots.PrecisionAfternoon && strings.Contains(e.Title, "excellent") {
			target = i
		}
	}
	if target < 0 {
		t.Fatal("no afternoon statement in the embedded snapshot")
	}
	for m.panes.timeline.Selected() < target {
		before := m.panes.timeline.Selected()
		m, _ = step(t, m, keyMsg("j"))
		if m.panes.timeline.Selected() == before {
			t.Fatal("j does not move the selection")
		}
	}
	var cmd tea.Cmd
	m, cmd = step(t, m, keyMsg("enter"))
	m = runSeek(t, m, cmd)
	got, n := ctl.last()
	want := snapshots.Placement(ds.Events()[target], ds.Sessions())
	if n == 0 || got.Op != feeds.OpSeek || !got.At.Equal(want) {
		t.Fatalf("enter sent %+v (%d commands), want a seek to %s", got, n, want)
	}
	if !m.panes.timeline.Detail() {
		t.Fatal("enter did not open the detail")
	}
	// the replay answers with the frame at the event
	m = withUpdate(t, m, replayUpdate(t, want.Format("2006-01-02 15:04"), 2))
	v := ansi.Strip(m.View())
	if !strings.Contains(v, "excellent") || m.panes.timeline.Selected() != target {
		t.Fatalf("after the seek: selected %d, want %d, detail text shown?\n%s", m.panes.timeline.Selected(), target, v)
	}
	// ] steps on from the event: the next one in the timeline is selected
	// and the replay goes to its placement (the clock stays when it is
	// placed at the same instant)
	_, before := ctl.last()
	m, cmd = step(t, m, keyMsg("]"))
	m = runSeek(t, m, cmd)
	nextAt := snapshots.Placement(ds.Events()[target+1], ds.Sessions())
	got, n = ctl.last()
	if m.panes.timeline.Selected() != target+1 ||
		(nextAt.Equal(want) && n != before) || (!nextAt.Equal(want) && (got.Op != feeds.OpSeek || !got.At.Equal(nextAt))) {
		t.Fatalf("] after enter: selected %d, sent %+v (%d commands); want %d at %s", m.panes.timeline.Selected(), got, n, target+1, nextAt)
	}
	// an event outside the data: a note, no seek
	ctl2 := &fakeController{}
	m = newTestModel(t, 120, 40, ctl2, common.GlyphsBraille)
	m = withUpdate(t, m, replayUpdate(t, "2025-01-27 10:00", 1))
	m, _ = step(t, m, keyMsg("3"))
	for m.panes.timeline.Selected() > 0 {
		m, _ = step(t, m, keyMsg("k"))
	}
	m, cmd = step(t, m, keyMsg("enter"))
	m = runSeek(t, m, cmd)
	if _, n := ctl2.last(); n != 0 || !strings.Contains(ansi.Strip(m.View()), "(Thu 26 Dec 06:01) is outside the data") {
		t.Fatalf("enter on an event before the data: %d commands, view:\n%s", n, ansi.Strip(m.View()))
	}
}

// TestEventsAgree: for every approximate or date-only event of the
// embedded week, the chart, the timeline and [ ] mean the same instant:
// [ ] land on its placement, the timeline makes it current there (or an
// event placed at the same instant after it), and the chart draws its
// number inside the plot on its day, as current, not future, from then on.
func TestEventsAgree(t *testing.T) {
	ds := dataset(t)
	evs := ds.Events()
	start, end, _ := ds.Span()
	checked := 0
	for i, e := range evs {
		if !e.Approximate() {
			continue
		}
		at := snapshots.Placement(e, ds.Sessions())
		if at.Before(start) || at.After(end) {
			continue
		}
		// [ ] : from a minute before, ] lands on it; from a minute after, [ does
		if got, ok := ds.EventFrom(at.Add(-time.Minute), true); !ok || !got.Equal(at) {
			t.Errorf("%s: ] from a minute before lands at %s, want %s", e.ID, got, at)
		}
		if got, ok := ds.EventFrom(at.Add(time.Minute), false); !ok || got.Before(at) {
			t.Errorf("%s: [ from a minute after lands at %s, want %s", e.ID, got, at)
		}
		m := newTestModel(t, 160, 45, &fakeController{}, common.GlyphsASCII)
		m = withUpdate(t, m, replayUpdate(t, at.Add(-time.Minute).Format("2006-01-02 15:04"), 1))
		if m.panes.timeline.Current() >= i || !m.panes.timeline.Hidden(i) {
			t.Errorf("%s: current a minute before its placement (current %d, hidden %v)", e.ID, m.panes.timeline.Current(), m.panes.timeline.Hidden(i))
		}
		m = withUpdate(t, m, replayUpdate(t, at.Format("2006-01-02 15:04"), 2))
		cur := m.panes.timeline.Current()
		if cur < i || !snapshots.Placement(evs[cur], ds.Sessions()).Equal(at) || m.panes.timeline.Hidden(i) {
			t.Errorf("%s: at its placement %s the current event is %d (hidden %v)", e.ID, at, cur, m.panes.timeline.Hidden(i))
		}
		if hasSession(ds.Sessions(), at) && e.Precision != snapshots.PrecisionEvening {
			row := strings.Split(ansi.Strip(m.panes.chart.View()), "\n")[1]
			if !containsNum(row, i+1) {
				t.Errorf("%s: the chart's marker row %q lacks %d at its placement", e.ID, row, i+1)
			}
		}
		checked++
	}
	if checked < 3 {
		t.Fatalf("only %d approximate events checked", checked)
	}
}

func containsNum(row string, n int) bool {
	for _, tok := range strings.Fields(row) {
		for _, part := range strings.Split(strings.TrimPrefix(tok, "~"), ",") {
			a, b, ok := strings.Cut(part, "-")
			lo, hi := atoi(a), atoi(a)
			if ok {
				hi = atoi(b)
			}
			if lo <= n && n <= hi {
				return true
			}
		}
	}
	return false
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return -1
		}
		n = n*10 + int(c-'0')
	}
	return n
}

func hasSession(ss []snapshots.Session, t time.Time) bool {
	d := t.In(snapshots.Location()).Format(time.DateOnly)
	for _, s := range ss {
		if s.Date == d {
			return true
		}
	}
	return false
}

// TestEndToEndEnterReplaysEvent: the whole program on a real paused replay
// at 10:00 on 27 Jan: in the timeline, two events down is Janus-Pro (10:46,
// its text hidden), enter replays to it and opens its detail, ] steps on
// to the next event (11:08).
func TestEndToEndEnterReplaysEvent(t *testing.T) {
	ds := dataset(t)
	clk := feedstest.NewFakeClock(fixedNow)
	r, err := replay.New(ds, clk, replay.Options{Paused: true, Start: et(t, "2025-01-27 10:00")})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	m := New(Deps{Renderer: asciiRenderer(), Updates: r.Subscribe(ctx), Control: r, Now: clk.Now,
		Width: 120, Height: 40, Glyphs: common.GlyphsBraille})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40))
	waitText(t, tm, "10:00 ET")
	for _, k := range []string{"3", "j", "j"} {
		tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)})
	}
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	waitText(t, tm, "10:46 ET") // (the detail's text is checked on the final model)
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("]")})
	waitText(t, tm, "11:08 ET")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q")})
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
	fm := tm.FinalModel(t).(Model)
	if got := fm.upd.Frame.Time; !got.Equal(et(t, "2025-01-27 11:08")) {
		t.Fatalf("after enter and ]: %s", got)
	}
	if !fm.panes.timeline.Detail() || fm.panes.timeline.Hidden(fm.panes.timeline.Selected()) {
		t.Error("the detail closed, or shows a hidden event")
	}
	if sel := fm.panes.timeline.Selected(); sel < 1 || !strings.Contains(fm.upd.Frame.Events[sel-1].Title, "Janus-Pro") {
		t.Errorf("] from Janus-Pro selected event %d", sel+1)
	}
}

// TestStepSameInstant: [ and ] step event by event in the timeline's
// order, also through events placed at the same instant (on 27 Jan three
// events are placed at 16:00: ] from the one before them jumped past two).
// The selection moves while the clock stays; the replay is asked to seek
// only when the next event is placed elsewhere.
func TestStepSameInstant(t *testing.T) {
	ds := dataset(t)
	evs, sess := ds.Events(), ds.Sessions()
	start, end, _ := ds.Span()
	placed := func(i int) time.Time { return snapshots.Placement(evs[i], sess) }
	g := -1 // first of a group of events at one instant inside the data
	for i := 1; i+1 < len(evs); i++ {
		if placed(i).Equal(placed(i+1)) && placed(i).After(start) && placed(i).Before(end) && !placed(i-1).Equal(placed(i)) {
			g = i
			break
		}
	}
	if g < 0 {
		t.Fatal("no two events placed at the same instant in the embedded snapshot")
	}
	last := g
	for last+1 < len(evs) && placed(last+1).Equal(placed(g)) {
		last++
	}
	ctl := &fakeController{}
	m := newTestModel(t, 120, 40, ctl, common.GlyphsBraille)
	m = withUpdate(t, m, replayUpdate(t, placed(g-1).Format("2006-01-02 15:04"), 1))
	if m.panes.timeline.Selected() != g-1 {
		t.Fatalf("at event %d's placement the selection is %d", g, m.panes.timeline.Selected())
	}
	seq := uint64(2)
	press := func(k string, wantSel int) {
		t.Helper()
		_, n0 := ctl.last()
		var cmd tea.Cmd
		m, cmd = step(t, m, keyMsg(k))
		m = runSeek(t, m, cmd)
		got, n := ctl.last()
		if sel := m.panes.timeline.Selected(); sel != wantSel {
			t.Fatalf("%s: selected %d (#%d), want %d (#%d)", k, sel, sel+1, wantSel, wantSel+1)
		}
		now := m.upd.Frame.Time
		if placed(wantSel).Equal(now) {
			if n != n0 {
				t.Fatalf("%s onto an event at the clock's instant sent %+v", k, got)
			}
			return
		}
		if n != n0+1 || got.Op != feeds.OpSeek || !got.At.Equal(placed(wantSel)) {
			t.Fatalf("%s: sent %+v (%d commands), want a seek to %s", k, got, n-n0, placed(wantSel))
		}
		// the replay answers with the frame there
		m = withUpdate(t, m, replayUpdate(t, got.At.Format("2006-01-02 15:04"), seq))
		seq++
		if sel := m.panes.timeline.Selected(); sel != wantSel {
			t.Fatalf("%s: after the seek the selection moved to %d, want %d", k, sel, wantSel)
		}
	}
	for i := g; i <= last+1; i++ {
		press("]", i)
	}
	for i := last; i >= g-1; i-- {
		press("[", i)
	}
	// the same from the focused timeline
	m, _ = step(t, m, keyMsg("3"))
	press("]", g)
	press("]", g+1)
}

// TestWeekNoSpoilers: at 10:02 on 28 Jan `d` draws the week; without
// spoilers 29-31 Jan are empty slots with their date labels (the golden),
// with spoilers (`v`) their closes are drawn, dimmed.
func TestWeekNoSpoilers(t *testing.T) {
	view := func(sp bool) (Model, string) {
		m := newModel(Deps{Renderer: asciiRenderer(), Control: &fakeController{}, Now: func() time.Time { return fixedNow },
			Width: 120, Height: 40, Glyphs: common.GlyphsBraille}, WithSpoilers(sp))
		m = withUpdate(t, m, replayUpdate(t, "2025-01-28 10:02", 1))
		m, _ = step(t, m, keyMsg("d"))
		return m, m.panes.chart.View()
	}
	m, hidden := view(false)
	_, shown := view(true)
	if hidden == shown {
		t.Fatal("the week view is the same with and without spoilers")
	}
	for _, day := range []string{" 29 ", " 30 ", " 31 "} { // "Wed 29" when there is room
		if !strings.Contains(ansi.Strip(hidden), day) {
			t.Errorf("without spoilers the week lost the label %q", day)
		}
	}
	golden.RequireEqual(t, []byte(m.View()))
	// v shows them
	m, _ = step(t, m, keyMsg("v"))
	if m.panes.chart.View() != shown {
		t.Error("v does not draw the later days")
	}
}
