package tui

import (
	"errors"
	"fmt"
	"math/rand"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/snapshots"
	"github.com/selloff/selloff/tui/common"
	"github.com/selloff/selloff/tui/watchlist"
)

// fakeController records the commands it receives.
type fakeController struct {
	mu   sync.Mutex
	cmds []feeds.Command
	err  error
}

func (f *fakeController) Control(c feeds.Command) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cmds = append(f.cmds, c)
	return f.err
}

func (f *fakeController) last() (feeds.Command, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.cmds) == 0 {
		return feeds.Command{}, 0
	}
	return f.cmds[len(f.cmds)-1], len(f.cmds)
}

var fixedNow = time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)

// newTestModel builds a dashboard with an Ascii renderer, a fixed clock, no
// update channel (messages are fed by hand).
func newTestModel(t testing.TB, w, h int, ctrl feeds.Controller, g common.Glyphs) Model {
	t.Helper()
	m := newModel(Deps{
		Renderer: asciiRenderer(),
		Control:  ctrl,
		Now:      func() time.Time { return fixedNow },
		Width:    w,
		Height:   h,
		Glyphs:   g,
	})
	m.strip.SetEvery(0) // no scroll clock: tests drive the strip with its tick message
	return m
}

// step runs one message through Update and then every Cmd it returns that
// completes at once (control commands), feeding their messages back.
func step(t testing.TB, m Model, msg tea.Msg) (Model, tea.Cmd) {
	t.Helper()
	nm, cmd := m.Update(msg)
	m = nm.(Model)
	return m, cmd
}

// runCmd executes cmd (recursively through batches) and feeds back the
// messages of control commands. Blocking commands are not run.
func runCmd(t testing.TB, m Model, cmd tea.Cmd) Model {
	t.Helper()
	if cmd == nil {
		return m
	}
	msg := cmd()
	switch msg := msg.(type) {
	case tea.BatchMsg:
		for _, c := range msg {
			m = runCmd(t, m, c)
		}
	case controlDoneMsg:
		m, _ = step(t, m, msg)
	}
	return m
}

func keyMsg(s string) tea.KeyMsg {
	switch s {
	case "space":
		return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	case "left":
		return tea.KeyMsg{Type: tea.KeyLeft}
	case "right":
		return tea.KeyMsg{Type: tea.KeyRight}
	case "shift+left":
		return tea.KeyMsg{Type: tea.KeyShiftLeft}
	case "shift+right":
		return tea.KeyMsg{Type: tea.KeyShiftRight}
	case "home":
		return tea.KeyMsg{Type: tea.KeyHome}
	case "end":
		return tea.KeyMsg{Type: tea.KeyEnd}
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "tab":
		return tea.KeyMsg{Type: tea.KeyTab}
	case "shift+tab":
		return tea.KeyMsg{Type: tea.KeyShiftTab}
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "ctrl+c":
		return tea.KeyMsg{Type: tea.KeyCtrlC}
	case "backspace":
		return tea.KeyMsg{Type: tea.KeyBackspace}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}
}

func typeText(t testing.TB, m Model, s string) Model {
	for _, r := range s {
		m, _ = step(t, m, keyMsg(string(r)))
	}
	return m
}

func withUpdate(t testing.TB, m Model, u feeds.Update) Model {
	t.Helper()
	m, _ = step(t, m, updateMsg{u: u, at: fixedNow})
	return m
}

func TestReplayKeysSendCommands(t *testing.T) {
	cases := []struct {
		key  string
		want feeds.Command
	}{
		{"space", feeds.Command{Op: feeds.OpTogglePause}},
		{"+", feeds.Command{Op: feeds.OpFaster}},
		{"=", feeds.Command{Op: feeds.OpFaster}},
		{"-", feeds.Command{Op: feeds.OpSlower}},
		{"right", feeds.Command{Op: feeds.OpStep, N: 1}},
		{"left", feeds.Command{Op: feeds.OpStep, N: -1}},
		{"shift+right", feeds.Command{Op: feeds.OpSeekBy, By: 30 * time.Minute}},
		{"shift+left", feeds.Command{Op: feeds.OpSeekBy, By: -30 * time.Minute}},
		{"home", feeds.Command{Op: feeds.OpOpen}},
		{"end", feeds.Command{Op: feeds.OpClose}},
		{"n", feeds.Command{Op: feeds.OpNextDay}},
		{"p", feeds.Command{Op: feeds.OpPrevDay}},
	} // [ and ] step along the timeline: TestStepSameInstant
	for _, tc := range cases {
		t.Run(strings.ReplaceAll(tc.key, "+", "plus"), func(t *testing.T) {
			ctrl := &fakeController{}
			m := newTestModel(t, 160, 45, ctrl, common.GlyphsBraille)
			m = withUpdate(t, m, replayUpdate(t, "2025-01-27 14:50", 1))
			m, cmd := step(t, m, keyMsg(tc.key))
			if cmd == nil {
				t.Fatalf("key %q returned no command", tc.key)
			}
			runCmd(t, m, cmd)
			got, n := ctrl.last()
			if n != 1 || got != tc.want {
				t.Fatalf("key %q sent %+v (%d commands), want %+v", tc.key, got, n, tc.want)
			}
		})
	}
}

