package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/log"
	"github.com/charmbracelet/ssh"
	bm "github.com/charmbracelet/wish/bubbletea"
	"github.com/muesli/termenv"

	"github.com/selloff/selloff/feeds"
)

// endReason says why the server ended a session (the first reason wins).
type endReason int32

const (
	endNone     endReason = iota // the client or the program ended it
	endIdle                      // no input for IdleTimeout
	endMax                       // MaxTimeout reached
	endShutdown                  // the server is stopping
	endPanic                     // the session's model panicked
	endFail                      // the session could not start (failMsg says why)
)

// handshakeTimeout closes connections that have not finished the SSH
// handshake (and authentication) by then.
const handshakeTimeout = 30 * time.Second

// maxCommand bounds a one-shot command line; longer ones are refused before
// they are parsed.
const maxCommand = 1024

// session is the server's record of one SSH session.
type session struct {
	id   uint64
	srv  *Server
	sess ssh.Session // the real session
	ip   string
	pty  bool
	log  *log.Logger

	ctx    context.Context // subscriptions, commands: ends with the connection, the handler, or end
	cancel context.CancelFunc
	// progCtx is the program's context. It is not ended by the connection:
	// programs are ended by a clean Quit (wish sends one when the
	// connection ends, end sends one), which restores the terminal and
	// stops the input reader in order; cancelling it kills the program
	// and is the last resort.
	progCtx    context.Context
	progCancel context.CancelFunc

	reason    atomic.Int32
	failMsg   atomic.Value // string
	lastInput atomic.Int64 // unix nanoseconds of the last byte from the client
	// dropReplies is set once the background query is over: terminal
	// replies that come after it are dropped from the input.
	dropReplies atomic.Bool
	presenter   bool // holds the watch-party controller (guarded by Server.mu)
	party       bool // a dashboard viewer of the watch party (guarded by Server.mu)
	// Watch party (lesson.go): the viewer's id in the party ("<node>/<id>"),
	// whether it follows the presenter (guarded by Server.mu), and the
	// clock its feed reads: the shared one, or its private one after it
	// left following (switches serialised by selMu).
	viewer  string
	follow  bool
	ops     opBucket // lesson ops allowed (guarded by Server.mu)
	sel     atomic.Pointer[feedSel]
	selMu   sync.Mutex
	program atomic.Pointer[tea.Program]
	out     atomic.Pointer[screenOut] // the client's screen: frames in, changed cells out
	closeFn atomic.Pointer[func()]    // the model's Close (tui: its mouse-zone worker), after the program

	// PTY sessions read the client through a pipe fed by one pump
	// goroutine, so the background-colour query and the program's input
	// reader can be cancelled (a plain session read cannot).
	pr, pw *os.File
	prFd   uintptr
	winch  chan ssh.Window // sanitised window changes
	window ssh.Window      // sanitised initial window

	timerMu   sync.Mutex
	done      bool
	idleTimer *time.Timer
	maxTimer  *time.Timer
	killTimer *time.Timer
}

// end asks the session to finish for reason: its program quits (the
// terminal is restored), the client is told why, and the channel is closed
// within the shutdown grace even if the client stopped reading.
func (ss *session) end(reason endReason) {
	ss.reason.CompareAndSwap(int32(endNone), int32(reason))
	ss.timerMu.Lock()
	defer ss.timerMu.Unlock()
	if ss.done || ss.killTimer != nil {
		return
	}
	if p := ss.program.Load(); p != nil {
		// A clean quit: the program restores the terminal. Send returns
		// once the program takes the message or its context ends.
		go p.Quit()
	} else {
		ss.cancel()
	}
	ss.killTimer = time.AfterFunc(ss.srv.cfg.ShutdownGrace*3/5, func() {
		// Still here: kill the program, then, if even that does not
		// finish (a client that stopped reading), close the channel.
		ss.cancel()
		ss.progCancel()
		ss.timerMu.Lock()
		defer ss.timerMu.Unlock()
		if ss.done {
			return
		}
		ss.killTimer = time.AfterFunc(ss.srv.cfg.ShutdownGrace*2/5, func() {
			ss.log.Warn("session did not end in time, closing channel")
			_ = ss.sess.Close()
		})
	})
}

