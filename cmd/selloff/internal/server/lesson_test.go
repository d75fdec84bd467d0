package server

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	gossh "golang.org/x/crypto/ssh"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/party"
	"github.com/selloff/selloff/feeds/replay"
	"github.com/selloff/selloff/snapshots"
)

// tapped is one dashboard session as a lesson test sees it: the
// controller its model got, and the last update its feed gave (the keys
// f, a, A, C live in tui; these tests drive the controller instead).
type tapped struct {
	user string
	ctl  feeds.Controller
	mu   sync.Mutex
	last feeds.Update
}

func (tp *tapped) update() feeds.Update {
	tp.mu.Lock()
	defer tp.mu.Unlock()
	return tp.last
}

// lesson is the Lesson of the last update (zero when none).
func (tp *tapped) lesson() feeds.Lesson {
	if u := tp.update(); u.Clock != nil && u.Clock.Lesson != nil {
		return *u.Clock.Lesson
	}
	return feeds.Lesson{}
}

func (tp *tapped) op(op feeds.LessonOp) error {
	lc, ok := tp.ctl.(feeds.LessonControl)
	if !ok {
		return errors.New("the controller is no LessonControl")
	}
	return lc.Lesson(op)
}

// taps records every dashboard session the server builds, in order.
type taps struct {
	mu   sync.Mutex
	list []*tapped
}

func (ts *taps) n() int {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return len(ts.list)
}

// model wraps inner: the session's updates pass through a tap.
func (ts *taps) model(inner ModelFunc) ModelFunc {
	return func(d SessionDeps) tea.Model {
		tp := &tapped{ctl: d.Control}
		in, out := d.Updates, make(chan feeds.Update, 1)
		go func() {
			defer close(out)
			for u := range in {
				tp.mu.Lock()
				tp.last = u
				tp.mu.Unlock()
				select { // latest wins; this is the only sender
				case <-out:
				default:
				}
				out <- u
			}
		}()
		d.Updates = out
		ts.mu.Lock()
		ts.list = append(ts.list, tp)
		ts.mu.Unlock()
		return inner(d)
	}
}

// join opens a dashboard as user and returns its terminal and tap.
func (ts *taps) join(t *testing.T, addr, user string) (*term, *tapped) {
	t.Helper()
	n := ts.n()
	tm := openTerm(t, dialAs(t, addr, user), 100, 24, map[string]string{"NO_COLOR": "1"})
	tm.waitText(t, "SELLOFF")
	waitUntil(t, user+"'s session", func() bool { return ts.n() > n })
	ts.mu.Lock()
	tp := ts.list[n]
	ts.mu.Unlock()
	tp.user = user
	waitUntil(t, user+"'s first lesson", func() bool { return tp.update().Clock != nil && tp.update().Clock.Lesson != nil })
	return tm, tp
}

func waitLesson(t *testing.T, tp *tapped, what string, ok func(feeds.Lesson) bool) {
	t.Helper()
	waitUntil(t, tp.user+": "+what, func() bool { return ok(tp.lesson()) })
}

func counts(w, f int) func(feeds.Lesson) bool {
	return func(l feeds.Lesson) bool { return l.Watching == w && l.Following == f }
}

