package natsfeed

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/replay"
)

// partyStart is replayStart, paused or not.
func partyStart(t testing.TB, speed float64, paused bool) StartFunc {
	return replayStartWith(t, replay.Options{Speed: speed, Paused: paused})
}

// startPartyRelay is startLead with the watch party hosted.
func startPartyRelay(t *testing.T, parent context.Context, url, feed, id string, start StartFunc) *leadRig {
	t.Helper()
	return startLead(t, parent, url, feed, id, start, func(o *RelayOptions) {
		o.Party = &PartyOptions{OnError: func(err error) { t.Logf("relay %s party: %v", id, err) }}
	})
}

// partyNode is a serve node: a subscriber and its party client.
type partyNode struct {
	name   string
	sub    *Subscriber
	ch     <-chan feeds.Update
	pc     *PartyClient
	cancel context.CancelFunc
}

func startPartyNode(t *testing.T, parent context.Context, url, feed, name string) *partyNode {
	t.Helper()
	ctx, cancel := context.WithCancel(parent)
	t.Cleanup(cancel)
	nc := connect(t, url)
	sub, err := NewSubscriber(nc, feed, feeds.RealClock{}, SubscriberOptions{Silence: 3 * time.Second, Retry: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	pc, err := NewPartyClient(nc, sub, feeds.RealClock{}, PartyClientOptions{Node: name, OnError: func(err error) { t.Logf("node %s: %v", name, err) }})
	if err != nil {
		t.Fatal(err)
	}
	sub.Start(ctx)
	pc.Start(ctx)
	return &partyNode{name: name, sub: sub, ch: sub.Subscribe(ctx), pc: pc, cancel: cancel}
}

// every waits until ok holds on every node.
func every(t *testing.T, nodes []*partyNode, what string, ok func(*partyNode) bool) {
	t.Helper()
	for _, n := range nodes {
		eventually(t, n.name+": "+what, func() bool { return ok(n) })
	}
}

func TestPartyAcrossNodes(t *testing.T) {
	ctx, url := serverFor(t)
	start := partyStart(t, 60, true)
	ra := startPartyRelay(t, ctx, url, "party", "a", start)
	eventually(t, "relay a leads", func() bool { return ra.saw("leading") })
	rb := startPartyRelay(t, ctx, url, "party", "b", start)
	eventually(t, "relay b stands by", func() bool { return rb.saw("standing by: relay a leads") })

	a := startPartyNode(t, ctx, url, "party", "A")
	b := startPartyNode(t, ctx, url, "party", "B")
	c := startPartyNode(t, ctx, url, "party", "C")
	nodes := []*partyNode{a, b, c}
	for _, n := range nodes {
		waitFor(t, n.ch, n.name+" first frame", func(u feeds.Update) bool { return u.Frame != nil })
	}

	// the seat: A's claim wins, B hears A holds it
	if ok, holder, err := a.pc.Claim("v1", "alice"); err != nil || !ok || holder != "alice" {
		t.Fatalf("A's claim: %v %q %v", ok, holder, err)
	}
	if ok, holder, err := b.pc.Claim("v2", "bob"); err != nil || ok || holder != "alice" {
		t.Fatalf("B's claim: %v %q %v, want refused, alice holds it", ok, holder, err)
	}
	every(t, nodes, "presenter alice", func(n *partyNode) bool { return n.pc.Presenter() == "alice" })

	// round trip of a request on loopback
	var rtt []time.Duration
	for range 200 {
		t0 := time.Now()
		if ok, _, err := a.pc.Claim("v1", "alice"); err != nil || !ok {
			t.Fatal(ok, err)
		}
		rtt = append(rtt, time.Since(t0))
	}
	sort.Slice(rtt, func(i, j int) bool { return rtt[i] < rtt[j] })
	t.Logf("party request round trip on loopback: p50 %s p99 %s", rtt[100], rtt[198])

	// the clock: A seeks, every node shows that time; A resumes, every
	// node's clock runs
	to := mustTime(t, "2025-01-27 11:00")
	if err := a.pc.Control(feeds.Command{Op: feeds.OpSeek, At: to}); err != nil {
		t.Fatal(err)
	}
	for _, n := range nodes {
		u := waitFor(t, n.ch, n.name+" at 11:00", at(to))
		if u.Clock == nil || !u.Clock.Paused || u.Clock.Lesson != nil || u.Clock.Party {
			t.Fatalf("%s: clock %+v: want paused, with no party fields (the node's server fills those)", n.name, u.Clock)
		}
	}
	if err := a.pc.Control(feeds.Command{Op: feeds.OpResume}); err != nil {
		t.Fatal(err)
	}
	for _, n := range nodes {
		waitFor(t, n.ch, n.name+" playing", func(u feeds.Update) bool {
			return u.Frame != nil && u.Frame.Time.After(to) && u.Clock != nil && !u.Clock.Paused
		})
	}
	if err := b.pc.Control(feeds.Command{Op: feeds.OpPause}); err != nil {
		t.Fatal(err)
	}

	// the view and the caption
	if err := a.pc.Apply(feeds.LessonOp{Kind: feeds.LessonSetView, View: &feeds.LessonView{Symbol: "NVDA", Chart: "candles"}}); err != nil {
		t.Fatal(err)
	}
	if err := a.pc.Apply(feeds.LessonOp{Kind: feeds.LessonSetCaption, Caption: "R1 is out"}); err != nil {
		t.Fatal(err)
	}
	every(t, nodes, "view NVDA candles, caption", func(n *partyNode) bool {
		l := n.pc.Status("")
		return l.View.Symbol == "NVDA" && l.View.Chart == "candles" && l.ViewSeq == 1 && l.Caption == "R1 is out"
	})
	if err := a.pc.Apply(feeds.LessonOp{Kind: feeds.LessonSetView, View: &feeds.LessonView{Focus: "sideways"}}); err == nil || !strings.Contains(err.Error(), "focus") {
		t.Errorf("a bad view: %v, want the room's refusal", err)
	}

	// counts sum across nodes
	a.pc.Counts("ssh", 3, 2)
	b.pc.Counts("ssh", 2, 1)
	c.pc.Counts("ssh", 1, 0)
	every(t, nodes, "6 watching, 3 following", func(n *partyNode) bool {
		l := n.pc.Status("")
		return l.Watching == 6 && l.Following == 3
	})

	// a question answered on three nodes, locked, revealed
	ch := a.pc.Changed()
	if err := a.pc.Apply(feeds.LessonOp{Kind: feeds.LessonAsk, Question: &feeds.Question{
		Text: "Who falls most?", Kind: feeds.QuestionChoice, Choices: []string{"AAPL", "NVDA", "MSFT"}, Correct: 2}}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ch:
	case <-time.After(5 * time.Second):
		t.Fatal("A's Changed not closed by the question")
	}
	every(t, nodes, "the question", func(n *partyNode) bool { return n.pc.Status("").Question != nil })
	for i, ans := range []string{"2", "b", "1"} {
		n := nodes[i]
		v := "x" + n.name
		if err := n.pc.Apply(feeds.LessonOp{Kind: feeds.LessonAnswer, Viewer: v, Name: "user" + n.name, Anon: "viewer " + n.name, Answer: ans}); err != nil {
			t.Fatal(n.name, err)
		}
		want := map[string]string{"2": "2. NVDA", "b": "2. NVDA", "1": "1. AAPL"}[ans]
		if got := n.pc.Status(v).MyAnswer; got != want {
			t.Errorf("%s: my answer %q, want %q", n.name, got, want)
		}
		if got := n.pc.Status("someone else").MyAnswer; got != "" {
			t.Errorf("%s: another viewer's answer shows: %q", n.name, got)
		}
	}
	if err := c.pc.Apply(feeds.LessonOp{Kind: feeds.LessonAnswer, Viewer: "xC", Answer: "9"}); err == nil {
		t.Error("answer 9 of 3 choices taken")
	}
	every(t, nodes, "3 answered", func(n *partyNode) bool { return n.pc.Status("").Answered == 3 })
	if err := a.pc.Apply(feeds.LessonOp{Kind: feeds.LessonLock}); err != nil {
		t.Fatal(err)
	}
	if err := c.pc.Apply(feeds.LessonOp{Kind: feeds.LessonAnswer, Viewer: "xC", Answer: "2"}); err == nil || !strings.Contains(err.Error(), "locked") {
		t.Errorf("an answer after the lock: %v", err)
	}
	if err := a.pc.Apply(feeds.LessonOp{Kind: feeds.LessonReveal}); err != nil {
		t.Fatal(err)
	}
	every(t, nodes, "the reveal", func(n *partyNode) bool {
		r := n.pc.Status("").Result
		if r == nil || len(r.Bins) != 3 {
			return false
		}
		return r.Answers == 3 && r.Truth == "2. NVDA" && r.Bins[0].Count == 1 && r.Bins[1].Count == 2 && r.Bins[2].Count == 0 && r.Bins[1].Truth
	})

	// a number question's truth comes from the relay's replay data
	for _, op := range []feeds.LessonOp{
		{Kind: feeds.LessonAsk, Question: &feeds.Question{Text: "NVDA now?", Kind: feeds.QuestionNumber, Unit: "$", Symbol: "NVDA"}},
		{Kind: feeds.LessonReveal},
	} {
		if err := a.pc.Apply(op); err != nil {
			t.Fatal(op.Kind, err)
		}
	}
	every(t, nodes, "NVDA's price revealed", func(n *partyNode) bool {
		l := n.pc.Status("")
		return l.Question != nil && l.Question.Symbol == "NVDA" && l.Result != nil && strings.HasPrefix(l.Result.Truth, "$") && l.Result.Why == ""
	})

	// a node that goes silent loses its counts; one holding the seat
	// frees it
	c.cancel()
	every(t, []*partyNode{a, b}, "C's counts gone", func(n *partyNode) bool {
		l := n.pc.Status("")
		return l.Watching == 5 && l.Following == 3
	})
	a.cancel()
	t0 := time.Now()
	eventually(t, "A's seat freed", func() bool { return b.pc.Presenter() == "" })
	t.Logf("seat of a silent node freed after %s", time.Since(t0).Round(10*time.Millisecond))
	if l := b.pc.Status(""); l.Watching != 2 || l.Following != 1 {
		t.Errorf("counts after A went: %d watching %d following, want 2 and 1", l.Watching, l.Following)
	}
	if ok, _, err := b.pc.Claim("v2", "bob"); err != nil || !ok {
		t.Fatalf("B's claim once the seat is free: %v %v", ok, err)
	}
	if rb.saw("leading") {
		t.Error("standby relay b led")
	}
}

func TestPartyNoRelay(t *testing.T) {
	ctx, url := serverFor(t)
	n := startPartyNode(t, ctx, url, "nobody", "A")
	_, _, err := n.pc.Claim("v", "alice")
	if !errors.Is(err, ErrRelayNotAnswering) || !strings.Contains(err.Error(), "relay not answering") {
		t.Fatalf("claim with no relay: %v", err)
	}
	if err := n.pc.Control(feeds.Command{Op: feeds.OpPause}); !errors.Is(err, ErrRelayNotAnswering) {
		t.Fatalf("control with no relay: %v", err)
	}
}

// TestPartyTakeover: the leading relay dies; the new leader keeps the
// clock, the caption, the question, the seat, and (sent again by the
// nodes) the answers.
func TestPartyTakeover(t *testing.T) {
	ctx, url := serverFor(t)
	start := partyStart(t, 60, false)
	ra := startPartyRelay(t, ctx, url, "hand", "a", start)
	eventually(t, "relay a leads", func() bool { return ra.saw("leading") })
	rb := startPartyRelay(t, ctx, url, "hand", "b", start)
	eventually(t, "relay b stands by", func() bool { return rb.saw("standing by: relay a leads") })
	a := startPartyNode(t, ctx, url, "hand", "A")
	b := startPartyNode(t, ctx, url, "hand", "B")
	nodes := []*partyNode{a, b}
	for _, n := range nodes {
		waitFor(t, n.ch, n.name+" first frame", func(u feeds.Update) bool { return u.Frame != nil })
	}
	if ok, _, err := a.pc.Claim("v1", "alice"); err != nil || !ok {
		t.Fatal(ok, err)
	}
	for _, op := range []feeds.LessonOp{
		{Kind: feeds.LessonSetCaption, Caption: "the open"},
		{Kind: feeds.LessonSetView, View: &feeds.LessonView{Symbol: "AVGO"}},
		{Kind: feeds.LessonAsk, Question: &feeds.Question{Text: "NVDA at the close?", Kind: feeds.QuestionNumber, Unit: "$", Answer: new(118.42)}},
		{Kind: feeds.LessonAnswer, Viewer: "b1", Name: "bob", Answer: "120"},
	} {
		n := a
		if op.Kind == feeds.LessonAnswer {
			n = b
		}
		if err := n.pc.Apply(op); err != nil {
			t.Fatal(op.Kind, err)
		}
	}
	every(t, nodes, "the lesson", func(n *partyNode) bool {
		l := n.pc.Status("")
		return l.Caption == "the open" && l.Question != nil && l.Answered == 1 && n.pc.Presenter() == "alice"
	})
	qid := a.pc.Status("").Question.ID
	u := waitFor(t, b.ch, "the replay playing", func(u feeds.Update) bool { return u.Frame != nil })
	before := u.Frame.Time

	lastGood := time.Now()
	ra.nc.Close()
	ra.cancel()
	var gapEnd time.Time
	got := waitFor(t, b.ch, "a frame from relay b", func(u feeds.Update) bool {
		if u.Health.State == feeds.HealthOffline || u.Frame == nil {
			return false
		}
		// relay b's frame (a second run) carries the note, however long
		// reading the run's records took (the note counts from the
		// run's first frame)
		if !strings.Contains(u.Health.Detail, RelayChangedText) {
			if b.sub.Stats().Runs >= 2 {
				t.Errorf("relay b's first frame without %q: health %+v", RelayChangedText, u.Health)
				gapEnd = time.Now()
				return true
			}
			lastGood = time.Now()
			return false
		}
		gapEnd = time.Now()
		return true
	})
	gap := gapEnd.Sub(lastGood)
	t.Logf("party takeover: node without a current frame for %s", gap.Round(10*time.Millisecond))
	// TestLeaderTakeoverContinuesTheClock holds the 10 s bound; this test
	// is about what the party keeps, so it only catches a stuck hand-over
	// (a loaded machine under -race stretches the records' reload).
	if gap > 20*time.Second {
		t.Errorf("takeover took %s", gap)
	}
	if got.Frame.Time.Before(before) {
		t.Errorf("replay time went back: %v after %v", got.Frame.Time, before)
	}
	var seen string
	defer func() {
		if t.Failed() {
			t.Logf("last seen: %s", seen)
			rb.mu.Lock()
			t.Logf("relay b said %q", rb.said)
			rb.mu.Unlock()
		}
	}()
	every(t, nodes, "the lesson restored, the answer sent again", func(n *partyNode) bool {
		l := n.pc.Status("")
		seen = fmt.Sprintf("%s: %+v question %+v presenter %q", n.name, l, l.Question, n.pc.Presenter())
		return l.Caption == "the open" && l.View.Symbol == "AVGO" && l.Question != nil && l.Question.ID == qid &&
			l.Answered == 1 && n.pc.Presenter() == "alice"
	})
	if got := b.pc.Status("b1").MyAnswer; got != "$120.00" {
		t.Errorf("b1's answer after the takeover %q", got)
	}
	// the new leader answers: the presenter's next op goes through
	if err := a.pc.Apply(feeds.LessonOp{Kind: feeds.LessonReveal}); err != nil {
		t.Fatal(err)
	}
	every(t, nodes, "the reveal by the new leader", func(n *partyNode) bool {
		r := n.pc.Status("").Result
		return r != nil && r.Answers == 1 && r.Truth == "$118.42"
	})
	// and the next question gets a new id
	if err := a.pc.Apply(feeds.LessonOp{Kind: feeds.LessonAsk, Question: &feeds.Question{Text: "Again?", Kind: feeds.QuestionChoice, Choices: []string{"yes", "no"}}}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "a new question id", func() bool {
		q := b.pc.Status("").Question
		return q != nil && q.ID > qid
	})
}

func TestDecodePartyRequestBounds(t *testing.T) {
	for _, body := range []string{
		``, `{`, `{"op":"claim"}`, `{"op":"claim","node":"n"}`, `{"op":"x","node":"n"}`,
		`{"op":"control","node":"n"}`, `{"op":"control","node":"n","command":{"Op":99}}`,
		`{"op":"counts","node":"n","watching":-1}`, `{"op":"lesson","node":"n"}`,
		`{"op":"claim","node":"n","viewer":"` + strings.Repeat("v", 200) + `"}`,
		`{"op":"counts","node":"n","name":"` + strings.Repeat("x", MaxPartyRequest) + `"}`,
	} {
		if _, err := decodePartyRequest([]byte(body)); err == nil {
			t.Errorf("%.60q accepted", body)
		}
	}
	if _, err := decodePartyRequest([]byte(`{"op":"counts","node":"n","watching":2,"following":1}`)); err != nil {
		t.Error(err)
	}
}

// BenchmarkPartyRequest measures a watch-party request's round trip on
// loopback: a node's claim (the seat already its viewer's) answered by
// the relay's party host (embedded NATS server, no JetStream in the path).
func BenchmarkPartyRequest(b *testing.B) {
	srv := startServer(b, b.TempDir(), 0)
	defer srv.Shutdown()
	url := srv.ClientURL()
	h := newPartyHost(nil, feeds.RealClock{}, PartyOptions{}, nil)
	relay := connect(b, url)
	sub, err := relay.Subscribe(subjectParty("bench"), h.handle)
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = sub.Unsubscribe() }()
	if err := relay.Flush(); err != nil {
		b.Fatal(err)
	}
	c := &PartyClient{nc: connect(b, url), feed: "bench", opt: PartyClientOptions{Node: "A", Timeout: DefaultPartyTimeout}}
	var lat []time.Duration
	for b.Loop() {
		t0 := time.Now()
		if ok, _, err := c.Claim("1", "alice"); err != nil || !ok {
			b.Fatal(ok, err)
		}
		lat = append(lat, time.Since(t0))
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}

// A state repeating the lesson (a heartbeat, a clock tick) does not wake
// the node's viewers, even with times in it.
func TestPartyClientWakesOnChangeOnly(t *testing.T) {
	c := &PartyClient{kick: make(chan struct{}, 1), wake: make(chan struct{}), answers: map[string]sentAnswer{}}
	state := func() State {
		b := []byte(`{"run":"r","time":"2025-01-27T10:00:00-05:00","clock":{"Presenter":"alice","Lesson":{"view":{},"view_seq":0,
			"question":{"id":1,"text":"Q?","kind":"number","lock_at":"2025-01-27T16:00:00-05:00"},"answered":0,"watching":0,"following":0}}}`)
		s, err := decodeState(b)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	c.onState(state())
	ch := c.Changed()
	c.onState(state())
	select {
	case <-ch:
		t.Fatal("woken by the same lesson")
	default:
	}
	s := state()
	s.Clock.Lesson.Answered = 1
	c.onState(s)
	select {
	case <-ch:
	default:
		t.Fatal("not woken by an answer")
	}
	if lim, ok := c.Limit(); !ok || lim.UTC().Hour() != 21 {
		t.Errorf("limit %v %v, want 16:00 New York", lim.UTC(), ok)
	}
}
