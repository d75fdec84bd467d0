package server

import (
	"context"
	"testing"
	"time"

	natsserver "github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/feeds/natsfeed"
	"github.com/selloff/selloff/feeds/replay"
	"github.com/selloff/selloff/snapshots"
)

// natsPartyNodes runs an embedded JetStream server, one relay of the
// embedded replay hosting the watch party, and n serve nodes whose party
// is the relay's (what serve --source nats://.../party --watch-party
// builds).
func natsPartyNodes(t *testing.T, n int, mutate func(i int, c *Config)) []*testServer {
	t.Helper()
	ns, err := natsserver.NewServer(&natsserver.Options{Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: t.TempDir(), NoLog: true, NoSigs: true})
	if err != nil {
		t.Fatal(err)
	}
	go ns.Start()
	if !ns.ReadyForConnections(10 * time.Second) {
		t.Fatal("embedded NATS server not ready")
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(ns.Shutdown)
	t.Cleanup(cancel) // first: the relay and nodes stop, then the server
	conn := func() *nats.Conn {
		nc, err := natsfeed.Connect(ns.ClientURL(), natsfeed.ConnectOptions{Name: t.Name()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(nc.Close)
		return nc
	}
	snap, err := snapshots.Load("deepseek-week", snapshots.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ds, err := market.NewDataset(snap)
	if err != nil {
		t.Fatal(err)
	}
	rnc := conn()
	pub, err := natsfeed.NewPublisher(ctx, rnc, "party", natsfeed.PublisherOptions{})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = natsfeed.Lead(ctx, rnc, pub, feeds.RealClock{}, natsfeed.RelayOptions{ID: "relay", Party: &natsfeed.PartyOptions{}},
			func(ctx context.Context, _ *natsfeed.State) (feeds.Source, snapshots.Header, []snapshots.Record, error) {
				rp, err := replay.New(ds, feeds.RealClock{}, replay.Options{Speed: 60})
				if err != nil {
					return nil, snapshots.Header{}, nil, err
				}
				rp.Start(ctx)
				return rp, snap.Header, natsfeed.SnapshotRecords(snap), nil
			})
	}()
	t.Cleanup(func() { cancel(); <-done })
	var nodes []*testServer
	for i := range n {
		nc := conn()
		sub, err := natsfeed.NewSubscriber(nc, "party", feeds.RealClock{}, natsfeed.SubscriberOptions{})
		if err != nil {
			t.Fatal(err)
		}
		pc, err := natsfeed.NewPartyClient(nc, sub, feeds.RealClock{}, natsfeed.PartyClientOptions{})
		if err != nil {
			t.Fatal(err)
		}
		sub.Start(ctx)
		pc.Start(ctx)
		// the relay leads (and hosts the party) once a frame comes
		select {
		case <-sub.Subscribe(ctx):
		case <-time.After(waitLimit):
			t.Fatal("no frame from the relay")
		}
		nodes = append(nodes, startServer(t, func(c *Config) {
			c.WatchParty = true
			c.Sources = Sources{Shared: sub, SharedControl: pc}
			c.Party = pc
			if mutate != nil {
				mutate(i, c)
			}
		}))
	}
	return nodes
}

// Issue 16: a watch-party presenter on node A drives the viewers on nodes
// B and C, who follow (the clock and the seat live in the relay).
func TestNATSWatchPartyAcrossNodes(t *testing.T) {
	nodes := natsPartyNodes(t, 3, nil)
	env := map[string]string{"NO_COLOR": "1"}
	p := openTerm(t, mustDial(t, nodes[0].addr), 80, 24, env)
	p.waitText(t, "control=true")
	p.waitText(t, "paused=false")
	var viewers []*term
	for _, n := range nodes[1:] {
		v := openTerm(t, mustDial(t, n.addr), 80, 24, env)
		v.waitText(t, "follows=true") // the seat is node A's, across nodes
		v.waitText(t, "paused=false")
		viewers = append(viewers, v)
	}
	marks := []int{viewers[0].mark(), viewers[1].mark()}
	p.send(t, " ") // the presenter pauses the party's clock
	for i, v := range viewers {
		v.waitTextAfter(t, marks[i], "paused=true")
	}
}

// Issue 16 with issue 13's lesson: a question asked on node A, answered on
// nodes B and C, locked by the relay's clock and revealed with the same
// distribution and truth on every node.
func TestNATSLessonAcrossNodes(t *testing.T) {
	tps := []*taps{{}, {}, {}}
	nodes := natsPartyNodes(t, 3, func(i int, c *Config) { c.Model = tps[i].model(newFakeModel) })
	_, p := tps[0].join(t, nodes[0].addr, "alice")
	_, bob := tps[1].join(t, nodes[1].addr, "bob")
	_, carol := tps[2].join(t, nodes[2].addr, "carol")
	_, dave := tps[1].join(t, nodes[1].addr, "dave")
	all := []*tapped{p, bob, carol, dave}
	waitLesson(t, p, "3 watching on two other nodes", counts(3, 3))
	for _, c := range []feeds.Command{{Op: feeds.OpPause}, {Op: feeds.OpSeek, At: etAt(15, 0)}} {
		if err := p.ctl.Control(c); err != nil {
			t.Fatal(err)
		}
	}
	if err := bob.ctl.Control(feeds.Command{Op: feeds.OpResume}); err == nil {
		t.Error("a viewer on node B drove the party's clock")
	}
	q := feeds.Question{Text: "Where does NVDA close?", Kind: feeds.QuestionNumber, Unit: "$",
		Symbol: "NVDA", Measure: feeds.MeasurePrice, LockAt: etAt(16, 0), Names: true}
	if err := p.op(feeds.LessonOp{Kind: feeds.LessonAsk, Question: &q}); err != nil {
		t.Fatal(err)
	}
	for _, v := range all {
		waitLesson(t, v, "the question", func(l feeds.Lesson) bool { return l.Question != nil && l.Question.Text == q.Text })
	}
	for v, a := range map[*tapped]string{bob: "120", carol: "$118.50", dave: "131"} {
		if err := v.op(feeds.LessonOp{Kind: feeds.LessonAnswer, Answer: a}); err != nil {
			t.Fatalf("%s answers %s: %v", v.user, a, err)
		}
	}
	waitLesson(t, p, "3 answers", func(l feeds.Lesson) bool { return l.Answered == 3 })
	waitLesson(t, carol, "carol's own answer", func(l feeds.Lesson) bool { return l.MyAnswer == "$118.50" })
	if err := p.ctl.Control(feeds.Command{Op: feeds.OpSeek, At: etAt(16, 0)}); err != nil {
		t.Fatal(err)
	}
	waitLesson(t, dave, "locked at 16:00", func(l feeds.Lesson) bool { return l.Question != nil && l.Question.Locked })
	if err := dave.op(feeds.LessonOp{Kind: feeds.LessonAnswer, Answer: "119"}); err == nil {
		t.Error("an answer after the lock was taken")
	}
	if err := p.op(feeds.LessonOp{Kind: feeds.LessonReveal}); err != nil {
		t.Fatal(err)
	}
	for _, v := range all {
		waitLesson(t, v, "the reveal", func(l feeds.Lesson) bool { return l.Result != nil })
		r := v.lesson().Result
		n := 0
		for _, b := range r.Bins {
			n += b.Count
		}
		if r.Truth != "$118.42" || r.Answers != 3 || n != 3 || len(r.Closest) == 0 || r.Closest[0].Who != "carol" {
			t.Errorf("%s: result %+v", v.user, r)
		}
	}
}