func TestReplayKeysDisabledWhenLive(t *testing.T) {
	ctrl := &fakeController{}
	m := newTestModel(t, 160, 45, ctrl, common.GlyphsBraille)
	u := replayUpdate(t, "2025-01-27 14:50", 1)
	u.Mode, u.Clock = feeds.ModeLive, nil
	m = withUpdate(t, m, u)
	for _, k := range []string{"space", "+", "-", "right", "left", "home", "end", "n", "p", "[", "]", "g"} {
		var cmd tea.Cmd
		m, cmd = step(t, m, keyMsg(k))
		m = runCmd(t, m, cmd)
	}
	if _, n := ctrl.last(); n != 0 {
		t.Fatalf("live mode sent %d replay commands", n)
	}
	if m.gotoOpen {
		t.Fatal("g opened the go-to input in live mode")
	}
	if m.keys.Pause.Enabled() {
		t.Fatal("pause key enabled in live mode")
	}
}

// A refused command is answered in the status bar as a note beside the
// feed's health ("feed ok" stays true), not as an error of the feed.
func TestRefusedCommandShownInStatusBar(t *testing.T) {
	ctrl := &fakeController{err: errors.New("replay: no later event within the data")}
	m := newTestModel(t, 160, 45, ctrl, common.GlyphsBraille)
	m = withUpdate(t, m, replayUpdate(t, "2025-01-27 14:50", 1))
	m, cmd := step(t, m, keyMsg("space"))
	m = runCmd(t, m, cmd)
	v := lastLines(m.View(), 1)
	if !strings.Contains(v, "no later event within the data") || strings.Contains(v, "error:") {
		t.Fatalf("status bar:\n%s", v)
	}
	ctrl.err = nil
	m, cmd = step(t, m, keyMsg("space"))
	m = runCmd(t, m, cmd)
	if v := lastLines(m.View(), 1); strings.Contains(v, "no later event") {
		t.Fatalf("the note outlived the next command:\n%s", v)
	}
}

func TestGotoTime(t *testing.T) {
	ctrl := &fakeController{}
	m := newTestModel(t, 160, 45, ctrl, common.GlyphsBraille)
	m = withUpdate(t, m, replayUpdate(t, "2025-01-27 10:00", 1))
	m, _ = step(t, m, keyMsg("g"))
	if !m.gotoOpen {
		t.Fatal("g did not open the input")
	}
	if !strings.Contains(m.View(), "go to (HH:MM") {
		t.Fatal("the go-to prompt is not shown")
	}
	m = typeText(t, m, "14:50")
	m, cmd := step(t, m, keyMsg("enter"))
	m = runCmd(t, m, cmd)
	got, n := ctrl.last()
	want := time.Date(2025, 1, 27, 14, 50, 0, 0, snapshots.Location())
	if n != 1 || got.Op != feeds.OpSeek || !got.At.Equal(want) {
		t.Fatalf("goto sent %+v, want seek to %v", got, want)
	}
	if m.gotoOpen {
		t.Fatal("input still open")
	}

	// A full date and time.
	m, _ = step(t, m, keyMsg("g"))
	m = typeText(t, m, "2025-01-28T09:45")
	m, cmd = step(t, m, keyMsg("enter"))
	m = runCmd(t, m, cmd)
	got, _ = ctrl.last()
	if want := time.Date(2025, 1, 28, 9, 45, 0, 0, snapshots.Location()); !got.At.Equal(want) {
		t.Fatalf("goto sent %v, want %v", got.At, want)
	}

	// Bad input keeps the input open and says why.
	m, _ = step(t, m, keyMsg("g"))
	m = typeText(t, m, "noon")
	m, cmd = step(t, m, keyMsg("enter"))
	if cmd != nil {
		t.Fatal("bad input produced a command")
	}
	if !m.gotoOpen || !strings.Contains(m.View(), "cannot read") {
		t.Fatalf("bad input not reported:\n%s", lastLines(m.View(), 3))
	}
	m, _ = step(t, m, keyMsg("esc"))
	if m.gotoOpen {
		t.Fatal("esc did not close the input")
	}
	if _, n := ctrl.last(); n != 2 {
		t.Fatalf("%d commands, want 2", n)
	}
}

