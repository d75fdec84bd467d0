package party

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/selloff/selloff/feeds"
)

func TestParseAsk(t *testing.T) {
	day := at("10:00")
	q, err := ParseAsk("Where does NVDA close? @16:00", "NVDA", day)
	if err != nil {
		t.Fatal(err)
	}
	if q.Kind != feeds.QuestionNumber || q.Text != "Where does NVDA close?" || q.Unit != "$" ||
		q.Symbol != "NVDA" || q.Measure != feeds.MeasurePrice || !q.LockAt.Equal(at("16:00")) || q.Names {
		t.Errorf("number: %+v", q)
	}
	q, err = ParseAsk("How far does AVGO fall? % !names", "AVGO", day)
	if err != nil {
		t.Fatal(err)
	}
	if q.Unit != "%" || q.Measure != feeds.MeasureChange || !q.LockAt.IsZero() || !q.Names {
		t.Errorf("percent, no lock: %+v", q)
	}
	q, err = ParseAsk("Who falls most? | NVDA | AVGO | VST *3 @15:00", "NVDA", day)
	if err != nil {
		t.Fatal(err)
	}
	if q.Kind != feeds.QuestionChoice || q.Text != "Who falls most?" || strings.Join(q.Choices, ",") != "NVDA,AVGO,VST" ||
		q.Correct != 3 || !q.LockAt.Equal(at("15:00")) || q.Symbol != "" || q.Unit != "" {
		t.Errorf("choice: %+v", q)
	}
	q, err = ParseAsk("Poll: buy the dip? | yes | no", "", day)
	if err != nil || q.Correct != 0 || len(q.Choices) != 2 {
		t.Errorf("poll: %+v %v", q, err)
	}
}

func TestParseAskRefuses(t *testing.T) {
	day := at("10:00")
	for _, c := range []struct{ in, sel, want string }{
		{"", "NVDA", "no text"},
		{"@16:00", "NVDA", "no text"},
		{"Where? @25:00", "NVDA", "lock time"},
		{"Where? @16:00 @15:00", "NVDA", "two lock times"},
		{"Where?", "", "select the symbol"},
		{"Where? *2", "NVDA", "a number question has none"},
		{"Who? | A", "", "at least 2"},
		{"Who? | A | | B", "", "choice 2 is empty"},
		{"Who? | A | B *3", "", "only 2 choices"},
		{"Who? | A | B *9", "", "*1 to *5"},
		{"Who? | a | b | c | d | e | f", "", "at most 5"},
		{"Who? | A | B %", "", "number question"},
		{strings.Repeat("x", MaxAskText+1), "NVDA", "too long"},
		{strings.Repeat("x", feeds.MaxQuestionText+1), "NVDA", "longer than"},
		{"Q | " + strings.Repeat("y", feeds.MaxChoiceText+1) + " | b", "", "longer than"},
		{"Q\xff", "NVDA", "not valid"},
	} {
		_, err := ParseAsk(c.in, c.sel, day)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: err %v, want %q", c.in, err, c.want)
		}
	}
	if _, err := ParseAsk("Where? @16:00", "NVDA", time.Time{}); err == nil {
		t.Error("a lock time with no replay day was taken")
	}
}

// FuzzParseAsk: any text gives a question that passes CheckQuestion
// unchanged, or an error, quickly and within the bounds.
func FuzzParseAsk(f *testing.F) {
	for _, s := range []string{"Where does NVDA close? @16:00", "Who falls most? | NVDA | AVGO | VST *3 @15:00 !names",
		"x % @9:30", "| | |", "@@", "*0", "Q | a | b *1 *2"} {
		f.Add(s)
	}
	day := at("10:00")
	f.Fuzz(func(t *testing.T, s string) {
		q, err := ParseAsk(s, "NVDA", day)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an empty error")
			}
			return
		}
		if q.Text == "" || utf8.RuneCountInString(q.Text) > feeds.MaxQuestionText || len(q.Choices) > feeds.MaxChoices {
			t.Fatalf("out of bounds: %+v", q)
		}
		if c, err := CheckQuestion(q); err != nil || c.Text != q.Text {
			t.Fatalf("CheckQuestion: %+v %v", c, err)
		}
		if q.Kind == feeds.QuestionChoice && (len(q.Choices) < 2 || q.Correct > len(q.Choices)) {
			t.Fatalf("choices: %+v", q)
		}
	})
}
