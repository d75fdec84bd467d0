package tui

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/feedstest"
	"github.com/selloff/selloff/feeds/party"
	"github.com/selloff/selloff/feeds/replay"
	"github.com/selloff/selloff/snapshots"
	"github.com/selloff/selloff/snapshots/tour"
	"github.com/selloff/selloff/tui/chart"
	"github.com/selloff/selloff/tui/common"
	"github.com/selloff/selloff/tui/theme"
)

var loadHeader = sync.OnceValues(func() (snapshots.Header, error) {
	s, err := snapshots.ReadFile(filepath.Join("..", "snapshots", "data", "deepseek-week.jsonl.gz"), snapshots.ReadOptions{})
	if err != nil {
		return snapshots.Header{}, err
	}
	return s.Header, nil
})

// resolvedTour parses src and resolves it against the embedded snapshot.
func resolvedTour(t *testing.T, src string) *tour.Tour {
	t.Helper()
	h, err := loadHeader()
	if err != nil {
		t.Fatal(err)
	}
	tr, err := tour.Parse(strings.NewReader(src), "test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	start, end, _ := dataset(t).Span()
	if err := tr.Resolve(h, start, end); err != nil {
		t.Fatal(err)
	}
	return tr
}

const driveTour = `steps:
  - at: "10:00"
    speed: 60
    select: AVGO
    chart: candles
    caption: "first caption"
    hold: 5s
  - play_to: "10:30"
    caption: "second caption"
  - select: NVDA
    chart: compare
    range: week
    focus: timeline
    caption: "third caption"
    hold: 3s
`

// waitFor polls cond (state outside the program: the replay) for up to 10s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

// A tour file drives seek, speed, select, chart, captions and holds in
// order: the holds wait on their own fake clock, the play_to on the
// replay's fake clock, and the clock stops exactly at play_to.
func TestTourDrivesDashboard(t *testing.T) {
	tr := resolvedTour(t, driveTour)
	clk := feedstest.NewFakeClock(fixedNow)
	holds := feedstest.NewFakeClock(fixedNow)
	r, err := replay.New(dataset(t), clk, replay.Options{Paused: true, Start: et(t, "2025-01-27 14:50")})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r.Start(ctx)
	m := New(Deps{Renderer: asciiRenderer(), Updates: r.Subscribe(ctx), Control: r, Now: clk.Now,
		Width: 160, Height: 45, Glyphs: common.GlyphsASCII}, WithTour(tr, holds.After), WithStripStep(0))
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(160, 45))

	// Step 1: seek and speed through the controller, caption shown, held.
	waitText(t, tm, "> tour 1/3 | first caption")
	waitFor(t, "the seek to 10:00", func() bool { return r.Now().Equal(et(t, "2025-01-27 10:00")) })
	if st := r.Status(); st.Speed != 60 || !st.Paused {
		t.Fatalf("after step 1: %+v", st)
	}
	if !holds.BlockUntil(1, 10*time.Second) {
		t.Fatal("step 1 does not hold")
	}
	holds.Advance(4 * time.Second)
	time.Sleep(20 * time.Millisecond)
	if r.Now().After(et(t, "2025-01-27 10:00")) || !r.Status().Paused {
		t.Fatal("step 2 started before step 1's hold ended")
	}
	holds.Advance(time.Second)

	// Step 2: the clock runs to 10:30 at 60x (30 s of the replay's wall
	// time) and stops there.
	waitText(t, tm, "> tour 2/3 | second caption")
	waitFor(t, "the clock to run", func() bool { return !r.Status().Paused })
	for i := 0; i < 200 && !r.Status().Paused; i++ {
		clk.Advance(time.Second)
		time.Sleep(5 * time.Millisecond)
	}

	// Step 3: the selection, chart and focus change; the tour ends after
	// its hold and leaves the keys to the user.
	waitText(t, tm, "> tour 3/3 | third caption")
	waitFor(t, "the clock to stop at 10:30", func() bool {
		return r.Status().Paused && r.Now().Equal(et(t, "2025-01-27 10:30"))
	})
	if !holds.BlockUntil(1, 10*time.Second) {
		t.Fatal("step 3 does not hold")
	}
	holds.Advance(3 * time.Second)
	waitText(t, tm, "tour ended | third caption")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q")})
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
	fm := tm.FinalModel(t).(Model)
	if fm.watch.Selected() != "NVDA" || fm.panes.chart.Mode() != chart.ModeCompare ||
		fm.panes.chart.Range() != chart.RangeWeek || fm.focus != paneTimeline {
		t.Fatalf("final state: %s mode %v range %v focus %d", fm.watch.Selected(), fm.panes.chart.Mode(), fm.panes.chart.Range(), fm.focus)
	}
	if !fm.keys.Pause.Enabled() || !fm.keys.StepFwd.Enabled() {
		t.Fatal("space and → still belong to an ended tour")
	}
}

