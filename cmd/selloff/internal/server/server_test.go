package server

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/log"
	"github.com/charmbracelet/x/vt"
	"github.com/selloff/selloff/tui/celldiff/celldifftest"
	gossh "golang.org/x/crypto/ssh"
)

const waitLimit = 15 * time.Second

type testServer struct {
	*Server
	addr  string
	serve chan error
	logs  *syncBuffer

	mu   sync.Mutex
	srcs []*fakeSource // one per session: per-session clocks
}

// publish sends a new update on every session's source.
func (ts *testServer) publish() {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	for _, s := range ts.srcs {
		s.Publish(func(*feedsUpdate) {})
	}
}

// subscribers counts live subscriptions over all sources.
func (ts *testServer) subscribers() int {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	n := 0
	for _, s := range ts.srcs {
		n += s.subscribers()
	}
	return n
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func startServer(t *testing.T, mutate func(*Config)) *testServer {
	t.Helper()
	ts := &testServer{serve: make(chan error, 1), logs: &syncBuffer{}}
	logs := ts.logs
	cfg := Config{
		Listen:      "127.0.0.1:0",
		HostKeyPath: filepath.Join(t.TempDir(), "keys", HostKeyFile),
		Logger:      log.NewWithOptions(logs, log.Options{Level: log.DebugLevel}),
		Sources: Sources{
			PerSession: func(ctx context.Context) (feedsSource, feedsController, error) {
				src := newFakeSource("fake")
				ts.mu.Lock()
				ts.srcs = append(ts.srcs, src)
				ts.mu.Unlock()
				return src, src, nil
			},
		},
		Model:  newFakeModel,
		Render: fakeRender,
	}
	if mutate != nil {
		mutate(&cfg)
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ts.Server, ts.addr = srv, ln.Addr().String()
	go func() { ts.serve <- srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		select {
		case err := <-ts.serve:
			if err != nil {
				t.Errorf("Serve returned %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Errorf("Serve did not return after Shutdown")
		}
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	return ts
}

func newKey(t *testing.T) gossh.Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func dial(t *testing.T, addr string, auth ...gossh.AuthMethod) (*gossh.Client, error) {
	t.Helper()
	if len(auth) == 0 {
		auth = []gossh.AuthMethod{gossh.PublicKeys(newKey(t))}
	}
	return gossh.Dial("tcp", addr, &gossh.ClientConfig{
		User:            "tester",
		Auth:            auth,
		HostKeyCallback: gossh.InsecureIgnoreHostKey(),
		Timeout:         waitLimit,
	})
}

func mustDial(t *testing.T, addr string, auth ...gossh.AuthMethod) *gossh.Client {
	t.Helper()
	c, err := dial(t, addr, auth...)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// term is a client-side terminal: it collects output, answers the
// server's background-colour query like a dark terminal, and lets tests
// wait for text (bounded by a deadline, never a sleep).
type term struct {
	sess  *gossh.Session
	in    io.WriteCloser
	mu    sync.Mutex
	cond  *sync.Cond
	out   []byte
	err   []byte
	done  bool
	exit  error
	ended chan struct{}
	scan  int  // output scanned for terminal queries
	mute  bool // answer no terminal query (a script, a serial console)
	wait  func()
	// screen is a terminal emulator fed the output: the server sends only
	// the cells that changed, so text is looked for on the screen too.
	screen *vt.Emulator
	marks  map[int]string // the screen's text at each mark
}

// screenText is what the emulated terminal shows. Called with mu held.
func (tm *term) screenText() string { return tm.screen.String() }

// screenTextLocked is screenText for callers not holding mu.
func (tm *term) screenTextLocked() string {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return tm.screen.String()
}

// terminalQueries are what a real terminal answers: foreground and
// background colour (OSC 10/11), cursor position (CPR) and device
// attributes (DA1). This one is white on black.
var terminalQueries = []struct{ q, a string }{
	{"\x1b]10;?", "\x1b]10;rgb:ffff/ffff/ffff\x1b\\"},
	{"\x1b]11;?", "\x1b]11;rgb:0000/0000/0000\x1b\\"},
	{"\x1b[6n", "\x1b[1;1R"},
	{"\x1b[c", "\x1b[?62;c"},
}

// answers returns the replies to queries in output not yet scanned, in
// order. Called with mu held.
func (tm *term) answers() string {
	if tm.mute {
		return ""
	}
	var b strings.Builder
	for {
		best, bi := -1, -1
		for i, q := range terminalQueries {
			if j := bytes.Index(tm.out[tm.scan:], []byte(q.q)); j >= 0 && (best < 0 || j < best) {
				best, bi = j, i
			}
		}
		if bi < 0 {
			// Keep a short tail: a query may straddle two reads.
			tm.scan = max(tm.scan, len(tm.out)-8)
			return b.String()
		}
		b.WriteString(terminalQueries[bi].a)
		tm.scan += best + len(terminalQueries[bi].q)
	}
}

func openTerm(t *testing.T, c *gossh.Client, w, h int, env map[string]string) *term {
	t.Helper()
	s, err := c.NewSession()
	if err != nil {
		t.Fatalf("session: %v", err)
	}
	termName := "xterm-256color" // env["TERM"] overrides it, in the pty request as OpenSSH sends it
	mute := false                // env["-mute"]: a terminal that answers no query
	for k, v := range env {
		if k == "TERM" {
			termName = v
			continue
		}
		if k == "-mute" {
			mute = true
			continue
		}
		if err := s.Setenv(k, v); err != nil {
			t.Fatalf("setenv: %v", err)
		}
	}
	if err := s.RequestPty(termName, h, w, gossh.TerminalModes{}); err != nil {
		t.Fatalf("pty: %v", err)
	}
	tm := newTerm(t, s)
	tm.mu.Lock()
	tm.mute = mute
	tm.mu.Unlock()
	if err := s.Shell(); err != nil {
		t.Fatalf("shell: %v", err)
	}
	go tm.wait()
	return tm
}

func newTerm(t *testing.T, s *gossh.Session) *term {
	t.Helper()
	tm := &term{sess: s, ended: make(chan struct{}), marks: map[int]string{}}
	tm.cond = sync.NewCond(&tm.mu)
	// Larger than any window the tests ask for: the server positions
	// everything absolutely, so a bigger screen shows the same text.
	tm.screen = celldifftest.NewEmulator(300, 120)
	in, err := s.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	tm.in = in
	stdout, err := s.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := s.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(2)
	replies := make(chan string, 256)
	go func() {
		for a := range replies {
			_, _ = io.WriteString(in, a)
		}
	}()
	go func() {
		defer wg.Done()
		defer close(replies)
		buf := make([]byte, 32*1024)
		for {
			n, err := stdout.Read(buf)
			if n > 0 {
				tm.mu.Lock()
				tm.out = append(tm.out, buf[:n]...)
				_, _ = tm.screen.Write(buf[:n])
				if ans := tm.answers(); ans != "" {
					select {
					case replies <- ans:
					default:
					}
				}
				tm.cond.Broadcast()
				tm.mu.Unlock()
			}
			if err != nil {
				return
			}
		}
	}()
	go func() {
		defer wg.Done()
		buf := make([]byte, 4096)
		for {
			n, err := stderr.Read(buf)
			if n > 0 {
				tm.mu.Lock()
				tm.err = append(tm.err, buf[:n]...)
				tm.cond.Broadcast()
				tm.mu.Unlock()
			}
			if err != nil {
				return
			}
		}
	}()
	tm.wait = func() {
		wg.Wait()
		celldifftest.StopEmulator(tm.screen) // its reply reader ends
		err := s.Wait()
		tm.mu.Lock()
		tm.done, tm.exit = true, err
		tm.cond.Broadcast()
		tm.mu.Unlock()
		close(tm.ended)
	}
	return tm
}

// waitFor blocks until pred holds for (stdout, stderr, done) or the
// deadline passes.
func (tm *term) waitFor(t *testing.T, what string, pred func(out, errOut string, done bool) bool) {
	t.Helper()
	timer := time.AfterFunc(waitLimit, func() {
		tm.mu.Lock()
		tm.cond.Broadcast()
		tm.mu.Unlock()
	})
	defer timer.Stop()
	deadline := time.Now().Add(waitLimit)
	tm.mu.Lock()
	defer tm.mu.Unlock()
	for !pred(string(tm.out), string(tm.err), tm.done) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s; stdout=%q stderr=%q done=%v", what, tail(string(tm.out)), tail(string(tm.err)), tm.done)
		}
		tm.cond.Wait()
	}
}

func (tm *term) waitText(t *testing.T, token string) {
	t.Helper()
	tm.waitFor(t, token, func(out, _ string, _ bool) bool {
		return strings.Contains(out, token) || strings.Contains(tm.screenText(), token)
	})
}

// waitNew waits for token in output produced after mark.
func (tm *term) mark() int {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	tm.marks[len(tm.out)] = tm.screenText()
	return len(tm.out)
}

func (tm *term) waitTextAfter(t *testing.T, mark int, token string) {
	t.Helper()
	before := strings.Count(tm.marks[mark], token)
	tm.waitFor(t, token, func(out, _ string, _ bool) bool {
		return strings.Contains(out[mark:], token) || strings.Count(tm.screenText(), token) > before
	})
}

func (tm *term) waitDone(t *testing.T) (stdout, stderr string, exit error) {
	t.Helper()
	tm.waitFor(t, "session end", func(_, _ string, done bool) bool { return done })
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return string(tm.out), string(tm.err), tm.exit
}

func (tm *term) send(t *testing.T, s string) {
	t.Helper()
	if _, err := io.WriteString(tm.in, s); err != nil {
		t.Fatalf("send %q: %v", s, err)
	}
}

func tail(s string) string {
	if len(s) > 600 {
		return "..." + s[len(s)-600:]
	}
	return s
}

// run runs a command without a PTY.
func run(t *testing.T, c *gossh.Client, cmd string) (stdout, stderr string, code int) {
	t.Helper()
	s, err := c.NewSession()
	if err != nil {
		t.Fatalf("session: %v", err)
	}
	defer s.Close()
	var o, e bytes.Buffer
	s.Stdout, s.Stderr = &o, &e
	err = s.Run(cmd)
	var ee *gossh.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		code = ee.ExitStatus()
	default:
		t.Fatalf("run %q: %v (stderr %q)", cmd, err, e.String())
	}
	return o.String(), e.String(), code
}

func exitCode(err error) int {
	var ee *gossh.ExitError
	if errors.As(err, &ee) {
		return ee.ExitStatus()
	}
	if err != nil {
		return -1
	}
	return 0
}

// ---------------------------------------------------------------- tests

func TestPTYFrameResizeKeys(t *testing.T) {
	ts := startServer(t, nil)
	c := mustDial(t, ts.addr)
	tm := openTerm(t, c, 90, 30, map[string]string{"NO_COLOR": "1"})
	tm.waitText(t, "SELLOFF 90x30 seq=1")
	tm.waitText(t, "control=true")

	m := tm.mark()
	if err := tm.sess.WindowChange(40, 120); err != nil {
		t.Fatal(err)
	}
	tm.waitTextAfter(t, m, "SELLOFF 120x40")

	m = tm.mark()
	tm.send(t, "?")
	tm.waitTextAfter(t, m, "HELP: q quit")

	// The feed reaches the session.
	m = tm.mark()
	ts.publish()
	tm.waitTextAfter(t, m, "seq=2")

	tm.send(t, "q")
	out, _, exit := tm.waitDone(t)
	if exit != nil {
		t.Errorf("exit after q: %v", exit)
	}
	if strings.Contains(out, "\x1b[38;") {
		t.Errorf("NO_COLOR client got colour escapes")
	}
	if !strings.Contains(out, "\x1b[?1049h") || !strings.Contains(out, "\x1b[?1049l") {
		t.Errorf("alt screen not entered and left")
	}
}

func TestPTYColoursFollowClient(t *testing.T) {
	ts := startServer(t, nil)
	c := mustDial(t, ts.addr)
	tm := openTerm(t, c, 80, 24, nil)
	tm.waitText(t, "SELLOFF 80x24")
	tm.mu.Lock()
	out := string(tm.out)
	tm.mu.Unlock()
	if !strings.Contains(out, "\x1b[38;5;") && !strings.Contains(out, "\x1b[38;2;") && !strings.Contains(out, "\x1b[91m") {
		t.Errorf("xterm-256color client got no colour: %q", tail(out))
	}
	tm.send(t, "q")
	tm.waitDone(t)
	if !strings.Contains(ts.logs.String(), "dark=true") {
		t.Errorf("the client's dark background answer was not used; log:\n%s", ts.logs.String())
	}
}

// A 16-colour terminal (TERM=xterm) gets 16-colour escapes, and NO_COLOR
// gets none; neither is overridden with a warning on the client's screen.
func TestPTYColourProfileIsTheClients(t *testing.T) {
	ts := startServer(t, nil)
	c := mustDial(t, ts.addr)
	for _, env := range []map[string]string{{"TERM": "xterm"}, {"NO_COLOR": "1"}} {
		tm := openTerm(t, c, 80, 24, env)
		tm.waitText(t, "SELLOFF 80x24")
		tm.send(t, "q")
		out, errOut, _ := tm.waitDone(t)
		if strings.Contains(out, "\x1b[38;5;") || strings.Contains(out, "\x1b[38;2;") {
			t.Errorf("%v: 256-colour or true-colour escapes: %q", env, tail(out))
		}
		if env["TERM"] == "xterm" && !strings.Contains(out, "\x1b[91m") {
			t.Errorf("%v: no 16-colour escapes: %q", env, tail(out))
		}
		if strings.Contains(errOut, "forcing") || strings.Contains(errOut, "Warning") {
			t.Errorf("%v: the client was told %q", env, errOut)
		}
	}
}

// A terminal that answers no query (a script, `sleep | ssh -tt`) gets the
// dashboard after the background query's deadline, with the dark default,
// and a clean shutdown; it used to wait, blank, until it typed.
func TestMuteTerminalGetsTheDashboard(t *testing.T) {
	ts := startServer(t, nil)
	c := mustDial(t, ts.addr)
	start := time.Now()
	tm := openTerm(t, c, 80, 24, map[string]string{"-mute": "1"})
	tm.waitText(t, "SELLOFF 80x24")
	if d := time.Since(start); d > bgQueryTimeout+5*time.Second {
		t.Errorf("first frame after %v", d)
	}
	if !strings.Contains(ts.logs.String(), "dark=true") {
		t.Errorf("no dark default in the log:\n%s", ts.logs.String())
	}
	tm.send(t, "q")
	tm.waitDone(t)
}

// Random bytes while the background query waits do not crash the
// session: the parser's panic counts as no answer.
func TestQueryBackgroundSurvivesGarbage(t *testing.T) {
	for _, junk := range []string{"\x1b[M\x00", "\x1b[<0;1", "\x1b]11;rgb:zz\x07\x1b[c", "\xff\xfe\x1b[?62;c"} {
		rw := &scriptedRW{in: strings.NewReader(junk)}
		_ = queryBackground(rw, 200*time.Millisecond) // must return, and not panic
		if !strings.Contains(rw.out.String(), "\x1b]11;?") {
			t.Errorf("%q: no query written", junk)
		}
	}
	rw := &scriptedRW{in: strings.NewReader("\x1b]11;rgb:ffff/ffff/ffff\x1b\\\x1b[?62;c")}
	if bg := queryBackground(rw, time.Second); bg == nil {
		t.Error("a white background answer was not read")
	}
}

type scriptedRW struct {
	in  io.Reader
	out bytes.Buffer
}

func (s *scriptedRW) Read(p []byte) (int, error)  { return s.in.Read(p) }
func (s *scriptedRW) Write(p []byte) (int, error) { return s.out.Write(p) }

func TestHugeAndZeroWindows(t *testing.T) {
	ts := startServer(t, nil)
	c := mustDial(t, ts.addr)
	tm := openTerm(t, c, 100000, 0, map[string]string{"NO_COLOR": "1"})
	tm.waitText(t, "SELLOFF 500x24")
	m := tm.mark()
	_ = tm.sess.WindowChange(1<<30, 1<<30)
	tm.waitTextAfter(t, m, "SELLOFF 500x200")
	m = tm.mark()
	_ = tm.sess.WindowChange(0, 0)
	tm.waitTextAfter(t, m, "SELLOFF 80x24")
	// A burst of window changes must not wedge the session.
	for i := 0; i < 50; i++ {
		_ = tm.sess.WindowChange(10+i, 20+i)
	}
	m = tm.mark()
	_ = tm.sess.WindowChange(33, 77)
	tm.waitTextAfter(t, m, "SELLOFF 77x33")
	tm.send(t, "q")
	tm.waitDone(t)
}

func TestCommands(t *testing.T) {
	ts := startServer(t, nil)
	c := mustDial(t, ts.addr)

	out, errOut, code := run(t, c, "render --at close --width 60 --height 20")
	if code != 0 || !strings.Contains(out, "FRAME 60x20 at 16:00") {
		t.Errorf("render: code %d out %q err %q", code, out, errOut)
	}
	if strings.Contains(out, "\x1b[") {
		t.Errorf("render is not plain text: %q", out)
	}
	out, _, code = run(t, c, "render")
	if code != 0 || !strings.Contains(out, "FRAME 100x30 at 09:30") {
		t.Errorf("render default: code %d out %q", code, out)
	}
	out, _, code = run(t, c, "render --at 11:15 --width 99999 --height 0")
	if code != 0 || !strings.Contains(out, "FRAME 500x30 at 11:15") {
		t.Errorf("render clamp: code %d out %q", code, out)
	}

	out, errOut, code = run(t, c, "summary")
	if code != 0 {
		t.Fatalf("summary: code %d err %q", code, errOut)
	}
	for _, want := range []string{"SYMBOL", "LAST", "CHG", "%CHG", "Δ$B", "NVDA", "120.93", "-21.69", "-15.21%", "-531.2", "QQQ", "514.21", "-15.42", "-2.91%"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	// ZZZ has no price: shown as missing, never 0.
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "ZZZ") && strings.Contains(line, "0.00") {
			t.Errorf("missing price shown as a number: %q", line)
		}
	}

	for _, cmd := range []string{"rm -rf /", "render --bogus", "render --at yesterday", "render --width -5", "render --height -1", "\x00\x01\xff garbage", strings.Repeat("A", 100000)} {
		_, errOut, code := run(t, c, cmd)
		if code == 0 {
			t.Errorf("%q: exit 0", clip(cmd, 20))
		}
		if code == 2 && !strings.Contains(errOut, "usage:") {
			t.Errorf("%q: no usage in %q", clip(cmd, 20), errOut)
		}
	}
	_, errOut, code = run(t, c, "frobnicate")
	if code != 2 || !strings.Contains(errOut, "usage:") || !strings.Contains(errOut, `unknown command "frobnicate"`) {
		t.Errorf("unknown command: code %d err %q", code, errOut)
	}
	out, _, code = run(t, c, "help")
	if code != 0 || !strings.Contains(out, "usage:") {
		t.Errorf("help: code %d out %q", code, out)
	}
	// No command and no PTY.
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	var e bytes.Buffer
	s.Stderr = &e
	_ = s.Shell()
	err = s.Wait()
	if exitCode(err) != 2 || !strings.Contains(e.String(), "needs a terminal") {
		t.Errorf("shell without pty: %v %q", err, e.String())
	}
}

func TestLimits(t *testing.T) {
	t.Run("max sessions", func(t *testing.T) {
		ts := startServer(t, func(c *Config) { c.MaxSessions = 2 })
		a := openTerm(t, mustDial(t, ts.addr), 80, 24, nil)
		b := openTerm(t, mustDial(t, ts.addr), 80, 24, nil)
		a.waitText(t, "SELLOFF")
		b.waitText(t, "SELLOFF")
		c := openTerm(t, mustDial(t, ts.addr), 80, 24, nil)
		out, errOut, exit := c.waitDone(t)
		if !strings.Contains(errOut, "selloff: server full (2 sessions), try again later") || exitCode(exit) != 1 {
			t.Errorf("third client: stderr %q exit %v", errOut, exit)
		}
		if strings.Contains(out, "SELLOFF") || strings.Contains(out, "\x1b[?1049h") {
			t.Errorf("refused client got a program: %q", out)
		}
		// Freeing a slot lets the next one in.
		a.send(t, "q")
		a.waitDone(t)
		waitUntil(t, "slot freed", func() bool { return ts.Sessions() == 1 })
		d := openTerm(t, mustDial(t, ts.addr), 80, 24, nil)
		d.waitText(t, "SELLOFF")
	})
	t.Run("per ip", func(t *testing.T) {
		ts := startServer(t, func(c *Config) { c.PerIP = 1 })
		cl := mustDial(t, ts.addr)
		a := openTerm(t, cl, 80, 24, nil)
		a.waitText(t, "SELLOFF")
		_, errOut, code := run(t, mustDial(t, ts.addr), "summary")
		if code != 1 || !strings.Contains(errOut, "too many sessions from your address (1)") {
			t.Errorf("second session from the same IP: code %d stderr %q", code, errOut)
		}
	})
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		runtime.Gosched()
		time.Sleep(5 * time.Millisecond) // polling interval, bounded by the deadline
	}
}

func TestAuthorizedKeys(t *testing.T) {
	allowed, denied := newKey(t), newKey(t)
	path := filepath.Join(t.TempDir(), "authorized_keys")
	line := gossh.MarshalAuthorizedKey(allowed.PublicKey())
	if err := os.WriteFile(path, append([]byte("# viewers\n\n"), line...), 0o600); err != nil {
		t.Fatal(err)
	}
	ts := startServer(t, func(c *Config) { c.AuthorizedKeys = path })
	c := mustDial(t, ts.addr, gossh.PublicKeys(allowed))
	if out, _, code := run(t, c, "render"); code != 0 || !strings.Contains(out, "FRAME") {
		t.Errorf("allowed key: %d %q", code, out)
	}
	if _, err := dial(t, ts.addr, gossh.PublicKeys(denied)); err == nil {
		t.Errorf("denied key got in")
	}
	kbd := gossh.KeyboardInteractive(func(string, string, []string, []bool) ([]string, error) { return nil, nil })
	if _, err := dial(t, ts.addr, kbd); err == nil {
		t.Errorf("keyboard-interactive got in despite authorized keys")
	}
	if _, err := dial(t, ts.addr, gossh.Password("x")); err == nil {
		t.Errorf("password got in")
	}

	// The file is read again when it changes: swap the keys without a
	// restart. The times are set, so the change is seen even where the
	// file system's clock is coarse.
	rewrite := func(data []byte, at time.Time) {
		t.Helper()
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(path, at, at); err != nil {
			t.Fatal(err)
		}
	}
	base := time.Now().Add(-time.Hour)
	rewrite(gossh.MarshalAuthorizedKey(denied.PublicKey()), base)
	if _, err := dial(t, ts.addr, gossh.PublicKeys(allowed)); err == nil {
		t.Errorf("a key removed from the file still got in")
	}
	nc, err := dial(t, ts.addr, gossh.PublicKeys(denied))
	if err != nil {
		t.Errorf("a key added to the file was refused: %v", err)
	} else {
		_ = nc.Close()
	}
	// A file gone bad (or gone) refuses everyone new, and says why.
	rewrite([]byte("ssh-ed25519 notbase64!!\n"), base.Add(time.Minute))
	if _, err := dial(t, ts.addr, gossh.PublicKeys(denied)); err == nil {
		t.Errorf("got in while the file has a bad line")
	}
	if !strings.Contains(ts.logs.String(), "authorized_keys:1:") {
		t.Errorf("the bad line is not in the log:\n%s", ts.logs.String())
	}
	_ = os.Remove(path)
	if _, err := dial(t, ts.addr, gossh.PublicKeys(denied)); err == nil {
		t.Errorf("got in while the file is missing")
	}
	rewrite(line, base.Add(2*time.Minute))
	if out, _, code := run(t, mustDial(t, ts.addr, gossh.PublicKeys(allowed)), "render"); code != 0 || !strings.Contains(out, "FRAME") {
		t.Errorf("the fixed file did not let the key back in: %d %q", code, out)
	}
	// The session opened before all this is still there.
	if out, _, code := run(t, c, "render"); code != 0 || !strings.Contains(out, "FRAME") {
		t.Errorf("the first connection: %d %q", code, out)
	}
	// A swap to another key of the same size with the same mtime (cp -p,
	// rsync -t, or two edits within one clock tick) is seen too.
	rewrite(gossh.MarshalAuthorizedKey(denied.PublicKey()), base.Add(2*time.Minute))
	if _, err := dial(t, ts.addr, gossh.PublicKeys(allowed)); err == nil {
		t.Errorf("a same-size, same-mtime revocation was not seen")
	}

	bad := filepath.Join(t.TempDir(), "bad_keys")
	_ = os.WriteFile(bad, []byte("ssh-ed25519 notbase64!!\n"), 0o600)
	if _, err := New(Config{HostKeyPath: filepath.Join(t.TempDir(), "k"), AuthorizedKeys: bad, Model: newFakeModel, Render: fakeRender, Sources: Sources{Shared: newFakeSource("x")}}); err == nil || !strings.Contains(err.Error(), ":1:") {
		t.Errorf("bad authorized_keys line not reported: %v", err)
	}
}

func TestOpenAuth(t *testing.T) {
	ts := startServer(t, nil)
	// none auth (no methods at all), keyboard-interactive and any key.
	for name, auth := range map[string][]gossh.AuthMethod{
		"none":     {gossh.KeyboardInteractive(func(string, string, []string, []bool) ([]string, error) { return nil, errors.New("unused") })},
		"kbd":      {gossh.KeyboardInteractive(func(string, string, []string, []bool) ([]string, error) { return nil, nil })},
		"some key": {gossh.PublicKeys(newKey(t))},
	} {
		c, err := dial(t, ts.addr, auth...)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		_ = c.Close()
	}
}

func TestPanicEndsOnlyThatSession(t *testing.T) {
	ts := startServer(t, nil)
	good := openTerm(t, mustDial(t, ts.addr), 80, 24, map[string]string{"NO_COLOR": "1"})
	bad := openTerm(t, mustDial(t, ts.addr), 80, 24, map[string]string{"NO_COLOR": "1"})
	good.waitText(t, "SELLOFF")
	bad.waitText(t, "SELLOFF")
	bad.send(t, "!")
	out, _, exit := bad.waitDone(t)
	if !strings.Contains(out, "internal error") || exitCode(exit) != 1 {
		t.Errorf("panicking session: exit %v out %q", exit, tail(out))
	}
	if !strings.Contains(ts.logs.String(), "panic in session model") {
		t.Errorf("panic not logged")
	}
	m := good.mark()
	ts.publish()
	good.waitTextAfter(t, m, "seq=2")
	good.send(t, "q")
	good.waitDone(t)

	// A model factory that panics refuses the session, not the server.
	ts2 := startServer(t, func(c *Config) {
		c.Model = func(SessionDeps) teaModel { panic("factory boom") }
	})
	tm := openTerm(t, mustDial(t, ts2.addr), 80, 24, nil)
	out, _, _ = tm.waitDone(t)
	if !strings.Contains(out, "internal error") {
		t.Errorf("factory panic: %q", out)
	}
	if o, _, code := run(t, mustDial(t, ts2.addr), "render"); code != 0 || !strings.Contains(o, "FRAME") {
		t.Errorf("server unusable after factory panic: %d %q", code, o)
	}
}

func TestTimeouts(t *testing.T) {
	t.Run("idle", func(t *testing.T) {
		ts := startServer(t, func(c *Config) { c.IdleTimeout = 300 * time.Millisecond })
		tm := openTerm(t, mustDial(t, ts.addr), 80, 24, nil)
		tm.waitText(t, "SELLOFF")
		out, _, exit := tm.waitDone(t)
		if !strings.Contains(out, "selloff: no input for 300ms, session closed") || exitCode(exit) != 1 {
			t.Errorf("idle: exit %v out %q", exit, tail(out))
		}
		if i := strings.LastIndex(out, "\x1b[?1049l"); i < 0 || i > strings.LastIndex(out, "no input") {
			t.Errorf("message not after the terminal was restored: %q", tail(out))
		}
	})
	t.Run("max", func(t *testing.T) {
		ts := startServer(t, func(c *Config) { c.MaxTimeout = 400 * time.Millisecond })
		tm := openTerm(t, mustDial(t, ts.addr), 80, 24, nil)
		tm.waitText(t, "SELLOFF")
		out, _, _ := tm.waitDone(t)
		if !strings.Contains(out, "limit, closed") {
			t.Errorf("max: %q", tail(out))
		}
	})
}

func TestGracefulShutdown(t *testing.T) {
	ts := startServer(t, nil)
	var terms []*term
	for i := 0; i < 3; i++ {
		tm := openTerm(t, mustDial(t, ts.addr), 80, 24, nil)
		tm.waitText(t, "SELLOFF")
		terms = append(terms, tm)
	}
	// A client that never reads: its window fills, yet shutdown must end it.
	stuck := mustDial(t, ts.addr)
	ss, err := stuck.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	_ = ss.RequestPty("xterm", 24, 80, nil)
	_ = ss.Shell()
	waitUntil(t, "4 sessions", func() bool { return ts.Sessions() == 4 })

	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = ts.Shutdown(ctx)
	select {
	case err := <-ts.serve:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
		ts.serve <- nil // for the cleanup
	case <-time.After(6 * time.Second):
		t.Fatal("Serve did not return")
	}
	for _, tm := range terms {
		out, _, _ := tm.waitDone(t)
		if !strings.Contains(out, "the server is stopping") {
			t.Errorf("session not told: %q", tail(out))
		}
	}
	if d := time.Since(start); d > 6*time.Second {
		t.Errorf("shutdown took %v", d)
	}
	if _, err := dial(t, ts.addr); err == nil {
		t.Errorf("dial after shutdown succeeded")
	}
}

func TestHostKeyCreatedAndReused(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data", "selloff")
	path := filepath.Join(dir, HostKeyFile)
	k1, err := LoadOrCreateHostKey(path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("key mode %v", fi.Mode().Perm())
	}
	if di, _ := os.Stat(dir); di.Mode().Perm() != 0o700 {
		t.Errorf("dir mode %v", di.Mode().Perm())
	}
	if k1.PublicKey().Type() != gossh.KeyAlgoED25519 {
		t.Errorf("key type %s", k1.PublicKey().Type())
	}
	// Two servers in a row present the same key.
	var seen []string
	for i := 0; i < 2; i++ {
		ts := startServer(t, func(c *Config) { c.HostKeyPath = path })
		var got gossh.PublicKey
		c, err := gossh.Dial("tcp", ts.addr, &gossh.ClientConfig{
			User: "x", Auth: []gossh.AuthMethod{gossh.PublicKeys(newKey(t))},
			HostKeyCallback: func(_ string, _ net.Addr, k gossh.PublicKey) error { got = k; return nil },
		})
		if err != nil {
			t.Fatal(err)
		}
		_ = c.Close()
		seen = append(seen, gossh.FingerprintSHA256(got))
	}
	if seen[0] != seen[1] || seen[0] != gossh.FingerprintSHA256(k1.PublicKey()) {
		t.Errorf("host key changed across restarts: %v", seen)
	}
	_ = os.Chmod(path, 0o644)
	if _, err := LoadOrCreateHostKey(path); err == nil {
		t.Errorf("world-readable key accepted")
	}
}

func TestWatchParty(t *testing.T) {
	shared := newFakeSource("party")
	ts := startServer(t, func(c *Config) {
		c.WatchParty = true
		c.Sources = Sources{Shared: shared, SharedControl: shared}
	})
	env := map[string]string{"NO_COLOR": "1"}
	p := openTerm(t, mustDial(t, ts.addr), 80, 24, env)
	p.waitText(t, "follows=false control=true")
	f := openTerm(t, mustDial(t, ts.addr), 80, 24, env)
	f.waitText(t, "follows=true")
	// The presenter's pause reaches the follower.
	m := f.mark()
	p.send(t, " ")
	f.waitTextAfter(t, m, "paused=true")
	// Followers cannot drive while the presenter is there: their space
	// does nothing to the source.
	n := len(shared.commands())
	cannotDrive(t, f, shared, "the follower")
	// The presenter leaves: the first viewer already in the room to press
	// a replay key takes over, without reconnecting.
	p.send(t, "q")
	p.waitDone(t)
	waitUntil(t, "presenter gone", func() bool { return ts.Sessions() == 1 })
	m = f.mark()
	f.send(t, " ")
	waitUntil(t, "the follower's command reached the source", func() bool { return len(shared.commands()) > n })
	shared.Publish(func(*feedsUpdate) {})
	f.waitTextAfter(t, m, "follows=false")
	// and a new session follows it
	q := openTerm(t, mustDial(t, ts.addr), 80, 24, env)
	q.waitText(t, "follows=true")
	cannotDrive(t, q, shared, "a new follower")

	t.Run("presenter key", func(t *testing.T) {
		boss := newKey(t)
		ts := startServer(t, func(c *Config) {
			c.WatchParty = true
			c.Sources = Sources{Shared: shared, SharedControl: shared}
			c.PresenterKey = gossh.FingerprintSHA256(boss.PublicKey())
		})
		v := openTerm(t, mustDial(t, ts.addr), 80, 24, env)
		v.waitText(t, "follows=false") // nobody presents yet
		m := v.mark()
		b := openTerm(t, mustDial(t, ts.addr, gossh.PublicKeys(boss)), 80, 24, env)
		b.waitText(t, "follows=false control=true")
		v.waitTextAfter(t, m, "follows=true") // the presenter came: no key pressed
		// with a presenter key nobody else takes over, even with the seat empty
		cannotDrive(t, v, shared, "a viewer of a presenter-key party")
	})
}

// cannotDrive checks that tm's space key (then ? to know it was handled)
// sends no command to the shared source.
func cannotDrive(t *testing.T, tm *term, shared *fakeSource, who string) {
	t.Helper()
	n := len(shared.commands())
	m := tm.mark()
	tm.send(t, " ")
	tm.send(t, "?")
	tm.waitTextAfter(t, m, "HELP")
	if got := len(shared.commands()); got != n {
		t.Errorf("%s drove the shared clock", who)
	}
}

func TestGoroutinesReturnToBaseline(t *testing.T) {
	ts := startServer(t, nil)
	cycle := func(i int) {
		c := mustDial(t, ts.addr)
		if i%2 == 0 {
			tm := openTerm(t, c, 80, 24, nil)
			tm.waitText(t, "SELLOFF")
			tm.send(t, "q")
			tm.waitDone(t)
		} else if _, _, code := run(t, c, "render"); code != 0 {
			t.Fatalf("render failed")
		}
		_ = c.Close()
	}
	cycle(0)
	cycle(1)
	waitUntil(t, "no sessions", func() bool { return ts.Sessions() == 0 && ts.subscribers() == 0 })
	base := settledGoroutines()
	for i := 0; i < 200; i++ {
		cycle(i)
	}
	// Abrupt disconnects too: drop the TCP connection mid-session.
	for i := 0; i < 10; i++ {
		c := mustDial(t, ts.addr)
		tm := openTerm(t, c, 80, 24, nil)
		tm.waitText(t, "SELLOFF")
		_ = c.Close()
	}
	deadline := time.Now().Add(waitLimit)
	var n int
	for {
		n = runtime.NumGoroutine()
		if n <= base || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond) // polling interval, bounded by the deadline
	}
	if n > base {
		buf := make([]byte, 1<<20)
		t.Errorf("goroutines: %d after 210 cycles, baseline %d\n%s", n, base, buf[:runtime.Stack(buf, true)])
	}
	if ts.Sessions() != 0 || ts.subscribers() != 0 {
		t.Errorf("sessions %d subscribers %d left", ts.Sessions(), ts.subscribers())
	}
}

