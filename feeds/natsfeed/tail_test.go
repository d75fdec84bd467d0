package natsfeed

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/snapshots"
)

func lines(t *testing.T, recs []snapshots.Record) []byte {
	t.Helper()
	var b []byte
	for _, r := range recs {
		var err error
		if b, err = snapshots.AppendRecord(b, r); err != nil {
			t.Fatal(err)
		}
		b = append(b, '\n')
	}
	return b
}

// Tail reads a relay's run: its header, then every record, in order;
// a new run of the same records adds none.
func TestTailReadsTheRun(t *testing.T) {
	srv := startServer(t, t.TempDir(), 0)
	defer srv.Shutdown()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rig := startRelay(t, ctx, srv.ClientURL(), "tail")
	snap, err := snapshots.Load("deepseek-week", snapshots.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := SnapshotRecords(snap)

	var (
		mu   sync.Mutex
		head *snapshots.Header
		got  []snapshots.Record
		// the second run was seen
		changed bool
	)
	tctx, stop := context.WithTimeout(ctx, 20*time.Second)
	defer stop()
	errc := make(chan error, 1)
	go func() {
		errc <- Tail(tctx, connect(t, srv.ClientURL()), "tail", feeds.RealClock{}, TailOptions{
			OnHead: func(h snapshots.Header) error {
				mu.Lock()
				defer mu.Unlock()
				if len(got) > 0 {
					return errors.New("records before the head")
				}
				head = &h
				return nil
			},
			OnRecords: func(recs []snapshots.Record) error {
				mu.Lock()
				defer mu.Unlock()
				got = append(got, recs...)
				if len(got) == len(want) {
					// another run of the same records (a relay took
					// over): none may be written twice
					go func() {
						if err := rig.pub.Begin(ctx, snap.Header, want); err != nil {
							t.Error(err)
						}
					}()
				}
				return nil
			},
			OnNote: func(s string) {
				t.Log(s)
				if strings.HasPrefix(s, "relay changed") {
					mu.Lock()
					changed = true
					mu.Unlock()
					time.AfterFunc(time.Second, stop)
				}
			},
		})
	}()
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if head == nil || !changed {
		t.Fatalf("head %v, second run seen %v", head != nil, changed)
	}
	hg, _ := snapshots.MarshalHeader(*head)
	hw, _ := snapshots.MarshalHeader(snap.Header)
	if !bytes.Equal(hg, hw) {
		t.Fatalf("head\n%s\nwant\n%s", hg, hw)
	}
	if !bytes.Equal(lines(t, got), lines(t, want)) {
		t.Fatalf("records differ: got %d, want %d", len(got), len(want))
	}
}
