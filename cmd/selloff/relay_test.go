package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/selloff/selloff/feeds/natsfeed"
	"github.com/selloff/selloff/snapshots"
)

// selloff relay publishes the embedded replay; a node (the subscriber
// serve --source nats:// builds) shows the relay's clock; the password in
// the URL never reaches the log.
func TestRelayCommandFeedsANode(t *testing.T) {
	ns := natsServer(t)
	url := strings.Replace(ns.ClientURL(), "nats://", "nats://alice:s3cret@", 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr syncBuffer
	a := newApp(nil, &stderr, &stderr, func(string) string { return "" })
	done := make(chan int, 1)
	go func() {
		done <- a.run(ctx, []string{"relay", "--nats", url, "--feed", "day", "--at", "2025-01-27T10:00", "--paused"})
	}()

	// the node: what serve --source nats://HOST:PORT/day builds
	node := newApp(nil, &stderr, &stderr, func(string) string { return "" })
	src := ns.ClientURL() + "/day"
	srcs, err := node.natsSources(ctx, flagSet(t, serveFlags, "--source", src), src, money{})
	if err != nil {
		t.Fatal(err)
	}
	if srcs.Shared == nil || srcs.SharedControl != nil || srcs.PerSession != nil {
		t.Fatalf("nats sources %+v: want one shared source and no controller", srcs)
	}
	sub := srcs.Shared
	want := time.Date(2025, 1, 27, 10, 0, 0, 0, snapshots.Location())
	ch := sub.Subscribe(ctx)
	deadline := time.After(20 * time.Second)
	for got := false; !got; {
		select {
		case u := <-ch:
			got = u.Frame != nil && u.Frame.Time.Equal(want) && u.Clock != nil && u.Clock.Paused && u.Clock.Follows
		case <-deadline:
			t.Fatalf("no frame at %v from the relay; its log:\n%s", want, stderr.String())
		}
	}
	cancel()
	if rc := <-done; rc != exitOK {
		t.Fatalf("relay exit %d; log:\n%s", rc, stderr.String())
	}
	log := stderr.String()
	if strings.Contains(log, "s3cret") || strings.Contains(log, "alice") {
		t.Fatalf("credentials in the log:\n%s", log)
	}
	if !strings.Contains(log, "relaying") || !strings.Contains(log, "feed=day") {
		t.Fatalf("log does not say what is relayed:\n%s", log)
	}
}

func TestRelayAndNATSSourceUsage(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"relay"}, "needs --feed"},
		{[]string{"relay", "--feed", "a.b"}, "feed name"},
		{[]string{"relay", "--feed", "x", "--nats", "http://h:1"}, "want nats://"},
		{[]string{"relay", "--feed", "x", "--source", "live", "--at", "10:00"}, "only with --source replay"},
		{[]string{"relay", "--feed", "x", "--symbols", "NVDA"}, "only with --source live"},
		{[]string{"relay", "--feed", "x", "--source", "lve"}, "want replay, replay:FILE|NAME or live"},
		{[]string{"relay", "--feed", "x", "--max-age", "0s"}, "--max-age"},
		{[]string{"relay", "--feed", "x", "--lease-ttl", "100ms"}, "--lease-ttl"},
		{[]string{"snapshot", "record", "-o", "f", "--from-nats", "nats://127.0.0.1:1"}, "needs --feed"},
		{[]string{"snapshot", "record", "-o", "f", "--feed", "x"}, "--from-nats"},
		{[]string{"snapshot", "record", "-o", "f", "--from-nats", "nats://u:pw@127.0.0.1:1", "--feed", "x", "--interval", "5s"}, "--interval"},
		{[]string{"snapshot", "record", "-o", "f", "--from-nats", "http://h:1", "--feed", "x"}, "want nats://"},
		{[]string{"serve", "--source", "nats://127.0.0.1:1", "--host-key", "k"}, "feed name is missing"},
	} {
		var out bytes.Buffer
		a := newApp(nil, &out, &out, func(string) string { return "" })
		rc := a.run(context.Background(), c.args)
		if rc != exitUsage || !strings.Contains(out.String(), c.want) || strings.Contains(out.String(), "pw@") {
			t.Errorf("%v: exit %d, %q (want exit 2 saying %q)", c.args, rc, out.String(), c.want)
		}
	}
}

