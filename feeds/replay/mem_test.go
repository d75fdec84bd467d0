package replay_test

import (
	"context"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/feedstest"
	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/feeds/replay"
	"github.com/selloff/selloff/snapshots"
)

// dataset is the embedded week when this build has it, else the test week.
func dataset(t testing.TB) (*market.Dataset, string) {
	t.Helper()
	s, name := feedstest.Week(1), "feedstest.Week"
	if slices.Contains(snapshots.Embedded(), "deepseek-week") {
		var err error
		s, err = snapshots.Load("deepseek-week", snapshots.ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		name = "deepseek-week"
	}
	ds, err := market.NewDataset(s)
	if err != nil {
		t.Fatal(err)
	}
	return ds, name
}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// replays starts n replays of ds, each with a viewer that has read a few
// frames, and returns what keeps them alive.
func replays(t testing.TB, ctx context.Context, ds *market.Dataset, n int) []any {
	t.Helper()
	var keep []any
	clock := feedstest.NewFakeClock(wall0)
	for i := range n {
		r, err := replay.New(ds, clock, replay.Options{Paused: true})
		if err != nil {
			t.Fatal(err)
		}
		ch := r.Subscribe(ctx)
		<-ch
		for _, op := range []feeds.Op{feeds.OpNextDay, feeds.OpClose} {
			if err := r.Control(feeds.Command{Op: op}); err != nil {
				t.Fatal(err)
			}
			<-ch
		}
		r.Control(feeds.Command{Op: feeds.OpSeekBy, By: time.Duration(i) * time.Minute})
		keep = append(keep, r, ch)
	}
	return keep
}

// TestMemory100Replays: replays share the decoded dataset, so 100 of them
// cost less than twice one.
func TestMemory100Replays(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	base := heapInUse()
	ds, name := dataset(t)
	one := replays(t, ctx, ds, 1)
	m1 := heapInUse() - base
	more := replays(t, ctx, ds, 99)
	m100 := heapInUse() - base
	runtime.KeepAlive(one)
	runtime.KeepAlive(more)
	runtime.KeepAlive(ds)
	ratio := float64(m100) / float64(m1)
	t.Logf("%s: 1 replay (with its dataset) %d KiB, 100 replays %d KiB: %.2fx", name, m1>>10, m100>>10, ratio)
	if ratio >= 2 {
		t.Errorf("100 replays use %.2fx the memory of one, want < 2x", ratio)
	}
}

// BenchmarkMemory100Replays reports the same figures as metrics.
func BenchmarkMemory100Replays(b *testing.B) {
	for i := 0; i < b.N; i++ {
		ctx, cancel := context.WithCancel(context.Background())
		base := heapInUse()
		ds, _ := dataset(b)
		one := replays(b, ctx, ds, 1)
		m1 := heapInUse() - base
		more := replays(b, ctx, ds, 99)
		m100 := heapInUse() - base
		runtime.KeepAlive(one)
		runtime.KeepAlive(more)
		b.ReportMetric(float64(m1), "bytes-1-replay")
		b.ReportMetric(float64(m100), "bytes-100-replays")
		b.ReportMetric(float64(m100)/float64(m1), "ratio")
		cancel()
	}
}

// BenchmarkControlSeek is a viewer seeking to a random time: At plus the
// publish to one subscriber.
func BenchmarkControlSeek(b *testing.B) {
	ds, _ := dataset(b)
	r, err := replay.New(ds, feedstest.NewFakeClock(wall0), replay.Options{Paused: true})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch := r.Subscribe(ctx)
	st := r.Status()
	rng := rand.New(rand.NewPCG(3, 4))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		at := st.Start.Add(time.Duration(rng.Int64N(int64(st.End.Sub(st.Start)))))
		if err := r.Control(feeds.Command{Op: feeds.OpSeek, At: at}); err != nil {
			b.Fatal(err)
		}
		<-ch
	}
}

// BenchmarkControlStep steps one bar forward per op (wrapping at the end).
func BenchmarkControlStep(b *testing.B) {
	ds, _ := dataset(b)
	r, err := replay.New(ds, feedstest.NewFakeClock(wall0), replay.Options{Paused: true})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch := r.Subscribe(ctx)
	<-ch
	st := r.Status()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if r.Now().Equal(st.End) {
			r.Control(feeds.Command{Op: feeds.OpSeek, At: st.Start})
			<-ch
		}
		if err := r.Control(feeds.Command{Op: feeds.OpStep, N: 1}); err != nil {
			b.Fatal(err)
		}
		<-ch
	}
}
