// Package party holds a watch party's lesson: the presenter's view that
// viewers follow, the caption, and the question to the room with its
// answers, lock and reveal. A Room is plain state behind a mutex, with no
// I/O: the SSH server keeps one for a party on one machine, the relay one
// for a party that spans serve nodes (natsfeed carries the ops). The
// caller checks who may do what (presenter-only ops) before Apply.
package party

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/snapshots"
)

// MaxAnswers bounds the answers one question keeps (a hostile client
// cannot grow a room without bound).
const MaxAnswers = 10000

// Bins is how many bars a number question's distribution has at most.
const Bins = 6

// TruthFunc reads a number question's true value: the symbol's measure
// (feeds.MeasurePrice or feeds.MeasureChange) at replay time at. ok false:
// there is no figure there (the reveal says so, never shows a zero).
type TruthFunc func(symbol, measure string, at time.Time) (v float64, ok bool)

type answer struct {
	viewer, name, anon string
	text               string  // as the viewer gave it, cleaned
	num                float64 // number questions
	choice             int     // choice questions, 1-based
	order              int
}

// Room is one party's lesson. The zero value is not usable: use New.
type Room struct {
	truth TruthFunc

	mu      sync.Mutex
	l       feeds.Lesson // shared fields only (no per-viewer ones)
	answers map[string]*answer
	order   int
	nextID  int
	clock   time.Time // the party clock's last time (Tick)
	counts  map[string][2]int
	wake    chan struct{}
}

// New returns an empty room. truth may be nil (number questions then need
// an Answer to reveal a true value).
func New(truth TruthFunc) *Room {
	return &Room{truth: truth, answers: map[string]*answer{}, counts: map[string][2]int{}, wake: make(chan struct{})}
}

// Changed is closed at the room's next change.
func (r *Room) Changed() <-chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.wake
}

func (r *Room) changedLocked() {
	close(r.wake)
	r.wake = make(chan struct{})
}

// Status is the lesson as viewer sees it (viewer "" : the shared part).
func (r *Room) Status(viewer string) feeds.Lesson {
	r.mu.Lock()
	defer r.mu.Unlock()
	l := r.l
	if l.Question != nil {
		q := *l.Question
		q.Choices = append([]string(nil), q.Choices...)
		l.Question = &q
	}
	if a := r.answers[viewer]; a != nil && viewer != "" {
		l.MyAnswer = a.text
	}
	return l
}

// Counts sets how many viewers a node has (watching: not presenting) and
// how many of them follow; the status sums every node's. A count of
// watching 0 and following 0 forgets the node.
func (r *Room) Counts(node string, watching, following int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	watching, following = max(watching, 0), max(min(following, watching), 0)
	if old, ok := r.counts[node]; ok && old == [2]int{watching, following} {
		return
	}
	if watching == 0 {
		delete(r.counts, node)
	} else {
		r.counts[node] = [2]int{watching, following}
	}
	r.l.Watching, r.l.Following = 0, 0
	for _, c := range r.counts {
		r.l.Watching += c[0]
		r.l.Following += c[1]
	}
	r.changedLocked()
}

// Limit is the no-peeking limit: while a question with a lock time is
// open and not revealed, no viewer's clock may go past it.
func (r *Room) Limit() (time.Time, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	q := r.l.Question
	if q == nil || q.Revealed || q.LockAt.IsZero() {
		return time.Time{}, false
	}
	return q.LockAt, true
}

// Tick tells the room the party clock's time: an open question locks when
// the clock reaches its lock time.
func (r *Room) Tick(t time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.clock = t
	if q := r.l.Question; q != nil && !q.Locked && !q.LockAt.IsZero() && !t.Before(q.LockAt) {
		r.lockLocked()
		r.changedLocked()
	}
}

// Errors a viewer may see.
var (
	ErrNoQuestion = errors.New("no question is open")
	ErrLocked     = errors.New("answers are locked")
)

// Apply carries out op. The caller has checked that op's sender may do it.
func (r *Room) Apply(op feeds.LessonOp) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.applyLocked(op); err != nil {
		return err
	}
	r.changedLocked()
	return nil
}

