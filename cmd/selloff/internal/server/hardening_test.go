package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// floodChannels opens up to n session channels on c and keeps them open.
// It returns how many were accepted, how many refused with a reason, the
// first refusal, and whether the connection was closed (an error other
// than a refusal).
func floodChannels(c *gossh.Client, n int) (accepted, refused int, first *gossh.OpenChannelError, closed bool) {
	for i := 0; i < n; i++ {
		s, err := c.NewSession()
		if err == nil {
			_ = s // kept open on purpose
			accepted++
			continue
		}
		var oce *gossh.OpenChannelError
		if !errors.As(err, &oce) {
			return accepted, refused, first, true
		}
		if first == nil {
			first = oce
		}
		refused++
	}
	return accepted, refused, first, false
}

// waitClosed waits (bounded) for the server to drop c.
func waitClosed(t *testing.T, c *gossh.Client, what string) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- c.Wait() }()
	select {
	case <-done:
	case <-time.After(waitLimit):
		t.Fatalf("%s: the connection was not closed", what)
	}
}

// One connection may not open session channels without bound: past a few
// open at once they are refused with a reason, and a connection that keeps
// trying is closed. The server's count of open channels never passes the
// cap, so memory stays bounded however many opens a client sends.
func TestChannelFlood(t *testing.T) {
	ts := startServer(t, nil)

	t.Run("no shell", func(t *testing.T) {
		c := mustDial(t, ts.addr)
		accepted, refused, first, closed := floodChannels(c, 1000)
		t.Logf("accepted %d, refused %d, closed %v", accepted, refused, closed)
		if accepted > maxChannelsPerConn {
			t.Errorf("accepted %d session channels on one connection; cap %d", accepted, maxChannelsPerConn)
		}
		if first == nil || first.Reason != gossh.ResourceShortage || !strings.Contains(first.Message, "too many channels on this connection") {
			t.Errorf("refusal without a reason: %v", first)
		}
		if !closed || refused > maxChannelRefusals {
			t.Errorf("the connection kept going after %d refusals (closed %v)", refused, closed)
		}
		waitClosed(t, c, "channel flood")
	})

	t.Run("beside a shell", func(t *testing.T) {
		c := mustDial(t, ts.addr)
		tm := openTerm(t, c, 80, 24, nil)
		tm.waitText(t, "SELLOFF")
		// a command beside the dashboard still works
		if out, _, code := run(t, c, "render"); code != 0 || !strings.Contains(out, "FRAME") {
			t.Fatalf("render beside a shell: %d %q", code, out)
		}
		accepted, refused, _, closed := floodChannels(c, 1000)
		if accepted+1 > maxChannelsPerConn || !closed {
			t.Errorf("beside a shell: accepted %d, refused %d, closed %v", accepted, refused, closed)
		}
		waitClosed(t, c, "channel flood beside a shell")
		tm.waitDone(t)
	})

	t.Run("other channel types", func(t *testing.T) {
		c := mustDial(t, ts.addr)
		var refusals int
		for i := 0; i < 100; i++ {
			_, _, err := c.OpenChannel("direct-tcpip", gossh.Marshal(struct {
				Host  string
				Port  uint32
				OHost string
				OPort uint32
			}{"127.0.0.1", 22, "127.0.0.1", 1}))
			var oce *gossh.OpenChannelError
			if !errors.As(err, &oce) {
				break
			}
			refusals++
		}
		if refusals > maxChannelRefusals {
			t.Errorf("%d forwarding channels refused and the connection still open", refusals)
		}
		waitClosed(t, c, "forwarding flood")
	})

	if !strings.Contains(ts.logs.String(), "kept opening channels past the limit") {
		t.Errorf("no log line for the closed connections:\n%s", ts.logs.String())
	}
	// the server still serves
	if out, _, code := run(t, mustDial(t, ts.addr), "summary"); code != 0 || !strings.Contains(out, "NVDA") {
		t.Errorf("summary after the floods: %d %q", code, out)
	}
}

// auth-agent-req is refused: no agent channel is ever opened, so saying
// yes would be a lie (and ssh -A users would think forwarding works).
func TestAgentForwardingRefused(t *testing.T) {
	ts := startServer(t, nil)
	c := mustDial(t, ts.addr)
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := agent.RequestAgentForwarding(s); err == nil {
		t.Errorf("auth-agent-req was accepted")
	}
	ok, err := s.SendRequest("auth-agent-req@openssh.com", true, nil)
	if ok || err != nil {
		t.Errorf("auth-agent-req: ok %v err %v", ok, err)
	}
	var out strings.Builder
	s.Stdout = &out
	if err := s.Run("summary"); err != nil || !strings.Contains(out.String(), "NVDA") {
		t.Errorf("summary after a refused agent request: %v %q", err, out.String())
	}
}