// A step's settings take effect when it starts, through the paths keys use.
func TestTourStepAppliesSettings(t *testing.T) {
	tr := resolvedTour(t, driveTour)
	m := New(Deps{Renderer: asciiRenderer(), Width: 160, Height: 45, Glyphs: common.GlyphsASCII},
		WithTour(tr, feedstest.NewFakeClock(fixedNow).After))
	m.apply(replayUpdate(t, "2025-01-27 14:50", 1))
	tm, _ := m.Update(tourMsg{kind: tourApply, gen: 0})
	m = tm.(Model)
	if m.watch.Selected() != "AVGO" || m.panes.chart.Mode() != chart.ModeCandles || m.tour.caption != "first caption" {
		t.Fatalf("step 1 not applied: %s %v %q", m.watch.Selected(), m.panes.chart.Mode(), m.tour.caption)
	}
	if m.keys.Pause.Enabled() || m.keys.StepFwd.Enabled() {
		t.Fatal("space and → must be the tour's while it runs")
	}
	// → skips to step 2 at once; space pauses the tour.
	m, _, ok := m.tourKey(tea.KeyMsg{Type: tea.KeyRight})
	if !ok || m.tour.r.Index() != 1 || m.tour.caption != "second caption" {
		t.Fatalf("→ did not skip: %d %q", m.tour.r.Index(), m.tour.caption)
	}
	if m, _, ok := m.tourKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("b")}); !ok || m.paper.blot.TicketOpen() || !strings.Contains(m.note, "no paper orders") {
		t.Fatalf("b opened a paper ticket during a tour: %q", m.note)
	}
	m, _, _ = m.tourKey(tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}})
	if !m.tour.r.Paused() || !strings.Contains(m.tourLine(160), "tour paused (space resumes)") {
		t.Fatalf("space did not pause: %q", m.tourLine(160))
	}
}

// The caption line never cuts silently: narrow terminals get an ellipsis.
func TestTourCaptionNarrow(t *testing.T) {
	tr := resolvedTour(t, driveTour)
	m := New(Deps{Renderer: asciiRenderer(), Width: 160, Height: 45, Glyphs: common.GlyphsBraille},
		WithTour(tr, feedstest.NewFakeClock(fixedNow).After))
	m.tour.caption = "Mon 20 Jan, 07:19 ET: DeepSeek releases the R1 reasoning model"
	if got := m.tourLine(200); got != "▶ tour 1/3 │ Mon 20 Jan, 07:19 ET: DeepSeek releases the R1 reasoning model  (space pauses, → skips)" {
		t.Fatalf("wide: %q", got)
	}
	got := m.tourLine(30)
	if got != "▶ tour 1/3 │ Mon 20 Jan, 07:1…" {
		t.Fatalf("narrow: %q", got)
	}
	m.width, m.height = 40, 12
	m.relayout()
	for _, ln := range strings.Split(m.View(), "\n") {
		if strings.Contains(ln, "tour 1/3") && !strings.HasSuffix(ln, "…") {
			t.Fatalf("caption cut without an ellipsis: %q", ln)
		}
	}
}