func (r *Room) applyLocked(op feeds.LessonOp) error {
	switch op.Kind {
	case feeds.LessonSetView:
		if op.View == nil {
			return errors.New("view: nothing to set")
		}
		v, err := cleanView(*op.View)
		if err != nil {
			return err
		}
		n := r.l.View
		if v.Symbol != "" {
			n.Symbol = v.Symbol
		}
		if v.Focus != "" {
			n.Focus = v.Focus
		}
		if v.Chart != "" {
			n.Chart = v.Chart
		}
		if v.Range != "" {
			n.Range = v.Range
		}
		switch v.Detail {
		case "":
		case "-":
			n.Detail = ""
		default:
			n.Detail = v.Detail
		}
		if n == r.l.View {
			return nil
		}
		r.l.View = n
		r.l.ViewSeq++
	case feeds.LessonSetCaption:
		r.l.Caption = CleanText(op.Caption, feeds.MaxCaption)
	case feeds.LessonAsk:
		if op.Question == nil {
			return errors.New("ask: no question")
		}
		q, err := CheckQuestion(*op.Question)
		if err != nil {
			return err
		}
		r.nextID++
		q.ID = r.nextID
		r.l.Question, r.l.Result, r.l.Answered = &q, nil, 0
		r.answers = map[string]*answer{}
		r.order = 0
		if !q.LockAt.IsZero() && !r.clock.IsZero() && !r.clock.Before(q.LockAt) {
			r.lockLocked() // asked past its lock time: locked at once
		}
	case feeds.LessonLock:
		if r.l.Question == nil {
			return ErrNoQuestion
		}
		r.lockLocked()
	case feeds.LessonReveal:
		if r.l.Question == nil {
			return ErrNoQuestion
		}
		r.lockLocked()
		r.revealLocked()
	case feeds.LessonClose:
		r.l.Question, r.l.Result, r.l.Answered = nil, nil, 0
		r.answers = map[string]*answer{}
	case feeds.LessonAnswer:
		return r.answerLocked(op)
	case feeds.LessonFollow:
		return nil // the viewer's server keeps who follows (Counts)
	default:
		return fmt.Errorf("unknown lesson op %q", short(string(op.Kind)))
	}
	return nil
}

func (r *Room) lockLocked() {
	q := r.l.Question
	if q.Locked {
		return
	}
	q.Locked = true
	q.LockedAt = q.LockAt
	if q.LockedAt.IsZero() || (!r.clock.IsZero() && r.clock.Before(q.LockedAt)) {
		q.LockedAt = r.clock // locked by a key before its time
	}
}

func (r *Room) answerLocked(op feeds.LessonOp) error {
	q := r.l.Question
	switch {
	case q == nil:
		return ErrNoQuestion
	case q.Locked:
		return ErrLocked
	case op.Viewer == "":
		return errors.New("answer: no viewer")
	}
	a, err := ParseAnswer(*q, op.Answer)
	if err != nil {
		return err
	}
	old := r.answers[op.Viewer]
	if old == nil && len(r.answers) >= MaxAnswers {
		return errors.New("this question has all the answers it can take")
	}
	a.viewer, a.name, a.anon = op.Viewer, CleanText(op.Name, 32), CleanText(op.Anon, 32)
	if old != nil {
		a.order = old.order // a changed answer keeps its place
	} else {
		r.order++
		a.order = r.order
	}
	r.answers[op.Viewer] = &a
	r.l.Answered = len(r.answers)
	return nil
}

// ParseAnswer reads a viewer's answer to q: a number (a leading $ or
// trailing unit, thousands commas allowed) or a choice's number 1..5 or
// letter a..e.
func ParseAnswer(q feeds.Question, s string) (answer, error) {
	s = strings.TrimSpace(s)
	if len(s) > 40 {
		return answer{}, errors.New("answer too long")
	}
	if q.Kind == feeds.QuestionChoice {
		n := 0
		switch {
		case len(s) == 1 && s[0] >= '1' && s[0] <= '9':
			n = int(s[0] - '0')
		case len(s) == 1 && unicode.IsLetter(rune(s[0])):
			n = int(unicode.ToLower(rune(s[0]))-'a') + 1
		}
		if n < 1 || n > len(q.Choices) {
			return answer{}, fmt.Errorf("answer with 1 to %d", len(q.Choices))
		}
		return answer{text: strconv.Itoa(n) + ". " + q.Choices[n-1], choice: n}, nil
	}
	t := strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(s, "$"), q.Unit))
	t = strings.TrimSuffix(strings.TrimSpace(strings.TrimPrefix(t, "$")), "%")
	t = strings.ReplaceAll(t, ",", "")
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 1e9 {
		return answer{}, errors.New("answer with a number, such as 118.50")
	}
	return answer{text: formatNum(v, q.Unit), num: v}, nil
}