// Counts follow viewers as they come, go, leave following and rejoin;
// only the presenter leads the lesson; the presenter's caption reaches
// every viewer; when the presenter leaves, the one who takes the seat
// stops counting as a watcher.
func TestLessonCountsAndPresenterOnly(t *testing.T) {
	shared := newFakeSource("party")
	var tps taps
	ts := startServer(t, func(c *Config) {
		c.WatchParty = true
		c.Sources = Sources{Shared: shared, SharedControl: shared}
		c.Model = tps.model(newFakeModel)
	})
	pt, p := tps.join(t, ts.addr, "alice")
	_, bob := tps.join(t, ts.addr, "bob")
	ct, _ := tps.join(t, ts.addr, "carol")
	waitLesson(t, p, "2 watching, 2 following", counts(2, 2))
	if u := p.update(); !u.Clock.Presenting || u.Clock.Watchers != 2 || u.Clock.Lesson.Follow {
		t.Errorf("the presenter's status: presenting=%v watchers=%d follow=%v", u.Clock.Presenting, u.Clock.Watchers, u.Clock.Lesson.Follow)
	}
	if l := bob.lesson(); !l.Follow {
		t.Error("bob does not follow by default")
	}

	if err := bob.op(feeds.LessonOp{Kind: feeds.LessonFollow, Follow: false}); err != nil {
		t.Fatalf("bob leaves following: %v", err)
	}
	waitLesson(t, p, "2 watching, 1 following", counts(2, 1))
	waitLesson(t, bob, "not following", func(l feeds.Lesson) bool { return !l.Follow && l.Following == 1 })
	if err := bob.op(feeds.LessonOp{Kind: feeds.LessonFollow, Follow: false}); err != nil {
		t.Errorf("leaving twice: %v", err)
	}

	ct.send(t, "q")
	ct.waitDone(t)
	waitLesson(t, p, "carol gone: 1 watching, 0 following", counts(1, 0))
	_, dave := tps.join(t, ts.addr, "dave")
	waitLesson(t, p, "dave came: 2 watching, 1 following", counts(2, 1))
	if err := bob.op(feeds.LessonOp{Kind: feeds.LessonFollow, Follow: true}); err != nil {
		t.Fatalf("bob rejoins: %v", err)
	}
	waitLesson(t, dave, "2 watching, 2 following", counts(2, 2))

	// Only the presenter leads.
	q := &feeds.Question{Text: "Where does NVDA close?", Kind: feeds.QuestionNumber, Unit: "$"}
	for _, c := range []struct {
		op   feeds.LessonOp
		want string
	}{
		{feeds.LessonOp{Kind: feeds.LessonAsk, Question: q}, "only the presenter can ask the room"},
		{feeds.LessonOp{Kind: feeds.LessonSetCaption, Caption: "hi"}, "only the presenter can set the caption"},
		{feeds.LessonOp{Kind: feeds.LessonSetView, View: &feeds.LessonView{Symbol: "NVDA"}}, "only the presenter can lead the view"},
		{feeds.LessonOp{Kind: feeds.LessonLock}, "only the presenter can lock"},
		{feeds.LessonOp{Kind: feeds.LessonReveal}, "only the presenter can reveal"},
		{feeds.LessonOp{Kind: feeds.LessonClose}, "only the presenter can close"},
		{feeds.LessonOp{Kind: "dance"}, "unknown lesson op"},
	} {
		if err := bob.op(c.op); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("bob's %s: %v, want %q", c.op.Kind, err, c.want)
		}
	}
	if l := p.lesson(); l.Question != nil || l.Caption != "" {
		t.Errorf("a refused op changed the lesson: %+v", l)
	}
	if err := p.op(feeds.LessonOp{Kind: feeds.LessonFollow, Follow: false}); !errors.Is(err, errPresenterFollows) {
		t.Errorf("the presenter's f: %v", err)
	}
	if err := p.op(feeds.LessonOp{Kind: feeds.LessonSetCaption, Caption: "R1 is out:\nwatch NVDA"}); err != nil {
		t.Fatal(err)
	}
	if err := p.op(feeds.LessonOp{Kind: feeds.LessonSetView, View: &feeds.LessonView{Symbol: "NVDA", Chart: "candles"}}); err != nil {
		t.Fatal(err)
	}
	for _, v := range []*tapped{bob, dave} {
		waitLesson(t, v, "the caption and view", func(l feeds.Lesson) bool {
			return l.Caption == "R1 is out: watch NVDA" && l.View.Symbol == "NVDA" && l.View.Chart == "candles"
		})
	}
	if err := bob.op(feeds.LessonOp{Kind: feeds.LessonSetCaption, Caption: strings.Repeat("x", 5000)}); err == nil {
		t.Error("a follower's huge caption was taken")
	}

	// The presenter leaves: nobody presents, both count; bob takes the
	// seat with a clock key and stops counting.
	pt.send(t, "q")
	pt.waitDone(t)
	waitUntil(t, "the seat vacant", func() bool { return bob.update().Clock.Presenter == "" })
	if err := bob.ctl.Control(feeds.Command{Op: feeds.OpPause}); err != nil {
		t.Fatalf("bob takes the seat: %v", err)
	}
	waitLesson(t, dave, "bob presents: 1 watching", counts(1, 1))
	waitUntil(t, "dave follows bob", func() bool { return dave.update().Clock.Presenter == "bob" })
	if err := dave.op(feeds.LessonOp{Kind: feeds.LessonSetCaption, Caption: "mine"}); err == nil {
		t.Error("dave set the caption while bob presents")
	}
	if err := bob.op(feeds.LessonOp{Kind: feeds.LessonSetCaption, Caption: "bob's now"}); err != nil {
		t.Errorf("the new presenter's caption: %v", err)
	}
	waitLesson(t, dave, "bob's caption", func(l feeds.Lesson) bool { return l.Caption == "bob's now" })
}

