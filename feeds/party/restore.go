package party

import "github.com/selloff/selloff/feeds"

// Restore sets the room's shared state from a lesson another process
// published (a relay taking over a party from the last state its
// predecessor sent): the view, the caption and the open question, with
// its result when revealed. The answers of an open question are not in a
// lesson, so they are lost (Answered starts at 0); a later question gets
// a higher ID than the restored one. Counts are not restored: nodes send
// them again. Texts are cleaned as Apply cleans them.
func (r *Room) Restore(l feeds.Lesson) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if v, err := cleanView(l.View); err == nil {
		r.l.View = v
	}
	r.l.ViewSeq = l.ViewSeq
	r.l.Caption = CleanText(l.Caption, feeds.MaxCaption)
	r.l.Question, r.l.Result, r.l.Answered = nil, nil, 0
	r.answers, r.order = map[string]*answer{}, 0
	if l.Question != nil {
		if q, err := CheckQuestion(*l.Question); err == nil && l.Question.ID > 0 {
			q.ID, q.Locked, q.LockedAt, q.Revealed = l.Question.ID, l.Question.Locked, l.Question.LockedAt, l.Question.Revealed
			r.l.Question = &q
			r.nextID = max(r.nextID, q.ID)
			if q.Revealed && l.Result != nil {
				res := *l.Result
				res.Bins = append([]feeds.AnswerBin(nil), res.Bins...)
				res.Closest = append([]feeds.Closest(nil), res.Closest...)
				r.l.Result = &res
				r.l.Answered = res.Answers
			}
		}
	}
	r.changedLocked()
}
