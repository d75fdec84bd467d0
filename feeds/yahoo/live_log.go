package yahoo

// Live's log: every state change and error, for --log-file.

import "github.com/selloff/selloff/feeds"

// logHealthLocked logs a change of state or detail, and every error (each
// failed poll once).
func (l *Live) logHealthLocked(prev, h feeds.Health) {
	if l.opt.Logf == nil {
		return
	}
	if h.State != prev.State || h.Detail != prev.Detail {
		l.opt.Logf("feed %s: state %s (was %s) %s", l.opt.ID, h.State, prev.State, h.Detail)
	}
	if h.LastErr != "" && (h.LastErr != prev.LastErr || !h.ErrAt.Equal(prev.ErrAt)) {
		l.opt.Logf("feed %s: error: %s", l.opt.ID, h.LastErr)
	}
}