// settledGoroutines polls until the goroutine count stops falling.
func settledGoroutines() int {
	n := runtime.NumGoroutine()
	for i := 0; i < 50; i++ {
		time.Sleep(10 * time.Millisecond)
		m := runtime.NumGoroutine()
		if m >= n {
			return max(m, n)
		}
		n = m
	}
	return n
}

func TestConnectionFlood(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.PerIP = 2 }) // connection cap per IP: 2*2+4 = 8
	var raws []net.Conn
	for i := 0; i < 8; i++ {
		c, err := net.Dial("tcp", ts.addr)
		if err != nil {
			t.Fatal(err)
		}
		raws = append(raws, c)
	}
	waitUntil(t, "8 connections counted", func() bool {
		ts.Server.mu.Lock()
		defer ts.Server.mu.Unlock()
		return ts.conns == 8
	})
	// Past the cap: refused before the handshake.
	if c, err := dial(t, ts.addr); err == nil {
		_ = c.Close()
		t.Errorf("a connection past the per-IP connection cap got in")
	}
	for _, c := range raws {
		_ = c.Close()
	}
	waitUntil(t, "connection slots freed", func() bool {
		ts.Server.mu.Lock()
		defer ts.Server.mu.Unlock()
		return ts.conns == 0
	})
	if out, _, code := run(t, mustDial(t, ts.addr), "render"); code != 0 || !strings.Contains(out, "FRAME") {
		t.Errorf("server unusable after a flood: %d %q", code, out)
	}

	// A silent connection is dropped at the handshake timeout.
	ts.Server.mu.Lock()
	ts.handshakeTimeout = 100 * time.Millisecond
	ts.Server.mu.Unlock()
	c, err := net.Dial("tcp", ts.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetReadDeadline(time.Now().Add(waitLimit))
	if _, err := io.Copy(io.Discard, c); err != nil {
		t.Errorf("silent connection not closed by the server: %v", err)
	}

	// So is one that logs in and never starts a shell or a command (even
	// with a session channel, an env request or a refused subsystem), and
	// one that ran a command and then holds the connection with no
	// session; one with a session running stays.
	idle := mustDial(t, ts.addr)
	envOnly := mustDial(t, ts.addr)
	es, err := envOnly.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer es.Close()
	_ = es.Setenv("LANG", "C")
	subsys := mustDial(t, ts.addr)
	ss, err := subsys.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer ss.Close()
	_ = ss.RequestSubsystem("sftp")
	ranOne := mustDial(t, ts.addr)
	if out, _, code := run(t, ranOne, "summary"); code != 0 || !strings.Contains(out, "NVDA") {
		t.Fatalf("summary: %d %q", code, out)
	}
	busy := mustDial(t, ts.addr)
	tm := openTerm(t, busy, 80, 24, nil) // a dashboard, running
	tm.waitText(t, "SELLOFF")
	for name, c := range map[string]*gossh.Client{"no session": idle, "env only": envOnly, "refused subsystem": subsys, "held after a command": ranOne} {
		closed := make(chan error, 1)
		go func() { closed <- c.Wait() }()
		select {
		case <-closed:
		case <-time.After(waitLimit):
			t.Fatalf("a logged-in connection (%s) was not closed", name)
		}
	}
	for _, line := range []string{"no session opened in time", "no session for the grace time after the last one"} {
		if !strings.Contains(ts.logs.String(), line) {
			t.Errorf("no log line %q:\n%s", line, ts.logs.String())
		}
	}
	// the connection with a running dashboard is still there, and takes a
	// command beside it
	if out, _, code := run(t, busy, "render"); code != 0 || !strings.Contains(out, "FRAME") {
		t.Errorf("the connection with a session was closed: %d %q", code, out)
	}
	tm.send(t, "q")
	tm.waitDone(t)
}

