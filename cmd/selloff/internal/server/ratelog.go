package server

import (
	"sync"
	"time"

	"github.com/charmbracelet/log"
)

// DefaultRefusalLogEvery is how often at most one reason for refusing a
// connection, a channel or a key is logged; the ones in between are
// counted and reported together.
const DefaultRefusalLogEvery = 10 * time.Second

// refusalLog logs refusals (connections, channels, keys) at most once per
// reason per interval: a flood of refused connections must not flood the
// log (or the disk) in turn. The first refusal of a reason is logged at
// once; those that follow within the interval are counted, and the count
// is logged when the interval ends. Reasons are a fixed set of strings,
// so the map stays small; the details of one refusal (its address) go in
// the key-values.
type refusalLog struct {
	log   *log.Logger
	every time.Duration

	mu      sync.Mutex
	reasons map[string]*refusalState
}

type refusalState struct {
	at         time.Time // last line written
	suppressed int
	timer      *time.Timer // pending report of suppressed
}

func newRefusalLog(l *log.Logger, every time.Duration) *refusalLog {
	return &refusalLog{log: l, every: every, reasons: map[string]*refusalState{}}
}

// Warn logs reason with kv, or counts it if reason was logged less than
// the interval ago.
func (r *refusalLog) Warn(reason string, kv ...any) {
	now := time.Now()
	r.mu.Lock()
	st := r.reasons[reason]
	if st == nil {
		st = &refusalState{}
		r.reasons[reason] = st
	} else if now.Sub(st.at) < r.every {
		st.suppressed++
		if st.timer == nil {
			st.timer = time.AfterFunc(st.at.Add(r.every).Sub(now), func() { r.flush(reason) })
		}
		r.mu.Unlock()
		return
	}
	st.at = now
	r.mu.Unlock()
	r.log.Warn(reason, kv...)
}

func (r *refusalLog) flush(reason string) {
	r.mu.Lock()
	st := r.reasons[reason]
	n, every := st.suppressed, r.every
	st.suppressed, st.timer, st.at = 0, nil, time.Now()
	r.mu.Unlock()
	if n > 0 {
		r.log.Warn(reason, "suppressed", n, "within", every)
	}
}

// setEvery changes the interval (tests).
func (r *refusalLog) setEvery(d time.Duration) {
	r.mu.Lock()
	r.every = d
	r.mu.Unlock()
}

// stop cancels pending reports (at shutdown).
func (r *refusalLog) stop() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, st := range r.reasons {
		if st.timer != nil {
			st.timer.Stop()
			st.timer = nil
		}
	}
}
