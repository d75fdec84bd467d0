package tour

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/selloff/selloff/snapshots"
)

// FuzzParse: the parser never panics or hangs; a file it takes has steps
// with bounded, one-line captions and questions, and a file it refuses gets FILE:LINE.
func FuzzParse(f *testing.F) {
	f.Add([]byte(good))
	f.Add([]byte("- caption: hi\n"))
	f.Add([]byte("steps:\n  - question: x\n"))
	f.Add([]byte("steps:\n  - question: {text: x, kind: choice, choices: [a, b], correct: 1, names: yes}\n    lock: true\n  - reveal: true\n    close_question: true\n"))
	f.Add([]byte("steps:\n  - question: {text: where, kind: number, unit: $, symbol: NVDA, measure: change, lock: \"16:00\"}\n"))
	f.Add([]byte("a: &a [1,2]\nsteps: [*a, *a]\n"))
	f.Add([]byte("steps:\n  - {at: open, play_to: close, speed: 300x, hold: 1s}\n"))
	f.Add([]byte("\xef\xbb\xbf[{caption: \"\\x1b[31mred\"}]"))
	f.Add([]byte{0xff, 0x00})
	f.Fuzz(func(t *testing.T, data []byte) {
		tr, err := parse(bytes.NewReader(data), "f.yaml", 64<<10)
		if err != nil {
			var p snapshots.Problem
			if !errors.As(err, &p) || !strings.HasPrefix(err.Error(), "f.yaml:") {
				t.Fatalf("not FILE:LINE: %v", err)
			}
			return
		}
		if len(tr.Steps) == 0 || len(tr.Steps) > MaxSteps {
			t.Fatalf("%d steps", len(tr.Steps))
		}
		for _, s := range tr.Steps {
			if s.Caption != nil {
				c := *s.Caption
				if utf8.RuneCountInString(c) > MaxCaption || strings.ContainsAny(c, "\n\r\x1b") {
					t.Fatalf("caption %q", c)
				}
			}
			if q := s.Question; q != nil {
				n := utf8.RuneCountInString
				if q.Text == "" || n(q.Text) > MaxQuestionText || n(q.Unit) > MaxUnit || len(q.Choices) > MaxChoices ||
					(q.Kind == KindChoice) != (len(q.Choices) >= 2) || q.Correct < 0 || q.Correct > len(q.Choices) ||
					(q.Kind == KindNumber && q.Symbol == "" && q.Answer == nil) {
					t.Fatalf("question %+v", q)
				}
				for _, c := range q.Choices {
					if c == "" || n(c) > MaxChoiceText || strings.ContainsAny(c, "\n\r\x1b") {
						t.Fatalf("choice %q", c)
					}
				}
			}
			if s.Hold < 0 || s.Hold > MaxHold || (s.Speed != 0 && (s.Speed < minSpeed || s.Speed > maxSpeed)) {
				t.Fatalf("step %+v", s)
			}
		}
		_ = tr.Resolve(header(), et("2025-01-24 09:30"), et("2025-01-28 16:00"))
	})
}