func TestDefaultHostKeyPath(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_DATA_HOME", dir)
	p, err := DefaultHostKeyPath()
	if err != nil || p != filepath.Join(dir, "selloff", HostKeyFile) {
		t.Errorf("DefaultHostKeyPath = %q, %v", p, err)
	}
}

// A client flooding env requests before its command gets the first few and
// refusals after that, and the session still works.
func TestEnvFloodIsCapped(t *testing.T) {
	ts := startServer(t, nil)
	c := mustDial(t, ts.addr)
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	value := strings.Repeat("x", 1000)
	accepted := 0
	for i := 0; i < 2000; i++ {
		if s.Setenv("FLOOD_"+strings.Repeat("K", i%7), value) == nil {
			accepted++
		}
	}
	t.Logf("accepted %d of 2000", accepted)
	if accepted == 0 || accepted > maxEnvVars || accepted*len(value) > maxEnvBytes {
		t.Errorf("accepted %d env requests of %d bytes; caps are %d and %d bytes", accepted, len(value), maxEnvVars, maxEnvBytes)
	}
	var o bytes.Buffer
	s.Stdout = &o
	if err := s.Run("summary"); err != nil || !strings.Contains(o.String(), "NVDA") {
		t.Errorf("summary after the flood: %v %q", err, o.String())
	}
}

