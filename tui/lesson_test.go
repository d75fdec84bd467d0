package tui

import (
	"math"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/feedstest"
	"github.com/selloff/selloff/feeds/party"
	"github.com/selloff/selloff/tui/chart"
	"github.com/selloff/selloff/tui/common"
)

// lessonCtl is a watch-party viewer's controller as the SSH server gives
// it: replay commands, the party's board, and the lesson's ops, recorded.
type lessonCtl struct {
	partyCtl
	lmu sync.Mutex
	ops []feeds.LessonOp
	err error
}

func (c *lessonCtl) Lesson(op feeds.LessonOp) error {
	c.lmu.Lock()
	defer c.lmu.Unlock()
	c.ops = append(c.ops, op)
	return c.err
}

func (c *lessonCtl) taken() []feeds.LessonOp {
	c.lmu.Lock()
	defer c.lmu.Unlock()
	return append([]feeds.LessonOp(nil), c.ops...)
}

var (
	_ feeds.Controller    = (*lessonCtl)(nil)
	_ feeds.Party         = (*lessonCtl)(nil)
	_ feeds.LessonControl = (*lessonCtl)(nil)
)

// lessonUpdate is a watch party's update at 10:00 on 27 Jan with lesson l.
func lessonUpd(t *testing.T, seq uint64, presenting bool, l feeds.Lesson) feeds.Update {
	u := partyUpdate(t, seq, presenting, nil)
	u.Clock.Lesson = &l
	return u
}

// drain runs cmd (through batches) and feeds back the answers of lesson
// ops and replay commands, as the program would.
func drain(t *testing.T, m Model, cmd tea.Cmd) Model {
	t.Helper()
	if cmd == nil {
		return m
	}
	switch msg := cmd().(type) {
	case tea.BatchMsg:
		for _, c := range msg {
			m = drain(t, m, c)
		}
	case lessonDoneMsg, controlDoneMsg:
		var c tea.Cmd
		m, c = step(t, m, msg)
		m = drain(t, m, c)
	}
	return m
}

func send(t *testing.T, m Model, msg tea.Msg) Model {
	t.Helper()
	m, cmd := step(t, m, msg)
	return drain(t, m, cmd)
}

