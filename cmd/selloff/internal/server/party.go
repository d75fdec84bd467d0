package server

import (
	"context"
	"strings"
	"unicode"

	"github.com/selloff/selloff/feeds"
)

// The watch party's seat, as every viewer's status shows it: who presents,
// whether this viewer follows, and (for the presenter) how many watch;
// and the lesson (lesson.go).
// Every change of the seat or of the room (a presenter taking over or
// leaving, a viewer joining or leaving) wakes every viewer's feed, which
// publishes its last update again with the new seat: a viewer reads the
// change without pressing a key.

// partyChanged wakes every party viewer's feed. Called with s.mu held.
func (s *Server) partyChangedLocked() {
	if s.partyWake != nil {
		close(s.partyWake)
	}
	s.partyWake = make(chan struct{})
}

// partyWakeCh is closed at the next change of the party.
func (s *Server) partyWakeCh() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.partyWake == nil {
		s.partyWake = make(chan struct{})
	}
	return s.partyWake
}

// joinParty counts ss as a dashboard viewer of the party: it follows the
// presenter, on the shared clock.
func (s *Server) joinParty(ss *session) {
	ss.sel.Store(&feedSel{swapped: make(chan struct{})})
	s.mu.Lock()
	defer s.mu.Unlock()
	ss.party, ss.follow = true, true
	s.numberLocked(ss)
	s.partyChangedLocked()
}

// displayName is a user name fit for a status line: printable, one line,
// at most 16 characters.
func displayName(u string) string {
	u = strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) && r != '\u00ad' {
			return r
		}
		return -1
	}, u)
	if u = strings.TrimSpace(u); u == "" {
		return "someone"
	}
	return clip(u, 16)
}

// partyFeed re-publishes the party's updates for one viewer with the seat
// and the lesson as it sees them: the shared replay's while it follows,
// its private clock's after it left following (f). It publishes the last
// one again whenever the party or the lesson changes. The returned
// channel keeps the Source contract: latest update wins, closed when ctx
// ends or in (the shared clock) closes.
func (s *Server) partyFeed(ctx context.Context, ss *session, in <-chan feeds.Update) <-chan feeds.Update {
	out := make(chan feeds.Update, 1)
	go func() {
		defer close(out)
		var shared, private feeds.Update
		haveShared, havePrivate := false, false
		sel := ss.sel.Load()
		priv := sel.updates // nil while following: never ready
		wake, changed := s.partyWakeCh(), s.party.Changed()
		for {
			lesson := false
			select {
			case <-ctx.Done():
				return
			case v, ok := <-in:
				if !ok {
					return
				}
				shared, haveShared = v, true
				if sel.ctl != nil {
					continue // kept for the return to following
				}
			case v, ok := <-priv:
				if !ok {
					priv = nil // the private clock was stopped: a switch follows
					continue
				}
				private, havePrivate = v, true
			case <-sel.swapped:
				sel = ss.sel.Load()
				priv, havePrivate = sel.updates, false
			case <-wake:
			case <-changed:
				lesson = true
			}
			// Take the next wakes before reading the seat and the lesson:
			// a change from now on wakes this loop again.
			wake, changed = s.partyWakeCh(), s.party.Changed()
			if lesson && sel.ctl != nil {
				s.syncLimit(sel.ctl) // a question asked, revealed or closed
			}
			// The current clock's last update, decorated anew.
			var u feeds.Update
			switch {
			case sel.ctl != nil && havePrivate:
				u = private
			case sel.ctl == nil && haveShared:
				u = shared
			default:
				continue // the private clock's first update comes at once
			}
			u = s.decorate(ss, u, sel.ctl != nil)
			// Latest wins: replace an unread update rather than queue.
			select {
			case out <- u:
			default:
				select {
				case <-out:
				default:
				}
				select {
				case out <- u:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out
}

// decorate sets the party's seat and lesson, as ss sees them, in a copy
// of u's clock status (the update itself is shared with other viewers).
func (s *Server) decorate(ss *session, u feeds.Update, private bool) feeds.Update {
	if u.Clock == nil {
		return u
	}
	c := *u.Clock
	s.mu.Lock()
	presenting, follow := ss.presenter, ss.follow
	s.mu.Unlock()
	l := s.party.Status(ss.viewer)
	l.Follow = follow && !presenting
	c.Party = true
	c.Presenting = presenting
	c.Presenter = s.party.Presenter()
	c.Follows = !presenting && c.Presenter != "" && !private
	c.Watchers = 0
	if presenting {
		c.Watchers = l.Watching
	}
	c.Board = s.boardFor(ss)
	c.Lesson = &l
	u.Clock = &c
	return u
}