func (ss *session) fail(msg string) {
	ss.failMsg.Store(msg)
	ss.end(endFail)
}

func (ss *session) checkIdle() {
	idle := ss.srv.cfg.IdleTimeout
	since := time.Since(time.Unix(0, ss.lastInput.Load()))
	if since >= idle {
		ss.end(endIdle)
		return
	}
	ss.timerMu.Lock()
	defer ss.timerMu.Unlock()
	if !ss.done {
		ss.idleTimer.Reset(idle - since)
	}
}

func (ss *session) stopTimers() {
	ss.timerMu.Lock()
	defer ss.timerMu.Unlock()
	ss.done = true
	for _, t := range []*time.Timer{ss.idleTimer, ss.maxTimer, ss.killTimer} {
		if t != nil {
			t.Stop()
		}
	}
}

func (ss *session) farewell() string {
	switch endReason(ss.reason.Load()) {
	case endIdle:
		return fmt.Sprintf("selloff: no input for %s, session closed. Bye!", ss.srv.cfg.IdleTimeout)
	case endMax:
		return fmt.Sprintf("selloff: session reached the %s limit, closed. Reconnect any time.", ss.srv.cfg.MaxTimeout)
	case endShutdown:
		return "selloff: the server is stopping, goodbye."
	case endPanic:
		return "selloff: internal error, this session was ended (the server keeps running)."
	case endFail:
		msg, _ := ss.failMsg.Load().(string)
		return "selloff: " + msg
	}
	return ""
}

// sessionIO is the session handed to the inner middleware: the real
// session with sanitised window sizes and, for PTYs, cancellable input.
type sessionIO struct {
	ssh.Session
	ss *session
}

func (w *sessionIO) state() *session { return w.ss }

// Pty reports the clamped window and the sanitised window-change channel
// (never closed, so the bubbletea middleware's resize loop cannot spin).
func (w *sessionIO) Pty() (ssh.Pty, <-chan ssh.Window, bool) {
	p, _, ok := w.Session.Pty()
	if !ok {
		return p, nil, false
	}
	p.Window = w.ss.window
	return p, w.ss.winch, true
}

// ptySessionIO is a PTY session; it is a cancelreader.File so bubbletea and
// the colour query read it through epoll and can stop reading at once.
type ptySessionIO struct{ *sessionIO }

func (w *ptySessionIO) Read(p []byte) (int, error) { return w.ss.pr.Read(p) }
func (w *ptySessionIO) Fd() uintptr                { return w.ss.prFd }
func (w *ptySessionIO) Name() string               { return "ssh-session" }

type sessionState interface{ state() *session }

func hostOf(a net.Addr) string {
	if a == nil {
		return ""
	}
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return host
}

// clampWindow bounds what a client claims: 0 means unknown (80x24), huge
// sizes are cut to MaxWidth x MaxHeight.
func (s *Server) clampWindow(w ssh.Window) ssh.Window {
	if w.Width <= 0 {
		w.Width = 80
	}
	if w.Height <= 0 {
		w.Height = 24
	}
	w.Width = min(w.Width, s.cfg.MaxWidth)
	w.Height = min(w.Height, s.cfg.MaxHeight)
	return w
}

// admit registers a new session or says why it cannot start.
func (s *Server) admit(ss *session) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.closing:
		return "selloff: the server is stopping, try again later", false
	case len(s.sessions) >= s.cfg.MaxSessions:
		return fmt.Sprintf("selloff: server full (%d sessions), try again later", s.cfg.MaxSessions), false
	case s.perIP[ss.ip] >= s.cfg.PerIP:
		return fmt.Sprintf("selloff: too many sessions from your address (%d), try again later", s.cfg.PerIP), false
	}
	s.sessions[ss] = struct{}{}
	s.perIP[ss.ip]++
	s.wg.Add(1)
	return "", true
}