// Terminal replies are dropped from the input, whole or split across
// reads; keys, mouse reports and other CSI sequences pass untouched.
func TestReplyFilter(t *testing.T) {
	tests := []struct {
		chunks []string
		want   string
	}{
		{[]string{"\x1b]11;rgb:1e1e/1e1e/1e1e\x07q"}, "q"},
		{[]string{"j\x1b]11;rgb:1e1e/1e1e/1e1e\x1b\\k"}, "jk"},
		{[]string{"\x1b]11;rgb:1e1e", "/1e1e/1e1e\x1b", "\\q"}, "q"},
		{[]string{"\x1b[?62;22c", "x"}, "x"},
		{[]string{"\x1b[?6", "2;c", "y"}, "y"},
		{[]string{"\x1b[A\x1b[<0;10;5M\x1b[200~paste\x1b[201~"}, "\x1b[A\x1b[<0;10;5M\x1b[200~paste\x1b[201~"},
		{[]string{"\x1b[?25h"}, "\x1b[?25h"}, // a CSI ? that is not DA1
		{[]string{"\x1b]", "g"}, "\x1b]g"},   // alt+] then g: not a reply
		{[]string{"\x1b", "q"}, "\x1bq"},     // a lone ESC goes through at once
	}
	for _, tc := range tests {
		var f replyFilter
		var got []byte
		for _, c := range tc.chunks {
			got = append(got, f.filter([]byte(c))...)
		}
		if string(got) != tc.want {
			t.Errorf("%q: got %q, want %q", tc.chunks, got, tc.want)
		}
	}
	// every split of a reply into two or three reads is dropped whole;
	// every split of keys and mouse reports comes out unchanged
	run := func(chunks []string) string {
		var f replyFilter
		var got []byte
		for _, c := range chunks {
			got = append(got, f.filter([]byte(c))...)
		}
		return string(got)
	}
	for _, seq := range []struct{ in, want string }{
		{"\x1b]11;rgb:1e1e/1e1e/1e1e\x1b\\q", "q"},
		{"\x1b]10;rgb:ffff/ffff/ffff\x07q", "q"},
		{"\x1b[?62;22cq", "q"},
		{"\x1b[A\x1b[<0;10;5Mjk", "\x1b[A\x1b[<0;10;5Mjk"},
	} {
		for i := 0; i <= len(seq.in); i++ {
			for j := i; j <= len(seq.in); j++ {
				got := run([]string{seq.in[:i], seq.in[i:j], seq.in[j:]})
				// an ESC alone in a read is passed on at once (the Esc key
				// must not wait); the reply after it is still dropped
				if escAlone := i == 1 || (i == 0 && j == 1); escAlone && seq.want != seq.in {
					got = strings.TrimPrefix(got, "\x1b")
				}
				if got != seq.want {
					t.Fatalf("%q split at %d,%d: %q, want %q", seq.in, i, j, got, seq.want)
				}
			}
		}
	}
	// an endless "reply" stops being dropped
	var f replyFilter
	out := f.filter([]byte("\x1b]11;" + strings.Repeat("x", 600) + "q"))
	if !strings.HasSuffix(string(out), "q") {
		t.Errorf("input after an endless OSC was lost: %q", out)
	}
}

