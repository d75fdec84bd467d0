package stream_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/selloff/selloff/feeds/feedstest"
	"github.com/selloff/selloff/feeds/yahoo/fakeyahoo"
	"github.com/selloff/selloff/feeds/yahoo/stream"
)

var t0 = time.Date(2025, 1, 27, 15, 0, 0, 0, time.UTC)

type harness struct {
	t     *testing.T
	fake  *fakeyahoo.Streamer
	clock *feedstest.FakeClock
	out   chan stream.Event
	done  chan error
	last  stream.Status
}

func start(t *testing.T, opt stream.Options) *harness {
	t.Helper()
	h := &harness{t: t, fake: fakeyahoo.NewStreamer(), clock: feedstest.NewFakeClock(t0), out: make(chan stream.Event), done: make(chan error, 1)}
	t.Cleanup(h.fake.Close)
	opt.URL = h.fake.URL()
	opt.Clock = h.clock
	if opt.Symbols == nil {
		opt.Symbols = []string{"NVDA", "AVGO"}
	}
	opt.Jitter = func() float64 { return 0 }
	c, err := stream.New(opt)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { h.done <- c.Run(ctx, h.out) }()
	t.Cleanup(func() {
		cancel()
		for {
			select {
			case <-h.done:
				return
			case <-h.out:
			}
		}
	})
	return h
}

// next returns the next event, failing after 5 s.
func (h *harness) next() stream.Event {
	h.t.Helper()
	select {
	case e := <-h.out:
		if e.Status != nil {
			h.last = *e.Status
		}
		return e
	case <-time.After(5 * time.Second):
		h.t.Fatalf("no event; last status %+v", h.last)
	}
	return stream.Event{}
}

// waitState reads events until the stream reports st.
func (h *harness) waitState(st stream.State) stream.Status {
	h.t.Helper()
	for {
		if e := h.next(); e.Status != nil && e.Status.State == st {
			return *e.Status
		}
	}
}

func (h *harness) waitTick() stream.Tick {
	h.t.Helper()
	for {
		if e := h.next(); e.Status == nil {
			return e.Tick
		}
	}
}

func (h *harness) subscribed() {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if !h.fake.WaitSubscribed(ctx, "NVDA", 1) {
		h.t.Fatal("never subscribed")
	}
}