func (s *Server) release(ss *session) {
	s.mu.Lock()
	delete(s.sessions, ss)
	if s.perIP[ss.ip]--; s.perIP[ss.ip] <= 0 {
		delete(s.perIP, ss.ip)
	}
	wasParty, wasPresenter := ss.party, ss.presenter
	var heir *session // --presenter-key: another session of the key takes the seat
	if ss.party {
		s.forgetLocked(ss)
		s.partyChangedLocked() // the others' status says who presents now
		if wasPresenter && s.presenter != nil {
			for o := range s.sessions {
				if o.party && o.presenter && (heir == nil || o.id < heir.id) {
					heir = o
				}
			}
		}
	}
	s.mu.Unlock()
	if wasParty {
		s.leaveParty(ss, wasPresenter, heir)
	}
	s.wg.Done()
}

// sessionMiddleware enforces the limits, keeps the registry, runs the
// timeouts, and tells the client why the server ended its session.
func (s *Server) sessionMiddleware(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		sessionBegins(sess.Context())
		defer sessionEnds(sess.Context())
		_, realWinch, isPty := sess.Pty()
		ss := &session{
			id:   s.nextID.Add(1),
			srv:  s,
			sess: sess,
			ip:   hostOf(sess.RemoteAddr()),
			pty:  isPty,
		}
		ss.viewer = s.node + "/" + strconv.FormatUint(ss.id, 10)
		ss.log = s.log.With("session", ss.id)
		// before admit: once registered, Shutdown may call end, which
		// reads the cancel funcs
		ss.ctx, ss.cancel = context.WithCancel(sess.Context())
		defer ss.cancel()
		ss.progCtx, ss.progCancel = context.WithCancel(context.WithoutCancel(ss.ctx))
		defer ss.progCancel()
		if msg, ok := s.admit(ss); !ok {
			s.refusals.Warn("session refused: "+strings.TrimPrefix(msg, "selloff: "), "remote-addr", sess.RemoteAddr().String())
			_, _ = fmt.Fprintln(sess.Stderr(), msg)
			_ = sess.Exit(1)
			return
		}
		defer s.release(ss)
		// The connection ending arms the kill timer, in case the clean
		// quit wish sends does not finish.
		stopWatch := context.AfterFunc(sess.Context(), func() { ss.end(endNone) })
		defer stopWatch()
		ss.lastInput.Store(time.Now().UnixNano())

		var inner ssh.Session = &sessionIO{Session: sess, ss: ss}
		if isPty {
			p, _, _ := sess.Pty()
			ss.window = s.clampWindow(p.Window)
			ss.winch = make(chan ssh.Window, 1)
			go s.pumpWindows(ss, realWinch)
			pr, pw, err := os.Pipe()
			if err != nil {
				ss.log.Error("pipe", "err", err)
				_, _ = fmt.Fprintln(sess.Stderr(), "selloff: server error, try again later")
				_ = sess.Exit(1)
				return
			}
			ss.pr, ss.pw, ss.prFd = pr, pw, pr.Fd()
			defer func() { _ = pw.Close(); _ = pr.Close() }()
			go ss.pumpInput()
			inner = &ptySessionIO{inner.(*sessionIO)}
			if d := s.cfg.IdleTimeout; d > 0 {
				ss.timerMu.Lock()
				ss.idleTimer = time.AfterFunc(d, ss.checkIdle)
				ss.timerMu.Unlock()
			}
		}
		if d := s.cfg.MaxTimeout; d > 0 {
			ss.timerMu.Lock()
			ss.maxTimer = time.AfterFunc(d, func() { ss.end(endMax) })
			ss.timerMu.Unlock()
		}
		s.mu.Lock()
		closing := s.closing
		s.mu.Unlock()
		if closing { // Shutdown began between admit and now
			ss.end(endShutdown)
		}

		start := time.Now()
		next(inner)
		if f := ss.closeFn.Load(); f != nil {
			(*f)()
		}
		if o := ss.out.Load(); o != nil {
			s.closeScreen(ss, o)
		}
		stopWatch()
		ss.stopTimers()
		ss.cancel()
		reason := endReason(ss.reason.Load())
		if msg := ss.farewell(); msg != "" {
			if isPty {
				_, _ = fmt.Fprint(sess, "\r\n"+msg+"\r\n")
			} else {
				_, _ = fmt.Fprintln(sess.Stderr(), msg)
			}
			_ = sess.Exit(1)
		}
		ss.log.Debug("session end", "reason", int(reason), "duration", time.Since(start))
	}
}

