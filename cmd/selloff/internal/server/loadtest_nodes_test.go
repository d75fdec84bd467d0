package server

// The load test across nodes (make loadtest-nodes, or SELLOFF_LOAD_NODES=3
// with make loadtest): every part runs in its own child process (the test
// binary re-executed), so each one's CPU is read apart from /proc: an
// embedded NATS JetStream server, one relay (SELLOFF_LOAD_FEED=replay, the
// embedded week at the default speed, or live: a Yahoo live source on a
// local fake Yahoo in the relay's process, 22 symbols all trading, at the
// default 5 s interval), and SELLOFF_LOAD_NODES serve nodes fed by the
// relay over NATS, each with SELLOFF_LOAD_SESSIONS PTY viewers from this
// process.

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/natsfeed"
	"github.com/selloff/selloff/feeds/replay"
	"github.com/selloff/selloff/feeds/yahoo"
	"github.com/selloff/selloff/feeds/yahoo/fakeyahoo"
	"github.com/selloff/selloff/snapshots"
)

const loadFeed = "load"

// loadSymbols are the live feed's 22 symbols (the default watchlist's
// size; the viewers wait for NVDA on screen).
var loadSymbols = []string{"NVDA", "AVGO", "AMD", "TSM", "ASML", "MU", "ARM", "SMCI", "MSFT", "GOOGL", "META",
	"AMZN", "ORCL", "VRT", "CEG", "VST", "ANET", "MRVL", "INTC", "QCOM", "AAPL", "DELL"}

// loadChild is one child process of the load test.
type loadChild struct {
	name  string
	cmd   *exec.Cmd
	stdin io.WriteCloser
	addr  string      // what it printed after its ready word
	lines chan string // the rest of its output
	last  procStat    // at the start of the measure
	pid   int
}

// startLoadChild runs one of the Test*Child functions in a child process
// and waits for its "<word> <addr>" line.
func startLoadChild(t *testing.T, name, run, word string, env ...string) *loadChild {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+run+"$", "-test.v=false")
	cmd.Env = append(os.Environ(), env...)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &loadChild{name: name, cmd: cmd, stdin: stdin, pid: cmd.Process.Pid, lines: make(chan string, 16)}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if a, ok := strings.CutPrefix(sc.Text(), word+" "); ok {
			c.addr = a
			break
		}
	}
	if c.addr == "" {
		t.Fatalf("%s did not start", name)
	}
	go func() {
		for sc.Scan() {
			select {
			case c.lines <- sc.Text():
			default:
			}
		}
		close(c.lines)
	}()
	return c
}

// stop closes the child's stdin (its signal to stop) and waits.
func (c *loadChild) stop(t *testing.T) {
	_ = c.stdin.Close()
	if err := c.cmd.Wait(); err != nil {
		t.Errorf("%s: %v", c.name, err)
	}
}

// TestLoadNATSChild is the load test's NATS server (child process only).
func TestLoadNATSChild(t *testing.T) {
	if os.Getenv("SELLOFF_LOAD_NATS_CHILD") != "1" {
		t.Skip("the load test's NATS server; run TestLoad with SELLOFF_LOADTEST=1 SELLOFF_LOAD_NODES=3")
	}
	ns, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: t.TempDir(), NoLog: true, NoSigs: true})
	if err != nil {
		t.Fatal(err)
	}
	go ns.Start()
	if !ns.ReadyForConnections(10 * time.Second) {
		t.Fatal("NATS not ready")
	}
	fmt.Printf("LOADNATS %s\n", ns.ClientURL())
	_, _ = io.Copy(io.Discard, os.Stdin)
	ns.Shutdown()
}

// movedClock is the wall clock moved to another instant (a trading day's
// morning, so a live source polls at its open-market interval).
type movedClock struct{ off time.Duration }