func TestParseGoto(t *testing.T) {
	u := replayUpdate(t, "2025-01-27 10:00", 1)
	loc := snapshots.Location()
	cases := map[string]time.Time{
		"14:50":                time.Date(2025, 1, 27, 14, 50, 0, 0, loc),
		"9:30":                 time.Date(2025, 1, 27, 9, 30, 0, 0, loc),
		"2025-01-24T16:00":     time.Date(2025, 1, 24, 16, 0, 0, 0, loc),
		"2025-01-24 16:00":     time.Date(2025, 1, 24, 16, 0, 0, 0, loc),
		"open":                 time.Date(2025, 1, 27, 9, 30, 0, 0, loc),
		"CLOSE":                time.Date(2025, 1, 27, 16, 0, 0, 0, loc),
		"2025-01-28T15:00:00Z": time.Date(2025, 1, 28, 10, 0, 0, 0, loc),
		"2025-01-27 14:50:30":  time.Date(2025, 1, 27, 14, 50, 30, 0, loc),
		"14:50:30":             time.Date(2025, 1, 27, 14, 50, 30, 0, loc),
	}
	for in, want := range cases {
		got, err := parseGoto(in, u.Frame, u.Clock)
		if err != nil || !got.Equal(want) {
			t.Errorf("parseGoto(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "25:00", "noon", "2025-13-01T10:00", "10", "2025-03-09T02:30"} {
		if _, err := parseGoto(bad, u.Frame, u.Clock); err == nil {
			t.Errorf("parseGoto(%q) accepted", bad)
		}
	}
	if _, err := parseGoto("10:00", nil, nil); err == nil {
		t.Error("HH:MM without a frame accepted")
	}
	// a day the data does not cover: refused with what it covers
	for _, out := range []string{"2025-01-31T10:00", "2025-01-17T10:00"} {
		_, err := parseGoto(out, u.Frame, u.Clock)
		if err == nil || !strings.Contains(err.Error(), "is outside the data") {
			t.Errorf("parseGoto(%q): %v", out, err)
		}
	}
}

func FuzzParseGoto(f *testing.F) {
	for _, s := range []string{"14:50", "9:30", "2025-01-24T16:00", "x", "", "99:99", "2025-01-24 16:00"} {
		f.Add(s)
	}
	ds, err := loadDataset()
	if err != nil {
		f.Skip(err)
	}
	fr := ds.At(time.Date(2025, 1, 27, 12, 0, 0, 0, snapshots.Location()))
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseGoto(s, fr, nil)
		if err == nil && got.IsZero() {
			t.Fatalf("%q: zero time without error", s)
		}
	})
}