// etAt is 27 Jan 2025 at hh:mm, market time.
func etAt(hh, mm int) time.Time {
	return time.Date(2025, time.January, 27, hh, mm, 0, 0, snapshots.Location())
}

// startLessonServer is a watch party over the real snapshot with the fake
// dashboard behind taps.
func startLessonServer(t *testing.T) (*testServer, *taps) {
	t.Helper()
	tps := &taps{}
	ts := startRealServer(t, true, func(c *Config) { c.Model = tps.model(newFakeModel) })
	return ts, tps
}

// Three viewers answer a number question through their controllers; the
// shared clock reaching the lock time locks it (a late answer is
// refused); the reveal gives every viewer the distribution, the true
// close read from the snapshot and the closest answers by name. Then a
// choice question locked by the presenter's op.
func TestLessonQuestionAnsweredLockedRevealed(t *testing.T) {
	ts, tps := startLessonServer(t)
	_, p := tps.join(t, ts.addr, "alice")
	_, bob := tps.join(t, ts.addr, "bob")
	_, carol := tps.join(t, ts.addr, "carol")
	_, dave := tps.join(t, ts.addr, "dave")
	all := []*tapped{p, bob, carol, dave}
	shared := ts.cfg.Sources.Shared.(*replay.Replay)
	for _, c := range []feeds.Command{{Op: feeds.OpPause}, {Op: feeds.OpSeek, At: etAt(15, 0)}} {
		if err := p.ctl.Control(c); err != nil {
			t.Fatal(err)
		}
	}
	q := feeds.Question{Text: "Where does NVDA close?", Kind: feeds.QuestionNumber, Unit: "$",
		Symbol: "NVDA", Measure: feeds.MeasurePrice, LockAt: etAt(16, 0), Names: true}
	if err := p.op(feeds.LessonOp{Kind: feeds.LessonAsk, Question: &q}); err != nil {
		t.Fatal(err)
	}
	for _, v := range all {
		waitLesson(t, v, "the question", func(l feeds.Lesson) bool { return l.Question != nil && l.Question.Text == q.Text })
	}
	if err := bob.op(feeds.LessonOp{Kind: feeds.LessonAnswer, Answer: "lots"}); err == nil {
		t.Error("a non-number answer was taken")
	}
	answers := map[*tapped]string{bob: "120", carol: "$118.50", dave: "131"}
	for v, a := range answers {
		if err := v.op(feeds.LessonOp{Kind: feeds.LessonAnswer, Answer: a}); err != nil {
			t.Fatalf("%s answers %s: %v", v.user, a, err)
		}
	}
	waitLesson(t, p, "3 answers", func(l feeds.Lesson) bool { return l.Answered == 3 })
	waitLesson(t, carol, "carol's own answer", func(l feeds.Lesson) bool { return l.MyAnswer == "$118.50" })

	// The party's clock reaches 16:00: the answers lock.
	if err := p.ctl.Control(feeds.Command{Op: feeds.OpSeek, At: etAt(16, 0)}); err != nil {
		t.Fatal(err)
	}
	waitLesson(t, dave, "locked at 16:00", func(l feeds.Lesson) bool { return l.Question != nil && l.Question.Locked })
	if err := dave.op(feeds.LessonOp{Kind: feeds.LessonAnswer, Answer: "119"}); !errors.Is(err, party.ErrLocked) {
		t.Errorf("a late answer: %v, want %v", err, party.ErrLocked)
	}
	if err := p.op(feeds.LessonOp{Kind: feeds.LessonReveal}); err != nil {
		t.Fatal(err)
	}
	truth, ok := DatasetTruth(shared.Dataset())("NVDA", feeds.MeasurePrice, etAt(16, 0))
	if !ok || truth < 118.41 || truth > 118.43 {
		t.Fatalf("NVDA's close from the snapshot: %v %v, want 118.42", truth, ok)
	}
	for _, v := range all {
		waitLesson(t, v, "the reveal", func(l feeds.Lesson) bool { return l.Result != nil })
		r := v.lesson().Result
		if r.Truth != "$118.42" || r.Answers != 3 {
			t.Errorf("%s: truth %q answers %d", v.user, r.Truth, r.Answers)
		}
		n, truthBin := 0, 0
		for _, b := range r.Bins {
			n += b.Count
			if b.Truth {
				truthBin++
			}
		}
		if n != 3 || truthBin != 1 || len(r.Bins) < 2 {
			t.Errorf("%s: bins %+v", v.user, r.Bins)
		}
		var who []string
		for _, c := range r.Closest {
			who = append(who, c.Who+" "+c.Answer)
		}
		if got := strings.Join(who, ", "); got != "carol $118.50, bob $120.00, dave $131.00" {
			t.Errorf("%s: closest %s", v.user, got)
		}
	}
	if got := bob.lesson().MyAnswer; got != "$120.00" {
		t.Errorf("bob's own answer %q", got)
	}

	// A choice question, anonymous, locked by the presenter.
	cq := feeds.Question{Text: "Which falls most?", Kind: feeds.QuestionChoice, Choices: []string{"NVDA", "AVGO", "QQQ"}, Correct: 1}
	if err := p.op(feeds.LessonOp{Kind: feeds.LessonAsk, Question: &cq}); err != nil {
		t.Fatal(err)
	}
	waitLesson(t, dave, "the choice question", func(l feeds.Lesson) bool { return l.Question != nil && l.Question.Kind == feeds.QuestionChoice })
	for v, a := range map[*tapped]string{bob: "1", carol: "b", dave: "1"} {
		if err := v.op(feeds.LessonOp{Kind: feeds.LessonAnswer, Answer: a}); err != nil {
			t.Fatalf("%s answers %s: %v", v.user, a, err)
		}
	}
	if err := p.op(feeds.LessonOp{Kind: feeds.LessonLock}); err != nil {
		t.Fatal(err)
	}
	if err := carol.op(feeds.LessonOp{Kind: feeds.LessonAnswer, Answer: "1"}); !errors.Is(err, party.ErrLocked) {
		t.Errorf("an answer after the lock: %v", err)
	}
	if err := p.op(feeds.LessonOp{Kind: feeds.LessonReveal}); err != nil {
		t.Fatal(err)
	}
	for _, v := range all {
		waitLesson(t, v, "the choice reveal", func(l feeds.Lesson) bool { return l.Result != nil && l.Question.Kind == feeds.QuestionChoice })
		r := v.lesson().Result
		if len(r.Bins) != 3 || r.Bins[0].Count != 2 || r.Bins[1].Count != 1 || r.Bins[2].Count != 0 || !r.Bins[0].Truth {
			t.Errorf("%s: choice bins %+v", v.user, r.Bins)
		}
		for _, c := range r.Closest {
			if !strings.HasPrefix(c.Who, "viewer ") {
				t.Errorf("%s: an anonymous reveal names %q", v.user, c.Who)
			}
		}
		if len(r.Closest) != 2 {
			t.Errorf("%s: %d right answers named, want 2", v.user, len(r.Closest))
		}
	}
}

