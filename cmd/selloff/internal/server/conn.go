package server

import (
	"net"
	"sync"
	"sync/atomic"
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
	opened := new(atomic.Bool)
	ctx.SetValue(sessionOpenedKey{}, opened)
	// A connection must authenticate and open a session within the
	// handshake timeout: one that logs in and then sits there would hold
	// a connection slot for the whole idle timeout, and a few of them
	// lock everyone else out.
	tc.guard = time.AfterFunc(hsTimeout, func() {
		switch {
		case ctx.Value(ssh.ContextKeyConn) == nil:
			s.log.Warn("handshake timeout", "remote-addr", c.RemoteAddr().String())
			_ = c.Close()
		case !opened.Load():
			s.log.Warn("no session opened in time", "remote-addr", c.RemoteAddr().String())
			_ = c.Close()
		}
	})
	return tc
}

// sessionOpenedKey holds, in a connection's context, an *atomic.Bool set
// when the connection starts its first session.
type sessionOpenedKey struct{}

// markSessionOpened records that the connection of ctx started a session.
func markSessionOpened(ctx ssh.Context) {
	if b, ok := ctx.Value(sessionOpenedKey{}).(*atomic.Bool); ok {
		b.Store(true)
	}
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