func typeDrain(t *testing.T, m Model, s string) Model {
	for _, r := range s {
		m = send(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
	return m
}

func runes(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

// A follower takes the presenter's selection, focus, chart mode and range
// at once and at each change; f sends the follow op, and once it is
// refused the view is no longer applied and the hint shows.
func TestLessonFollow(t *testing.T) {
	ctl := &lessonCtl{}
	m := newTestModel(t, 160, 45, ctl, common.GlyphsASCII)
	v := feeds.LessonView{Symbol: "AVGO", Focus: "chart", Chart: "candles", Range: "week"}
	m = send(t, m, updateMsg{u: lessonUpd(t, 1, false, feeds.Lesson{View: v, ViewSeq: 4, Follow: true, Watching: 2, Following: 2}), at: fixedNow})
	if m.watch.Selected() != "AVGO" || m.panes.chart.Mode() != chart.ModeCandles || m.panes.chart.Range() != chart.RangeWeek || m.focus != paneChart {
		t.Fatalf("not followed: %s %v %v focus %d", m.watch.Selected(), m.panes.chart.Mode(), m.panes.chart.Range(), m.focus)
	}
	if m.panes.chart.Symbol() != "AVGO" {
		t.Fatalf("the chart did not follow the selection: %s", m.panes.chart.Symbol())
	}
	// the presenter opens an event's detail
	ev := m.upd.Frame.Events
	if len(ev) == 0 || ev[0].ID == "" {
		t.Fatal("no event with an ID in the snapshot")
	}
	v = feeds.LessonView{Symbol: "VST", Focus: "timeline", Chart: "compare", Range: "day", Detail: ev[0].ID}
	m = send(t, m, updateMsg{u: lessonUpd(t, 2, false, feeds.Lesson{View: v, ViewSeq: 5, Follow: true}), at: fixedNow})
	if m.watch.Selected() != "VST" || m.panes.chart.Mode() != chart.ModeCompare || m.focus != paneTimeline ||
		m.panes.timeline.DetailID() != ev[0].ID {
		t.Fatalf("second view not followed: %s %v focus %d detail %q", m.watch.Selected(), m.panes.chart.Mode(), m.focus, m.panes.timeline.DetailID())
	}
	if len(ctl.taken()) != 0 {
		t.Fatalf("a follower sent ops: %+v", ctl.taken())
	}
	// f: the op goes to the party in a Cmd
	if !m.lesson.keys.Follow.Enabled() || !strings.Contains(m.helpLesson(), "stop following") {
		t.Fatalf("f not offered: %q", m.helpLesson())
	}
	m = send(t, m, runes("f"))
	if ops := ctl.taken(); len(ops) != 1 || ops[0].Kind != feeds.LessonFollow || ops[0].Follow {
		t.Fatalf("f: %+v", ops)
	}
	m = send(t, m, updateMsg{u: lessonUpd(t, 3, false, feeds.Lesson{View: v, ViewSeq: 5, Follow: false}), at: fixedNow})
	// the presenter moves: not applied, hinted
	m = send(t, m, updateMsg{u: lessonUpd(t, 4, false, feeds.Lesson{View: feeds.LessonView{Symbol: "NVDA", Chart: "candles", Focus: "chart", Range: "day"}, ViewSeq: 6}), at: fixedNow})
	if m.watch.Selected() != "VST" || m.panes.chart.Mode() != chart.ModeCompare {
		t.Fatalf("applied while not following: %s %v", m.watch.Selected(), m.panes.chart.Mode())
	}
	if got := m.View(); !strings.Contains(got, "presenter moved: NVDA . candles . f follows") {
		t.Fatalf("no hint:\n%s", got)
	}
	// f again: following again takes the view at once when the party says so
	m = send(t, m, runes("f"))
	if ops := ctl.taken(); len(ops) != 2 || !ops[1].Follow {
		t.Fatalf("second f: %+v", ops)
	}
	m = send(t, m, updateMsg{u: lessonUpd(t, 5, false, feeds.Lesson{View: feeds.LessonView{Symbol: "NVDA", Chart: "candles"}, ViewSeq: 6, Follow: true}), at: fixedNow})
	if m.watch.Selected() != "NVDA" || m.panes.chart.Mode() != chart.ModeCandles || strings.Contains(m.View(), "presenter moved") {
		t.Fatalf("rejoining did not follow: %s %v", m.watch.Selected(), m.panes.chart.Mode())
	}
}

// helpLesson is the lesson's help group as text.
func (m Model) helpLesson() string {
	var s []string
	for _, g := range m.lessonHelp() {
		for _, b := range g {
			if b.Enabled() {
				s = append(s, b.Help().Key+" "+b.Help().Desc)
			}
		}
	}
	return strings.Join(s, ", ")
}

// The presenter's changes, by key or by mouse-free paths alike, go to the
// party as the fields that changed, once each; nothing changed, no op.
func TestLessonPresenterSendsView(t *testing.T) {
	ctl := &lessonCtl{}
	m := newTestModel(t, 160, 45, ctl, common.GlyphsASCII)
	m = send(t, m, updateMsg{u: lessonUpd(t, 1, true, feeds.Lesson{Watching: 5, Following: 4}), at: fixedNow})
	ops := ctl.taken()
	if len(ops) != 1 || ops[0].Kind != feeds.LessonSetView || ops[0].View.Symbol != m.watch.Selected() || ops[0].View.Chart != "line" {
		t.Fatalf("the presenter's first view: %+v", ops)
	}
	if v := m.View(); !strings.Contains(v, "PRESENTING") || !strings.Contains(v, "5 watching . 4 follow") {
		t.Fatalf("status:\n%s", v)
	}
	m = send(t, m, tea.WindowSizeMsg{Width: 160, Height: 45})
	m = send(t, m, updateMsg{u: lessonUpd(t, 2, true, feeds.Lesson{View: *ops[0].View, ViewSeq: 1}), at: fixedNow})
	if n := len(ctl.taken()); n != 1 {
		t.Fatalf("ops with nothing changed: %+v", ctl.taken()[1:])
	}
	before := m.watch.Selected()
	m = send(t, m, keyMsg("down"))
	m = send(t, m, runes("c"))
	ops = ctl.taken()
	if len(ops) != 3 || ops[1].View.Symbol == "" || ops[1].View.Symbol == before || ops[1].View.Chart != "" ||
		ops[2].View.Chart != "candles" || ops[2].View.Symbol != "" {
		t.Fatalf("key changes: %+v", ops[1:])
	}
	m = send(t, m, runes("2"))
	if ops = ctl.taken(); len(ops) != 4 || ops[3].View.Focus != "chart" {
		t.Fatalf("focus: %+v", ops[3:])
	}
	// the presenter has no f, and C and A are offered
	if m.lesson.keys.Follow.Enabled() || !m.lesson.keys.Caption.Enabled() || !strings.Contains(m.helpLesson(), "A ask the room") {
		t.Fatalf("presenter's keys: %q", m.helpLesson())
	}
	// C: a caption
	m = send(t, m, runes("C"))
	m = typeDrain(t, m, "DeepSeek R1 tops the App Store")
	m = send(t, m, keyMsg("enter"))
	ops = ctl.taken()
	if last := ops[len(ops)-1]; last.Kind != feeds.LessonSetCaption || last.Caption != "DeepSeek R1 tops the App Store" {
		t.Fatalf("caption: %+v", last)
	}
	// A: a question, refused with a reason, then asked
	m = send(t, m, runes("A"))
	m = typeDrain(t, m, "Who falls most? | NVDA | AVGO *7")
	m = send(t, m, keyMsg("enter"))
	if !strings.Contains(m.View(), "*1 to *5") || m.lesson.prompt != promptAsk {
		t.Fatalf("a bad question was not refused in words:\n%s", m.View())
	}
	m = send(t, m, tea.KeyMsg{Type: tea.KeyBackspace})
	m = typeDrain(t, m, "2 @15:00")
	m = send(t, m, keyMsg("enter"))
	ops = ctl.taken()
	last := ops[len(ops)-1]
	if last.Kind != feeds.LessonAsk || last.Question.Kind != feeds.QuestionChoice || last.Question.Correct != 2 ||
		last.Question.LockAt.IsZero() || len(last.Question.Choices) != 2 {
		t.Fatalf("ask: %+v %+v", last, last.Question)
	}
	// with the question open, A locks, then reveals, then closes
	q := *last.Question
	q.ID = 1
	for i, want := range []feeds.LessonOpKind{feeds.LessonLock, feeds.LessonReveal, feeds.LessonClose} {
		l := feeds.Lesson{View: m.lessonView(), ViewSeq: 9, Question: &q, Answered: 3}
		if i > 0 {
			q.Locked = true
		}
		if i > 1 {
			q.Revealed = true
			l.Result = &feeds.QuestionResult{Truth: "2. AVGO", Bins: []feeds.AnswerBin{{Label: "NVDA", Count: 1}, {Label: "AVGO", Count: 2, Truth: true}}, Answers: 3}
		}
		m = send(t, m, updateMsg{u: lessonUpd(t, uint64(10+i), true, l), at: fixedNow})
		help := []string{"A lock answers", "A reveal", "A close question"}[i]
		if !strings.Contains(m.helpLesson(), help) {
			t.Fatalf("step %d: help %q", i, m.helpLesson())
		}
		if i == 2 {
			m = send(t, m, keyMsg("esc")) // the reveal opened over the panes
		}
		m = send(t, m, runes("A"))
		ops = ctl.taken()
		if got := ops[len(ops)-1]; got.Kind != want {
			t.Fatalf("step %d: A sent %+v", i, got)
		}
	}
}

// Every viewer sees the caption and the question on the caption line; a
// answers it (a refusal in words, no op), and the answer shows.
func TestLessonViewerAnswers(t *testing.T) {
	ctl := &lessonCtl{}
	m := newTestModel(t, 120, 40, ctl, common.GlyphsASCII)
	q := &feeds.Question{ID: 1, Text: "Where does NVDA close?", Kind: feeds.QuestionNumber, Unit: "$", Symbol: "NVDA",
		LockAt: et(t, "2025-01-27 16:00")}
	l := feeds.Lesson{Caption: "R1 is out", Question: q, Answered: 3, Follow: true}
	m = send(t, m, updateMsg{u: lessonUpd(t, 1, false, l), at: fixedNow})
	if v := m.View(); !strings.Contains(v, "R1 is out | ? Where does NVDA close? ($) -- a answers . 3 answered") {
		t.Fatalf("caption line:\n%s", v)
	}
	if !strings.Contains(m.helpLesson(), "a answer the question") {
		t.Fatalf("a not offered: %q", m.helpLesson())
	}
	m = send(t, m, runes("a"))
	m = typeDrain(t, m, "lots")
	m = send(t, m, keyMsg("enter"))
	if !strings.Contains(m.View(), "answer with a number") || len(ctl.taken()) != 0 {
		t.Fatalf("a word was sent as an answer: %+v\n%s", ctl.taken(), m.View())
	}
	m = send(t, m, keyMsg("esc"))
	m = send(t, m, runes("a"))
	m = typeDrain(t, m, "118")
	m = send(t, m, keyMsg("enter"))
	if ops := ctl.taken(); len(ops) != 1 || ops[0].Kind != feeds.LessonAnswer || ops[0].Answer != "118" {
		t.Fatalf("answer: %+v", ops)
	}
	l.MyAnswer, l.Answered = "$118.00", 4
	m = send(t, m, updateMsg{u: lessonUpd(t, 2, false, l), at: fixedNow})
	if v := m.View(); !strings.Contains(v, "your answer $118.00") {
		t.Fatalf("own answer not shown:\n%s", v)
	}
	// the party refuses (locked meanwhile): said in words
	ctl.err = party.ErrLocked
	m = send(t, m, runes("a"))
	m = typeDrain(t, m, "120")
	m = send(t, m, keyMsg("enter"))
	if !strings.Contains(m.View(), "answers are locked") {
		t.Fatalf("refusal not shown:\n%s", m.View())
	}
	// locked: no a, and the line says when
	lq := *q
	lq.Locked, lq.LockedAt = true, et(t, "2025-01-27 16:00")
	l.Question, l.Answered = &lq, 12
	m = send(t, m, updateMsg{u: lessonUpd(t, 3, false, l), at: fixedNow})
	if v := m.View(); !strings.Contains(v, "answers locked at 16:00 . 12 answered") || m.lesson.keys.Answer.Enabled() {
		t.Fatalf("locked:\n%s", v)
	}
	// choice questions list their answers in the prompt
	cq := &feeds.Question{ID: 2, Text: "Who falls most?", Kind: feeds.QuestionChoice, Choices: []string{"NVDA", "AVGO", "VST"}}
	l.Question, l.MyAnswer = cq, ""
	m = send(t, m, updateMsg{u: lessonUpd(t, 4, false, l), at: fixedNow})
	m = send(t, m, runes("a"))
	if v := m.lessonPromptView(); !strings.Contains(v, "answer 1 NVDA . 2 AVGO . 3 VST: ") {
		t.Fatalf("choice prompt: %q", v)
	}
}

// The reveal opens over the panes for every viewer, esc closes it (for
// good: the next update does not reopen it), and no size panics.
func TestLessonReveal(t *testing.T) {
	q := &feeds.Question{ID: 3, Text: "Where does NVDA close?", Kind: feeds.QuestionNumber, Unit: "$", Symbol: "NVDA",
		Locked: true, Revealed: true, LockedAt: et(t, "2025-01-27 16:00")}
	res := &feeds.QuestionResult{Truth: "$118.42", Answers: 3, Bins: []feeds.AnswerBin{
		{Label: "100.00–$110.00", Count: 1}, {Label: "110.00–$120.00", Count: 2, Truth: true}},
		Closest: []feeds.Closest{{Who: "alice", Answer: "$118.00", Off: 0.42}}}
	l := feeds.Lesson{Question: q, Result: res, Answered: 3, Follow: true}
	for _, sz := range [][2]int{{160, 45}, {80, 24}, {40, 12}, {10, 4}} {
		m := newTestModel(t, sz[0], sz[1], &lessonCtl{}, common.GlyphsASCII)
		m = send(t, m, updateMsg{u: lessonUpd(t, 1, false, l), at: fixedNow})
		v := m.View()
		if n := strings.Count(v, "\n") + 1; n > sz[1] {
			t.Errorf("%dx%d: %d lines", sz[0], sz[1], n)
		}
		if sz[1] < 24 {
			continue
		}
		if !m.lesson.showQuiz || !strings.Contains(v, "true value: $118.42") || !strings.Contains(v, "1. alice  $118.00  off $0.42") {
			t.Fatalf("%dx%d: no reveal:\n%s", sz[0], sz[1], v)
		}
		m = send(t, m, keyMsg("esc"))
		m = send(t, m, updateMsg{u: lessonUpd(t, 2, false, l), at: fixedNow})
		if m.lesson.showQuiz || strings.Contains(m.View(), "closest:") {
			t.Fatalf("%dx%d: esc did not close the reveal", sz[0], sz[1])
		}
		if !strings.Contains(m.View(), "true value $118.42") {
			t.Fatalf("%dx%d: the caption line lost the truth:\n%s", sz[0], sz[1], m.View())
		}
	}
}

// Outside a party nothing of the lesson shows and its keys do nothing.
func TestLessonOffOutsideParty(t *testing.T) {
	ctl := &lessonCtl{}
	m := newTestModel(t, 120, 40, ctl, common.GlyphsASCII)
	m = send(t, m, updateMsg{u: replayUpdate(t, "2025-01-27 10:00", 1), at: fixedNow})
	before := m.View()
	for _, k := range []string{"f", "C", "A", "a"} {
		m = send(t, m, runes(k))
	}
	if len(ctl.taken()) != 0 || m.lesson.prompt != promptNone || m.helpLesson() != "" {
		t.Fatalf("lesson keys outside a party: %+v", ctl.taken())
	}
	_ = before
}

// A fake source sends a party's updates through a real program: the
// follower takes the presenter's selection and chart mode, then after f
// (the party says Follow false) sees the hint instead.
func TestLessonFollowProgram(t *testing.T) {
	ch := make(chan feeds.Update, 4)
	ctl := &lessonCtl{}
	m := newModel(Deps{Renderer: asciiRenderer(), Updates: ch, Control: ctl, Now: func() time.Time { return fixedNow },
		Width: 160, Height: 45, Glyphs: common.GlyphsASCII}, WithStripStep(0))
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(160, 45))
	ch <- lessonUpd(t, 1, false, feeds.Lesson{View: feeds.LessonView{Symbol: "AVGO", Chart: "candles"}, ViewSeq: 1, Follow: true, Caption: "watch AVGO"})
	waitText(t, tm, "watch AVGO")
	tm.Send(runes("f"))
	for deadline := time.Now().Add(10 * time.Second); len(ctl.taken()) == 0 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	ch <- lessonUpd(t, 2, false, feeds.Lesson{View: feeds.LessonView{Symbol: "NVDA", Chart: "compare"}, ViewSeq: 2, Caption: "watch AVGO"})
	waitText(t, tm, "presenter moved: NVDA . compare . f follows")
	tm.Send(runes("q"))
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
	fm := tm.FinalModel(t).(Model)
	if fm.watch.Selected() != "AVGO" || fm.panes.chart.Mode() != chart.ModeCandles {
		t.Fatalf("final: %s %v", fm.watch.Selected(), fm.panes.chart.Mode())
	}
	if ops := ctl.taken(); len(ops) != 1 || ops[0].Kind != feeds.LessonFollow || ops[0].Follow {
		t.Fatalf("ops: %+v", ops)
	}
}

// A click is a change like a key: the presenter's new selection goes to
// the party; the reveal over the panes takes no clicks.
func TestLessonPresenterMouse(t *testing.T) {
	ctl := &lessonCtl{}
	m := newTestModel(t, 160, 45, ctl, common.GlyphsBraille)
	m = send(t, m, updateMsg{u: lessonUpd(t, 1, true, feeds.Lesson{}), at: fixedNow})
	n := len(ctl.taken())
	y := rowY(m.View(), "VST", m.lay.watch.w)
	if y < 0 {
		t.Fatal("VST not on screen")
	}
	m = send(t, m, click(3, y))
	ops := ctl.taken()
	if len(ops) != n+1 || ops[n].View.Symbol != "VST" {
		t.Fatalf("click: %+v", ops[n:])
	}
	yN := rowY(m.View(), "NVDA", m.lay.watch.w)
	res := &feeds.QuestionResult{Why: "a poll: no right answer", Answers: 0}
	q := &feeds.Question{ID: 1, Text: "Poll", Kind: feeds.QuestionChoice, Choices: []string{"a", "b"}, Locked: true, Revealed: true}
	m = send(t, m, updateMsg{u: lessonUpd(t, 2, true, feeds.Lesson{View: m.lessonView(), ViewSeq: 2, Question: q, Result: res}), at: fixedNow})
	if !m.lesson.showQuiz {
		t.Fatal("no reveal")
	}
	n = len(ctl.taken())
	m = send(t, m, click(3, yN))
	if len(ctl.taken()) != n || m.watch.Selected() != "VST" {
		t.Fatalf("a click reached the panes under the reveal: %s %+v", m.watch.Selected(), ctl.taken()[n:])
	}
}

// A tour presenting the party changes the view through the paths keys
// use: its step's selection and chart mode go to the party too.
func TestLessonTourPresents(t *testing.T) {
	ctl := &lessonCtl{}
	tr := resolvedTour(t, driveTour)
	m := New(Deps{Renderer: asciiRenderer(), Control: ctl, Now: func() time.Time { return fixedNow },
		Width: 160, Height: 45, Glyphs: common.GlyphsASCII}, WithTour(tr, feedstest.NewFakeClock(fixedNow).After), WithStripStep(0))
	m = send(t, m, updateMsg{u: lessonUpd(t, 1, true, feeds.Lesson{}), at: fixedNow})
	n := len(ctl.taken())
	m = send(t, m, tourMsg{kind: tourApply, gen: 0})
	ops := ctl.taken()[n:]
	if len(ops) != 1 || ops[0].View.Symbol != "AVGO" || ops[0].View.Chart != "candles" {
		t.Fatalf("tour step: %+v", ops)
	}
	if !strings.Contains(m.View(), "tour 1/3 | first caption") {
		t.Fatalf("the tour's line is gone:\n%s", m.View())
	}
}

// The dashboard with a reveal open, as a viewer sees it: the reveal over
// the panes, the caption line, the strip and the status bar.
func TestLessonRevealGolden(t *testing.T) {
	q := &feeds.Question{ID: 3, Text: "Where does NVDA close?", Kind: feeds.QuestionNumber, Unit: "$", Symbol: "NVDA",
		Locked: true, Revealed: true, LockedAt: et(t, "2025-01-27 16:00")}
	res := &feeds.QuestionResult{Truth: "$118.42", Answers: 3, Bins: []feeds.AnswerBin{
		{Label: "100.00–$110.00", Count: 1}, {Label: "110.00–$120.00", Count: 2, Truth: true}},
		Closest: []feeds.Closest{{Who: "alice", Answer: "$118.00", Off: 0.42}, {Who: "viewer 2", Answer: "$112.00", Off: 6.42}}}
	for _, sz := range [][2]int{{80, 24}, {160, 45}} {
		t.Run(strings.Join([]string{itoa(sz[0]), itoa(sz[1])}, "x"), func(t *testing.T) {
			m := newTestModel(t, sz[0], sz[1], &lessonCtl{}, common.GlyphsASCII)
			m = send(t, m, updateMsg{u: lessonUpd(t, 1, false, feeds.Lesson{Caption: "DeepSeek R1 tops the App Store", Question: q, Result: res, Answered: 3, Follow: true}), at: fixedNow})
			golden.RequireEqual(t, []byte(m.View()))
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// Texts from the party reach the screen as one printable line each, cut:
// a bad relay's escapes, newlines and floods never reach the terminal.
func TestLessonHostileTexts(t *testing.T) {
	bad := "\x1b[2J\x1b]0;pwned\x07line\nbreak" + strings.Repeat("x", 5000)
	q := &feeds.Question{ID: 1, Text: bad, Kind: feeds.QuestionChoice, Choices: []string{bad, bad}, Revealed: true, Locked: true}
	var bins []feeds.AnswerBin
	for range 1000 {
		bins = append(bins, feeds.AnswerBin{Label: bad, Count: math.MaxInt})
	}
	res := &feeds.QuestionResult{Truth: bad, Why: bad, Bins: bins, Answers: -5,
		Closest: []feeds.Closest{{Who: bad, Answer: bad}, {Who: bad}, {Who: bad}, {Who: bad}, {Who: bad}}}
	for _, sz := range [][2]int{{160, 45}, {80, 24}, {10, 4}} {
		m := newTestModel(t, sz[0], sz[1], &lessonCtl{}, common.GlyphsASCII)
		m = send(t, m, updateMsg{u: lessonUpd(t, 1, false, feeds.Lesson{Caption: bad, Question: q, Result: res, MyAnswer: bad,
			View: feeds.LessonView{Symbol: bad}, ViewSeq: 1}), at: fixedNow})
		v := m.View()
		if strings.ContainsAny(v, "\x1b\x07") || strings.Count(v, "\n")+1 > sz[1] {
			t.Fatalf("%dx%d: escapes or too many lines:\n%q", sz[0], sz[1], v)
		}
	}
}

// A paused party tells a lesson change again with the same update (same
// Seq): the caption, the presenter's move and the question still show.
// Over SSH the caption and the hint never appeared until the clock moved.
func TestLessonChangeWhilePaused(t *testing.T) {
	ctl := &lessonCtl{}
	m := newTestModel(t, 160, 45, ctl, common.GlyphsASCII)
	v := feeds.LessonView{Symbol: "AVGO", Chart: "line"}
	m = send(t, m, updateMsg{u: lessonUpd(t, 7, false, feeds.Lesson{View: v, ViewSeq: 1}), at: fixedNow})
	m = send(t, m, updateMsg{u: lessonUpd(t, 7, false, feeds.Lesson{View: v, ViewSeq: 1, Caption: "the open"}), at: fixedNow})
	if !strings.Contains(m.View(), "the open") {
		t.Fatalf("caption of a same-Seq update not shown:\n%s", m.View())
	}
	v.Symbol = "NVDA"
	u := lessonUpd(t, 7, false, feeds.Lesson{View: v, ViewSeq: 2, Caption: "the open"})
	u.Clock.Follows = false // on its own clock, as the server says of a viewer who left
	m = send(t, m, updateMsg{u: u, at: fixedNow})
	if got := m.View(); !strings.Contains(got, "presenter moved: NVDA") || !strings.Contains(got, "own clock") {
		t.Fatalf("no hint or own-clock status on a same-Seq update:\n%s", got)
	}
}

// A tour in the terminal is a party of one: a lesson without Party shows
// its question and takes an answer, but offers no f (nobody to follow).
func TestLessonTerminalTour(t *testing.T) {
	ctl := &lessonCtl{}
	m := newTestModel(t, 160, 45, ctl, common.GlyphsASCII)
	u := replayUpdate(t, "2025-01-27 14:50", 1)
	c := *u.Clock
	c.Lesson = &feeds.Lesson{Follow: true, Question: &feeds.Question{ID: 1, Text: "Where does NVDA close today?", Kind: feeds.QuestionNumber, Unit: "$"}}
	u.Clock = &c
	m = send(t, m, updateMsg{u: u, at: fixedNow})
	if !strings.Contains(m.View(), "? Where does NVDA close today? ($)") || m.lesson.keys.Follow.Enabled() {
		t.Fatalf("question not shown, or f offered:\n%s", m.View())
	}
	m = send(t, m, runes("a"))
	m = typeDrain(t, m, "117.5")
	m = send(t, m, tea.KeyMsg{Type: tea.KeyEnter})
	if ops := ctl.taken(); len(ops) != 1 || ops[0].Kind != feeds.LessonAnswer || ops[0].Answer != "117.5" {
		t.Fatalf("answer ops %+v", ops)
	}
}

// A paused party republishes its last update (the same Seq) when the
// lesson changes: the follower takes the presenter's new view, caption and
// question from it all the same.
func TestLessonFollowWhilePaused(t *testing.T) {
	ctl := &lessonCtl{}
	m := newTestModel(t, 160, 45, ctl, common.GlyphsASCII)
	v := feeds.LessonView{Symbol: "NVDA", Focus: "watchlist", Chart: "line", Range: "day"}
	m = send(t, m, updateMsg{u: lessonUpd(t, 7, false, feeds.Lesson{View: v, ViewSeq: 1, Follow: true}), at: fixedNow})
	v.Symbol, v.Chart = "AVGO", "candles"
	q := &feeds.Question{ID: 1, Text: "Where does NVDA close?", Kind: feeds.QuestionNumber, Unit: "$"}
	m = send(t, m, updateMsg{u: lessonUpd(t, 7, false, feeds.Lesson{View: v, ViewSeq: 2, Follow: true, Caption: "R1 is out", Question: q}), at: fixedNow})
	if m.watch.Selected() != "AVGO" || m.panes.chart.Mode() != chart.ModeCandles {
		t.Fatalf("the same frame with a new view: %s %v", m.watch.Selected(), m.panes.chart.Mode())
	}
	if got := m.View(); !strings.Contains(got, "R1 is out") || !strings.Contains(got, "Where does NVDA close?") {
		t.Fatalf("no caption or question:\n%s", got)
	}
}

// A number question is about the symbol its text names in capitals, the
// selected one when it names none or names it too; several others named
// are refused.
func TestAskSymbol(t *testing.T) {
	f := lessonUpd(t, 1, true, feeds.Lesson{}).Frame
	for _, c := range []struct{ text, sel, want, err string }{
		{"Where does NVDA close? @16:00", "AVGO", "NVDA", ""},
		{"Where does it close? @16:00", "AVGO", "AVGO", ""},
		{"Does NVDA end below AVGO?", "AVGO", "AVGO", ""},
		{"Where does Nvidia close, AVGO.", "NVDA", "AVGO", ""},
		{"NVDA or TSM, who ends lower? %", "AVGO", "", "the question names NVDA and TSM: select the one it is about"},
		{"Who falls most? | NVDA | TSM", "AVGO", "AVGO", ""},
		{"Where does FORD close?", "AVGO", "AVGO", ""},
	} {
		got, err := askSymbol(c.text, c.sel, f)
		if got != c.want || (err == nil) != (c.err == "") || err != nil && err.Error() != c.err {
			t.Errorf("%q with %s: %q %v, want %q %q", c.text, c.sel, got, err, c.want, c.err)
		}
	}
}
