package tour

import "time"

// Phase is where a Runner is in its current step.
type Phase int

const (
	PhaseApply Phase = iota // the step's settings are to be applied
	PhasePlay               // the clock runs to the step's play_to
	PhaseHold               // waiting the step's hold
	PhaseDone               // past the last step
)

// Runner is the tour's position: which step, in which phase, paused or
// not. It is a value (the dashboard's model is copied on every message);
// Gen changes whenever a pending wait (a hold's timer) stops counting, so
// a timer of an earlier generation is ignored.
type Runner struct {
	steps  []Step
	i      int
	phase  Phase
	paused bool
	gen    int
}

// NewRunner starts t at its first step.
func NewRunner(t *Tour) Runner {
	r := Runner{steps: t.Steps}
	if len(r.steps) == 0 {
		r.phase = PhaseDone
	}
	return r
}

// Step returns the current step (ok false once done).
func (r Runner) Step() (Step, bool) {
	if r.phase == PhaseDone || r.i >= len(r.steps) {
		return Step{}, false
	}
	return r.steps[r.i], true
}

// Index is the current step's position (0-based) and Len the number of steps.
func (r Runner) Index() int   { return r.i }
func (r Runner) Len() int     { return len(r.steps) }
func (r Runner) Phase() Phase { return r.phase }
func (r Runner) Paused() bool { return r.paused }
func (r Runner) Gen() int     { return r.gen }
func (r Runner) Done() bool   { return r.phase == PhaseDone }

// Applied moves past PhaseApply once the step's settings are applied: to
// PhasePlay when it has a play_to, else to PhaseHold.
func (r *Runner) Applied() {
	s, ok := r.Step()
	if !ok || r.phase != PhaseApply {
		return
	}
	if !s.PlayToTime.IsZero() {
		r.phase = PhasePlay
		return
	}
	r.phase = PhaseHold
}

// Clock tells the runner the replay's time. In PhasePlay, reaching the
// step's play_to moves to PhaseHold and reports true.
func (r *Runner) Clock(t time.Time) bool {
	s, ok := r.Step()
	if !ok || r.phase != PhasePlay || r.paused || t.Before(s.PlayToTime) {
		return false
	}
	r.phase = PhaseHold
	return true
}

// HoldDone ends the hold of generation gen: the next step is current (in
// PhaseApply) or the tour is done. A stale generation or a paused tour
// changes nothing (false).
func (r *Runner) HoldDone(gen int) bool {
	if gen != r.gen || r.phase != PhaseHold || r.paused {
		return false
	}
	r.next()
	return true
}

// Skip moves to the next step at once, whatever the phase (and resumes a
// paused tour).
func (r *Runner) Skip() {
	if r.phase == PhaseDone {
		return
	}
	r.paused = false
	r.next()
}

// SetPaused pauses or resumes the tour. Pausing stops the hold's timer
// (a new generation); resuming restarts the current step's hold in full.
func (r *Runner) SetPaused(p bool) {
	if r.phase == PhaseDone || r.paused == p {
		return
	}
	r.paused = p
	r.gen++
}

func (r *Runner) next() {
	r.gen++
	r.i++
	r.phase = PhaseApply
	if r.i >= len(r.steps) {
		r.i = len(r.steps)
		r.phase = PhaseDone
	}
}

// FrameTime is where the tour leaves the replay's clock after its first
// step steps (1-based; its at, or the play_to it stops at), as resolved;
// ok false when no step up to it moves the clock.
func (t *Tour) FrameTime(step int) (at time.Time, ok bool) {
	for i := 0; i < step && i < len(t.Steps); i++ {
		s := t.Steps[i]
		if !s.AtTime.IsZero() {
			at, ok = s.AtTime, true
		}
		if !s.PlayToTime.IsZero() {
			at, ok = s.PlayToTime, true
		}
	}
	return at, ok
}