func TestStreamDeliversAndResubscribes(t *testing.T) {
	h := start(t, stream.Options{})
	h.waitState(stream.StateStreaming)
	h.subscribed()
	h.fake.Send(stream.Tick{Symbol: "NVDA", Price: 118.42, Hours: stream.HoursRegular})
	if tk := h.waitTick(); tk.Symbol != "NVDA" || tk.Price != 118.42 {
		t.Fatalf("got %+v", tk)
	}
	// the subscribe goes again every 15 s
	subs := h.fake.Subscribes()
	h.clock.BlockUntil(1, 5*time.Second)
	h.clock.Advance(stream.DefaultResubscribe)
	deadline := time.Now().Add(5 * time.Second)
	for h.fake.Subscribes() <= subs {
		if time.Now().After(deadline) {
			t.Fatalf("no resubscribe after 15 s (%d)", h.fake.Subscribes())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestStreamGarbageIsCountedNotFatal(t *testing.T) {
	h := start(t, stream.Options{})
	h.waitState(stream.StateStreaming)
	h.subscribed()
	for _, g := range []string{"garbage", `{"type":"pricing","message":"!!"}`, `{"type":"other"}`, "\x00\xff"} {
		h.fake.SendRaw([]byte(g))
	}
	h.fake.Send(stream.Tick{Symbol: "AVGO", Price: 199.6})
	if tk := h.waitTick(); tk.Symbol != "AVGO" {
		t.Fatalf("got %+v", tk)
	}
	// the count goes out with the next resubscribe
	h.clock.BlockUntil(1, 5*time.Second)
	h.clock.Advance(stream.DefaultResubscribe)
	for {
		e := h.next()
		if e.Status != nil && e.Status.Bad == 4 {
			if e.Status.State != stream.StateStreaming || h.fake.Connects() != 1 {
				t.Fatalf("garbage changed the connection: %+v, %d connects", e.Status, h.fake.Connects())
			}
			return
		}
	}
}

func TestStreamReconnectsAfterDrop(t *testing.T) {
	h := start(t, stream.Options{})
	h.waitState(stream.StateStreaming)
	h.subscribed()
	h.fake.Send(stream.Tick{Symbol: "NVDA", Price: 1})
	h.waitTick()
	h.fake.Drop()
	st := h.waitState(stream.StateDown)
	if st.LastErr == "" || !st.RetryAt.After(t0) {
		t.Fatalf("down without a reason or a retry time: %+v", st)
	}
	h.clock.BlockUntil(2, 5*time.Second) // the dropped session's resubscribe timer and the backoff
	h.clock.Advance(st.RetryAt.Sub(h.clock.Now()))
	h.waitState(stream.StateStreaming)
	// The client may see its handshake done before the fake's handler has
	// counted the connection: wait for the count, boundedly.
	n := h.fake.Connects()
	for deadline := time.Now().Add(2 * time.Second); n < 2 && time.Now().Before(deadline); n = h.fake.Connects() {
		time.Sleep(5 * time.Millisecond)
	}
	if n != 2 {
		t.Fatalf("%d connects", n)
	}
}

func TestStreamBackoffGrows(t *testing.T) {
	h := start(t, stream.Options{MinBackoff: time.Second, MaxBackoff: 8 * time.Second})
	h.fake.SetRefuse(http.StatusTooManyRequests)
	var waits []time.Duration
	for range 5 {
		st := h.waitState(stream.StateDown)
		if st.LastErr != "stream: connect: HTTP 429" {
			t.Fatalf("error %q", st.LastErr)
		}
		d := st.RetryAt.Sub(h.clock.Now())
		waits = append(waits, d)
		h.clock.BlockUntil(1, 5*time.Second)
		h.clock.Advance(d)
	}
	// jitter 0: half of 1, 2, 4, 8, 8 s
	want := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 4 * time.Second}
	for i := range want {
		if waits[i] != want[i] {
			t.Fatalf("waits %v, want %v", waits, want)
		}
	}
}

func TestStreamStallReconnects(t *testing.T) {
	h := start(t, stream.Options{Timeout: 200 * time.Millisecond})
	h.waitState(stream.StateStreaming)
	h.subscribed()
	h.fake.SetStall(true)
	h.clock.BlockUntil(1, 5*time.Second)
	h.clock.Advance(stream.DefaultResubscribe) // resubscribe + ping: no pong
	st := h.waitState(stream.StateDown)
	if st.LastErr == "" {
		t.Fatal("no reason")
	}
	h.fake.SetStall(false)
	h.clock.BlockUntil(1, 5*time.Second)
	h.clock.Advance(st.RetryAt.Sub(h.clock.Now()))
	h.waitState(stream.StateStreaming)
}

func TestStreamOversizeFrame(t *testing.T) {
	h := start(t, stream.Options{})
	h.waitState(stream.StateStreaming)
	h.subscribed()
	big := make([]byte, stream.MaxFrame+100)
	for i := range big {
		big[i] = 'A'
	}
	h.fake.SendRaw(big)
	st := h.waitState(stream.StateDown)
	t.Log(st.LastErr)
}

func TestNewChecks(t *testing.T) {
	clock := feedstest.NewFakeClock(t0)
	for name, opt := range map[string]stream.Options{
		"no_clock":   {Symbols: []string{"A"}},
		"no_symbols": {Clock: clock},
		"http_url":   {Clock: clock, Symbols: []string{"A"}, URL: "http://x"},
	} {
		if _, err := stream.New(opt); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestProbe(t *testing.T) {
	fake := fakeyahoo.NewStreamer()
	defer fake.Close()
	opt := stream.Options{URL: fake.URL(), Symbols: []string{"NVDA"}, Clock: feedstest.NewFakeClock(t0), Timeout: 300 * time.Millisecond}
	if err := stream.Probe(context.Background(), opt); err != nil {
		t.Fatalf("healthy: %v", err)
	}
	if fake.Subscribes() != 1 {
		t.Fatalf("%d subscribes", fake.Subscribes())
	}
	fake.SetRefuse(http.StatusForbidden)
	if err := stream.Probe(context.Background(), opt); err == nil || !strings.Contains(err.Error(), "403") {
		t.Fatalf("refused: %v", err)
	}
	fake.SetRefuse(0)
	fake.SetStall(true)
	if err := stream.Probe(context.Background(), opt); err == nil || !strings.Contains(err.Error(), "ping") {
		t.Fatalf("stalled: %v", err)
	}
}
