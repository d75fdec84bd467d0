package server

import (
	"io"
	"time"

	"github.com/selloff/selloff/tui/celldiff"
)

// newScreen makes a PTY session's screen: the alternate screen, the
// cursor hidden, mouse reporting as in the local dashboard (clicks select
// and focus, the wheel scrolls; shift+drag still selects text in most
// terminals) and bracketed paste, as bubbletea set them.
func (s *Server) newScreen(ss *session) *screenOut {
	var w io.Writer = ss.sess
	if wrap := s.cfg.screenTest.wrap; wrap != nil {
		w = wrap(ss.id, w)
	}
	o := newScreenOut(w, ss.window.Width, ss.window.Height, celldiff.Options{
		AltScreen:      true,
		Mouse:          celldiff.MouseCellMotion,
		BracketedPaste: true,
		// the session's channel writes every LF as CR LF (its PTY emulation)
		MapNL: true,
	}, s.cfg.FPS)
	o.room = &s.room
	o.onFrame = s.cfg.screenTest.onFrame
	return o
}

// closeScreen draws the session's last frame and restores the client's
// terminal, then logs what the session was sent. A client that stopped
// reading gets half the shutdown grace, then its channel is closed.
func (s *Server) closeScreen(ss *session, o *screenOut) {
	if !o.close(s.cfg.ShutdownGrace / 2) {
		ss.log.Warn("client stopped reading, closing channel")
		_ = ss.sess.Close()
		o.close(time.Second)
	}
	d := time.Since(o.started)
	ss.log.Info("screen", "bytes", o.bytes.Load(), "bytes/s", int64(o.rate()),
		"frames", o.frames.Load(), "coalesced", o.skipped.Load(), "duration", d.Round(time.Millisecond))
}

// screenHooks let tests see and hold what a session's screen writes.
type screenHooks struct {
	// wrap wraps a session's channel writer (a test's slow link).
	wrap func(session uint64, w io.Writer) io.Writer
	// onFrame sees every frame the pump renders and the bytes it made
	// (the pump's goroutine; out is valid during the call only).
	onFrame func(view string, w, h int, out []byte)
}