// pumpWindows clamps and forwards window changes, latest first. It drains
// the real channel until the session's request loop closes it: an unread
// window change would otherwise block that loop forever.
func (s *Server) pumpWindows(ss *session, in <-chan ssh.Window) {
	for w := range in {
		w = s.clampWindow(w)
		select {
		case ss.winch <- w:
		default:
			select {
			case <-ss.winch:
			default:
			}
			select {
			case ss.winch <- w:
			default:
			}
		}
	}
}

// pumpInput copies the client's bytes into the session pipe and notes the
// time of the last input for the idle timeout.
func (ss *session) pumpInput() {
	buf := make([]byte, 4096)
	var replies replyFilter
	for {
		n, err := ss.sess.Read(buf)
		if n > 0 {
			ss.lastInput.Store(time.Now().UnixNano())
			in := buf[:n]
			if ss.dropReplies.Load() {
				in = replies.filter(in) // the query is over: late answers are not keys
			}
			if _, werr := ss.pw.Write(in); werr != nil {
				return
			}
		}
		if err != nil {
			_ = ss.pw.Close()
			return
		}
	}
}

// commandMiddleware sits where activeterm would: a session with a command
// runs it and exits; a session with neither a command nor a PTY gets the
// usage; a PTY session without a command goes on to the dashboard.
func (s *Server) commandMiddleware(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		st, ok := sess.(sessionState)
		if !ok {
			_ = sess.Exit(1)
			return
		}
		_, _, isPty := sess.Pty()
		if len(sess.RawCommand()) > maxCommand {
			_, _ = fmt.Fprintf(sess.Stderr(), "selloff: command too long\n\n%s", usage)
			_ = sess.Exit(2)
			return
		}
		args := sess.Command()
		if len(args) == 0 && isPty {
			next(sess)
			return
		}
		code := s.runCommand(st.state(), sess, args)
		_ = sess.Exit(code)
	}
}

// programHandler builds one session's bubbletea program: a renderer made
// from the session (the client's colour profile and background), the
// session's feed subscription, and the model from Config.Model.
func (s *Server) programHandler(sess ssh.Session) *tea.Program {
	st, ok := sess.(sessionState)
	if !ok {
		return nil
	}
	ss := st.state()
	if ss.ctx.Err() != nil {
		return nil
	}
	r, _ := sessionRenderer(sess, bgQueryTimeout)
	ss.dropReplies.Store(true)
	updates, control, err := s.subscribe(ss)
	if err != nil {
		ss.log.Error("source", "err", err)
		ss.fail("cannot start the feed: " + err.Error())
		return nil
	}
	if f := s.cfg.SessionFeed; f != nil {
		updates = f(ss.ctx, updates)
	}
	deps := SessionDeps{
		Env:      sessionEnv(sess),
		Renderer: r,
		Updates:  updates,
		Control:  control,
		Now:      s.cfg.Now,
		Width:    ss.window.Width,
		Height:   ss.window.Height,
		Glyphs:   s.cfg.Glyphs,
		Logger:   ss.log,
	}
	m, err := s.newModel(deps)
	if err != nil {
		ss.log.Error("model", "err", err)
		ss.reason.CompareAndSwap(int32(endNone), int32(endPanic))
		return nil
	}
	pty, _, _ := sess.Pty()
	ss.log.Info("dashboard", "term", pty.Term, "width", ss.window.Width, "height", ss.window.Height,
		"profile", profileName(r.ColorProfile()), "dark", r.HasDarkBackground(),
		"control", control != nil)
	// The program renders nothing itself: safeModel hands each frame to
	// the session's screen, which sends the client only the cells that
	// changed (bubbletea v1's renderer repaints every changed line whole)
	// and never lets a slow client hold the program up.
	ss.out.Store(s.newScreen(ss))
	opts := append(bm.MakeOptions(sess),
		tea.WithoutRenderer(),
		tea.WithContext(ss.progCtx),
		// The server, not each program, handles SIGINT and SIGTERM.
		tea.WithoutSignalHandler(),
	)
	if c, ok := m.(interface{ Close() }); ok {
		f := c.Close
		ss.closeFn.Store(&f)
	}
	p := tea.NewProgram(safeModel{inner: m, ss: ss}, opts...)
	ss.program.Store(p)
	if ss.ctx.Err() != nil || endReason(ss.reason.Load()) != endNone {
		go p.Quit() // ended while starting
	}
	return p
}

