package party

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/snapshots"
	"github.com/selloff/selloff/snapshots/tour"
)

// fakeParty is a Backend over a pretend replay: a seek publishes a paused
// frame there; a resume publishes first a stale paused frame far ahead
// (which must not count as play) and then the running clock's frames
// every 10 minutes until end. Every call is logged.
type fakeParty struct {
	mu     sync.Mutex
	log    []string
	clock  time.Time
	end    time.Time
	seq    uint64
	ch     chan feeds.Update
	holder string
	wake   chan struct{}
	lesson feeds.Lesson
}

func newFakeParty(end time.Time) *fakeParty {
	return &fakeParty{end: end, ch: make(chan feeds.Update, 200), wake: make(chan struct{})}
}

func (f *fakeParty) ID() string { return "fake" }
func (f *fakeParty) Subscribe(ctx context.Context) <-chan feeds.Update {
	return f.ch
}

func (f *fakeParty) publish(t time.Time, paused, atEnd bool) {
	f.seq++
	f.ch <- feeds.Update{Source: "fake", Seq: f.seq, Frame: &market.Frame{Time: t}, Clock: &feeds.ClockStatus{Paused: paused, AtEnd: atEnd}}
}

func (f *fakeParty) logf(format string, args ...any) {
	f.log = append(f.log, fmt.Sprintf(format, args...))
}

func (f *fakeParty) Control(c feeds.Command) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch c.Op {
	case feeds.OpSeek:
		f.logf("seek %s", c.At.Format("15:04"))
		f.clock = c.At
		f.publish(f.clock, true, false)
	case feeds.OpSetSpeed:
		f.logf("speed %g", c.Speed)
	case feeds.OpPause:
		f.logf("pause")
	case feeds.OpResume:
		f.logf("resume")
		f.publish(f.end, true, false) // stale: from before the resume
		for t := f.clock; ; t = t.Add(10 * time.Minute) {
			if !t.Before(f.end) {
				f.publish(f.end, false, true)
				break
			}
			f.publish(t, false, false)
		}
	default:
		return errors.New("refused")
	}
	return nil
}

func (f *fakeParty) Apply(op feeds.LessonOp) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if op.Viewer != TourViewer || op.Name != TourName {
		return errors.New("not the tour's op")
	}
	switch op.Kind {
	case feeds.LessonSetView:
		f.logf("view %+v", *op.View)
	case feeds.LessonSetCaption:
		f.logf("caption %s", op.Caption)
	case feeds.LessonAsk:
		f.logf("ask %s %s lock %s", op.Question.Text, op.Question.Symbol, op.Question.LockAt.Format("15:04"))
	default:
		f.logf("%s", op.Kind)
	}
	return nil
}

func (f *fakeParty) Claim(viewer, name string) (bool, string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.holder != "" && f.holder != viewer {
		return false, f.holder, nil
	}
	f.holder = viewer
	f.logf("claim %s", viewer)
	return true, name, nil
}

func (f *fakeParty) Release(viewer string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.holder == viewer {
		f.holder = ""
		f.logf("release %s", viewer)
	}
}

func (f *fakeParty) Counts(string, int, int)    {}
func (f *fakeParty) Status(string) feeds.Lesson { return f.lesson }
func (f *fakeParty) Presenter() string          { return f.holder }
func (f *fakeParty) Limit() (time.Time, bool)   { return time.Time{}, false }
func (f *fakeParty) Changed() <-chan struct{}   { return f.wake }
func (f *fakeParty) logged() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.Join(f.log, "\n")
}
func (f *fakeParty) addLog(format string, args ...any) {
	f.mu.Lock()
	f.logf(format, args...)
	f.mu.Unlock()
}

func header() snapshots.Header {
	return snapshots.Header{MainDay: "2025-01-27", Sessions: []snapshots.Session{{Date: "2025-01-27", Open: at("09:30"), Close: at("16:00")}}}
}

const presentTour = `steps:
  - at: "09:30"
    select: NVDA
    chart: candles
    caption: the open
    pause: true
    hold: 5s
  - speed: 300
    play_to: "10:40"
    caption: "to 10:40"
  - question: {text: "Where does NVDA close?", kind: number, unit: $, symbol: NVDA, lock: "16:00"}
    hold: 2s
  - play_to: "16:00"
  - reveal: true
    hold: 10s
  - close_question: true
    caption: ""
`

func loadTour(t *testing.T, in string) *tour.Tour {
	t.Helper()
	tr, err := tour.Parse(strings.NewReader(in), "p.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Resolve(header(), at("09:30"), at("16:00")); err != nil {
		t.Fatal(err)
	}
	return tr
}