// FuzzReplyFilter: any input, in any split, gives output that is the
// input with bytes taken out (never added or reordered), and no whole
// colour reply survives.
func FuzzReplyFilter(f *testing.F) {
	f.Add([]byte("\x1b]11;rgb:1e1e/1e1e/1e1e\x1b\\q"), uint8(3))
	f.Add([]byte("\x1b[?62;22c\x1b[A"), uint8(1))
	f.Add([]byte("\x1b\x1b]10;\x07jk"), uint8(2))
	f.Fuzz(func(t *testing.T, in []byte, cut uint8) {
		var rf replyFilter
		c := int(cut) % (len(in) + 1)
		out := append(rf.filter(in[:c]), rf.filter(in[c:])...)
		j := 0
		for _, b := range out {
			for j < len(in) && in[j] != b {
				j++
			}
			if j == len(in) {
				t.Fatalf("%q gave %q: not a subsequence", in, out)
			}
			j++
		}
		if bytes.Contains(out, []byte("\x1b]11;rgb:1e1e/1e1e/1e1e\x1b\\")) {
			t.Fatalf("%q gave %q: a reply survived", in, out)
		}
	})
}

// The summary's heading names a replay's provenance, not a live feed's
// (whose dataset header says "recorded" though nothing is being recorded).
func TestSummaryHeading(t *testing.T) {
	f := &feedsFrame{Title: "t", Provenance: "recorded", Time: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)}
	if h := strings.SplitN(Summary(feedsUpdate{Mode: "live", Frame: f}), "\n", 2)[0]; strings.Contains(h, "recorded") {
		t.Errorf("live: %q", h)
	}
	if h := strings.SplitN(Summary(feedsUpdate{Mode: "replay", Frame: f}), "\n", 2)[0]; !strings.Contains(h, "(replay, recorded)") {
		t.Errorf("replay: %q", h)
	}
}
