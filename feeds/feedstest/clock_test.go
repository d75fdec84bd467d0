package feedstest_test

import (
	"testing"
	"time"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/feedstest"
	"github.com/selloff/selloff/feeds/market"
)

var _ feeds.Clock = (*feedstest.FakeClock)(nil)
var _ feeds.Clock = feeds.RealClock{}

func TestFakeClock(t *testing.T) {
	t0 := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	c := feedstest.NewFakeClock(t0)
	a := c.After(time.Second)
	b := c.After(3 * time.Second)
	if now := <-c.After(0); !now.Equal(t0) {
		t.Errorf("After(0) = %s", now)
	}
	if !c.BlockUntil(2, time.Second) || c.Waiters() != 2 {
		t.Fatalf("waiters %d", c.Waiters())
	}
	c.Advance(time.Second)
	select {
	case got := <-a:
		if !got.Equal(t0.Add(time.Second)) {
			t.Errorf("fired at %s", got)
		}
	default:
		t.Fatal("timer due at 1s did not fire")
	}
	select {
	case <-b:
		t.Fatal("timer due at 3s fired early")
	default:
	}
	c.Advance(2 * time.Second)
	<-b
	if c.Waiters() != 0 || !c.Now().Equal(t0.Add(3*time.Second)) {
		t.Errorf("after: %d waiters, now %s", c.Waiters(), c.Now())
	}
	if c.BlockUntil(1, time.Millisecond) {
		t.Error("BlockUntil should time out without waiters")
	}
}

func TestWeekIsDeterministic(t *testing.T) {
	a, b := feedstest.Week(5), feedstest.Week(5)
	if len(a.Bars) != len(b.Bars) || a.Bars[len(a.Bars)/2] != b.Bars[len(b.Bars)/2] {
		t.Fatal("Week(5) differs between calls")
	}
	if _, err := market.NewDataset(a); err != nil {
		t.Fatal(err)
	}
}