// A viewer who leaves following gets a private clock at the party's time,
// paused, which it drives; while a question locking at 14:00 is open it
// cannot seek, step or play past 14:00 (nor can render --at over SSH);
// the reveal frees it; rejoining returns it to the shared clock.
func TestLessonPrivateClockNoPeeking(t *testing.T) {
	ts, tps := startLessonServer(t)
	_, p := tps.join(t, ts.addr, "alice")
	_, bob := tps.join(t, ts.addr, "bob")
	shared := ts.cfg.Sources.Shared.(*replay.Replay)
	for _, c := range []feeds.Command{{Op: feeds.OpPause}, {Op: feeds.OpSeek, At: etAt(10, 0)}} {
		if err := p.ctl.Control(c); err != nil {
			t.Fatal(err)
		}
	}
	waitUntil(t, "bob at the party's 10:00", func() bool {
		u := bob.update()
		return u.Frame.Time.Equal(etAt(10, 0)) && u.Clock.Follows
	})
	// Following, bob cannot drive the party's clock.
	if err := bob.ctl.Control(feeds.Command{Op: feeds.OpResume}); !errors.Is(err, errFollower) {
		t.Errorf("a follower's resume: %v", err)
	}
	q := feeds.Question{Text: "NVDA at 14:00?", Kind: feeds.QuestionNumber, Unit: "$", Symbol: "NVDA", LockAt: etAt(14, 0)}
	if err := p.op(feeds.LessonOp{Kind: feeds.LessonAsk, Question: &q}); err != nil {
		t.Fatal(err)
	}
	if err := bob.op(feeds.LessonOp{Kind: feeds.LessonFollow, Follow: false}); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "bob on his own clock", func() bool {
		u := bob.update()
		return !u.Clock.Follows && u.Clock.Paused && u.Frame.Time.Equal(etAt(10, 0)) && !u.Clock.Lesson.Follow
	})

	const peek = "no peeking at 14:00 or later (answers lock then)"
	for _, c := range []feeds.Command{
		{Op: feeds.OpSeek, At: etAt(15, 0)},
		{Op: feeds.OpSeekBy, By: 5 * time.Hour},
		{Op: feeds.OpClose},
		{Op: feeds.OpNextDay},
	} {
		if err := bob.ctl.Control(c); err == nil || err.Error() != peek {
			t.Errorf("bob's %+v: %v, want %q", c, err, peek)
		}
	}
	// His clock moves within the limit, and plays up to it, not past.
	for _, c := range []feeds.Command{{Op: feeds.OpSeek, At: etAt(13, 50)}, {Op: feeds.OpSetSpeed, Speed: 3600}, {Op: feeds.OpResume}} {
		if err := bob.ctl.Control(c); err != nil {
			t.Fatalf("bob's %+v: %v", c, err)
		}
	}
	// the 14:00 frame is the answer: the clock stops a second short of it
	short := etAt(14, 0).Add(-time.Second)
	waitUntil(t, "bob's clock stopped at 13:59:59", func() bool {
		u := bob.update()
		return u.Frame.Time.Equal(short) && u.Clock.Paused
	})
	time.Sleep(300 * time.Millisecond) // at 3600x, 5 minutes of market time
	if u := bob.update(); !u.Frame.Time.Equal(short) {
		t.Errorf("bob's clock went on to %s", u.Frame.Time)
	}
	if err := bob.ctl.Control(feeds.Command{Op: feeds.OpTogglePause}); err == nil || err.Error() != peek {
		t.Errorf("playing on from the limit: %v", err)
	}
	if got := shared.Now(); !got.Equal(etAt(10, 0)) {
		t.Errorf("bob's clock moved the party's to %s", got)
	}
	if u := p.update(); !u.Frame.Time.Equal(etAt(10, 0)) {
		t.Errorf("the presenter sees %s", u.Frame.Time)
	}

	// Over SSH: no render or summary past the lock either.
	c := mustDial(t, ts.addr)
	for _, cmd := range []string{"render --at 15:00", "summary --at close"} {
		_, errOut, code := run(t, c, cmd)
		if code != 1 || !strings.Contains(errOut, peek) {
			t.Errorf("%s: exit %d %q, want %q", cmd, code, errOut, peek)
		}
	}
	if out, errOut, code := run(t, c, "summary --at 13:00"); code != 0 || !strings.Contains(out, "13:00") {
		t.Errorf("summary --at 13:00: exit %d %s", code, errOut)
	}

	// Revealed: no limit any more.
	if err := p.op(feeds.LessonOp{Kind: feeds.LessonReveal}); err != nil {
		t.Fatal(err)
	}
	waitLesson(t, bob, "the reveal", func(l feeds.Lesson) bool { return l.Result != nil })
	if err := bob.ctl.Control(feeds.Command{Op: feeds.OpSeek, At: etAt(15, 0)}); err != nil {
		t.Fatalf("bob's seek after the reveal: %v", err)
	}
	waitUntil(t, "bob at 15:00", func() bool { return bob.update().Frame.Time.Equal(etAt(15, 0)) })
	if _, errOut, code := run(t, c, "render --at 15:00"); code != 0 {
		t.Errorf("render --at 15:00 after the reveal: %d %s", code, errOut)
	}

	// Back to following: the party's clock again.
	if err := bob.op(feeds.LessonOp{Kind: feeds.LessonFollow, Follow: true}); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "bob back on the party's clock", func() bool {
		u := bob.update()
		return u.Clock.Follows && u.Frame.Time.Equal(etAt(10, 0)) && u.Clock.Lesson.Follow
	})
	if err := bob.ctl.Control(feeds.Command{Op: feeds.OpResume}); !errors.Is(err, errFollower) {
		t.Errorf("following again, bob's resume: %v", err)
	}
	// A question asked while bob's clock is past its lock pulls it back.
	if err := bob.op(feeds.LessonOp{Kind: feeds.LessonFollow, Follow: false}); err != nil {
		t.Fatal(err)
	}
	if err := bob.ctl.Control(feeds.Command{Op: feeds.OpSeek, At: etAt(15, 0)}); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "bob at 15:00 again", func() bool { return bob.update().Frame.Time.Equal(etAt(15, 0)) })
	q2 := feeds.Question{Text: "NVDA at 12:00?", Kind: feeds.QuestionNumber, Symbol: "NVDA", LockAt: etAt(12, 0)}
	if err := p.op(feeds.LessonOp{Kind: feeds.LessonAsk, Question: &q2}); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "bob pulled back to 11:59:59", func() bool {
		u := bob.update()
		return u.Frame.Time.Equal(etAt(12, 0).Add(-time.Second)) && u.Clock.Paused
	})
}

