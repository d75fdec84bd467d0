package server

// The load test is not part of `go test`: it runs only with
// SELLOFF_LOADTEST=1 (make loadtest). It starts the server in a child
// process (the test binary re-executed) so its CPU time and memory are
// measured apart from the clients, opens SELLOFF_LOAD_SESSIONS (default
// 100) PTY sessions on loopback against a real replay of the embedded
// snapshot at the default speed, keeps them for SELLOFF_LOAD_SECONDS
// (default 60), checks that every session kept receiving frames, and
// reports the server's CPU, resident memory and bytes per second per
// session. SELLOFF_LOAD_PARTY=1 serves a watch party (one shared replay,
// every viewer's update carrying the seat and the lesson) instead.
// With SELLOFF_LOAD_NODES=N (N > 1) it runs N serve nodes fed
// by one relay over NATS instead (loadtest_nodes_test.go).
//
//	SELLOFF_LOADTEST=1 go test -run '^TestLoad$' -v -timeout 15m ./cmd/selloff/internal/server/

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/log"
	gossh "golang.org/x/crypto/ssh"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/replay"
)

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// TestLoadServerChild is the server side of TestLoad (child process only).
func TestLoadServerChild(t *testing.T) {
	if os.Getenv("SELLOFF_LOAD_CHILD") != "1" {
		t.Skip("the load test's server process; run TestLoad with SELLOFF_LOADTEST=1")
	}
	ds, err := realDataset()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	watchParty := os.Getenv("SELLOFF_LOAD_PARTY") == "1"
	src, err := ReplaySources(ctx, ds, feeds.RealClock{}, replay.Options{}, watchParty)
	if url := os.Getenv("SELLOFF_LOAD_NATS"); url != "" {
		src, err = natsLoadSources(ctx, url) // a node of the load test across nodes
	}
	if err != nil {
		t.Fatal(err)
	}
	n := envInt("SELLOFF_LOAD_SESSIONS", 100)
	srv, err := New(Config{
		Listen:      "127.0.0.1:0",
		HostKeyPath: filepath.Join(t.TempDir(), HostKeyFile),
		MaxSessions: n + 10,
		PerIP:       n + 10,
		Sources:     src,
		WatchParty:  watchParty,
		Logger:      log.New(io.Discard),
	})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := netListen()
	if err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	fmt.Printf("LOADSERVER %s\n", ln.Addr())
	// Serve until the parent closes our stdin.
	_, _ = io.Copy(io.Discard, os.Stdin)
	sctx, scancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer scancel()
	_ = srv.Shutdown(sctx)
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
}

type procStat struct {
	cpu time.Duration // user + system
	rss int64         // bytes
}

// readProc reads a process's CPU time and resident set from /proc.
func readProc(pid int) (procStat, error) {
	var ps procStat
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return ps, err
	}
	// Fields after the command name (which may hold spaces) in parentheses.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+2:]))
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	const clkTck = 100 // USER_HZ on Linux
	ps.cpu = time.Duration(utime+stime) * time.Second / clkTck
	st, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return ps, err
	}
	for _, line := range strings.Split(string(st), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			ps.rss = kb * 1024
		}
	}
	return ps, nil
}

// loadClient is one viewer: it answers the terminal queries, counts bytes
// and tracks the longest silence between reads.
type loadClient struct {
	bytes   atomic.Int64
	reads   atomic.Int64
	lastNs  atomic.Int64
	maxGap  atomic.Int64 // while measuring
	measure atomic.Bool
	first   chan struct{}
}

func (lc *loadClient) run(addr string, w, h int, done <-chan struct{}) error {
	c, err := gossh.Dial("tcp", addr, &gossh.ClientConfig{
		User: "load", Auth: []gossh.AuthMethod{gossh.Password("")},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 30 * time.Second,
	})
	if err != nil {
		return err
	}
	defer c.Close()
	s, err := c.NewSession()
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.RequestPty("xterm-256color", h, w, nil); err != nil {
		return err
	}
	in, _ := s.StdinPipe()
	out, _ := s.StdoutPipe()
	if err := s.Shell(); err != nil {
		return err
	}
	go func() {
		<-done
		_, _ = io.WriteString(in, "q")
		_ = c.Close()
	}()
	buf := make([]byte, 64*1024)
	var carry []byte
	var once sync.Once
	for {
		n, err := out.Read(buf)
		if n > 0 {
			now := time.Now().UnixNano()
			if lc.measure.Load() {
				if gap := now - lc.lastNs.Load(); gap > lc.maxGap.Load() {
					lc.maxGap.Store(gap)
				}
				lc.bytes.Add(int64(n))
				lc.reads.Add(1)
			}
			lc.lastNs.Store(now)
			chunk := append(carry, buf[:n]...)
			var ans strings.Builder
			for _, q := range terminalQueries {
				if c := bytes.Count(chunk, []byte(q.q)); c > 0 {
					ans.WriteString(strings.Repeat(q.a, c))
				}
			}
			if ans.Len() > 0 {
				_, _ = io.WriteString(in, ans.String())
			}
			carry = append(carry[:0], chunk[max(0, len(chunk)-8):]...)
			if bytes.Contains(chunk, []byte("NVDA")) {
				once.Do(func() { close(lc.first) })
			}
		}
		if err != nil {
			return nil
		}
	}
}