// Two relay commands for one feed: one leads, the other stands by; when
// the leader stops (with its goodbye), the standby takes over at once,
// continuing the paused clock where the leader left it.
func TestRelayCommandsElectOneLeader(t *testing.T) {
	ns := natsServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	relay := func(ctx context.Context, id, at string, log *syncBuffer) chan int {
		a := newApp(nil, log, log, func(string) string { return "" })
		done := make(chan int, 1)
		go func() {
			done <- a.run(ctx, []string{"relay", "--nats", ns.ClientURL(), "--feed", "day", "--relay-id", id, "--at", at, "--paused"})
		}()
		return done
	}
	wait := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(20 * time.Second); !ok(); time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: not in time", what)
			}
		}
	}
	var logA, logB syncBuffer
	ctxA, stopA := context.WithCancel(ctx)
	doneA := relay(ctxA, "a", "2025-01-27T11:00", &logA)
	wait("relay a leads", func() bool { return strings.Contains(logA.String(), "leading") })
	doneB := relay(ctx, "b", "2025-01-27T09:30", &logB)
	wait("relay b stands by", func() bool { return strings.Contains(logB.String(), "standing by: relay a leads") })

	node := newApp(nil, &logA, &logA, func(string) string { return "" })
	src := ns.ClientURL() + "/day"
	srcs, err := node.natsSources(ctx, flagSet(t, serveFlags, "--source", src), src, money{})
	if err != nil {
		t.Fatal(err)
	}
	ch := srcs.Shared.Subscribe(ctx)
	want := time.Date(2025, 1, 27, 11, 0, 0, 0, snapshots.Location())
	deadline := time.After(20 * time.Second)
	seen := func(what string, ok func(t time.Time, detail string) bool) {
		t.Helper()
		for {
			select {
			case u := <-ch:
				if u.Frame != nil && ok(u.Frame.Time, u.Health.Detail) {
					return
				}
			case <-deadline:
				t.Fatalf("%s not seen; logs:\n%s\n%s", what, logA.String(), logB.String())
			}
		}
	}
	seen("relay a's frame", func(tm time.Time, _ string) bool { return tm.Equal(want) })
	stopA()
	if rc := <-doneA; rc != exitOK {
		t.Fatalf("relay a exit %d", rc)
	}
	// b continues a's clock (11:00), not its own --at (09:30)
	seen("relay b's frame", func(tm time.Time, d string) bool { return tm.Equal(want) && strings.Contains(d, "relay changed") })
	if !strings.Contains(logB.String(), "continuing the feed from Mon 27 Jan 11:00:00") {
		t.Fatalf("relay b's log:\n%s", logB.String())
	}
	cancel()
	if rc := <-doneB; rc != exitOK {
		t.Fatalf("relay b exit %d", rc)
	}
}

// snapshot record --from-nats writes a relay's feed to a file the
// snapshots reader accepts (strictly), with the relay's records.
func TestRecordFromNATS(t *testing.T) {
	ns := natsServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var logR, logW syncBuffer
	relay := newApp(nil, &logR, &logR, func(string) string { return "" })
	go relay.run(ctx, []string{"relay", "--nats", ns.ClientURL(), "--feed", "day", "--paused"})

	snap, err := snapshots.Load("deepseek-week", snapshots.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := natsfeed.SnapshotRecords(snap)
	out := filepath.Join(t.TempDir(), "day.jsonl")
	rctx, stop := context.WithCancel(ctx)
	done := make(chan int, 1)
	rec := newApp(nil, &logW, &logW, func(string) string { return "" })
	go func() {
		done <- rec.run(rctx, []string{"snapshot", "record", "--from-nats", ns.ClientURL(), "--feed", "day", "-o", out})
	}()
	// the writer flushes every 2s: wait for every record's line
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		b, _ := os.ReadFile(out)
		if bytes.Count(b, []byte("\n")) >= len(want)+1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d lines of %d; logs:\n%s\n%s", bytes.Count(b, []byte("\n")), len(want)+1, logR.String(), logW.String())
		}
	}
	stop()
	if rc := <-done; rc != exitOK {
		t.Fatalf("record exit %d:\n%s", rc, logW.String())
	}
	got, err := snapshots.ReadFile(out, snapshots.ReadOptions{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	enc := func(recs []snapshots.Record) string {
		var b []byte
		for _, r := range recs {
			b, _ = snapshots.AppendRecord(b, r)
			b = append(b, '\n')
		}
		return string(b)
	}
	if g := natsfeed.SnapshotRecords(got); enc(g) != enc(want) {
		t.Fatalf("recorded %d records, want %d (or they differ)", len(g), len(want))
	}
	if !strings.Contains(logW.String(), fmt.Sprintf("recording closed: %s (%d records)", out, len(want))) {
		t.Fatalf("record's log:\n%s", logW.String())
	}
}

// With no relay, record --from-nats waits, says so, and at the end writes
// no file and exits 1.
func TestRecordFromNATSNothing(t *testing.T) {
	ns := natsServer(t)
	out := filepath.Join(t.TempDir(), "none.jsonl")
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	var log syncBuffer
	a := newApp(nil, &log, &log, func(string) string { return "" })
	rc := a.run(ctx, []string{"snapshot", "record", "--from-nats", ns.ClientURL(), "--feed", "nobody", "-o", out})
	if rc != exitFail {
		t.Fatalf("exit %d, want %d:\n%s", rc, exitFail, log.String())
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatalf("a file was written: %v", err)
	}
	if s := log.String(); !strings.Contains(s, "nothing was recorded") || !strings.Contains(s, "is a relay running?") {
		t.Fatalf("log:\n%s", s)
	}
}