func TestWatchlistKeys(t *testing.T) {
	m := newTestModel(t, 160, 45, &fakeController{}, common.GlyphsBraille)
	m = withUpdate(t, m, replayUpdate(t, "2025-01-27 16:00", 1))
	if got := m.watch.Selected(); got != "NVDA" {
		t.Fatalf("initial selection %q", got)
	}
	m, _ = step(t, m, keyMsg("j"))
	m, _ = step(t, m, keyMsg("down"))
	if got := m.watch.Selected(); got != "TSM" {
		t.Fatalf("after j, down: %q", got)
	}
	m, _ = step(t, m, keyMsg("k"))
	if got := m.watch.Selected(); got != "AVGO" {
		t.Fatalf("after k: %q", got)
	}
	m, _ = step(t, m, keyMsg("up"))
	m, _ = step(t, m, keyMsg("up")) // stays at the top
	if got := m.watch.Selected(); got != "NVDA" {
		t.Fatalf("after up, up: %q", got)
	}
	// tab: first symbol of the next group.
	m, _ = step(t, m, keyMsg("tab"))
	if g, _ := m.watch.SelectedGroup(); g != "power" {
		t.Fatalf("tab went to group %q", g)
	}
	if got := m.panes.chart.Symbol(); got != "VST" {
		t.Fatalf("chart not told of the selection: %q", got)
	}
	// s cycles sort modes.
	for _, want := range []watchlist.SortMode{watchlist.SortPct, watchlist.SortValue, watchlist.SortSymbol, watchlist.SortConfig} {
		m, _ = step(t, m, keyMsg("s"))
		if m.watch.Sort() != want {
			t.Fatalf("sort %v, want %v", m.watch.Sort(), want)
		}
	}
	m, _ = step(t, m, keyMsg("s")) // % change, worst first
	v := m.View()
	if i, j := strings.Index(v, "MRVL"), strings.Index(v, " NVDA "); i < 0 || j < 0 || i > j {
		t.Fatalf("sort by %% change: MRVL (-19.10%%) should come before NVDA (-16.97%%)")
	}
	// / filters; keys typed go to the filter, not to the replay.
	ctrl := m.control.(*fakeController)
	m, _ = step(t, m, keyMsg("/"))
	m = typeText(t, m, "gpu n")
	m, _ = step(t, m, keyMsg("backspace"))
	m, _ = step(t, m, keyMsg("backspace"))
	m, _ = step(t, m, keyMsg("backspace"))
	m, _ = step(t, m, keyMsg("backspace"))
	m = typeText(t, m, "nv")
	m, _ = step(t, m, keyMsg("enter"))
	if _, n := ctrl.last(); n != 0 {
		t.Fatal("typing in the filter sent replay commands")
	}
	if m.watch.Filter() != "gnv" && m.watch.Filter() != "nv" {
		t.Logf("filter %q", m.watch.Filter())
	}
	if got := m.watch.Filter(); got != "gnv" {
		// "gpu n" minus four backspaces is "g", then "nv".
		t.Fatalf("filter %q", got)
	}
	m, _ = step(t, m, keyMsg("esc")) // clears the filter
	m, _ = step(t, m, keyMsg("/"))
	m = typeText(t, m, "nv")
	m, _ = step(t, m, keyMsg("enter"))
	v = m.watch.View()
	if !strings.Contains(v, "NVDA") || strings.Contains(v, "AVGO") || !strings.Contains(v, "filter: nv") {
		t.Fatalf("filter nv:\n%s", v)
	}
	if m.watch.Selected() != "NVDA" {
		t.Fatalf("selection under filter: %q", m.watch.Selected())
	}
	m, _ = step(t, m, keyMsg("esc"))
	if m.watch.Filter() != "" || !strings.Contains(m.watch.View(), "AVGO") {
		t.Fatal("esc did not clear the filter")
	}
}

func TestGlobalKeys(t *testing.T) {
	m := newTestModel(t, 160, 45, &fakeController{}, common.GlyphsBraille)
	m = withUpdate(t, m, replayUpdate(t, "2025-01-27 16:00", 1))

	m, _ = step(t, m, keyMsg("?"))
	if !m.showHelp || !strings.Contains(m.View(), "go to time") {
		t.Fatal("? did not show full help")
	}
	m, _ = step(t, m, keyMsg("?"))
	if m.showHelp {
		t.Fatal("? did not close help")
	}

	// At 160x45 the value-change bars show under the watchlist: m hides
	// them (it used to open a second copy in the chart's place), and shows
	// them again.
	if !m.lay.showSummary {
		t.Fatal("no value-change bars under the watchlist at 160x45")
	}
	m, _ = step(t, m, keyMsg("m"))
	if m.showCap || m.lay.showSummary {
		t.Fatalf("m at 160x45: pane open %v, bars under the watchlist %v; want both off", m.showCap, m.lay.showSummary)
	}
	m, _ = step(t, m, keyMsg("m"))
	if m.showCap || !m.lay.showSummary {
		t.Fatal("m again did not bring the bars back under the watchlist")
	}
	// Where they do not fit under the watchlist, m opens the pane in the
	// chart's place and esc closes it.
	small := withUpdate(t, newTestModel(t, 120, 30, &fakeController{}, common.GlyphsBraille), replayUpdate(t, "2025-01-27 16:00", 1))
	small, _ = step(t, small, keyMsg("m"))
	if !small.showCap {
		t.Fatal("m did not open the value-change pane")
	}
	small, _ = step(t, small, keyMsg("esc"))
	if small.showCap {
		t.Fatal("esc did not close the value-change pane")
	}

	m, _ = step(t, m, keyMsg("2"))
	if m.focus != paneChart || m.watch.Focused() {
		t.Fatal("2 did not focus the chart")
	}
	m, _ = step(t, m, keyMsg("shift+tab"))
	if m.focus != paneTimeline {
		t.Fatalf("shift+tab focus %d", m.focus)
	}
	m, _ = step(t, m, keyMsg("shift+tab"))
	if m.focus != paneWatchlist || !m.watch.Focused() {
		t.Fatalf("shift+tab focus %d", m.focus)
	}
	m, _ = step(t, m, keyMsg("3"))
	if m.focus != paneTimeline {
		t.Fatal("3 did not focus the timeline")
	}
	m, _ = step(t, m, keyMsg("1"))
	if m.focus != paneWatchlist {
		t.Fatal("1 did not focus the watchlist")
	}

	for _, k := range []string{"q", "ctrl+c"} {
		_, cmd := step(t, m, keyMsg(k))
		if cmd == nil {
			t.Fatalf("%s: no command", k)
		}
		if _, ok := cmd().(tea.QuitMsg); !ok {
			t.Fatalf("%s did not quit", k)
		}
	}
}