func (r *Room) revealLocked() {
	q := r.l.Question
	if q.Revealed {
		return
	}
	q.Revealed = true
	as := make([]*answer, 0, len(r.answers))
	for _, a := range r.answers {
		as = append(as, a)
	}
	sort.Slice(as, func(i, j int) bool { return as[i].order < as[j].order })
	who := func(a *answer) string {
		if q.Names && a.name != "" {
			return a.name
		}
		return a.anon
	}
	res := &feeds.QuestionResult{Answers: len(as)}
	if q.Kind == feeds.QuestionChoice {
		res.Bins = make([]feeds.AnswerBin, len(q.Choices))
		for i, c := range q.Choices {
			res.Bins[i] = feeds.AnswerBin{Label: c, Truth: q.Correct == i+1}
		}
		for _, a := range as {
			res.Bins[a.choice-1].Count++
		}
		if q.Correct > 0 {
			res.Truth = strconv.Itoa(q.Correct) + ". " + q.Choices[q.Correct-1]
			for _, a := range as {
				if a.choice == q.Correct && len(res.Closest) < feeds.MaxClosest {
					res.Closest = append(res.Closest, feeds.Closest{Who: who(a), Answer: a.text})
				}
			}
		} else {
			res.Why = "a poll: no right answer"
		}
		r.l.Result = res
		return
	}
	truth, ok := r.truthLocked(q)
	if ok {
		res.Truth = formatNum(truth, q.Unit)
	} else if res.Why == "" {
		at := q.LockAt
		if at.IsZero() {
			at = q.LockedAt
		}
		res.Why = "no figure at " + at.In(snapshots.Location()).Format("15:04")
	}
	nums := make([]float64, 0, len(as)+1)
	for _, a := range as {
		nums = append(nums, a.num)
	}
	if ok {
		nums = append(nums, truth)
	}
	res.Bins = numberBins(nums, len(as), truth, ok, q.Unit)
	if ok {
		byOff := append([]*answer(nil), as...)
		sort.SliceStable(byOff, func(i, j int) bool {
			return math.Abs(byOff[i].num-truth) < math.Abs(byOff[j].num-truth)
		})
		for _, a := range byOff[:min(len(byOff), feeds.MaxClosest)] {
			res.Closest = append(res.Closest, feeds.Closest{Who: who(a), Answer: a.text, Off: math.Abs(a.num - truth)})
		}
	}
	r.l.Result = res
}

func (r *Room) truthLocked(q *feeds.Question) (float64, bool) {
	if q.Answer != nil {
		return *q.Answer, true
	}
	// A question with a lock time asks about that moment (where NVDA
	// closes), whenever the answers were locked or revealed.
	at := q.LockAt
	if at.IsZero() {
		at = q.LockedAt
	}
	if q.Symbol == "" || r.truth == nil || at.IsZero() {
		return 0, false
	}
	v, ok := r.truth(q.Symbol, q.Measure, at)
	if !ok || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false
	}
	return v, true
}

