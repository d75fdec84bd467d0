package party

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/snapshots"
)

// MaxAskText bounds the text the presenter types for a question (its
// words, choices and tokens together).
const MaxAskText = 400

// ParseAsk reads a question the presenter typed on one line:
//
//	Where does NVDA close? @16:00
//	How far does NVDA fall? % @16:00
//	Who falls most? | NVDA | AVGO | VST *3 @15:00 !names
//
// Text with no "|" is a number question about the selected symbol: its
// price in dollars, or with a lone "%" its % change on the day. Each "|"
// starts one offered answer of a choice question (2 to feeds.MaxChoices);
// "*N" marks the right one (none: a poll). "@HH:MM" locks the answers at
// that time of day on the replay's day (none: the presenter locks them);
// "!names" names the closest answers by user name. The tokens may stand
// anywhere, apart from the words by spaces. The question returned has
// passed CheckQuestion.
func ParseAsk(text, selected string, day time.Time) (feeds.Question, error) {
	var q feeds.Question
	if len(text) > MaxAskText {
		return q, fmt.Errorf("question too long: at most %d characters", MaxAskText)
	}
	if !utf8.ValidString(text) {
		return q, errors.New("question: not valid text")
	}
	parts := strings.Split(text, "|")
	if len(parts) > feeds.MaxChoices+1 {
		return q, fmt.Errorf("question: at most %d choices", feeds.MaxChoices)
	}
	var (
		lock, correct, pct, names bool
		lockAt                    time.Time
	)
	for i, p := range parts {
		var words []string
		for _, f := range strings.Fields(p) {
			switch {
			case f == "!names":
				names = true
			case f == "%":
				if pct {
					return q, errors.New("question: % given twice")
				}
				pct = true
			case strings.HasPrefix(f, "@"):
				if lock {
					return q, errors.New("question: two lock times")
				}
				t, err := lockTime(f[1:], day)
				if err != nil {
					return q, err
				}
				lock, lockAt = true, t
			case strings.HasPrefix(f, "*") && len(f) > 1:
				if correct {
					return q, errors.New("question: two right answers (*N)")
				}
				n, err := strconv.Atoi(f[1:])
				if err != nil || n < 1 || n > feeds.MaxChoices {
					return q, fmt.Errorf("question: %q: the right answer is *1 to *%d", short(f), feeds.MaxChoices)
				}
				correct, q.Correct = true, n
			default:
				words = append(words, f)
			}
		}
		s := strings.Join(words, " ")
		if i == 0 {
			q.Text = s
			continue
		}
		if s == "" {
			return q, fmt.Errorf("question: choice %d is empty", i)
		}
		if utf8.RuneCountInString(s) > feeds.MaxChoiceText {
			return q, fmt.Errorf("question: choice %d is longer than %d characters", i, feeds.MaxChoiceText)
		}
		q.Choices = append(q.Choices, s)
	}
	if q.Text == "" {
		return q, errors.New("question: no text (type the question, then @HH:MM to lock at a time)")
	}
	if utf8.RuneCountInString(q.Text) > feeds.MaxQuestionText {
		return q, fmt.Errorf("question: longer than %d characters", feeds.MaxQuestionText)
	}
	q.LockAt, q.Names = lockAt, names
	if len(parts) > 1 {
		if pct {
			return q, errors.New("question: % is for a number question (no | choices)")
		}
		if len(q.Choices) < 2 {
			return q, errors.New("question: a choice question offers at least 2 answers (| A | B)")
		}
		if q.Correct > len(q.Choices) {
			return q, fmt.Errorf("question: *%d: only %d choices", q.Correct, len(q.Choices))
		}
		q.Kind = feeds.QuestionChoice
	} else {
		if correct {
			return q, errors.New("question: *N marks a choice; a number question has none")
		}
		if selected == "" {
			return q, errors.New("question: select the symbol it is about first")
		}
		q.Kind, q.Symbol, q.Unit, q.Measure = feeds.QuestionNumber, selected, "$", feeds.MeasurePrice
		if pct {
			q.Unit, q.Measure = "%", feeds.MeasureChange
		}
	}
	return CheckQuestion(q)
}

// lockTime reads HH:MM on day (its date in exchange time).
func lockTime(s string, day time.Time) (time.Time, error) {
	hm, err := time.Parse("15:04", s)
	if err != nil {
		return time.Time{}, fmt.Errorf("question: lock time %q: type @HH:MM, such as @16:00", short(s))
	}
	if day.IsZero() {
		return time.Time{}, errors.New("question: no replay day yet to lock on")
	}
	loc := snapshots.Location()
	d := day.In(loc)
	return time.Date(d.Year(), d.Month(), d.Day(), hm.Hour(), hm.Minute(), 0, 0, loc), nil
}