func (s *Server) newModel(d SessionDeps) (m tea.Model, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic building the model: %v\n%s", r, debug.Stack())
		}
	}()
	m = s.cfg.Model(d)
	if m == nil {
		return nil, fmt.Errorf("Config.Model returned nil")
	}
	return m, nil
}

// subscribe gives a session its updates and, when it may drive the clock,
// the controller.
func (s *Server) subscribe(ss *session) (<-chan feeds.Update, feeds.Controller, error) {
	src := s.cfg.Sources
	switch {
	case s.cfg.WatchParty:
		s.joinParty(ss)
		presents := s.claimSeat(ss)
		s.recount()
		feed := s.partyFeed(ss.ctx, ss, src.Shared.Subscribe(ss.ctx))
		if presents {
			ss.log.Info("presenter", "viewer", ss.viewer)
			return feed, s.presenterControl(ss, s.party), nil
		}
		// A follower gets a controller that refuses while someone else
		// presents, and takes the party over when nobody does (the
		// presenter left): viewers already in the room need not reconnect.
		// Once it leaves following it drives its own, private clock.
		return feed, &partyControl{s: s, ss: ss}, nil
	case src.PerSession != nil:
		rs, ctl, err := src.PerSession(ss.ctx)
		if err != nil {
			return nil, nil, err
		}
		return rs.Subscribe(ss.ctx), ctl, nil
	default:
		return src.Shared.Subscribe(ss.ctx), src.SharedControl, nil
	}
}

// claimSeat takes the presenter's seat for ss when it may: with
// --presenter-key when its key matches (the key decides: it presents even
// if another session of the key holds the seat), else when the seat is
// vacant.
func (s *Server) claimSeat(ss *session) bool {
	keyed := s.presenter != nil
	if keyed && !s.presenter.matches(ss.sess.PublicKey()) {
		return false
	}
	ok, _, err := s.party.Claim(ss.viewer, displayName(ss.sess.User()))
	if err != nil {
		ss.log.Warn("presenter seat", "err", err)
	}
	if !ok && !keyed {
		return false
	}
	s.mu.Lock()
	ss.presenter = true
	s.partyChangedLocked()
	s.mu.Unlock()
	return true
}

// errFollower answers a follower's command while someone presents.
var errFollower = errors.New("the presenter drives this watch party; you follow its clock")

// partyControl is a watch-party viewer's controller. While it follows,
// it passes clock commands on once its session has taken the vacant
// presenter's seat (first-come mode only; with --presenter-key only that
// key presents); after it left following (f) they drive its private
// clock, never past the no-peeking limit.
type partyControl struct {
	s  *Server
	ss *session
}