func TestLoad(t *testing.T) {
	if os.Getenv("SELLOFF_LOADTEST") == "" {
		t.Skip("load test: set SELLOFF_LOADTEST=1 (make loadtest)")
	}
	n := envInt("SELLOFF_LOAD_SESSIONS", 100)
	secs := envInt("SELLOFF_LOAD_SECONDS", 60)
	w, h := envInt("SELLOFF_LOAD_WIDTH", 120), envInt("SELLOFF_LOAD_HEIGHT", 40)
	if nodes := envInt("SELLOFF_LOAD_NODES", 1); nodes > 1 {
		testLoadNodes(t, nodes, n, secs, w, h) // loadtest_nodes_test.go
		return
	}

	args := []string{"-test.run=^TestLoadServerChild$", "-test.v=false"}
	if p := os.Getenv("SELLOFF_LOAD_CPUPROFILE"); p != "" {
		args = append(args, "-test.cpuprofile="+p) // the server's CPU profile
	}
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "SELLOFF_LOAD_CHILD=1", fmt.Sprintf("SELLOFF_LOAD_SESSIONS=%d", n))
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	sc := bufio.NewScanner(stdout)
	var addr string
	for sc.Scan() {
		if a, ok := strings.CutPrefix(sc.Text(), "LOADSERVER "); ok {
			addr = a
			break
		}
	}
	if addr == "" {
		_ = cmd.Process.Kill()
		t.Fatal("the server process did not start")
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	idle, _ := readProc(pid)

	done := make(chan struct{})
	clients := make([]*loadClient, n)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range clients {
		lc := &loadClient{first: make(chan struct{})}
		clients[i] = lc
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := lc.run(addr, w, h, done); err != nil {
				errs <- err
			}
		}()
	}
	deadline := time.After(120 * time.Second)
	for i, lc := range clients {
		select {
		case <-lc.first:
		case err := <-errs:
			t.Fatalf("client: %v", err)
		case <-deadline:
			t.Fatalf("client %d got no first frame", i)
		}
	}
	// All connected and drawing: measure.
	for _, lc := range clients {
		lc.lastNs.Store(time.Now().UnixNano())
		lc.measure.Store(true)
	}
	before, _ := readProc(pid)
	start := time.Now()
	var peakRSS int64
	for time.Since(start) < time.Duration(secs)*time.Second {
		time.Sleep(time.Second) // sampling interval of the load run
		if ps, err := readProc(pid); err == nil && ps.rss > peakRSS {
			peakRSS = ps.rss
		}
	}
	elapsed := time.Since(start)
	after, _ := readProc(pid)
	for _, lc := range clients {
		lc.measure.Store(false)
	}
	close(done)
	wg.Wait()
	_ = stdin.Close()
	var ru syscall.Rusage
	werr := cmd.Wait()
	if ps := cmd.ProcessState; ps != nil {
		if r, ok := ps.SysUsage().(*syscall.Rusage); ok {
			ru = *r
		}
	}

	// Every session kept receiving frames.
	rates := make([]float64, n)
	var worstGap time.Duration
	for i, lc := range clients {
		rates[i] = float64(lc.bytes.Load()) / elapsed.Seconds()
		gap := time.Duration(lc.maxGap.Load())
		worstGap = max(worstGap, gap)
		if lc.reads.Load() == 0 {
			t.Errorf("session %d received nothing while measured", i)
		}
	}
	sort.Float64s(rates)
	var sum float64
	for _, r := range rates {
		sum += r
	}
	cpu := after.cpu - before.cpu
	t.Logf("machine: %s/%s, %d CPUs, %s", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), time.Now().UTC().Format("2006-01-02 15:04 UTC"))
	t.Logf("sessions %d, window %dx%d, measured %.1fs, replay at the default speed (%gx)", n, w, h, elapsed.Seconds(), float64(replay.DefaultSpeed))
	t.Logf("server CPU: %.2fs over %.1fs = %.1f%% of one core", cpu.Seconds(), elapsed.Seconds(), 100*cpu.Seconds()/elapsed.Seconds())
	t.Logf("server RSS: idle %.1f MiB, loaded %.1f MiB (peak %.1f MiB), per session %.2f MiB",
		mib(idle.rss), mib(after.rss), mib(peakRSS), mib((after.rss-idle.rss)/int64(n)))
	t.Logf("getrusage (whole server process life): user %.2fs sys %.2fs maxrss %.1f MiB",
		tv(ru.Utime), tv(ru.Stime), float64(ru.Maxrss)/1024)
	t.Logf("bytes/s per session: mean %.0f, min %.0f, median %.0f, max %.0f; longest silence in any session %v",
		sum/float64(n), rates[0], rates[n/2], rates[n-1], worstGap.Round(time.Millisecond))
	if werr != nil {
		t.Errorf("server process: %v", werr)
	}
	if worstGap > 5*time.Second {
		t.Errorf("a session went %v without a frame", worstGap)
	}
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

func tv(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }

func netListen() (net.Listener, error) { return net.Listen("tcp", "127.0.0.1:0") }
