package server

import (
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/charmbracelet/ssh"
)

// Connection budgets. A connection is "pending" from the moment it is
// accepted until it has logged in and started a shell or a command; it must
// get there within the handshake deadline or it is closed. Pending
// connections have their own budget, global (2 x max-sessions + 8) and per
// address (per-ip, at least 2; an IPv6 /64 counts as one address), and the last quarter of the global budget
// is kept for addresses that have no pending connection yet, so that a
// few addresses holding half-open handshakes cannot lock everyone out.
// When more than half the budget is in use, the handshake deadline drops
// from 30 s to 10 s, for the connections already waiting too.
//
// The caps on all connections sit above the session caps, so a client past
// the session limit still gets its polite line; they only stop floods of
// connections that never open a session.
func (s *Server) maxConns() int        { return 3*s.cfg.MaxSessions + 16 }
func (s *Server) maxConnsPerIP() int   { return 2*s.cfg.PerIP + 4 }
func (s *Server) maxPending() int      { return 2*s.cfg.MaxSessions + 8 }
func (s *Server) maxPendingPerIP() int { return max(2, s.cfg.PerIP) }
func (s *Server) pendingReserve() int  { return max(1, s.maxPending()/4) }

// busyHandshakeTimeout is the handshake deadline under pressure
// (handshakeTimeout, in session.go, otherwise; tests shorten both through
// Server fields).
const busyHandshakeTimeout = 10 * time.Second

// admitLocked says why a connection from ip is refused, or "".
func (s *Server) admitLocked(ip string) string {
	switch {
	case s.closing:
		return "connection refused: shutting down"
	case s.conns >= s.maxConns():
		return "connection refused: too many connections"
	case s.connsByIP[ip] >= s.maxConnsPerIP():
		return "connection refused: too many connections from one address"
	case s.pendingByIP[ip] >= s.maxPendingPerIP():
		return "connection refused: pre-auth budget of one address used up"
	case s.pending >= s.maxPending():
		return "connection refused: pre-auth budget used up"
	case s.pendingByIP[ip] > 0 && s.pending >= s.maxPending()-s.pendingReserve():
		return "connection refused: pre-auth budget used up (the rest is kept for new addresses)"
	}
	return ""
}

// onConn counts connections and closes those that do not finish the
// handshake in time.
func (s *Server) onConn(ctx ssh.Context, c net.Conn) net.Conn {
	ip := sourceOf(c.RemoteAddr())
	now := time.Now()
	s.mu.Lock()
	if why := s.admitLocked(ip); why != "" {
		s.mu.Unlock()
		s.refusals.Warn(why, "remote-addr", c.RemoteAddr().String())
		return nil
	}
	s.conns++
	s.connsByIP[ip]++
	s.pending++
	s.pendingByIP[ip]++
	hsTimeout := s.handshakeTimeout
	busy := s.pending > s.maxPending()/2
	if busy {
		hsTimeout = min(hsTimeout, s.busyHandshakeTimeout)
	}
	tc := &trackedConn{Conn: c, srv: s, ip: ip, pending: true, deadline: now.Add(hsTimeout)}
	use := &connUse{grace: hsTimeout, close: func(why string) {
		s.refusals.Warn(why, "remote-addr", c.RemoteAddr().String())
		_ = c.Close()
	}, onStart: func() { s.leavePending(tc) }}
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
	s.pendingConns[tc] = struct{}{}
	if busy {
		// Under pressure, the connections already waiting get the short
		// deadline too.
		for p := range s.pendingConns {
			if d := now.Add(s.busyHandshakeTimeout); p.deadline.After(d) && p.guard.Stop() {
				p.deadline = d
				p.guard.Reset(s.busyHandshakeTimeout)
			}
		}
	}
	s.mu.Unlock()
	return tc
}

// sourceOf is the key connections are counted by: the remote IPv4
// address, or the IPv6 /64 (one host's allotment: counting single IPv6
// addresses would give one client billions of budgets).
func sourceOf(a net.Addr) string {
	ip := addrIP(a)
	if ip.Is6() {
		return netip.PrefixFrom(ip, 64).Masked().String()
	}
	if ip.IsValid() {
		return ip.String()
	}
	return hostOf(a)
}

// addrIP is the IP of a remote address (IPv4-mapped IPv6 unmapped), or
// the zero Addr when there is none.
func addrIP(a net.Addr) netip.Addr {
	if a == nil {
		return netip.Addr{}
	}
	if ap, err := netip.ParseAddrPort(a.String()); err == nil {
		return ap.Addr().Unmap().WithZone("")
	}
	ip, _ := netip.ParseAddr(hostOf(a))
	return ip.Unmap().WithZone("")
}

// leavePending takes tc out of the pre-auth budget (it started a session,
// or closed).
func (s *Server) leavePending(tc *trackedConn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !tc.pending {
		return
	}
	tc.pending = false
	s.pending--
	if s.pendingByIP[tc.ip]--; s.pendingByIP[tc.ip] <= 0 {
		delete(s.pendingByIP, tc.ip)
	}
	delete(s.pendingConns, tc)
}

// connUse follows a connection's sessions for the guard.
type connUse struct {
	grace   time.Duration
	close   func(why string)
	onStart func() // once, at the first shell or command

	mu       sync.Mutex
	used     bool // a shell or a command was asked for
	open     int  // sessions running
	channels int  // channels open
	refused  int  // channel opens refused
	timer    *time.Timer
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
		u.markUsed()
	}
}

func (u *connUse) markUsed() {
	u.mu.Lock()
	first := !u.used
	u.used = true
	u.mu.Unlock()
	if first && u.onStart != nil {
		u.onStart()
	}
}

// sessionBegins and sessionEnds count a connection's running sessions;
// the last one ending arms the close, a new one disarms it.
func sessionBegins(ctx ssh.Context) {
	if u := useOf(ctx); u != nil {
		u.markUsed()
		u.mu.Lock()
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
	// guarded by srv.mu
	pending  bool      // counts against the pre-auth budget
	deadline time.Time // of the guard while pending
}

func (c *trackedConn) Close() error {
	c.once.Do(func() {
		c.guard.Stop()
		s := c.srv
		s.leavePending(c)
		s.mu.Lock()
		s.conns--
		if s.connsByIP[c.ip]--; s.connsByIP[c.ip] <= 0 {
			delete(s.connsByIP, c.ip)
		}
		s.mu.Unlock()
	})
	return c.Conn.Close()
}
