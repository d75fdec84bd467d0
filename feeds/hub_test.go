package feeds_test

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/market"
)

func upd(seq uint64) feeds.Update {
	return feeds.Update{Source: "t", Seq: seq, Mode: feeds.ModeReplay, Frame: &market.Frame{}}
}

// recv reads one update or fails after a generous bound (a hang, not a
// timing assertion).
func recv(t *testing.T, ch <-chan feeds.Update) (feeds.Update, bool) {
	t.Helper()
	select {
	case u, ok := <-ch:
		return u, ok
	case <-time.After(10 * time.Second):
		t.Fatal("no update (hung)")
		return feeds.Update{}, false
	}
}

func TestHubLatestFirstThenEvery(t *testing.T) {
	h := feeds.NewHub()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	h.Publish(upd(1))
	ch := h.Subscribe(ctx)
	if u, _ := recv(t, ch); u.Seq != 1 {
		t.Fatalf("first update seq %d, want the latest (1)", u.Seq)
	}
	for i := uint64(2); i < 10; i++ {
		h.Publish(upd(i))
		if u, _ := recv(t, ch); u.Seq != i {
			t.Fatalf("got %d want %d", u.Seq, i)
		}
	}
}

func TestHubBlockedSubscriber(t *testing.T) {
	h := feeds.NewHub()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	blocked := h.Subscribe(ctx) // never read until the end
	const readers = 5
	chans := make([]<-chan feeds.Update, readers)
	for i := range chans {
		chans[i] = h.Subscribe(ctx)
	}
	const n = 1000
	for i := uint64(1); i <= n; i++ {
		h.Publish(upd(i)) // must never block on the blocked subscriber
		for _, ch := range chans {
			if u, _ := recv(t, ch); u.Seq != i {
				t.Fatalf("reader got %d want %d", u.Seq, i)
			}
		}
	}
	// the blocked one gets the newest, not a backlog
	if u, _ := recv(t, blocked); u.Seq != n {
		t.Fatalf("blocked subscriber got %d, want the latest %d", u.Seq, n)
	}
	st := h.Stats()
	if st.Coalesced != n-1 {
		t.Errorf("coalesced %d, want %d", st.Coalesced, n-1)
	}
	if st.Published != n || st.Subscribers != readers+1 {
		t.Errorf("stats %+v", st)
	}
}

func TestHubUnsubscribeFreesAndLeaksNothing(t *testing.T) {
	before := runtime.NumGoroutine()
	h := feeds.NewHub()
	h.Publish(upd(1))
	ctx, cancel := context.WithCancel(context.Background())
	const subs = 200
	chans := make([]<-chan feeds.Update, subs)
	for i := range chans {
		chans[i] = h.Subscribe(ctx)
	}
	if got := h.Stats().Subscribers; got != subs {
		t.Fatalf("%d subscribers", got)
	}
	cancel()
	for _, ch := range chans {
		for range ch { // drain until closed
		}
	}
	if got := h.Stats().Subscribers; got != 0 {
		t.Errorf("%d subscribers left after cancel", got)
	}
	// a subscriber of a cancelled ctx gets a closed channel
	if _, ok := <-h.Subscribe(ctx); ok {
		t.Error("subscribe with a done ctx should give a closed channel")
	}
	waitGoroutines(t, before)
}

func TestHubClose(t *testing.T) {
	h := feeds.NewHub()
	ch := h.Subscribe(context.Background())
	h.Publish(upd(1))
	h.Close()
	h.Close()
	h.Publish(upd(2))
	n := 0
	for range ch {
		n++
	}
	if n > 1 {
		t.Errorf("got %d updates after close", n)
	}
	if _, ok := <-h.Subscribe(context.Background()); ok {
		t.Error("subscribe after close should give a closed channel")
	}
}

// waitGoroutines waits (bounded) until the goroutine count is back to at
// most want.
func waitGoroutines(t *testing.T, want int) {
	t.Helper()
	var got int
	for range 500 {
		got = runtime.NumGoroutine()
		if got <= want {
			return
		}
		runtime.Gosched()
		time.Sleep(2 * time.Millisecond) // polling a count, not synchronising
	}
	t.Errorf("goroutines: %d before, %d after", want, got)
}

func BenchmarkHubPublish1000(b *testing.B) {
	h := feeds.NewHub()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for range 1000 {
		h.Subscribe(ctx) // nobody reads: every publish coalesces, the worst case
	}
	u := upd(1)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		u.Seq = uint64(i)
		h.Publish(u)
	}
}

// NextBatch takes one value, then what else is ready, and reports a
// finished context.
func TestNextBatch(t *testing.T) {
	ch := make(chan int, 3)
	ch <- 1
	ch <- 2
	if b, ok := feeds.NextBatch(context.Background(), ch); !ok || len(b) != 2 || b[0] != 1 || b[1] != 2 {
		t.Fatalf("batch %v %v", b, ok)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if b, ok := feeds.NextBatch(ctx, ch); ok || b != nil {
		t.Fatalf("after cancel: %v %v", b, ok)
	}
}