// authorized_keys options: from= and expiry-time= are honoured, keys with
// options selloff cannot honour are refused with FILE:LINE in the log.
func TestAuthorizedKeyOptions(t *testing.T) {
	keys := map[string]gossh.Signer{}
	var file strings.Builder
	lines := []struct{ name, opts string }{
		{"plain", ""},
		{"from-elsewhere", `from="10.9.9.9"`},
		{"from-loopback", `from="!10.0.0.0/8,127.0.0.0/8"`},
		{"from-negated", `from="127.0.0.*,!127.0.0.1"`},
		{"from-wildcard", `from="127.0.?.1,192.168.*"`},
		{"expired", `expiry-time="20000101"`},
		{"expires-2099", `expiry-time="20991231Z"`},
		{"command", `restrict,command="echo hi"`},
		{"restrict-pty", `restrict,pty`},
		{"no-pty", `no-pty`},
		{"no-forwarding", `no-port-forwarding,no-agent-forwarding,no-X11-forwarding,no-user-rc`},
		{"environment", `environment="A=b"`},
		{"bad-cidr", `from="127.0.0.1/8"`},
		{"unknown", `frobnicate`},
		{"second-line", `from="10.9.9.9"`}, // listed again below without options
	}
	for _, l := range lines {
		k := newKey(t)
		keys[l.name] = k
		line := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(k.PublicKey())))
		if l.opts != "" {
			line = l.opts + " " + line
		}
		file.WriteString(line + "\n")
	}
	file.WriteString(string(gossh.MarshalAuthorizedKey(keys["second-line"].PublicKey())))
	path := filepath.Join(t.TempDir(), "authorized_keys")
	if err := os.WriteFile(path, []byte(file.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	var now atomic.Pointer[time.Time]
	setNow := func(t time.Time) { now.Store(&t) }
	setNow(time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC))
	ts := startServer(t, func(c *Config) {
		c.AuthorizedKeys = path
		c.Now = func() time.Time { return *now.Load() }
	})

	try := func(name string) error {
		c, err := dial(t, ts.addr, gossh.PublicKeys(keys[name]))
		if err == nil {
			_ = c.Close()
		}
		return err
	}
	for _, tc := range []struct {
		name string
		in   bool
	}{
		{"plain", true},
		{"from-elsewhere", false},
		{"from-loopback", true},
		{"from-negated", false},
		{"from-wildcard", true},
		{"expired", false},
		{"expires-2099", true},
		{"command", false},
		{"restrict-pty", true},
		{"no-pty", false},
		{"no-forwarding", true},
		{"environment", false},
		{"bad-cidr", false},
		{"unknown", false},
		{"second-line", true},
	} {
		if err := try(tc.name); (err == nil) != tc.in {
			t.Errorf("%s: got in %v, want %v (%v)", tc.name, err == nil, tc.in, err)
		}
	}
	// The clock passes the expiry: that key is refused from then on.
	setNow(time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC))
	if try("expires-2099") == nil {
		t.Errorf("a key past its expiry-time got in")
	}

	logs := ts.logs.String()
	for _, want := range []string{
		"authorized_keys:8: option command= cannot be honoured",
		"authorized_keys:10: no-pty",
		"authorized_keys:12: option environment cannot be honoured",
		"authorized_keys:13: from=:",
		"authorized_keys:14: unknown option",
		"key refused by its authorized_keys options",
		"authorized_keys:2: address 127.0.0.1 not allowed by from=",
	} {
		if !strings.Contains(logs, want) {
			t.Errorf("log lacks %q:\n%s", want, logs)
		}
	}
}

// dialFrom opens a raw TCP connection to addr from the loopback address
// src (all of 127/8 is loopback on Linux) and reports whether the server
// took it (sent its version line) or dropped it.
func dialFrom(t *testing.T, src, addr string) (net.Conn, bool) {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}, Timeout: waitLimit}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Skipf("cannot dial from %s (127/8 not all loopback here?): %v", src, err)
	}
	t.Cleanup(func() { _ = c.Close() })
	_ = c.SetReadDeadline(time.Now().Add(waitLimit))
	buf := make([]byte, 8)
	_, err = io.ReadFull(c, buf)
	_ = c.SetReadDeadline(time.Time{})
	return c, err == nil && string(buf) == "SSH-2.0-"
}

