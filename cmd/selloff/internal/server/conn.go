package server

import (
	"net"
	"sync"
	"time"

	"github.com/charmbracelet/ssh"
)

// Connection caps sit above the session caps, so a client past the session
// limit still gets its polite line; they only stop floods of connections
// that never open a session.
func (s *Server) maxConns() int      { return 2*s.cfg.MaxSessions + 8 }
func (s *Server) maxConnsPerIP() int { return 2*s.cfg.PerIP + 4 }

// onConn counts connections and closes those that do not finish the
// handshake in time.
func (s *Server) onConn(ctx ssh.Context, c net.Conn) net.Conn {
	ip := hostOf(c.RemoteAddr())
	s.mu.Lock()
	if s.closing || s.conns >= s.maxConns() || s.connsByIP[ip] >= s.maxConnsPerIP() {
		s.mu.Unlock()
		s.log.Warn("connection refused", "remote-addr", c.RemoteAddr().String())
		return nil
	}
	s.conns++
	s.connsByIP[ip]++
	hsTimeout := s.handshakeTimeout
	s.mu.Unlock()
	tc := &trackedConn{Conn: c, srv: s, ip: ip}
	use := &connUse{grace: hsTimeout, close: func(why string) {
		s.log.Warn(why, "remote-addr", c.RemoteAddr().String())
		_ = c.Close()
	}}
	ctx.SetValue(connUseKey{}, use)
	// A connection must authenticate and start a shell or a command within
	// the handshake timeout, and is closed the same time after its last
	// session ends: one that logs in (or runs one command) and then sits
	// there would hold a connection slot for hours (keepalives reset the
	// idle deadline), and a few of them lock everyone else out.
	tc.guard = time.AfterFunc(hsTimeout, func() {
		switch {
		case ctx.Value(ssh.ContextKeyConn) == nil:
			use.close("handshake timeout")
		case !use.started():
			use.close("no session opened in time")
		}
	})
	return tc
}

// connUse follows a connection's sessions for the guard.
type connUse struct {
	grace time.Duration
	close func(why string)

	mu    sync.Mutex
	used  bool // a shell or a command was asked for
	open  int  // sessions running
	timer *time.Timer
}

type connUseKey struct{}

func useOf(ctx ssh.Context) *connUse {
	u, _ := ctx.Value(connUseKey{}).(*connUse)
	return u
}

func (u *connUse) started() bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.used
}

// markSessionOpened records that the connection of ctx asked for a shell
// or a command.
func markSessionOpened(ctx ssh.Context) {
	if u := useOf(ctx); u != nil {
		u.mu.Lock()
		u.used = true
		u.mu.Unlock()
	}
}

// sessionBegins and sessionEnds count a connection's running sessions;
// the last one ending arms the close, a new one disarms it.
func sessionBegins(ctx ssh.Context) {
	if u := useOf(ctx); u != nil {
		u.mu.Lock()
		u.used = true
		u.open++
		if u.timer != nil {
			u.timer.Stop()
		}
		u.mu.Unlock()
	}
}

func sessionEnds(ctx ssh.Context) {
	u := useOf(ctx)
	if u == nil {
		return
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.open--; u.open > 0 {
		return
	}
	if u.timer != nil {
		u.timer.Stop()
	}
	u.timer = time.AfterFunc(u.grace, func() {
		u.mu.Lock()
		idle := u.open == 0
		u.mu.Unlock()
		if idle {
			u.close("no session for the grace time after the last one")
		}
	})
}

type trackedConn struct {
	net.Conn
	srv   *Server
	ip    string
	guard *time.Timer
	once  sync.Once
}

func (c *trackedConn) Close() error {
	c.once.Do(func() {
		c.guard.Stop()
		s := c.srv
		s.mu.Lock()
		s.conns--
		if s.connsByIP[c.ip]--; s.connsByIP[c.ip] <= 0 {
			delete(s.connsByIP, c.ip)
		}
		s.mu.Unlock()
	})
	return c.Conn.Close()
}