func (c movedClock) Now() time.Time                         { return time.Now().Add(c.off) }
func (c movedClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// TestLoadRelayChild is the load test's relay (child process only): it
// publishes the feed, then on stdin's end prints its counters.
func TestLoadRelayChild(t *testing.T) {
	url := os.Getenv("SELLOFF_LOAD_RELAY_NATS")
	if url == "" {
		t.Skip("the load test's relay; run TestLoad with SELLOFF_LOADTEST=1 SELLOFF_LOAD_NODES=3")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	nc, err := natsfeed.Connect(url, natsfeed.ConnectOptions{Name: "load relay"})
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	pub, err := natsfeed.NewPublisher(ctx, nc, loadFeed, natsfeed.PublisherOptions{})
	if err != nil {
		t.Fatal(err)
	}
	requests := func() int { return 0 }
	if os.Getenv("SELLOFF_LOAD_FEED") == "live" {
		fake := fakeyahoo.Start()
		defer fake.Close()
		clock := movedClock{off: time.Until(time.Date(2025, 1, 27, 10, 0, 0, 0, snapshots.Location()))}
		fake.SetNow(clock.Now)
		var syms []snapshots.Symbol
		trade := func(n int) {
			for k, sym := range loadSymbols {
				fake.SetQuote(fakeyahoo.Quote{Symbol: sym, Name: "Company " + sym, Price: 100 + float64(k) + float64(n%50)/100,
					PrevClose: 110, Volume: int64(1e6 + n*1000), Shares: 1e9, Time: clock.Now()})
			}
		}
		for _, sym := range loadSymbols {
			syms = append(syms, snapshots.Symbol{Symbol: sym})
		}
		trade(0)
		go func() {
			for n := 1; ctx.Err() == nil; n++ {
				time.Sleep(time.Second)
				trade(n)
			}
		}()
		rec := natsfeed.NewLiveRecorder()
		c := yahoo.NewClient(yahoo.NewBackend(yahoo.Options{BaseURL: fake.URL, Clock: clock, Timeout: 5 * time.Second}))
		live, err := yahoo.NewLive(c, clock, yahoo.LiveOptions{Symbols: syms,
			Record: func(h snapshots.Header) (yahoo.Recorder, error) { return rec.Open(h) }})
		if err != nil {
			t.Fatal(err)
		}
		go func() { _ = live.Run(ctx) }()
		h, err := rec.Header(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := pub.Begin(ctx, h, nil); err != nil {
			t.Fatal(err)
		}
		go func() { _ = pub.Run(ctx, natsfeed.LiveSource(live, rec), feeds.RealClock{}, nil) }()
		requests = func() int { return fake.Count("/") }
	} else {
		snap, err := snapshots.Load("deepseek-week", snapshots.ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		ds, err := realDataset()
		if err != nil {
			t.Fatal(err)
		}
		rp, err := replay.New(ds, feeds.RealClock{}, replay.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := pub.Begin(ctx, snap.Header, natsfeed.SnapshotRecords(snap)); err != nil {
			t.Fatal(err)
		}
		rp.Start(ctx)
		go func() { _ = pub.Run(ctx, rp, feeds.RealClock{}, nil) }()
	}
	// the longest wait between two states as NATS delivers them back
	// (whether a viewer's silence starts at the relay or at its node)
	var gapMu sync.Mutex
	var lastState time.Time
	var stateGap time.Duration
	if _, err := nc.Subscribe("selloff."+loadFeed+".state", func(*nats.Msg) {
		gapMu.Lock()
		defer gapMu.Unlock()
		now := time.Now()
		if !lastState.IsZero() {
			stateGap = max(stateGap, now.Sub(lastState))
		}
		lastState = now
	}); err != nil {
		t.Fatal(err)
	}
	fmt.Printf("LOADRELAY %s\n", loadFeed)
	// Print the counters on each line from the parent (a mark), until
	// it closes stdin.
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		st := pub.Stats()
		gapMu.Lock()
		gap := stateGap
		stateGap = 0
		gapMu.Unlock()
		fmt.Printf("STATS %d %d %d %d %d\n", st.Messages, st.Bytes, requests(), st.Restored, gap.Milliseconds())
	}
}

// relayStats asks the relay for its counters: messages, bytes, upstream
// requests.
func relayStats(t *testing.T, c *loadChild) (msgs, bytes, reqs, restored int64, gap time.Duration) {
	t.Helper()
	if _, err := io.WriteString(c.stdin, "mark\n"); err != nil {
		t.Fatal(err)
	}
	select {
	case line := <-c.lines:
		f := strings.Fields(line)
		if len(f) != 6 || f[0] != "STATS" {
			t.Fatalf("relay said %q", line)
		}
		msgs, _ = strconv.ParseInt(f[1], 10, 64)
		bytes, _ = strconv.ParseInt(f[2], 10, 64)
		reqs, _ = strconv.ParseInt(f[3], 10, 64)
		restored, _ = strconv.ParseInt(f[4], 10, 64)
		ms, _ := strconv.ParseInt(f[5], 10, 64)
		gap = time.Duration(ms) * time.Millisecond
	case <-time.After(10 * time.Second):
		t.Fatal("the relay did not answer")
	}
	return
}

// testLoadNodes is TestLoad across nodes.
func testLoadNodes(t *testing.T, nodes, n, secs, w, h int) {
	feed := os.Getenv("SELLOFF_LOAD_FEED")
	if feed == "" {
		feed = "replay"
	}
	if feed != "replay" && feed != "live" {
		t.Fatalf("SELLOFF_LOAD_FEED=%q: want replay or live", feed)
	}
	nsc := startLoadChild(t, "NATS server", "TestLoadNATSChild", "LOADNATS", "SELLOFF_LOAD_NATS_CHILD=1")
	relay := startLoadChild(t, "relay", "TestLoadRelayChild", "LOADRELAY", "SELLOFF_LOAD_RELAY_NATS="+nsc.addr, "SELLOFF_LOAD_FEED="+feed)
	servers := make([]*loadChild, nodes)
	for i := range servers {
		servers[i] = startLoadChild(t, fmt.Sprintf("node %d", i+1), "TestLoadServerChild", "LOADSERVER",
			"SELLOFF_LOAD_CHILD=1", fmt.Sprintf("SELLOFF_LOAD_SESSIONS=%d", n), "SELLOFF_LOAD_NATS="+nsc.addr)
	}
	idle := make([]procStat, nodes)
	for i, s := range servers {
		idle[i], _ = readProc(s.pid)
	}

	done := make(chan struct{})
	clients := make([][]*loadClient, nodes)
	var wg sync.WaitGroup
	errs := make(chan error, n*nodes)
	for i, s := range servers {
		clients[i] = make([]*loadClient, n)
		for j := range clients[i] {
			lc := &loadClient{first: make(chan struct{})}
			clients[i][j] = lc
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := lc.run(s.addr, w, h, done); err != nil {
					errs <- err
				}
			}()
		}
	}
	deadline := time.After(180 * time.Second)
	for i := range clients {
		for j, lc := range clients[i] {
			select {
			case <-lc.first:
			case err := <-errs:
				t.Fatalf("client: %v", err)
			case <-deadline:
				t.Fatalf("node %d client %d got no first frame", i+1, j)
			}
		}
	}
	for i := range clients {
		for _, lc := range clients[i] {
			lc.lastNs.Store(time.Now().UnixNano())
			lc.measure.Store(true)
		}
	}
	all := append([]*loadChild{nsc, relay}, servers...)
	for _, c := range all {
		c.last, _ = readProc(c.pid)
	}
	self0, _ := readProc(os.Getpid())
	m0, b0, r0, _, _ := relayStats(t, relay)
	start := time.Now()
	peak := make([]int64, nodes)
	for time.Since(start) < time.Duration(secs)*time.Second {
		time.Sleep(time.Second)
		for i, s := range servers {
			if ps, err := readProc(s.pid); err == nil && ps.rss > peak[i] {
				peak[i] = ps.rss
			}
		}
	}
	elapsed := time.Since(start)
	m1, b1, r1, restored, stateGap := relayStats(t, relay)
	self1, _ := readProc(os.Getpid())
	cpu := make([]time.Duration, len(all))
	rss := make([]int64, len(all))
	for i, c := range all {
		ps, _ := readProc(c.pid)
		cpu[i], rss[i] = ps.cpu-c.last.cpu, ps.rss
	}
	for i := range clients {
		for _, lc := range clients[i] {
			lc.measure.Store(false)
		}
	}
	close(done)
	wg.Wait()
	for _, s := range servers {
		s.stop(t)
	}
	relay.stop(t)
	nsc.stop(t)

	pct := func(d time.Duration) float64 { return 100 * d.Seconds() / elapsed.Seconds() }
	t.Logf("machine: %s/%s, %d CPUs, %s", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), time.Now().UTC().Format("2006-01-02 15:04 UTC"))
	t.Logf("%d nodes x %d sessions, window %dx%d, measured %.1fs, feed %s over NATS (one relay, one embedded NATS server), every process apart",
		nodes, n, w, h, elapsed.Seconds(), feed)
	t.Logf("the viewers' SSH clients (this process): CPU %.1f%% of one core", pct(self1.cpu-self0.cpu))
	t.Logf("NATS server CPU %.1f%% of one core, RSS %.1f MiB", pct(cpu[0]), mib(rss[0]))
	t.Logf("relay CPU %.1f%% of one core, RSS %.1f MiB; NATS traffic %.2f msgs/s, %.0f B/s; upstream requests %.1f per minute",
		pct(cpu[1]), mib(rss[1]), float64(m1-m0)/elapsed.Seconds(), float64(b1-b0)/elapsed.Seconds(), float64(r1-r0)/elapsed.Minutes())
	t.Logf("relay: longest wait between two states seen on NATS %v; runs published again %d", stateGap, restored)
	var total time.Duration
	var worstGap time.Duration
	for i := range servers {
		total += cpu[2+i]
		rates := make([]float64, n)
		var sum float64
		var gap time.Duration
		for j, lc := range clients[i] {
			rates[j] = float64(lc.bytes.Load()) / elapsed.Seconds()
			sum += rates[j]
			gap = max(gap, time.Duration(lc.maxGap.Load()))
			if lc.reads.Load() == 0 {
				t.Errorf("node %d session %d received nothing while measured", i+1, j)
			}
		}
		sort.Float64s(rates)
		worstGap = max(worstGap, gap)
		t.Logf("node %d: CPU %.1f%% of one core, RSS idle %.1f MiB, loaded %.1f MiB (peak %.1f), %.2f MiB per session; bytes/s per session mean %.0f (min %.0f, max %.0f); longest silence %v",
			i+1, pct(cpu[2+i]), mib(idle[i].rss), mib(rss[2+i]), mib(peak[i]), mib((rss[2+i]-idle[i].rss)/int64(n)),
			sum/float64(n), rates[0], rates[n-1], gap.Round(time.Millisecond))
	}
	t.Logf("all nodes: %.1f%% of one core together, %.1f%% per node on average", pct(total), pct(total)/float64(nodes))
	// a replay draws 4 frames a second; a live feed changes once a poll
	// (5 s): allow three polls' worth
	limit := 5 * time.Second
	if feed == "live" {
		limit = 3 * yahoo.DefaultInterval
	}
	if worstGap > limit {
		t.Errorf("a session went %v without a frame", worstGap)
	}
}

// natsLoadSources is a load-test node's data: the relay's feed, as serve
// --source nats:// builds it.
func natsLoadSources(ctx context.Context, url string) (Sources, error) {
	nc, err := natsfeed.Connect(url, natsfeed.ConnectOptions{Name: "load node"})
	if err != nil {
		return Sources{}, err
	}
	context.AfterFunc(ctx, nc.Close)
	sub, err := natsfeed.NewSubscriber(nc, loadFeed, feeds.RealClock{}, natsfeed.SubscriberOptions{})
	if err != nil {
		return Sources{}, err
	}
	sub.Start(ctx)
	return LiveSources(sub), nil
}