// A handful of addresses holding half-open handshakes cannot lock others
// out: each address has its own pre-auth budget, and the last part of the
// global one is kept for addresses that hold none.
func TestPreAuthBudget(t *testing.T) {
	// MaxSessions 4: pre-auth budget 2*4+8 = 16, of which 4 are kept for new
	// addresses; PerIP 2: two per address.
	ts := startServer(t, func(c *Config) { c.MaxSessions, c.PerIP = 4, 2 })
	ts.Server.mu.Lock()
	ts.handshakeTimeout, ts.busyHandshakeTimeout = time.Minute, time.Minute
	ts.Server.mu.Unlock()
	ts.refusals.setEvery(time.Hour)

	took := map[string]int{}
	for a := 2; a <= 9; a++ { // eight attacking addresses, ten tries each
		src := fmt.Sprintf("127.0.0.%d", a)
		for i := 0; i < 10; i++ {
			if _, ok := dialFrom(t, src, ts.addr); ok {
				took[src]++
			}
		}
	}
	total := 0
	for src, n := range took {
		total += n
		if n > 2 {
			t.Errorf("%s holds %d half-open connections; its budget is 2", src, n)
		}
	}
	if total > 16-1 {
		t.Errorf("attackers hold %d of the 16 pre-auth slots; none left for a new address", total)
	}
	t.Logf("attackers hold %d pre-auth slots: %v", total, took)

	// A client from an address not yet seen still gets in and works.
	if out, _, code := run(t, mustDial(t, ts.addr), "render"); code != 0 || !strings.Contains(out, "FRAME") {
		t.Errorf("a new address was locked out: %d %q", code, out)
	}

	// Refusals are logged once per reason, not once per connection.
	if n := strings.Count(ts.logs.String(), "connection refused"); n > 6 {
		t.Errorf("%d log lines for refused connections:\n%s", n, ts.logs.String())
	}
}

// Under pressure (over half the pre-auth budget in use), the handshake
// deadline is cut, for connections already waiting too.
func TestHandshakeDeadlineUnderPressure(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.MaxSessions, c.PerIP = 4, 2 }) // budget 16, pressure past 8
	ts.Server.mu.Lock()
	ts.handshakeTimeout, ts.busyHandshakeTimeout = time.Hour, 50*time.Millisecond
	ts.Server.mu.Unlock()

	first, ok := dialFrom(t, "127.0.0.2", ts.addr)
	if !ok {
		t.Fatal("the first connection was refused")
	}
	for a := 3; a <= 7; a++ { // ten more: over half the budget
		for i := 0; i < 2; i++ {
			dialFrom(t, fmt.Sprintf("127.0.0.%d", a), ts.addr)
		}
	}
	// The first connection had an hour; under pressure it is dropped soon.
	_ = first.SetReadDeadline(time.Now().Add(waitLimit))
	if _, err := io.Copy(io.Discard, first); err != nil {
		t.Errorf("the waiting connection was not cut under pressure: %v", err)
	}
	waitUntil(t, "pre-auth slots freed", func() bool {
		ts.Server.mu.Lock()
		defer ts.Server.mu.Unlock()
		return ts.pending == 0
	})
	if !strings.Contains(ts.logs.String(), "handshake timeout") {
		t.Errorf("no handshake timeout logged:\n%s", ts.logs.String())
	}
}

// A negative limit given to the library is an error, not a default.
func TestConfigRefusesNegativeLimits(t *testing.T) {
	for name, mutate := range map[string]func(*Config){
		"max sessions": func(c *Config) { c.MaxSessions = -5 },
		"per ip":       func(c *Config) { c.PerIP = -1 },
		"fps":          func(c *Config) { c.FPS = -1 },
	} {
		cfg := Config{HostKeyPath: filepath.Join(t.TempDir(), "k"), Sources: Sources{Shared: newFakeSource("x")}}
		mutate(&cfg)
		if _, err := New(cfg); err == nil {
			t.Errorf("%s: a negative value was accepted", name)
		}
	}
}

// BenchmarkChannelFlood: one connection opens 1,000 session channels
// without a shell. It reports how many the server accepted and the heap
// still in use (server and client, in this process) after the flood, with
// the client's connection still held open if the server let it be.
func BenchmarkChannelFlood(b *testing.B) {
	srv := startServerB(b)
	var accepted int
	var held uint64
	for i := 0; i < b.N; i++ {
		c, err := gossh.Dial("tcp", srv.Addr(), &gossh.ClientConfig{User: "b", HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: waitLimit})
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		n, _, _, _ := floodChannels(c, 1000)
		runtime.GC()
		runtime.ReadMemStats(&after)
		accepted += n
		if after.HeapInuse > before.HeapInuse {
			held += after.HeapInuse - before.HeapInuse
		}
		_ = c.Close()
	}
	b.ReportMetric(float64(accepted)/float64(b.N), "channels-accepted/op")
	b.ReportMetric(float64(held)/float64(b.N)/(1<<20), "heap-MiB-held/op")
}

// startServerB is a bare server for benchmarks (open auth, fake model).
func startServerB(b *testing.B) *Server {
	b.Helper()
	srv, err := New(Config{
		Listen:      "127.0.0.1:0",
		HostKeyPath: filepath.Join(b.TempDir(), HostKeyFile),
		Sources:     Sources{Shared: newFakeSource("bench")},
		Model:       newFakeModel,
		Render:      fakeRender,
	})
	if err != nil {
		b.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	waitAddr := time.Now().Add(waitLimit)
	for srv.Addr() == "" && time.Now().Before(waitAddr) {
		time.Sleep(time.Millisecond)
	}
	b.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	return srv
}
