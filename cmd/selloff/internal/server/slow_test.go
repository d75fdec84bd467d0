package server

import (
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// gatedWriter is a client link that stops taking bytes while held, as a
// full SSH window or TCP buffer does: Write blocks until it is released.
type gatedWriter struct {
	w       io.Writer
	mu      sync.Mutex
	hold    chan struct{} // non-nil: held until closed
	blocked atomic.Int64  // writes that waited
}

func (g *gatedWriter) Write(p []byte) (int, error) {
	g.mu.Lock()
	h := g.hold
	g.mu.Unlock()
	if h != nil {
		g.blocked.Add(1)
		<-h
	}
	return g.w.Write(p)
}

func (g *gatedWriter) stall() {
	g.mu.Lock()
	g.hold = make(chan struct{})
	g.mu.Unlock()
}

func (g *gatedWriter) release() {
	g.mu.Lock()
	close(g.hold)
	g.hold = nil
	g.mu.Unlock()
}

// readGaps tracks the longest time between two reads of a client.
type readGaps struct {
	mu    sync.Mutex
	last  time.Time
	first time.Time
	n     int
	max   time.Duration
}

func (r *readGaps) saw() {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := time.Now()
	if !r.last.IsZero() && now.Sub(r.last) > r.max {
		r.max = now.Sub(r.last)
	}
	if r.first.IsZero() {
		r.first = now
	}
	r.last = now
	r.n++
}

// reset returns the longest and the mean gap since the last reset.
func (r *readGaps) reset() (longest, mean time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	longest = r.max
	if r.n > 1 {
		mean = r.last.Sub(r.first) / time.Duration(r.n-1)
	}
	r.max, r.last, r.first, r.n = 0, time.Time{}, time.Time{}, 0
	return longest, mean
}

// A client that stops reading for a minute of the replay's frames (240 at
// the default 4 frames a second, published here every 10 ms) while three
// others watch: the server holds at most one pending frame for it (memory
// stays flat), the others keep getting every frame as fast as before, and
// when the slow client reads again it gets the newest frame, not a backlog.
func TestSlowClientGetsNewerFramesNotBacklog(t *testing.T) {
	gate := &gatedWriter{}
	ts := startServer(t, func(c *Config) {
		c.FPS = 200 // let the others take every frame
		c.screenTest.wrap = func(id uint64, w io.Writer) io.Writer {
			if id == 1 {
				gate.w = w
				return gate
			}
			return w
		}
	})
	c := mustDial(t, ts.addr)
	slow := openTerm(t, c, 80, 24, nil)
	slow.waitText(t, "SELLOFF 80x24")
	var others []*term
	for i := 0; i < 3; i++ {
		tm := openTerm(t, c, 80, 24, nil)
		tm.waitText(t, "SELLOFF 80x24")
		others = append(others, tm)
	}
	gaps := make([]*readGaps, len(others))
	for i, tm := range others {
		gaps[i] = &readGaps{}
		g := gaps[i]
		go func() {
			n := 0
			for {
				tm.mu.Lock()
				for len(tm.out) == n && !tm.done {
					tm.cond.Wait()
				}
				n = len(tm.out)
				done := tm.done
				tm.mu.Unlock()
				if done {
					return
				}
				g.saw()
			}
		}()
	}

	seq := 1
	publish := func(n int) {
		for i := 0; i < n; i++ {
			ts.publish()
			seq++
			time.Sleep(10 * time.Millisecond)
		}
		want := fmt.Sprintf("seq=%d ", seq)
		for _, tm := range others {
			tm.waitText(t, want)
		}
	}
	// Baseline: everyone reads.
	start := time.Now()
	publish(40)
	var base, baseMean time.Duration
	for _, g := range gaps {
		l, m := g.reset()
		base, baseMean = max(base, l), max(baseMean, m)
	}
	t.Logf("baseline: 40 frames in %v", time.Since(start).Round(time.Millisecond))

	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	gate.stall()
	start = time.Now()
	publish(240)
	var during, duringMean time.Duration
	for _, g := range gaps {
		l, m := g.reset()
		during, duringMean = max(during, l), max(duringMean, m)
	}
	t.Logf("stalled: 240 frames in %v", time.Since(start).Round(time.Millisecond))
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	grew := int64(after.HeapInuse) - int64(before.HeapInuse)
	t.Logf("the others' frames: mean gap %v, longest %v reading normally; mean %v, longest %v while one client stalled; heap %+d KB",
		baseMean.Round(time.Millisecond), base.Round(time.Millisecond),
		duringMean.Round(time.Millisecond), during.Round(time.Millisecond), grew/1024)

	if gate.blocked.Load() == 0 {
		t.Fatal("the slow client's link was never written to while stalled")
	}
	if duringMean > baseMean*3/2+20*time.Millisecond {
		t.Errorf("the others' mean gap between frames grew from %v to %v while one client stalled", baseMean, duringMean)
	}
	if during > max(4*base, time.Second) {
		t.Errorf("the others waited %v between frames while one client stalled (%v before)", during, base)
	}
	if grew > 4<<20 {
		t.Errorf("the heap grew %d KB while one client stalled for 240 frames", grew/1024)
	}
	var out *screenOut
	ts.mu.Lock()
	for ss := range ts.sessions {
		if ss.id == 1 {
			out = ss.out.Load()
		}
	}
	ts.mu.Unlock()
	if out == nil {
		t.Fatal("no screen for the slow session")
	}
	if out.skipped.Load() < 200 {
		t.Errorf("only %d frames coalesced for the stalled client", out.skipped.Load())
	}
	sentBefore := out.frames.Load()

	// Reading again: the newest frame, not 240 old ones.
	gate.release()
	slow.waitText(t, fmt.Sprintf("seq=%d ", seq))
	if n := out.frames.Load() - sentBefore; n > 3 {
		t.Errorf("the slow client was sent %d frames after it read again", n)
	}
	if strings.Contains(slow.screenTextLocked(), fmt.Sprintf("seq=%d ", seq-100)) {
		t.Error("an old frame is on the slow client's screen")
	}
}