// A tour presents the party: its seat, then every step's seeks, speeds,
// view, caption and question ops in order, each play_to stopped exactly
// there, each hold waited, and the seat given up at the end.
func TestPresent(t *testing.T) {
	f := newFakeParty(at("16:00"))
	err := Present(context.Background(), Presentation{
		Tour: loadTour(t, presentTour), Backend: f, Source: f,
		After: func(d time.Duration) <-chan time.Time {
			f.addLog("hold %s", d)
			c := make(chan time.Time, 1)
			c <- time.Time{}
			return c
		},
		Warn: func(s tour.Step, err error) { t.Errorf("line %d: %v", s.Line, err) },
	})
	if err != nil {
		t.Fatal(err)
	}
	want := `claim tour
seek 09:30
view {Symbol:NVDA Focus: Chart:candles Range: Detail:}
caption the open
pause
hold 5s
speed 300
caption to 10:40
resume
pause
seek 10:40
ask Where does NVDA close? NVDA lock 16:00
hold 2s
resume
pause
seek 16:00
reveal
hold 10s
caption 
close
release tour`
	if got := f.logged(); got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}

// A hold waits on the injected timer; ending the context ends the tour
// there, and the seat is given up.
func TestPresentHoldAndCancel(t *testing.T) {
	f := newFakeParty(at("16:00"))
	holds := make(chan time.Duration, 1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Present(ctx, Presentation{Tour: loadTour(t, presentTour), Backend: f, Source: f,
			After: func(d time.Duration) <-chan time.Time { holds <- d; return make(chan time.Time) }})
	}()
	if d := <-holds; d != 5*time.Second {
		t.Fatalf("first hold %v", d)
	}
	select {
	case err := <-done:
		t.Fatalf("the tour went past its hold: %v", err)
	case <-time.After(20 * time.Millisecond):
	}
	if strings.Contains(f.logged(), "speed") {
		t.Fatal("step 2 ran during step 1's hold")
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
	if !strings.HasSuffix(f.logged(), "release tour") || f.Presenter() != "" {
		t.Fatalf("the seat was kept:\n%s", f.logged())
	}
}

// A seat held by a person is not taken; a source that stops ends the tour.
func TestPresentSeatTakenAndSourceEnds(t *testing.T) {
	f := newFakeParty(at("16:00"))
	f.holder = "alice"
	err := Present(context.Background(), Presentation{Tour: loadTour(t, presentTour), Backend: f, Source: f})
	if err == nil || !strings.Contains(err.Error(), "alice holds the presenter's seat") {
		t.Fatalf("got %v", err)
	}
	f = newFakeParty(at("16:00"))
	close(f.ch)
	err = Present(context.Background(), Presentation{Tour: loadTour(t, presentTour), Backend: f, Source: f,
		After: func(time.Duration) <-chan time.Time { c := make(chan time.Time, 1); c <- time.Time{}; return c }})
	if !errors.Is(err, ErrSourceEnded) {
		t.Fatalf("got %v", err)
	}
}

// A step past the data's end stops where the data ends.
func TestPresentPlayToEnd(t *testing.T) {
	f := newFakeParty(at("12:00"))
	err := Present(context.Background(), Presentation{Tour: loadTour(t, "steps:\n  - at: open\n    play_to: close\n"), Backend: f, Source: f})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(f.logged(), "resume\npause\nseek 16:00\nrelease tour") {
		t.Fatalf("got\n%s", f.logged())
	}
}

// The tour package's question bounds are feeds' (it cannot import them).
func TestQuestionBounds(t *testing.T) {
	if tour.MaxQuestionText != feeds.MaxQuestionText || tour.MaxUnit != feeds.MaxUnit || tour.MaxChoices != feeds.MaxChoices ||
		tour.MaxChoiceText != feeds.MaxChoiceText || tour.MaxCaption != feeds.MaxCaption ||
		tour.KindNumber != string(feeds.QuestionNumber) || tour.KindChoice != string(feeds.QuestionChoice) ||
		tour.MeasurePrice != feeds.MeasurePrice || tour.MeasureChange != feeds.MeasureChange {
		t.Fatal("tour's question bounds differ from feeds'")
	}
	// Every question a tour takes, the room takes.
	tr := loadTour(t, `steps:
  - question: {text: "Which fell most?", kind: choice, choices: [NVDA, AVGO], correct: 2, names: true}
  - question: {text: "NVDA's change?", kind: number, unit: "%", symbol: NVDA, measure: change, lock: "15:00"}
  - question: {text: "A number", kind: number, answer: 4.5}
`)
	for _, s := range tr.Steps {
		q := Question(s.Question)
		if _, err := CheckQuestion(q); err != nil {
			t.Fatalf("line %d: %v", s.Line, err)
		}
	}
}