func TestStaleUpdatesDropped(t *testing.T) {
	m := newTestModel(t, 160, 45, &fakeController{}, common.GlyphsBraille)
	m = withUpdate(t, m, replayUpdate(t, "2025-01-27 14:50", 5))
	m = withUpdate(t, m, replayUpdate(t, "2025-01-27 10:00", 4)) // older Seq
	m = withUpdate(t, m, replayUpdate(t, "2025-01-27 11:00", 5)) // same Seq
	if got := m.upd.Frame.Time.In(snapshots.Location()).Format("15:04"); got != "14:50" {
		t.Fatalf("stale update applied: frame at %s", got)
	}
	u := replayUpdate(t, "2025-01-27 15:00", 1)
	u.Source = "other"
	m = withUpdate(t, m, u)
	if got := m.upd.Frame.Time.In(snapshots.Location()).Format("15:04"); got != "15:00" {
		t.Fatalf("update from another source dropped: %s", got)
	}
}

func TestFeedEndedKeepsRunning(t *testing.T) {
	ch := make(chan feeds.Update, 1)
	ch <- replayUpdate(t, "2025-01-27 16:00", 1)
	close(ch)
	m := newModel(Deps{Renderer: asciiRenderer(), Updates: ch, Now: func() time.Time { return fixedNow }, Width: 160, Height: 45})
	m.strip.SetEvery(0)
	msg := m.Init()()
	m, cmd := step(t, m, msg)
	msg = cmd()
	if _, ok := msg.(feedEndedMsg); !ok {
		t.Fatalf("got %T after the channel closed", msg)
	}
	m, cmd = step(t, m, msg)
	if cmd != nil {
		if _, ok := cmd().(tea.QuitMsg); ok {
			t.Fatal("the program quit when the feed ended")
		}
	}
	v := m.View()
	if !strings.Contains(v, "feed ended") || !strings.Contains(v, "118.42") {
		t.Fatalf("ended feed not shown or data lost:\n%s", lastLines(v, 2))
	}
}

