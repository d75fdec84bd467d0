package feeds

import "time"

// A lesson is what a watch party shares besides the clock: the presenter's
// view (which viewers follow), a caption, and a question to the room. The
// state lives in a feeds/party Room, in the serve process or (across
// nodes) in the relay; every viewer reads it in ClockStatus.Lesson, and
// the dashboard changes it through its controller (LessonControl).

// Bounds of a lesson's texts.
const (
	MaxCaption      = 200 // characters of a caption
	MaxQuestionText = 120 // characters of a question
	MaxUnit         = 8   // characters of a number question's unit
	MaxChoices      = 5   // answers a choice question offers
	MaxChoiceText   = 40  // characters of one offered answer
	MaxClosest      = 3   // closest answers a reveal names
)

// LessonView is the part of the presenter's screen followers follow. An
// empty field is "unchanged" in an OpView and "unknown" in a status.
type LessonView struct {
	Symbol string `json:"symbol,omitempty"` // the selected row
	Focus  string `json:"focus,omitempty"`  // watchlist|chart|timeline
	Chart  string `json:"chart,omitempty"`  // line|candles|compare
	Range  string `json:"range,omitempty"`  // day|week
	// Detail is the ID of the event whose detail the presenter has open
	// ("" none; "-" closed, in an OpView).
	Detail string `json:"detail,omitempty"`
}

// QuestionKind is what a question asks for.
type QuestionKind string

// Question kinds.
const (
	QuestionNumber QuestionKind = "number" // a number with a unit
	QuestionChoice QuestionKind = "choice" // one of up to MaxChoices answers
)

// Measures a number question's true value can be read from.
const (
	MeasurePrice  = "price"  // the symbol's price at the lock time
	MeasureChange = "change" // its % change on the day at the lock time
)

// Question is a question to the room. The presenter (or a tour) sets the
// text, kind, unit, choices, truth, lock time and naming; the room sets
// ID, Locked and Revealed.
type Question struct {
	ID      int          `json:"id,omitempty"`
	Text    string       `json:"text"`
	Kind    QuestionKind `json:"kind"`
	Unit    string       `json:"unit,omitempty"`
	Choices []string     `json:"choices,omitempty"`
	// The truth: a number question names a Symbol and a Measure the room
	// reads at the lock time, or gives Answer; a choice question gives
	// Correct (1-based, 0: no right answer, a poll).
	Symbol  string   `json:"symbol,omitempty"`
	Measure string   `json:"measure,omitempty"`
	Answer  *float64 `json:"answer,omitempty"`
	Correct int      `json:"correct,omitempty"`
	// LockAt is the replay time the answers lock at (zero: when the
	// presenter locks them). While the question is open and not revealed,
	// no viewer's clock may go past it (no peeking).
	LockAt time.Time `json:"lock_at,omitempty"`
	// Names: a reveal names the closest answers by user name (false: by
	// their anonymous numbers, "viewer 3").
	Names bool `json:"names,omitempty"`

	Locked   bool      `json:"locked,omitempty"`
	LockedAt time.Time `json:"locked_at,omitempty"` // the replay time they locked at
	Revealed bool      `json:"revealed,omitempty"`
}

// AnswerBin is one bar of a reveal's distribution.
type AnswerBin struct {
	Label string `json:"label"` // a choice's text, or a range of numbers
	Count int    `json:"count"`
	Truth bool   `json:"truth,omitempty"` // the true answer is in this bin
}

// Closest is one of the answers a reveal names.
type Closest struct {
	Who    string  `json:"who"`    // user name or "viewer N"
	Answer string  `json:"answer"` // as the reveal shows it
	Off    float64 `json:"off"`    // |answer - truth| (number questions)
}

// QuestionResult is a revealed question's outcome.
type QuestionResult struct {
	Truth   string      `json:"truth"`         // the true answer as shown; "" unknown
	Why     string      `json:"why,omitempty"` // why the truth is unknown
	Bins    []AnswerBin `json:"bins"`
	Closest []Closest   `json:"closest,omitempty"`
	Answers int         `json:"answers"`
}

// Lesson is the lesson's state as one viewer sees it.
type Lesson struct {
	View    LessonView `json:"view"`
	ViewSeq uint64     `json:"view_seq"` // counts the presenter's view changes
	Caption string     `json:"caption,omitempty"`

	Question *Question       `json:"question,omitempty"` // nil: none open
	Result   *QuestionResult `json:"result,omitempty"`   // set once revealed
	Answered int             `json:"answered"`           // answers so far

	// Across the party (every node): viewers other than the presenter,
	// and how many of them follow the presenter's view.
	Watching  int `json:"watching"`
	Following int `json:"following"`

	// This viewer's own: whether it follows, and its answer ("" none).
	Follow   bool   `json:"follow,omitempty"`
	MyAnswer string `json:"my_answer,omitempty"`
}

// LessonOpKind names a lesson operation.
type LessonOpKind string

// Lesson operations. View, caption, ask, lock, reveal and close are the
// presenter's; answer and follow any viewer's.
const (
	LessonSetView    LessonOpKind = "view"
	LessonSetCaption LessonOpKind = "caption"
	LessonAsk        LessonOpKind = "ask"
	LessonLock       LessonOpKind = "lock"
	LessonReveal     LessonOpKind = "reveal"
	LessonClose      LessonOpKind = "close"
	LessonAnswer     LessonOpKind = "answer"
	LessonFollow     LessonOpKind = "follow"
)

// LessonOp is one change to a lesson. Viewer (a unique id), Name and Anon
// are filled by the viewer's server, never trusted from the dashboard.
type LessonOp struct {
	Kind     LessonOpKind `json:"kind"`
	View     *LessonView  `json:"view,omitempty"`
	Caption  string       `json:"caption,omitempty"`
	Question *Question    `json:"question,omitempty"`
	Answer   string       `json:"answer,omitempty"` // a number, or a choice's number 1..5
	Follow   bool         `json:"follow,omitempty"`

	Viewer string `json:"viewer,omitempty"`
	Name   string `json:"name,omitempty"`
	Anon   string `json:"anon,omitempty"`
}

// LessonControl is what a watch-party viewer's controller offers the
// dashboard for the lesson. Called in a Cmd, never in Update. A refusal
// (not the presenter, answers locked, a bad answer) is an error to show.
type LessonControl interface {
	Lesson(LessonOp) error
}
