package party

import (
	"testing"
	"time"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/snapshots"
)

func at(hm string) time.Time {
	t, _ := time.ParseInLocation("2006-01-02 15:04", "2025-01-27 "+hm, snapshots.Location())
	return t
}

func TestNumberQuestionLocksAndReveals(t *testing.T) {
	r := New(func(sym, measure string, t time.Time) (float64, bool) {
		if sym == "NVDA" && measure == feeds.MeasurePrice && t.Equal(at("16:00")) {
			return 118.42, true
		}
		return 0, false
	})
	r.Tick(at("10:00"))
	if err := r.Apply(feeds.LessonOp{Kind: feeds.LessonAsk, Question: &feeds.Question{
		Text: "Where does NVDA close?", Kind: feeds.QuestionNumber, Unit: "$", Symbol: "NVDA", LockAt: at("16:00")}}); err != nil {
		t.Fatal(err)
	}
	if lim, ok := r.Limit(); !ok || !lim.Equal(at("16:00")) {
		t.Fatalf("limit %v %v", lim, ok)
	}
	for i, a := range []string{"120", "$118.00", "100.5"} {
		v := string(rune('a' + i))
		if err := r.Apply(feeds.LessonOp{Kind: feeds.LessonAnswer, Viewer: v, Name: "user-" + v, Anon: "viewer " + v, Answer: a}); err != nil {
			t.Fatal(a, err)
		}
	}
	if err := r.Apply(feeds.LessonOp{Kind: feeds.LessonAnswer, Viewer: "d", Answer: "lots"}); err == nil {
		t.Fatal("a word was taken as a number")
	}
	if got := r.Status("b").MyAnswer; got != "$118.00" {
		t.Fatalf("my answer %q", got)
	}
	r.Tick(at("16:00"))
	if err := r.Apply(feeds.LessonOp{Kind: feeds.LessonAnswer, Viewer: "d", Answer: "1"}); err != ErrLocked {
		t.Fatalf("late answer: %v", err)
	}
	if err := r.Apply(feeds.LessonOp{Kind: feeds.LessonReveal}); err != nil {
		t.Fatal(err)
	}
	l := r.Status("")
	if l.Result == nil || l.Result.Truth != "$118.42" || l.Result.Answers != 3 {
		t.Fatalf("result %+v", l.Result)
	}
	if c := l.Result.Closest; len(c) != 3 || c[0].Who != "viewer b" || c[1].Who != "viewer a" {
		t.Fatalf("closest %+v", c)
	}
	n, truth := 0, 0
	for _, b := range l.Result.Bins {
		n += b.Count
		if b.Truth {
			truth++
		}
	}
	if n != 3 || truth != 1 {
		t.Fatalf("bins %+v", l.Result.Bins)
	}
	if _, ok := r.Limit(); ok {
		t.Fatal("revealed question still limits seeks")
	}
}

func TestChoiceQuestionAndCounts(t *testing.T) {
	r := New(nil)
	err := r.Apply(feeds.LessonOp{Kind: feeds.LessonAsk, Question: &feeds.Question{
		Text: "Who fell most?", Kind: feeds.QuestionChoice, Choices: []string{"NVDA", "AVGO", "VST"}, Correct: 3, Names: true}})
	if err != nil {
		t.Fatal(err)
	}
	for v, a := range map[string]string{"x": "3", "y": "c", "z": "1"} {
		if err := r.Apply(feeds.LessonOp{Kind: feeds.LessonAnswer, Viewer: v, Name: v, Answer: a}); err != nil {
			t.Fatal(err)
		}
	}
	_ = r.Apply(feeds.LessonOp{Kind: feeds.LessonReveal})
	res := r.Status("").Result
	if res.Bins[0].Count != 1 || res.Bins[2].Count != 2 || !res.Bins[2].Truth || len(res.Closest) != 2 {
		t.Fatalf("result %+v", res)
	}
	r.Counts("a", 3, 2)
	r.Counts("b", 2, 2)
	r.Counts("a", 1, 5)
	if l := r.Status(""); l.Watching != 3 || l.Following != 3 {
		t.Fatalf("counts %d/%d", l.Watching, l.Following)
	}
}

// A question about 16:00 revealed before the clock gets there (a tour
// step skipped, a presenter in a hurry) still reads the truth at 16:00.
func TestEarlyRevealReadsTheLockTime(t *testing.T) {
	r := New(func(sym, measure string, t time.Time) (float64, bool) {
		if t.Equal(at("16:00")) {
			return 118.42, true
		}
		return 118.09, true
	})
	r.Tick(at("15:50"))
	_ = r.Apply(feeds.LessonOp{Kind: feeds.LessonAsk, Question: &feeds.Question{
		Text: "Where does NVDA close?", Kind: feeds.QuestionNumber, Unit: "$", Symbol: "NVDA", LockAt: at("16:00")}})
	_ = r.Apply(feeds.LessonOp{Kind: feeds.LessonReveal})
	if got := r.Status("").Result.Truth; got != "$118.42" {
		t.Fatalf("truth %q, want $118.42", got)
	}
}