// While the replay is paused the program arms no timer but the strip's
// scroll tick: Update returns no other Cmd for paused updates and keys (the
// update channel is nil here, so the only Cmds could be timers or control
// commands), and the strip scrolls on its tick while paused (it froze, and
// at 140 columns only six items were ever read).
func TestPausedArmsNoTimer(t *testing.T) {
	m := newTestModel(t, 160, 45, &fakeController{}, common.GlyphsBraille)
	m.strip.SetEvery(time.Hour) // armed but never fired here: the test delivers the ticks
	var cmd tea.Cmd
	m, cmd = step(t, m, updateMsg{u: replayUpdate(t, "2025-01-27 14:50", 1), at: fixedNow})
	if cmd == nil || !m.strip.Armed() {
		t.Fatal("the overflowing strip armed no scroll tick")
	}
	for _, k := range []string{"j", "k", "s", "tab", "m", "m", "?", "?", "/", "n", "v", "enter", "esc", "g", "esc"} {
		m, cmd = step(t, m, keyMsg(k))
		if cmd != nil {
			t.Fatalf("key %q while paused returned a Cmd (%T)", k, cmd())
		}
	}
	m, cmd = step(t, m, tea.WindowSizeMsg{Width: 100, Height: 30})
	if cmd != nil {
		t.Fatal("resize returned a Cmd")
	}
	// paused: the strip still scrolls, on its ticks only, after the hold
	before := m.strip.Offset()
	m, _ = step(t, m, updateMsg{u: replayUpdate(t, "2025-01-27 14:51", 2), at: fixedNow})
	if m.strip.Offset() != before {
		t.Fatal("an update moved the strip")
	}
	m, _ = step(t, m, m.strip.Tick(fixedNow)) // the hold's one tick
	if m.strip.Offset() != before {
		t.Fatal("the strip moved during the hold at the start of its pass")
	}
	m, cmd = step(t, m, m.strip.Tick(fixedNow))
	if m.strip.Offset() != before+1 || cmd == nil {
		t.Fatalf("paused: strip offset %d after a tick (want %d), next tick armed %v", m.strip.Offset(), before+1, cmd != nil)
	}
	stale := m.strip.Tick(fixedNow)
	m, _ = step(t, m, stale)
	if m.strip.Offset() != before+2 {
		t.Fatal("the tick did not move the strip")
	}
	if m, _ = step(t, m, stale); m.strip.Offset() != before+2 {
		t.Fatal("a stale tick moved the strip (twice the speed)")
	}
	// Playing: updates do not move the strip either; replays are paced by
	// the source and arm nothing of their own.
	u := replayUpdate(t, "2025-01-27 14:52", 3)
	u.Clock.Paused = false
	off := m.strip.Offset()
	m, cmd = step(t, m, updateMsg{u: u, at: fixedNow})
	if cmd != nil {
		t.Fatal("a playing replay update armed a Cmd")
	}
	if m.strip.Offset() != off {
		t.Fatal("an update moved the strip")
	}
	// Live: the one-second freshness tick is armed once.
	u = replayUpdate(t, "2025-01-27 14:53", 4)
	u.Mode, u.Clock = feeds.ModeLive, nil
	m, cmd = step(t, m, updateMsg{u: u, at: fixedNow})
	if cmd == nil {
		t.Fatal("live mode armed no freshness tick")
	}
	_, cmd2 := step(t, m, updateMsg{u: replayUpdate(t, "2025-01-27 14:54", 5), at: fixedNow})
	_ = cmd2
}