func (c *partyControl) Control(cmd feeds.Command) error {
	s := c.s
	if sel := c.ss.sel.Load(); sel != nil && sel.ctl != nil {
		return s.privateControl(sel, cmd)
	}
	if s.presenter != nil {
		return errFollower
	}
	s.mu.Lock()
	mine := c.ss.presenter
	s.mu.Unlock()
	if !mine {
		ok, _, err := s.party.Claim(c.ss.viewer, displayName(c.ss.sess.User()))
		if err != nil {
			return err
		}
		if !ok {
			return errFollower
		}
		s.mu.Lock()
		c.ss.presenter, c.ss.follow = true, true
		s.partyChangedLocked() // every status says who presents now
		s.mu.Unlock()
		s.recount()
		c.ss.log.Info("presenter", "took-over", true, "viewer", c.ss.viewer)
	}
	return s.party.Control(cmd)
}

// Target implements feeds.Targeter for the private clock, and for the
// shared one once this viewer presents.
func (c *partyControl) Target(cmd feeds.Command) (time.Time, bool) {
	if sel := c.ss.sel.Load(); sel != nil && sel.ctl != nil {
		if t, ok := sel.ctl.(feeds.Targeter); ok {
			return t.Target(cmd)
		}
		return time.Time{}, false
	}
	c.s.mu.Lock()
	mine := c.ss.presenter
	c.s.mu.Unlock()
	if t, ok := c.s.sharedTargeter(); ok && mine {
		return t.Target(cmd)
	}
	return time.Time{}, false
}

// Lesson implements feeds.LessonControl.
func (c *partyControl) Lesson(op feeds.LessonOp) error { return c.s.lessonOp(c.ss, op) }

// noColor reports whether the client asked for no colour (NO_COLOR sent
// with SendEnv/SetEnv, or TERM=dumb).
func noColor(sess ssh.Session) bool {
	for _, kv := range sess.Environ() {
		if v, ok := strings.CutPrefix(kv, "NO_COLOR="); ok && v != "" {
			return true
		}
	}
	pty, _, ok := sess.Pty()
	return ok && (pty.Term == "dumb" || pty.Term == "")
}

func profileName(p termenv.Profile) string {
	switch p {
	case termenv.TrueColor:
		return "truecolor"
	case termenv.ANSI256:
		return "ansi256"
	case termenv.ANSI:
		return "ansi"
	}
	return "ascii"
}

// safeModel wraps a session's model: a panic in Init, Update or View is
// logged and ends this session only, and window sizes are clamped before
// the model sees them.
type safeModel struct {
	inner tea.Model
	ss    *session
}

func (m safeModel) crashed(where string, r any) {
	m.ss.log.Error("panic in session model", "in", where, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
	m.ss.end(endPanic)
}

func (m safeModel) Init() (cmd tea.Cmd) {
	defer func() {
		if r := recover(); r != nil {
			m.crashed("Init", r)
			cmd = tea.Quit
		}
	}()
	return m.inner.Init()
}

func (m safeModel) Update(msg tea.Msg) (out tea.Model, cmd tea.Cmd) {
	if ws, ok := msg.(tea.WindowSizeMsg); ok {
		w := m.ss.srv.clampWindow(ssh.Window{Width: ws.Width, Height: ws.Height})
		msg = tea.WindowSizeMsg{Width: w.Width, Height: w.Height}
		if o := m.ss.out.Load(); o != nil {
			o.resize(w.Width, w.Height)
		}
	}
	defer func() {
		if r := recover(); r != nil {
			m.crashed("Update", r)
			out, cmd = m, tea.Quit
		}
	}()
	inner, cmd := m.inner.Update(msg)
	return safeModel{inner: inner, ss: m.ss}, cmd
}

func (m safeModel) View() (v string) {
	defer func() {
		if r := recover(); r != nil {
			m.crashed("View", r)
			v = ""
		}
		if o := m.ss.out.Load(); o != nil {
			o.setFrame(v)
		}
	}()
	return m.inner.View()
}

// plainRenderer renders for one-shot commands: plain text, no escapes.
func plainRenderer(sess ssh.Session) *lipgloss.Renderer {
	return lipgloss.NewRenderer(sess, termenv.WithProfile(termenv.Ascii))
}
