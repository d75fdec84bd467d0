//go:build unix

package yahoo

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/selloff/selloff/feeds/yahoo/fakeyahoo"
	"github.com/selloff/selloff/snapshots"
)

// The SIGKILL test runs the live source in a child process (this test
// binary again, running TestLiveRecordKillChild) and kills it.
const (
	killChildEnv    = "SELLOFF_TEST_KILL_CHILD" // the recording's path
	killGzipEnv     = "SELLOFF_TEST_KILL_GZIP"
	killInterval    = 200 * time.Millisecond // the child's poll interval
	killTitle       = "kill test"
	killRunFor      = 3 * time.Second  // announced polls to see before the kill
	killChildMaxRun = 90 * time.Second // the child gives up on its own after this
)

// offsetClock runs at wall-clock speed from t0 (mid-session), so the
// child's records are market-hours times whatever the real date is.
type offsetClock struct{ start time.Time }

func (c offsetClock) Now() time.Time                         { return t0.Add(time.Since(c.start)) }
func (c offsetClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// lastTap forwards to a snapshot writer and remembers the time of the last
// record written.
type lastTap struct {
	w    *snapshots.Writer
	last time.Time
}

func (r *lastTap) Write(rec snapshots.Record) error {
	if err := r.w.Write(rec); err != nil {
		return err
	}
	r.last = rec.Time()
	return nil
}

// TestLiveRecordKillChild is the child: it records a live source polling
// the local fake every killInterval into the file named by killChildEnv,
// and prints "recorded <unix ns>" after each poll whose records the
// recorder has taken, until it is killed.
func TestLiveRecordKillChild(t *testing.T) {
	path := os.Getenv(killChildEnv)
	if path == "" {
		t.Skip("the child process of TestLiveRecordSurvivesSIGKILL")
	}
	minInterval = time.Millisecond
	clock := offsetClock{start: time.Now()}
	fake := fakeyahoo.Start()
	defer fake.Close()
	seedFake(fake)
	fake.SetChart("AVGO", fakeyahoo.Chart{PrevClose: 241.6})
	fake.SetNow(clock.Now)
	c := NewClient(NewBackend(Options{BaseURL: fake.URL, Clock: clock, Rand: half, RetryBase: -1, Timeout: 5 * time.Second}))
	rec := &lastTap{}
	l, err := NewLive(c, clock, LiveOptions{Title: killTitle, Symbols: watch("NVDA", "AVGO"), Interval: killInterval,
		Record: func(h snapshots.Header) (Recorder, error) {
			var err error
			rec.w, err = snapshots.Create(path, h, snapshots.WriteOptions{Gzip: os.Getenv(killGzipEnv) != ""})
			return rec, err
		}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var announced time.Time
	for i := 0; time.Since(clock.start) < killChildMaxRun; i++ {
		fake.SetPrice("NVDA", 118+float64(i%100)*0.01, clock.Now())
		fake.SetPrice("AVGO", 200+float64(i%7)*0.01, clock.Now())
		wait := l.Poll(ctx)
		if rec.last.After(announced) {
			announced = rec.last
			fmt.Printf("recorded %d\n", announced.UnixNano())
		}
		<-clock.After(wait) // the live source's own pace, as Run waits
	}
	t.Fatal("the parent never killed the child")
}

// TestLiveRecordSurvivesSIGKILL kills a recording live source with SIGKILL
// and reads what it left: the header is intact, every complete record
// reads back, and the last quote is no older than the writer's 2-second
// flush (plus one poll) before the last poll the child said it recorded.
func TestLiveRecordSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a child process for a few seconds")
	}
	for _, gz := range []bool{false, true} {
		t.Run(fmt.Sprint("gzip=", gz), func(t *testing.T) { killAndRead(t, gz) })
	}
}

func killAndRead(t *testing.T, gz bool) {
	path := filepath.Join(t.TempDir(), "live.jsonl")
	cmd := exec.Command(os.Args[0], "-test.run=^TestLiveRecordKillChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), killChildEnv+"="+path)
	if gz {
		cmd.Env = append(cmd.Env, killGzipEnv+"=1")
	}
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	defer func() {
		if !killed {
			cmd.Process.Kill()
			cmd.Wait()
		}
	}()
	lines := make(chan time.Time, 1024) // more than the child ever prints: never blocks
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			s, ok := strings.CutPrefix(sc.Text(), "recorded ")
			if !ok {
				continue // the test framework's own output
			}
			ns, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				t.Errorf("child said %q", sc.Text())
				return
			}
			lines <- time.Unix(0, ns).In(snapshots.Location())
		}
	}()
	// wait (bounded) until the child has recorded polls for killRunFor:
	// long enough for the writer's periodic flush to have run
	var first, last time.Time
	gap := killInterval // the longest time between two announced polls
	deadline := time.After(60 * time.Second)
	for last.Sub(first) < killRunFor || first.IsZero() {
		select {
		case at, ok := <-lines:
			if !ok {
				t.Fatal("the child stopped before it was killed")
			}
			if first.IsZero() {
				first = at
			} else {
				gap = max(gap, at.Sub(last))
			}
			last = at
		case <-deadline:
			t.Fatalf("the child announced only %s of polls in 60 s", last.Sub(first))
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	killed = true
	for range lines { // until the dead child's stdout closes
	}
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("child ended with %v, not by SIGKILL", err)
	}

	s, err := snapshots.ReadFile(path, snapshots.ReadOptions{})
	if err != nil && !errors.Is(err, snapshots.ErrTruncated) {
		t.Fatalf("reading the killed recording: %v", err)
	}
	if s == nil || s.Header.Title != killTitle || s.Header.Provenance != snapshots.Recorded || len(s.Header.Sessions) != 1 {
		t.Fatalf("header %+v", s)
	}
	if len(s.Problems) > 0 {
		t.Fatalf("complete records did not read back: %v", s.Problems)
	}
	if len(s.Bars) != 60 || len(s.Quotes) == 0 {
		t.Fatalf("%d backfill bars, %d quotes", len(s.Bars), len(s.Quotes))
	}
	lastQ := s.Quotes[len(s.Quotes)-1].Time
	limit := snapshots.DefaultFlushEvery + gap
	t.Logf("killed after polls from %s to %s (longest gap %s); last quote on disk %s, %s before the last announced (limit %s); truncated: %v",
		first.Format("15:04:05.000"), last.Format("15:04:05.000"), gap, lastQ.Format("15:04:05.000"), last.Sub(lastQ), limit, err != nil)
	if last.Sub(lastQ) > limit {
		t.Errorf("lost %s of polls, more than %s", last.Sub(lastQ), limit)
	}
}
