package server

import (
	"errors"
	"sort"
	"strconv"
	"time"

	"github.com/selloff/selloff/feeds"
)

// The watch party's leaderboard. Every viewer paper-trades in their own
// dashboard; the dashboard reports its result (feeds.Party.ReportPaper,
// from a Cmd) through its controller. While the presenter shows the board
// (L), each report that changes a figure wakes every viewer's feed, which
// publishes the ranked board in its ClockStatus.

// boardState is guarded by Server.mu.
type boardState struct {
	on     bool
	joined int                           // party viewers so far: the anonymous numbers
	number map[*session]int              // each viewer's number, in the order they joined
	scores map[*session]feeds.PaperScore // the last report of each viewer
	// wakeSoon: a wake of every feed is due (reports are coalesced)
	wakeSoon bool
}

// boardEvery is how soon a changed score reaches every viewer.
const boardEvery = 200 * time.Millisecond

// errNotPresenter answers a follower's L.
var errNotPresenter = errors.New("only the presenter can show the leaderboard")

// numberLocked gives ss its anonymous number when it joins the party.
func (s *Server) numberLocked(ss *session) {
	b := &s.board
	if b.number == nil {
		b.number = map[*session]int{}
		b.scores = map[*session]feeds.PaperScore{}
	}
	if _, ok := b.number[ss]; !ok {
		b.joined++
		b.number[ss] = b.joined
	}
}

// forgetLocked drops a viewer who left; the presenter leaving closes the
// board (nobody else could close it until someone takes the seat).
func (s *Server) forgetLocked(ss *session) {
	delete(s.board.number, ss)
	delete(s.board.scores, ss)
	if ss.presenter {
		s.board.on = false
	}
}

// reportPaper takes a viewer's paper result; while the board is shown a
// changed figure reaches every viewer.
func (s *Server) reportPaper(ss *session, sc feeds.PaperScore) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.board.number[ss]; !ok {
		return // not (or no longer) in the party
	}
	if old, ok := s.board.scores[ss]; ok && old == sc {
		return
	}
	s.board.scores[ss] = sc
	if s.board.on && !s.board.wakeSoon {
		// Every viewer reports after every frame: one wake for all of
		// them, not one per report (that would be viewers² publishes).
		s.board.wakeSoon = true
		time.AfterFunc(boardEvery, func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			s.board.wakeSoon = false
			s.partyChangedLocked()
		})
	}
}

// showBoard shows or hides the board for everyone: the presenter only.
func (s *Server) showBoard(ss *session, on bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !ss.presenter {
		return errNotPresenter
	}
	if s.board.on != on {
		s.board.on = on
		s.partyChangedLocked()
	}
	return nil
}

// boardFor is the ranked board as ss sees it (its own row marked), or nil
// while it is not shown.
func (s *Server) boardFor(ss *session) []feeds.BoardRow {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.board.on {
		return nil
	}
	type row struct {
		feeds.BoardRow
		n int
	}
	rows := make([]row, 0, len(s.board.number))
	for o, n := range s.board.number {
		r := row{n: n}
		r.PaperScore = s.board.scores[o]
		r.You = o == ss
		if s.cfg.LeaderboardNames == "user" {
			r.Name = displayName(o.sess.User())
		} else {
			r.Name = "viewer " + strconv.Itoa(n)
		}
		rows = append(rows, r)
	}
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].PnL != rows[j].PnL {
			return rows[i].PnL > rows[j].PnL
		}
		return rows[i].n < rows[j].n
	})
	out := make([]feeds.BoardRow, len(rows))
	for i, r := range rows {
		out[i] = r.BoardRow
	}
	return out
}

// boardControl is the presenter's controller: the shared replay's, with
// the party's report and board.
type boardControl struct {
	feeds.Controller
	s  *Server
	ss *session
}

func (c boardControl) ReportPaper(sc feeds.PaperScore) { c.s.reportPaper(c.ss, sc) }
func (c boardControl) ShowBoard(on bool) error         { return c.s.showBoard(c.ss, on) }

// Lesson implements feeds.LessonControl: the presenter leads the lesson.
func (c boardControl) Lesson(op feeds.LessonOp) error { return c.s.lessonOp(c.ss, op) }

// boardTargeter keeps the replay's Target (the dashboard asks before a
// seek that discards fills, exactly when it would).
type boardTargeter struct {
	boardControl
	t feeds.Targeter
}

func (c boardTargeter) Target(cmd feeds.Command) (time.Time, bool) { return c.t.Target(cmd) }

// presenterControl wraps the party's clock (next) for the presenter.
func (s *Server) presenterControl(ss *session, next feeds.Controller) feeds.Controller {
	b := boardControl{Controller: next, s: s, ss: ss}
	if t, ok := s.sharedTargeter(); ok {
		return boardTargeter{boardControl: b, t: t}
	}
	return b
}

// sharedTargeter is the shared clock's Targeter: the party's, else the
// shared replay's.
func (s *Server) sharedTargeter() (feeds.Targeter, bool) {
	if t, ok := s.party.(feeds.Targeter); ok {
		return t, true
	}
	t, ok := s.cfg.Sources.SharedControl.(feeds.Targeter)
	return t, ok
}

var (
	_ feeds.LessonControl = boardControl{}
	_ feeds.LessonControl = boardTargeter{}
	_ feeds.LessonControl = (*partyControl)(nil)
	_ feeds.Targeter      = (*partyControl)(nil)
	_ feeds.Party         = (*partyControl)(nil)
)

// A follower's controller reports too; its L is refused until it presents.
func (c *partyControl) ReportPaper(sc feeds.PaperScore) { c.s.reportPaper(c.ss, sc) }
func (c *partyControl) ShowBoard(on bool) error         { return c.s.showBoard(c.ss, on) }
