package server

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/selloff/selloff/tui/celldiff"
)

type countWriter struct {
	mu     sync.Mutex
	writes int
	bytes  int
}

func (c *countWriter) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.writes++
	c.bytes += len(p)
	return len(p), nil
}

func (c *countWriter) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.writes
}

// The frame rate follows the program's output: a program rendering far
// faster than the cap gets at most the cap (the rest fold into the next
// frame), and one rendering nothing new gets nothing sent.
func TestScreenFrameRateFollowsOutput(t *testing.T) {
	cw := &countWriter{}
	so := newScreenOut(cw, 40, 5, celldiff.Options{AltScreen: true}, 20) // at most one frame per 50 ms
	start := time.Now()
	n := 0
	for time.Since(start) < 300*time.Millisecond {
		so.setFrame(fmt.Sprintf("frame %d", n))
		n++
		time.Sleep(time.Millisecond)
	}
	elapsed := time.Since(start)
	time.Sleep(120 * time.Millisecond) // the last frame goes out
	got := cw.count()
	if limit := int(elapsed/(50*time.Millisecond)) + 2; got > limit {
		t.Errorf("%d frames rendered in %v gave %d writes; the cap allows %d", n, elapsed, got, limit)
	}
	if got == 0 || so.skipped.Load() == 0 {
		t.Fatalf("writes %d, coalesced %d", got, so.skipped.Load())
	}
	// The same frame again, and again: nothing to send.
	for i := 0; i < 20; i++ {
		so.setFrame(fmt.Sprintf("frame %d", n-1))
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(120 * time.Millisecond)
	if again := cw.count(); again != got {
		t.Errorf("an unchanged frame was sent: %d writes, then %d", got, again)
	}
	if !so.close(time.Second) {
		t.Fatal("the pump did not stop")
	}
	t.Logf("%d frames rendered in %v, %d writes, %d coalesced", n, elapsed.Round(time.Millisecond), got, so.skipped.Load())
}