// numberBins splits nums (the first n are answers; a last one may be the
// truth) into at most Bins equal ranges; only answers are counted.
func numberBins(nums []float64, n int, truth float64, hasTruth bool, unit string) []feeds.AnswerBin {
	if len(nums) == 0 {
		return nil
	}
	lo, hi := nums[0], nums[0]
	for _, v := range nums {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	k := Bins
	if hi == lo {
		k = 1
	}
	w := (hi - lo) / float64(k)
	bins := make([]feeds.AnswerBin, k)
	idx := func(v float64) int {
		if k == 1 {
			return 0
		}
		return min(int((v-lo)/w), k-1)
	}
	for i := range bins {
		a, b := lo+float64(i)*w, lo+float64(i+1)*w
		bins[i].Label = formatNum(a, unit) + "–" + formatNum(b, unit)
		if k == 1 {
			bins[i].Label = formatNum(a, unit)
		}
	}
	for _, v := range nums[:n] {
		bins[idx(v)].Count++
	}
	if hasTruth {
		bins[idx(truth)].Truth = true
	}
	return bins
}

// formatNum shows v with two decimals below 1000 and none above, with the
// unit ($ leads, others follow).
func formatNum(v float64, unit string) string {
	p := 2
	if math.Abs(v) >= 1000 {
		p = 0
	}
	s := strconv.FormatFloat(v, 'f', p, 64)
	switch unit {
	case "":
		return s
	case "$":
		if v < 0 {
			return "-$" + s[1:]
		}
		return "$" + s
	case "%":
		return s + "%"
	}
	return s + " " + unit
}

// CheckQuestion cleans q's texts and checks it can be asked.
func CheckQuestion(q feeds.Question) (feeds.Question, error) {
	q.Text = CleanText(q.Text, feeds.MaxQuestionText)
	q.Unit = CleanText(q.Unit, feeds.MaxUnit)
	q.ID, q.Locked, q.LockedAt, q.Revealed = 0, false, time.Time{}, false
	if q.Text == "" {
		return q, errors.New("question: no text")
	}
	switch q.Kind {
	case feeds.QuestionChoice:
		if len(q.Choices) < 2 || len(q.Choices) > feeds.MaxChoices {
			return q, fmt.Errorf("question: want 2 to %d choices, got %d", feeds.MaxChoices, len(q.Choices))
		}
		cs := make([]string, len(q.Choices))
		for i, c := range q.Choices {
			if cs[i] = CleanText(c, feeds.MaxChoiceText); cs[i] == "" {
				return q, fmt.Errorf("question: choice %d is empty", i+1)
			}
		}
		q.Choices = cs
		if q.Correct < 0 || q.Correct > len(cs) {
			return q, fmt.Errorf("question: correct %d: want 1 to %d (or none)", q.Correct, len(cs))
		}
		q.Symbol, q.Measure, q.Answer, q.Unit = "", "", nil, ""
	case feeds.QuestionNumber:
		q.Choices, q.Correct = nil, 0
		if q.Answer != nil && (math.IsNaN(*q.Answer) || math.IsInf(*q.Answer, 0) || math.Abs(*q.Answer) > 1e9) {
			return q, errors.New("question: answer out of range")
		}
		if q.Symbol != "" {
			if len(q.Symbol) > 12 {
				return q, errors.New("question: symbol too long")
			}
			switch q.Measure {
			case "":
				q.Measure = feeds.MeasurePrice
			case feeds.MeasurePrice, feeds.MeasureChange:
			default:
				return q, fmt.Errorf("question: measure %q: want price or change", short(q.Measure))
			}
		}
	default:
		return q, fmt.Errorf("question: kind %q: want number or choice", short(string(q.Kind)))
	}
	return q, nil
}

func cleanView(v feeds.LessonView) (feeds.LessonView, error) {
	one := func(what, s string, ok ...string) error {
		if s == "" {
			return nil
		}
		for _, o := range ok {
			if s == o {
				return nil
			}
		}
		return fmt.Errorf("view: %s %q", what, short(s))
	}
	if err := errors.Join(
		one("focus", v.Focus, "watchlist", "chart", "timeline"),
		one("chart", v.Chart, "line", "candles", "compare"),
		one("range", v.Range, "day", "week"),
	); err != nil {
		return v, err
	}
	if len(v.Symbol) > 12 || len(v.Detail) > 64 {
		return v, errors.New("view: symbol or detail too long")
	}
	return v, nil
}

// CleanText keeps a one-line, printable text of at most n characters.
func CleanText(s string, n int) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "")
	}
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t' || r == '\r':
			return ' '
		case !unicode.IsPrint(r) || r == '\u00ad':
			return -1
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > n {
		rs := []rune(s)
		s = string(rs[:n-1]) + "…"
	}
	return s
}

func short(s string) string { return CleanText(s, 20) }
