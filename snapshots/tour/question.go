package tour

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/selloff/selloff/snapshots"
)

// Bounds of a question, the values of feeds' lesson bounds (MaxQuestionText
// and the rest; this package does not import feeds, so a test keeps them
// equal).
const (
	MaxQuestionText = 120 // characters of the question
	MaxUnit         = 8   // characters of a number question's unit
	MaxChoices      = 5   // answers a choice question offers
	MaxChoiceText   = 40  // characters of one offered answer
	maxSymbol       = 12  // bytes of the symbol a number question reads
	maxAnswer       = 1e9 // |answer|
	questionList    = "text, kind, unit, choices, symbol, measure, answer, correct, lock, names"
)

// Question kinds and measures, as feeds names them.
const (
	KindNumber    = "number"
	KindChoice    = "choice"
	MeasurePrice  = "price"
	MeasureChange = "change"
	LockKey       = "key" // lock: the presenter (a step's lock: true) locks
)

// Question is a step's question to the room, as the file gave it (the
// lesson's feeds.Question is made from it where feeds is known).
type Question struct {
	Line    int
	Text    string
	Kind    string   // number|choice
	Unit    string   // number: "$", "%", ...
	Choices []string // choice: 2..MaxChoices
	// The truth: a number question's Symbol and Measure (price|change, read
	// at the lock time) or its Answer; a choice question's Correct
	// (1-based; 0: a poll).
	Symbol  string
	Measure string
	Answer  *float64
	Correct int
	// Lock is when answers lock: a time as --at takes it, or "key" (the
	// default: a later step's lock: true, or its reveal).
	Lock  string
	Names bool // the reveal names the closest by user name

	LockTime time.Time // set by Resolve (zero: "key")
}

func question(v *yaml.Node, name string, use func(*yaml.Node) error) (*Question, error) {
	prob := func(line int, format string, args ...any) error {
		return snapshots.Problem{File: name, Line: line, Reason: fmt.Sprintf(format, args...)}
	}
	if v.Kind != yaml.MappingNode {
		return nil, prob(v.Line, "question: want a mapping (%s)", questionList)
	}
	q := &Question{Line: v.Line, Lock: LockKey}
	err := fields(v, use, prob, "question: not a question key (want "+questionList+")", "question: %s given twice", func(key string, k, x *yaml.Node) error {
		if key == "choices" {
			if x.Kind != yaml.SequenceNode {
				return prob(x.Line, "question: choices: want a list of 2 to %d answers", MaxChoices)
			}
			if n := len(x.Content); n < 2 || n > MaxChoices {
				return prob(x.Line, "question: choices: want 2 to %d answers, got %d", MaxChoices, n)
			}
			for _, c := range x.Content {
				c = resolve(c)
				if c.Kind != yaml.ScalarNode || c.Tag == "!!null" {
					return prob(c.Line, "question: choices: each answer is one line of text")
				}
				if err := use(c); err != nil {
					return err
				}
				if utf8.RuneCountInString(c.Value) > MaxChoiceText {
					return prob(c.Line, "question: choice longer than %d characters", MaxChoiceText)
				}
				t := cleanText(c.Value, MaxChoiceText)
				if t == "" {
					return prob(c.Line, "question: empty choice")
				}
				q.Choices = append(q.Choices, t)
			}
			return nil
		}
		if x.Kind != yaml.ScalarNode || x.Tag == "!!null" {
			return prob(x.Line, "question: %s: want a value, not %s", key, kindOf(x))
		}
		if err := use(x); err != nil {
			return err
		}
		val := strings.TrimSpace(x.Value)
		bad := func(format string, args ...any) error {
			return prob(x.Line, "question: %s %s: %s", key, snapshots.QuoteShort(val), fmt.Sprintf(format, args...))
		}
		switch key {
		case "text":
			if utf8.RuneCountInString(x.Value) > MaxQuestionText {
				return prob(x.Line, "question: text longer than %d characters", MaxQuestionText)
			}
			q.Text = cleanText(x.Value, MaxQuestionText)
		case "kind":
			if w := strings.ToLower(val); w == KindNumber || w == KindChoice {
				q.Kind = w
			} else {
				return bad("want number or choice")
			}
		case "unit":
			if utf8.RuneCountInString(val) > MaxUnit {
				return bad("want a unit of at most %d characters ($, %%, ...)", MaxUnit)
			}
			q.Unit = cleanText(val, MaxUnit)
		case "symbol":
			sym := strings.ToUpper(val)
			if len(sym) > maxSymbol || !snapshots.TickerLike(sym) {
				return bad("not a symbol")
			}
			q.Symbol = sym
		case "measure":
			if w := strings.ToLower(val); w == MeasurePrice || w == MeasureChange {
				q.Measure = w
			} else {
				return bad("want price or change")
			}
		case "answer":
			f, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimPrefix(val, "$"), ",", ""), 64)
			if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > maxAnswer {
				return bad("want a number")
			}
			q.Answer = &f
		case "correct":
			n, err := strconv.Atoi(val)
			if err != nil || n < 1 || n > MaxChoices {
				return bad("want the right choice's number, 1 to %d", MaxChoices)
			}
			q.Correct = n
		case "lock":
			if val == "" || len(val) > 40 {
				return bad("want a time as at takes it, or key")
			}
			if strings.EqualFold(val, LockKey) {
				val = LockKey
			}
			q.Lock = val
		case "names":
			b, ok := parseBool(val)
			if !ok {
				return bad("want true or false")
			}
			q.Names = b
		default:
			return prob(k.Line, "question: unknown key %q (want %s)", key, questionList)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	line := v.Line
	switch {
	case q.Text == "":
		return nil, prob(line, "question: no text")
	case q.Kind == "":
		return nil, prob(line, "question: no kind (want number or choice)")
	case q.Kind == KindChoice && len(q.Choices) == 0:
		return nil, prob(line, "question: a choice question needs choices (2 to %d)", MaxChoices)
	case q.Kind == KindChoice && (q.Unit != "" || q.Symbol != "" || q.Measure != "" || q.Answer != nil):
		return nil, prob(line, "question: unit, symbol, measure and answer are for number questions")
	case q.Kind == KindChoice && q.Correct > len(q.Choices):
		return nil, prob(line, "question: correct %d: there are %d choices", q.Correct, len(q.Choices))
	case q.Kind == KindNumber && (len(q.Choices) > 0 || q.Correct != 0):
		return nil, prob(line, "question: choices and correct are for choice questions")
	case q.Kind == KindNumber && q.Symbol == "" && q.Answer == nil:
		return nil, prob(line, "question: a number question needs a symbol (its truth is read at the lock time) or an answer")
	case q.Kind == KindNumber && q.Symbol != "" && q.Answer != nil:
		return nil, prob(line, "question: give symbol or answer, not both")
	case q.Measure != "" && q.Symbol == "":
		return nil, prob(line, "question: measure needs a symbol")
	}
	if q.Symbol != "" && q.Measure == "" {
		q.Measure = MeasurePrice
	}
	return q, nil
}

func parseBool(s string) (bool, bool) {
	switch strings.ToLower(s) {
	case "true", "yes", "on":
		return true, true
	case "false", "no", "off":
		return false, true
	}
	return false, false
}