// recBackend is a party.Local that records what the server tells it.
type recBackend struct {
	*party.Local
	mu     sync.Mutex
	counts []string
	ops    []feeds.LessonOp
}

func (b *recBackend) Counts(node string, watching, following int) {
	b.mu.Lock()
	b.counts = append(b.counts, fmt.Sprintf("%s %d/%d", node, watching, following))
	b.mu.Unlock()
	b.Local.Counts(node, watching, following)
}

func (b *recBackend) Apply(op feeds.LessonOp) error {
	b.mu.Lock()
	b.ops = append(b.ops, op)
	b.mu.Unlock()
	return b.Local.Apply(op)
}

// Config.Party is the backend the server drives: ops come signed with a
// unique viewer id "<node>/<session>", the SSH user name and the
// anonymous number; counts are reported under Config.Node.
func TestLessonConfigParty(t *testing.T) {
	shared := newFakeSource("party")
	rb := &recBackend{Local: party.NewLocal(shared, nil)}
	var tps taps
	ts := startServer(t, func(c *Config) {
		c.WatchParty = true
		c.Sources = Sources{Shared: shared, SharedControl: shared}
		c.Party, c.Node = rb, "node-a"
		c.Model = tps.model(newFakeModel)
	})
	if ts.Party() != party.Backend(rb) {
		t.Fatal("Server.Party is not Config.Party")
	}
	_, p := tps.join(t, ts.addr, "alice")
	_, bob := tps.join(t, ts.addr, "bob")
	_, carol := tps.join(t, ts.addr, "carol")
	if err := p.op(feeds.LessonOp{Kind: feeds.LessonAsk, Question: &feeds.Question{Text: "Up or down?", Kind: feeds.QuestionChoice, Choices: []string{"up", "down"}}}); err != nil {
		t.Fatal(err)
	}
	for _, v := range []*tapped{bob, carol} {
		// a dashboard cannot sign for someone else
		if err := v.op(feeds.LessonOp{Kind: feeds.LessonAnswer, Answer: "2", Viewer: "node-a/1", Name: "alice", Anon: "viewer 1"}); err != nil {
			t.Fatal(err)
		}
	}
	waitLesson(t, p, "3 viewers' counts", counts(2, 2))
	rb.mu.Lock()
	defer rb.mu.Unlock()
	if got := rb.counts[len(rb.counts)-1]; got != "node-a 2/2" {
		t.Errorf("last counts %q", got)
	}
	seen := map[string]bool{}
	for i, op := range rb.ops {
		if !strings.HasPrefix(op.Viewer, "node-a/") || seen[op.Viewer] {
			t.Errorf("op %d: viewer id %q (seen: %v)", i, op.Viewer, seen)
		}
		seen[op.Viewer] = true
	}
	want := []string{"alice viewer 1", "bob viewer 2", "carol viewer 3"}
	for i, op := range rb.ops {
		if got := op.Name + " " + op.Anon; i < len(want) && got != want[i] {
			t.Errorf("op %d signed %q, want %q", i, got, want[i])
		}
	}
}

