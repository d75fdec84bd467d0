package server

import (
	"context"
	"strings"
	"unicode"

	"github.com/selloff/selloff/feeds"
)

// The watch party's seat, as every viewer's status shows it: who presents,
// whether this viewer follows, and (for the presenter) how many watch.
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

// joinParty counts ss as a dashboard viewer of the party.
func (s *Server) joinParty(ss *session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ss.party = true
	s.numberLocked(ss)
	s.partyChangedLocked()
}

// seat is what ss's status says about the party now.
func (s *Server) seat(ss *session) (presenting bool, presenter string, watchers int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var first *session
	for o := range s.sessions {
		if !o.party {
			continue
		}
		if o.presenter {
			if first == nil || o.id < first.id {
				first = o
			}
		} else {
			watchers++
		}
	}
	if first != nil {
		presenter = displayName(first.sess.User())
	}
	return ss != nil && ss.presenter, presenter, watchers
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

// partyFeed re-publishes the shared replay's updates for one viewer with
// the seat as it sees it, and publishes the last one again whenever the
// party changes. The returned channel keeps the Source contract: latest
// update wins, closed when ctx ends or in closes.
func (s *Server) partyFeed(ctx context.Context, ss *session, in <-chan feeds.Update) <-chan feeds.Update {
	out := make(chan feeds.Update, 1)
	go func() {
		defer close(out)
		var last feeds.Update
		have := false
		for {
			wake := s.partyWakeCh()
			var u feeds.Update
			select {
			case <-ctx.Done():
				return
			case v, ok := <-in:
				if !ok {
					return
				}
				u, last, have = v, v, true
			case <-wake:
				if !have {
					continue
				}
				u = last
			}
			if u.Clock != nil {
				c := *u.Clock
				c.Party = true
				c.Presenting, c.Presenter, c.Watchers = s.seat(ss)
				c.Follows = !c.Presenting && c.Presenter != ""
				if !c.Presenting {
					c.Watchers = 0
				}
				c.Board = s.boardFor(ss)
				u.Clock = &c
			}
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