func TestResizeKeepsState(t *testing.T) {
	m := newTestModel(t, 160, 45, &fakeController{}, common.GlyphsBraille)
	m = withUpdate(t, m, replayUpdate(t, "2025-01-27 14:50", 1))
	m, _ = step(t, m, keyMsg("j"))
	m, _ = step(t, m, keyMsg("j"))
	m, _ = step(t, m, keyMsg("s"))
	m, _ = step(t, m, keyMsg("/"))
	m = typeText(t, m, "m")
	m, _ = step(t, m, keyMsg("enter"))
	sel, sort, filt := m.watch.Selected(), m.watch.Sort(), m.watch.Filter()
	for _, sz := range [][2]int{{80, 24}, {20, 5}, {1, 1}, {100, 30}, {500, 200}, {160, 45}} {
		m, _ = step(t, m, tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		_ = m.View()
	}
	if m.watch.Selected() != sel || m.watch.Sort() != sort || m.watch.Filter() != filt {
		t.Fatalf("state changed by resizing: %q %v %q -> %q %v %q", sel, sort, filt, m.watch.Selected(), m.watch.Sort(), m.watch.Filter())
	}
	if m.upd.Seq != 1 || !m.hasData {
		t.Fatal("feed state lost")
	}
}

// No size from 1x1 to 500x200 panics, and no frame is wider or taller than
// the terminal.
func TestSizeProperty(t *testing.T) {
	u := replayUpdate(t, "2025-01-27 14:50", 1)
	rng := rand.New(rand.NewSource(1))
	sizes := [][2]int{{1, 1}, {500, 200}, {500, 1}, {1, 200}, {0, 0}}
	for w := 1; w <= 200; w += 11 {
		for h := 1; h <= 60; h += 4 {
			sizes = append(sizes, [2]int{w, h})
		}
	}
	for _, b := range []int{fullMinW, mediumMinW, compactMinW} {
		for d := -2; d <= 2; d++ {
			sizes = append(sizes, [2]int{b + d, fullMinH + d}, [2]int{b + d, mediumMinH + d}, [2]int{b + d, 7 + d})
		}
	}
	for range 100 {
		sizes = append(sizes, [2]int{1 + rng.Intn(500), 1 + rng.Intn(200)})
	}
	m := newTestModel(t, 160, 45, &fakeController{}, common.GlyphsBraille)
	m = withUpdate(t, m, u)
	for i, sz := range sizes {
		w, h := sz[0], sz[1]
		g := []common.Glyphs{common.GlyphsBraille, common.GlyphsBlock, common.GlyphsASCII}[i%3]
		check := func(what, v string) {
			if w <= 0 || h <= 0 {
				return
			}
			lines := strings.Split(v, "\n")
			if len(lines) > h {
				t.Fatalf("%s %dx%d: %d lines", what, w, h, len(lines))
			}
			for _, ln := range lines {
				if lw := ansi.StringWidth(ln); lw > w {
					t.Fatalf("%s %dx%d: line of width %d: %q", what, w, h, lw, ln)
				}
			}
		}
		check("Render", Render(u, w, h, asciiRenderer(), g))
		// Through Update too, with help and the value pane toggled.
		mm, _ := step(t, m, tea.WindowSizeMsg{Width: w, Height: h})
		check("View", mm.View())
		if i%5 == 0 {
			mm, _ = step(t, mm, keyMsg("?"))
			check("View+help", mm.View())
			mm, _ = step(t, mm, keyMsg("m"))
			check("View+help+m", mm.View())
		}
	}
}

// The numbers on screen at the close of 27 Jan.
func TestNVDAAtClose(t *testing.T) {
	u := replayUpdate(t, "2025-01-27 16:00", 1)
	for _, g := range []common.Glyphs{common.GlyphsBraille, common.GlyphsASCII} {
		v := Render(u, 160, 45, asciiRenderer(), g)
		var row string
		for _, ln := range strings.Split(v, "\n") {
			if strings.Contains(ln, "▸NVDA ") || strings.Contains(ln, ">NVDA ") { // the watchlist row under the cursor
				row = ln
				break
			}
		}
		minus := "−"
		if g == common.GlyphsASCII {
			minus = "-"
		}
		for _, want := range []string{"118.42", minus + "16.97%", minus + "$592.7B"} {
			if !strings.Contains(row, want) {
				t.Fatalf("%s: NVDA row %q lacks %q", g, row, want)
			}
		}
		if !strings.Contains(v, "AI basket "+minus+"$1.17T since Fri close") {
			t.Fatalf("%s: basket total missing:\n%s", g, lastLines(v, 2))
		}
		if !strings.Contains(v, "RECONSTRUCTED") || !strings.Contains(v, "Mon 27 Jan 2025 16:00 ET") {
			t.Fatalf("%s: status bar:\n%s", g, lastLines(v, 1))
		}
	}
}

// Golden frames of the whole dashboard at three sizes and three times of
// 27 Jan: the open, the NVDA low, the close.
func TestGoldenDashboard(t *testing.T) {
	times := map[string]string{"open": "2025-01-27 09:30", "low": "2025-01-27 14:50", "close": "2025-01-27 16:00"}
	for _, sz := range [][2]int{{160, 45}, {100, 30}, {80, 24}} {
		for _, name := range []string{"open", "low", "close"} {
			t.Run(fmt.Sprintf("%s_%dx%d", name, sz[0], sz[1]), func(t *testing.T) {
				u := replayUpdate(t, times[name], 1)
				golden.RequireEqual(t, []byte(Render(u, sz[0], sz[1], asciiRenderer(), common.GlyphsBraille)))
			})
		}
	}
	t.Run("ascii_close_100x30", func(t *testing.T) {
		u := replayUpdate(t, times["close"], 1)
		golden.RequireEqual(t, []byte(Render(u, 100, 30, asciiRenderer(), common.GlyphsASCII)))
	})
	t.Run("help_160x45", func(t *testing.T) {
		m := newTestModel(t, 160, 45, &fakeController{}, common.GlyphsBraille)
		m = withUpdate(t, m, replayUpdate(t, times["low"], 1))
		m, _ = step(t, m, keyMsg("?"))
		golden.RequireEqual(t, []byte(m.View()))
	})
	t.Run("too_small", func(t *testing.T) {
		golden.RequireEqual(t, []byte(Render(replayUpdate(t, times["low"], 1), 20, 5, asciiRenderer(), common.GlyphsBraille)))
	})
}

func lastLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// Full help is the global keys plus the focused pane's; disabled keys are
// left out.
func TestHelpFollowsFocus(t *testing.T) {
	m := newTestModel(t, 160, 45, &fakeController{}, common.GlyphsBraille)
	m = withUpdate(t, m, replayUpdate(t, "2025-01-27 14:50", 1))
	m, _ = step(t, m, keyMsg("?"))
	if v := m.View(); !strings.Contains(v, "next group") || !strings.Contains(v, "pause/play") {
		t.Fatal("watchlist help missing")
	}
	m, _ = step(t, m, keyMsg("2"))
	v := m.View()
	if strings.Contains(v, "next group") {
		t.Fatal("watchlist keys shown while the chart has focus")
	}
	for _, b := range m.panes.chart.FullHelp() {
		for _, k := range b {
			if !strings.Contains(v, k.Help().Desc) {
				t.Fatalf("chart key %q not in help", k.Help().Desc)
			}
		}
	}
	// Live: replay keys disappear from help.
	u := replayUpdate(t, "2025-01-27 14:51", 2)
	u.Mode, u.Clock = feeds.ModeLive, nil
	m = withUpdate(t, m, u)
	if strings.Contains(m.View(), "pause/play") {
		t.Fatal("replay keys in help for a live source")
	}
}

func TestCtrlCQuitsWhileTyping(t *testing.T) {
	m := newTestModel(t, 160, 45, &fakeController{}, common.GlyphsBraille)
	m = withUpdate(t, m, replayUpdate(t, "2025-01-27 14:50", 1))
	for _, open := range []string{"g", "/"} {
		mm, _ := step(t, m, keyMsg(open))
		mm = typeText(t, mm, "q")
		if _, cmd := step(t, mm, keyMsg("q")); cmd != nil {
			if _, ok := cmd().(tea.QuitMsg); ok {
				t.Fatalf("q quit while typing after %q", open)
			}
		}
		_, cmd := step(t, mm, keyMsg("ctrl+c"))
		if cmd == nil {
			t.Fatalf("ctrl+c after %q: no command", open)
		}
		if _, ok := cmd().(tea.QuitMsg); !ok {
			t.Fatalf("ctrl+c did not quit after %q", open)
		}
	}
}

// TestCopiesStayApart: the help and the go-to input are shared between
// copies of the model (they are most of its size), so a copy taken before
// a key keeps what it showed.
func TestCopiesStayApart(t *testing.T) {
	m := withUpdate(t, newTestModel(t, 120, 40, &fakeController{}, common.GlyphsASCII), replayUpdate(t, "2025-01-27 14:50", 1))
	before, beforeView := m, m.View()
	m, _ = step(t, m, keyMsg("?"))
	helpOpen, helpView := m, m.View()
	m, _ = step(t, m, keyMsg("?"))
	m, _ = step(t, m, keyMsg("g"))
	for _, r := range "14:5" {
		m, _ = step(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
	typed := m.View()
	m, _ = step(t, m, keyMsg("esc"))
	if before.View() != beforeView {
		t.Error("the copy before the keys changed")
	}
	if helpOpen.View() != helpView {
		t.Error("the copy with help open changed")
	}
	if !strings.Contains(typed, "14:5") || strings.Contains(m.View(), "go to (") {
		t.Errorf("the go-to input: typed\n%s\nclosed\n%s", typed, m.View())
	}
}

// TestHiddenChartDrawsTheSameWhenShown: the chart draws nothing while the
// value pane has its place, and draws the frames it missed when shown again.
func TestHiddenChartDrawsTheSameWhenShown(t *testing.T) {
	u1 := replayUpdate(t, "2025-01-27 10:30", 1)
	u2 := replayUpdate(t, "2025-01-27 14:50", 2)
	plain := withUpdate(t, withUpdate(t, newTestModel(t, 120, 30, &fakeController{}, common.GlyphsBraille), u1), u2)
	m := withUpdate(t, newTestModel(t, 120, 30, &fakeController{}, common.GlyphsBraille), u1)
	m, _ = step(t, m, keyMsg("m"))
	if m.panes.chart.View() != "" {
		t.Error("the hidden chart still draws")
	}
	m = withUpdate(t, m, u2)
	m, _ = step(t, m, keyMsg("m"))
	if got, want := m.View(), plain.View(); got != want {
		t.Errorf("after the value pane closed:\n%s\nwant\n%s", got, want)
	}
}