// The embedded tour runs from start to end on a fake clock, ends at the
// close of 27 Jan, and takes at most 5 minutes of (fake) wall time; its
// question, answered, locks at 16:00 and is revealed with the close.
func TestEmbeddedTourRuns(t *testing.T) {
	tr, err := tour.Load("deepseek")
	if err != nil {
		t.Fatal(err)
	}
	h, err := loadHeader()
	if err != nil {
		t.Fatal(err)
	}
	start, end, _ := dataset(t).Span()
	if err := tr.Resolve(h, start, end); err != nil {
		t.Fatal(err)
	}
	clk := feedstest.NewFakeClock(fixedNow)
	r, err := replay.New(dataset(t), clk, replay.Options{Paused: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r.Start(ctx)
	// as selloff tour runs it: a party of one, so its question is asked
	room := party.NewLocal(r, party.FrameTruth(dataset(t).At))
	src, ctl := party.Wrap(r, room, "me", "me")
	m := New(Deps{Renderer: asciiRenderer(), Updates: src.Subscribe(ctx), Control: ctl, Now: clk.Now,
		Width: 120, Height: 40, Glyphs: common.GlyphsASCII}, WithTour(tr, clk.After), WithStripStep(0))
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40))
	waitText(t, tm, "DeepSeek releases the R1 reasoning model")
	answered := false
	var out bytes.Buffer
	done := false
	for i := 0; i < 1000 && !done; i++ {
		clk.BlockUntil(1, time.Second) // a hold or the playing clock waits (none: a step is being applied)
		clk.Advance(time.Second)
		time.Sleep(3 * time.Millisecond)
		buf := make([]byte, 1<<16)
		n, _ := tm.Output().Read(buf)
		out.Write(buf[:n])
		done = bytes.Contains(out.Bytes(), []byte("tour ended"))
		if q := room.Status("me").Question; q != nil && !answered && !q.Locked {
			// the viewer answers while the question is open
			if err := ctl.Lesson(feeds.LessonOp{Kind: feeds.LessonAnswer, Answer: "120"}); err != nil {
				t.Fatal(err)
			}
			answered = true
		}
	}
	if !done {
		t.Fatalf("the tour did not end in 1000 s of fake time")
	}
	took := clk.Now().Sub(fixedNow)
	if took > 5*time.Minute {
		t.Fatalf("the tour took %v", took)
	}
	t.Logf("the embedded tour took %v of wall time (estimate %v)", took, tr.WallTime(start, replay.DefaultSpeed))
	waitFor(t, "the clock at the close", func() bool {
		return r.Status().Paused && r.Now().Equal(et(t, "2025-01-27 16:00"))
	})
	l := room.Status("me")
	if q := l.Question; !answered || q == nil || !q.Revealed || l.Result == nil || l.Result.Truth != "$118.42" ||
		l.Result.Answers != 1 || l.MyAnswer != "$120.00" {
		t.Fatalf("the tour's question: answered %v, %+v, %+v", answered, q, l.Result)
	}
	for _, c := range []string{"09:30 ET: The open", "14:50 ET: NVDA hits the day's low", "16:00 ET: The close"} {
		if !bytes.Contains(out.Bytes(), []byte(c)) {
			t.Errorf("caption %q never shown", c)
		}
	}
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q")})
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
}

// A tour in a tiny terminal: no line wider than the terminal, no more
// lines than it has.
func TestTourTinyTerminal(t *testing.T) {
	tr := resolvedTour(t, driveTour)
	for _, sz := range [][2]int{{10, 4}, {1, 1}, {40, 12}, {80, 24}} {
		m := New(Deps{Renderer: asciiRenderer(), Width: sz[0], Height: sz[1], Glyphs: common.GlyphsBraille},
			WithTour(tr, feedstest.NewFakeClock(fixedNow).After))
		m.apply(replayUpdate(t, "2025-01-27 14:50", 1))
		tm, _ := m.Update(tourMsg{kind: tourApply, gen: 0})
		m = tm.(Model)
		m.relayout()
		v := m.View()
		lines := strings.Split(v, "\n")
		if len(lines) > sz[1] {
			t.Errorf("%dx%d: %d lines", sz[0], sz[1], len(lines))
		}
		for _, ln := range lines {
			if w := theme.Width(ln); w > sz[0] {
				t.Errorf("%dx%d: line %q is %d wide", sz[0], sz[1], ln, w)
			}
		}
	}
}

// lessonRecorder is a controller that carries lesson ops, logging both.
type lessonRecorder struct {
	mu  sync.Mutex
	log []string
}

