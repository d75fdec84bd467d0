package server

import (
	"time"

	"github.com/charmbracelet/ssh"
)

// logMiddleware logs connect and disconnect with user, remote address,
// key, command, term and window, and duration, like wish's
// logging.StructuredMiddleware, but it logs the raw command clipped rather
// than parsing it (a huge command line would be parsed before any limit).
func (s *Server) logMiddleware(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		start := time.Now()
		pty, _, isPty := sess.Pty()
		kv := []any{
			"user", clip(sess.User(), 64),
			"remote-addr", sess.RemoteAddr().String(),
			"public-key", sess.PublicKey() != nil,
			"command", clip(sess.RawCommand(), 120),
			"pty", isPty,
			"client-version", clip(sess.Context().ClientVersion(), 64),
		}
		if isPty {
			kv = append(kv, "term", clip(pty.Term, 32), "width", pty.Window.Width, "height", pty.Window.Height)
		}
		s.log.Info("connect", kv...)
		next(sess)
		s.log.Info("disconnect", "user", clip(sess.User(), 64), "remote-addr", sess.RemoteAddr().String(),
			"duration", time.Since(start).Round(time.Millisecond))
	}
}