// A viewer's lesson ops are bounded: a burst, then a steady rate.
func TestOpBucket(t *testing.T) {
	var b opBucket
	t0 := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	n := 0
	for range 1000 {
		if b.take(t0) {
			n++
		}
	}
	if n != opBurst {
		t.Errorf("a burst of 1000 ops: %d taken, want %d", n, opBurst)
	}
	if b.take(t0.Add(100 * time.Millisecond)) {
		t.Error("an op taken 100ms after the burst")
	}
	if !b.take(t0.Add(time.Second)) {
		t.Error("no op a second later")
	}
	if n := func() (n int) {
		for range 100 {
			if b.take(t0.Add(time.Hour)) {
				n++
			}
		}
		return n
	}(); n != opBurst {
		t.Errorf("after an hour: %d taken, want the burst %d", n, opBurst)
	}
}

// With --presenter-key two sessions of the key both present; the seat's
// name passes to the second when the first leaves, and nobody else may
// lead the lesson.
func TestLessonPresenterKeySeat(t *testing.T) {
	shared := newFakeSource("party")
	boss := newKey(t)
	var tps taps
	ts := startServer(t, func(c *Config) {
		c.WatchParty = true
		c.Sources = Sources{Shared: shared, SharedControl: shared}
		c.PresenterKey = gossh.FingerprintSHA256(boss.PublicKey())
		c.Model = tps.model(newFakeModel)
	})
	asBoss := func(user string) *gossh.Client {
		c, err := gossh.Dial("tcp", ts.addr, &gossh.ClientConfig{
			User: user, Auth: []gossh.AuthMethod{gossh.PublicKeys(boss)},
			HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: waitLimit,
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Close() })
		return c
	}
	join := func(c *gossh.Client) (*term, *tapped) {
		n := tps.n()
		tm := openTerm(t, c, 100, 24, nil)
		tm.waitText(t, "SELLOFF")
		waitUntil(t, "the session", func() bool { return tps.n() > n })
		tps.mu.Lock()
		defer tps.mu.Unlock()
		return tm, tps.list[n]
	}
	_, v := tps.join(t, ts.addr, "viv")
	at, a := join(asBoss("ann"))
	_, b := join(asBoss("ben"))
	v.user, a.user, b.user = "viv", "ann", "ben"
	waitUntil(t, "viv follows ann", func() bool { return v.update().Clock.Presenter == "ann" })
	waitLesson(t, v, "1 watching", counts(1, 1))
	if err := b.op(feeds.LessonOp{Kind: feeds.LessonSetCaption, Caption: "ben too"}); err != nil {
		t.Errorf("the key's second session: %v", err)
	}
	if err := v.op(feeds.LessonOp{Kind: feeds.LessonSetCaption, Caption: "viv"}); err == nil {
		t.Error("a viewer set the caption")
	}
	at.send(t, "q")
	at.waitDone(t)
	waitUntil(t, "viv follows ben", func() bool { return v.update().Clock.Presenter == "ben" })
	waitLesson(t, v, "still 1 watching", counts(1, 1))
}