func (c *lessonRecorder) add(s string) { c.mu.Lock(); c.log = append(c.log, s); c.mu.Unlock() }
func (c *lessonRecorder) Control(cmd feeds.Command) error {
	c.add(fmt.Sprintf("control %d", cmd.Op))
	return nil
}
func (c *lessonRecorder) Lesson(op feeds.LessonOp) error {
	s := "lesson " + string(op.Kind)
	if op.Question != nil {
		s += " " + op.Question.Text + " lock " + op.Question.LockAt.Format("15:04")
	}
	c.add(s)
	return nil
}

// tourCmdMsgs runs c and the commands its batches hold, returning their messages.
func tourCmdMsgs(c tea.Cmd) []tea.Msg {
	if c == nil {
		return nil
	}
	switch msg := c().(type) {
	case tea.BatchMsg:
		var out []tea.Msg
		for _, x := range msg {
			out = append(out, tourCmdMsgs(x)...)
		}
		return out
	default:
		return []tea.Msg{msg}
	}
}

// A tour's question steps go to the controller's LessonControl, in the
// ordered tour command: after the step's seek and speed, before the
// clock runs; close, ask, lock, reveal in that order.
func TestTourSendsQuestionOps(t *testing.T) {
	tr := resolvedTour(t, `steps:
  - at: "14:00"
    speed: 60
    question: {text: "Where does NVDA close today?", kind: number, unit: $, symbol: NVDA, lock: "16:00"}
    pause: false
    hold: 1s
  - close_question: true
    question: {text: "Which fell most?", kind: choice, choices: [NVDA, AVGO]}
    lock: true
    reveal: true
`)
	ctl := &lessonRecorder{}
	m := New(Deps{Renderer: asciiRenderer(), Control: ctl, Width: 160, Height: 45, Glyphs: common.GlyphsASCII},
		WithTour(tr, feedstest.NewFakeClock(fixedNow).After))
	m.apply(replayUpdate(t, "2025-01-27 14:50", 1))
	cmd := m.tourApply(nil)
	for _, msg := range tourCmdMsgs(cmd) {
		if tmsg, ok := msg.(tourMsg); ok && tmsg.err != nil {
			t.Fatal(tmsg.err)
		}
	}
	m, cmd, _ = m.tourKey(tea.KeyMsg{Type: tea.KeyRight})
	tourCmdMsgs(cmd)
	want := fmt.Sprintf("control %d|control %d|lesson ask Where does NVDA close today? lock 16:00|control %d|lesson close|lesson ask Which fell most? lock 00:00|lesson lock|lesson reveal",
		feeds.OpSeek, feeds.OpSetSpeed, feeds.OpResume)
	if got := strings.Join(ctl.log, "|"); got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}

	// A controller without lesson ops: the tour goes on, and says why.
	m = New(Deps{Renderer: asciiRenderer(), Control: &tourRecorderNoLesson{}, Width: 160, Height: 45, Glyphs: common.GlyphsASCII},
		WithTour(tr, feedstest.NewFakeClock(fixedNow).After))
	m.apply(replayUpdate(t, "2025-01-27 14:50", 1))
	msgs := tourCmdMsgs(m.tourApply(nil))
	if len(msgs) != 1 || msgs[0].(tourMsg).err != errNoLesson {
		t.Fatalf("got %+v", msgs)
	}
}

type tourRecorderNoLesson struct{}

func (tourRecorderNoLesson) Control(feeds.Command) error { return nil }

// A moment of a tour drawn as one frame (make docs' docs/tour.svg): the
// settings of the steps up to it, and the tour line at that step.
func TestRenderTour(t *testing.T) {
	tr := resolvedTour(t, driveTour)
	at, ok := tr.FrameTime(3)
	if !ok || !at.Equal(et(t, "2025-01-27 10:30")) {
		t.Fatalf("frame time %v %v", at, ok)
	}
	out := RenderTour(replayUpdate(t, "2025-01-27 10:30", 1), tr, 3, 160, 45, asciiRenderer(), common.GlyphsASCII)
	if !strings.Contains(out, "> tour 3/3 | third caption") {
		t.Fatalf("no tour line at step 3:\n%s", out)
	}
	if out2 := RenderTour(replayUpdate(t, "2025-01-27 10:30", 1), tr, 1, 160, 45, asciiRenderer(), common.GlyphsASCII); !strings.Contains(out2, "> tour 1/3 | first caption") {
		t.Fatalf("no tour line at step 1:\n%s", out2)
	}
}