// The true values of number questions, read from the snapshot: NVDA's
// close and its % change on the day; nothing for an unknown symbol or
// measure, never a zero.
func TestDatasetTruth(t *testing.T) {
	ds, err := realDataset()
	if err != nil {
		t.Fatal(err)
	}
	truth := DatasetTruth(ds)
	for _, c := range []struct {
		sym, measure string
		lo, hi       float64
		ok           bool
	}{
		{"NVDA", feeds.MeasurePrice, 118.41, 118.43, true},
		{"nvda", feeds.MeasureChange, -16.98, -16.96, true},
		{"NOPE", feeds.MeasurePrice, 0, 0, false},
		{"NVDA", "volume", 0, 0, false},
	} {
		v, ok := truth(c.sym, c.measure, etAt(16, 0))
		if ok != c.ok || ok && (v < c.lo || v > c.hi) {
			t.Errorf("%s %s: %v %v, want %v in [%v, %v]", c.sym, c.measure, v, ok, c.ok, c.lo, c.hi)
		}
	}
	if DatasetTruth(nil) != nil {
		t.Error("a truth without a dataset")
	}
}

// Viewers who leave following and come back, several times, then quit,
// leave no goroutine behind (their private clocks stop).
func TestLessonPrivateClocksLeaveNoGoroutines(t *testing.T) {
	ts, tps := startLessonServer(t)
	tps.join(t, ts.addr, "alice")
	cycle := func() {
		n := tps.n()
		c := dialAs(t, ts.addr, "bob")
		defer c.Close()
		tm := openTerm(t, c, 100, 24, nil)
		tm.waitText(t, "SELLOFF")
		waitUntil(t, "bob's session", func() bool { return tps.n() > n })
		tps.mu.Lock()
		v := tps.list[n]
		tps.mu.Unlock()
		for _, follow := range []bool{false, true, false, true, false} {
			if err := v.op(feeds.LessonOp{Kind: feeds.LessonFollow, Follow: follow}); err != nil {
				t.Fatal(err)
			}
			waitUntil(t, "the switch", func() bool { u := v.update(); return u.Clock != nil && u.Clock.Follows == follow })
		}
		tm.send(t, "q")
		tm.waitDone(t)
	}
	cycle()
	waitUntil(t, "bob gone", func() bool { return ts.Sessions() == 1 })
	base := settledGoroutines()
	for range 10 {
		cycle()
	}
	waitUntil(t, "bob gone", func() bool { return ts.Sessions() == 1 })
	deadline := time.Now().Add(waitLimit)
	n := runtime.NumGoroutine()
	for n > base && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond) // polling interval, bounded by the deadline
		n = runtime.NumGoroutine()
	}
	if n > base {
		buf := make([]byte, 1<<20)
		t.Errorf("goroutines: %d after 10 viewers with private clocks, baseline %d\n%s", n, base, buf[:runtime.Stack(buf, true)])
	}
}
