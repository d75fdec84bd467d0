package tour

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/selloff/selloff/snapshots"
)

func header() snapshots.Header {
	var ss []snapshots.Session
	for _, d := range []string{"2025-01-24", "2025-01-27", "2025-01-28"} {
		ss = append(ss, snapshots.Session{Date: d, Open: et(d + " 09:30"), Close: et(d + " 16:00")})
	}
	return snapshots.Header{MainDay: "2025-01-27", Sessions: ss}
}

func et(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, snapshots.Location())
	if err != nil {
		panic(err)
	}
	return t
}

const good = `title: a test
steps:
  - at: "09:30"
    speed: 60
    select: nvda
    focus: chart
    chart: candles
    range: week
    caption: "the open"
    hold: 5s
    pause: true
  - play_to: "10:00"
    caption: "  two\tlines\nin one  "
  - hold: 1m
    pause: false
`

func TestParseGood(t *testing.T) {
	tr, err := Parse(strings.NewReader(good), "t.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if tr.Title != "a test" || len(tr.Steps) != 3 {
		t.Fatalf("got %+v", tr)
	}
	s := tr.Steps[0]
	if s.Line != 3 || s.At != "09:30" || s.Speed != 60 || s.Select != "NVDA" || s.Focus != "chart" ||
		s.Chart != "candles" || s.Range != "week" || *s.Caption != "the open" || s.Hold != 5*time.Second || !*s.Pause {
		t.Fatalf("step 1: %+v", s)
	}
	if c := *tr.Steps[1].Caption; c != "two lines in one" {
		t.Fatalf("caption not one clean line: %q", c)
	}
	if err := tr.Resolve(header(), et("2025-01-24 09:30"), et("2025-01-28 16:00")); err != nil {
		t.Fatal(err)
	}
	if !tr.Steps[0].AtTime.Equal(et("2025-01-27 09:30")) || !tr.Steps[1].PlayToTime.Equal(et("2025-01-27 10:00")) {
		t.Fatalf("resolved %v %v", tr.Steps[0].AtTime, tr.Steps[1].PlayToTime)
	}
	// 5s + 30 min at 60x + 1m
	if got := tr.WallTime(time.Time{}, 120); got != 5*time.Second+30*time.Second+time.Minute {
		t.Fatalf("wall time %v", got)
	}
	// A bare list works too.
	if _, err := Parse(strings.NewReader("- caption: hi\n"), "l.yaml"); err != nil {
		t.Fatal(err)
	}
}

// Every bad file names FILE:LINE and the reason, and quotes no more of
// the file than a short prefix.
func TestParseBad(t *testing.T) {
	long := strings.Repeat("x", 5000)
	for _, c := range []struct{ name, in, want string }{
		{"empty", "", "e.yaml:1: empty tour file"},
		{"yaml", "steps:\n  - at: [\n", "e.yaml:2: bad YAML"},
		{"no steps", "title: x\n", "e.yaml:1: no steps"},
		{"unknown top", "title: x\nsteps: []\nwho: 1\n", `e.yaml:3: unknown key "who"`},
		{"not tour", "root:x:0:0:root:/root:/bin/bash\n", "e.yaml:1: want a list of steps"},
		{"unknown step key", "steps:\n  - hold: 1s\n  - jump: 3\n", `e.yaml:3: unknown key "jump"`},
		{"question scalar", "steps:\n  - question: where does NVDA close?\n", "e.yaml:2: question: want a mapping"},
		{"question no text", "steps:\n  - question: {kind: number, answer: 1}\n", "e.yaml:2: question: no text"},
		{"question kind", "steps:\n  - question:\n      text: x\n      kind: essay\n", `e.yaml:4: question: kind "essay": want number or choice`},
		{"question no truth", "steps:\n  - question: {text: x, kind: number}\n", "e.yaml:2: question: a number question needs a symbol"},
		{"question choices", "steps:\n  - question: {text: x, kind: choice, choices: [a]}\n", "e.yaml:2: question: choices: want 2 to 5 answers, got 1"},
		{"question six", "steps:\n  - question: {text: x, kind: choice, choices: [a, b, c, d, e, f]}\n", "e.yaml:2: question: choices: want 2 to 5"},
		{"question correct", "steps:\n  - question: {text: x, kind: choice, choices: [a, b], correct: 3}\n", "e.yaml:2: question: correct 3: there are 2 choices"},
		{"question unit", "steps:\n  - question: {text: x, kind: number, answer: 1, unit: dollarsss}\n", `e.yaml:2: question: unit "dollarsss"`},
		{"question long", "steps:\n  - question: {kind: choice, choices: [a, b], text: " + long + "}\n", "e.yaml:2: question: text longer than 120"},
		{"question measure", "steps:\n  - question: {text: x, kind: number, symbol: NVDA, measure: volume}\n", `e.yaml:2: question: measure "volume": want price or change`},
		{"question unknown", "steps:\n  - question: {text: x, kind: number, answer: 1, hint: y}\n", `e.yaml:2: question: unknown key "hint"`},
		{"question names", "steps:\n  - question: {text: x, kind: number, answer: 1, names: maybe}\n", `e.yaml:2: question: names "maybe": want true or false`},
		{"lock alone", "steps:\n  - hold: 1s\n  - lock: true\n", "e.yaml:3: lock and reveal need a question open"},
		{"reveal closed", "steps:\n  - question: {text: x, kind: number, answer: 1}\n  - close_question: true\n  - reveal: true\n", "e.yaml:4: lock and reveal need a question open"},
		{"reveal bool", "steps:\n  - question: {text: x, kind: number, answer: 1}\n    reveal: soon\n", `e.yaml:3: reveal "soon": want true or false`},
		{"speed", "steps:\n  - speed: 9000\n", "e.yaml:2: speed \"9000\": want a speed from 0.25 to 3600"},
		{"speed nan", "steps:\n  - speed: .nan\n", "e.yaml:2: speed"},
		{"focus", "steps:\n  - focus: sidebar\n", `e.yaml:2: focus "sidebar": want watchlist, chart, timeline`},
		{"chart", "steps:\n\n  - chart: pie\n", `e.yaml:3: chart "pie": want line, candles, compare`},
		{"range", "steps:\n  - range: year\n", "e.yaml:2: range"},
		{"hold", "steps:\n  - hold: forever\n", `e.yaml:2: hold "forever": want a duration`},
		{"hold long", "steps:\n  - hold: 2h\n", `e.yaml:2: hold "2h"`},
		{"pause", "steps:\n  - pause: maybe\n", `e.yaml:2: pause "maybe": want true or false`},
		{"select", "steps:\n  - select: \"NV DA;rm\"\n", `e.yaml:2: select "NV DA;rm": not a symbol`},
		{"mapping value", "steps:\n  - caption: {a: 1}\n", "e.yaml:2: caption: want a value, not a mapping"},
		{"null", "steps:\n  - at:\n", "e.yaml:2: at: want a value, not nothing"},
		{"twice", "steps:\n  - hold: 1s\n    hold: 2s\n", "e.yaml:3: hold given twice"},
		{"scalar step", "steps:\n  - 3\n", "e.yaml:2: each step must be a mapping"},
		{"empty step", "steps:\n  - {}\n", "e.yaml:2: empty step"},
		{"play and pause", "steps:\n  - play_to: close\n    pause: true\n", "e.yaml:2: play_to runs the clock"},
		{"long caption", "steps:\n  - caption: " + long + "\n", "e.yaml:2: caption longer than 200"},
		{"long time", "steps:\n  - at: " + long + "\n", `e.yaml:2: at "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"… (5000 bytes): not a time`},
		{"several", "steps:\n  - hold: x\n  - speed: 0\n", "e.yaml:2: hold \"x\": want a duration such as 5s or 1m30s, at most 1h\ne.yaml:3: speed"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(c.in), "e.yaml")
			if err == nil || !strings.HasPrefix(err.Error(), c.want) {
				t.Fatalf("got %v\nwant prefix %q", err, c.want)
			}
			var p snapshots.Problem
			if !errors.As(err, &p) {
				t.Fatalf("not a Problem: %T", err)
			}
			if len(err.Error()) > 400 {
				t.Fatalf("message quotes too much (%d bytes)", len(err.Error()))
			}
		})
	}
}

func TestResolveBad(t *testing.T) {
	start, end := et("2025-01-24 09:30"), et("2025-01-28 16:00")
	for _, c := range []struct{ in, want string }{
		{"steps:\n  - hold: 1s\n  - at: \"25:00\"\n", "r.yaml:3: time \"25:00\""},
		{"steps:\n  - at: 2025-02-03T10:00\n", `r.yaml:2: time "2025-02-03T10:00" is outside the data (2025-01-24 09:30 to 2025-01-28 16:00)`},
		{"steps:\n  - at: \"11:00\"\n  - play_to: \"10:00\"\n", "r.yaml:3: play_to 10:00 is before the clock's time there (2025-01-27 11:00)"},
		{"steps:\n  - at: \"11:00\"\n    question: {text: x, kind: number, answer: 1, lock: \"10:00\"}\n", `r.yaml:3: question: lock "10:00" is not after the clock's time there (2025-01-27 11:00)`},
		{"steps:\n  - question: {text: x, kind: number, answer: 1, lock: \"2025-03-01T10:00\"}\n", `r.yaml:2: time "2025-03-01T10:00" is outside the data`},
	} {
		tr, err := Parse(strings.NewReader(c.in), "r.yaml")
		if err != nil {
			t.Fatal(err)
		}
		err = tr.Resolve(header(), start, end)
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Fatalf("got %v\nwant prefix %q", err, c.want)
		}
	}
}

// A billion laughs in YAML aliases stops at the text bound.
func TestAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("a: &a \"" + strings.Repeat("x", 1000) + "\"\n")
	b.WriteString("steps:\n")
	for i := 0; i < 20000; i++ {
		b.WriteString("  - caption: *a\n")
	}
	_, err := parse(strings.NewReader(b.String()), "bomb.yaml", 1<<20)
	if err == nil || !strings.Contains(err.Error(), "bomb.yaml:") {
		t.Fatalf("got %v", err)
	}
}

func TestTooBig(t *testing.T) {
	_, err := Parse(strings.NewReader("# "+strings.Repeat("x", MaxFile)), "big.yaml")
	if err == nil || err.Error() != "big.yaml:1: tour file larger than 1024 KiB" {
		t.Fatalf("got %v", err)
	}
}

// The embedded tour parses, resolves against the embedded snapshot's week,
// starts before the open, ends at the close and takes at most 5 minutes.
func TestEmbeddedTour(t *testing.T) {
	if got := Embedded(); len(got) != 1 || got[0] != "deepseek" {
		t.Fatalf("embedded tours %v", got)
	}
	tr, err := Load("deepseek")
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Resolve(header(), et("2025-01-24 09:30"), et("2025-01-28 16:00")); err != nil {
		t.Fatal(err)
	}
	var last time.Time
	captions := 0
	for _, s := range tr.Steps {
		if !s.PlayToTime.IsZero() {
			last = s.PlayToTime
		}
		if s.Caption != nil {
			captions++
		}
	}
	if !last.Equal(et("2025-01-27 16:00")) {
		t.Fatalf("the tour's clock ends at %v, not the close", last)
	}
	if captions < 10 {
		t.Fatalf("%d captions", captions)
	}
	var asked, revealed bool
	for _, s := range tr.Steps {
		if q := s.Question; q != nil {
			asked = q.Symbol == "NVDA" && q.Kind == KindNumber && q.Unit == "$" && !q.Names &&
				q.LockTime.Equal(et("2025-01-27 16:00")) && s.PlayToTime.IsZero()
		}
		revealed = revealed || (asked && s.Reveal)
	}
	if !asked || !revealed {
		t.Fatalf("the tour asks where NVDA closes (%v) and reveals it (%v)", asked, revealed)
	}
	if w := tr.WallTime(et("2025-01-24 16:00"), 120); w > 5*time.Minute || w < 2*time.Minute {
		t.Fatalf("the tour takes %v of wall time", w)
	}
	if _, err := Load("no-such-tour"); err == nil || !strings.Contains(err.Error(), "embedded: deepseek") {
		t.Fatalf("got %v", err)
	}
}

func TestRunner(t *testing.T) {
	tr, err := Parse(strings.NewReader(good), "t.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Resolve(header(), time.Time{}, time.Time{}); err != nil {
		t.Fatal(err)
	}
	r := NewRunner(tr)
	if s, ok := r.Step(); !ok || s.Line != 3 || r.Phase() != PhaseApply {
		t.Fatal("not at step 1")
	}
	r.Applied()
	if r.Phase() != PhaseHold {
		t.Fatal("step 1 has no play_to: it holds")
	}
	g := r.Gen()
	r.SetPaused(true)
	if r.HoldDone(g) || r.HoldDone(r.Gen()) {
		t.Fatal("a paused tour moved on")
	}
	r.SetPaused(false)
	if r.HoldDone(g) {
		t.Fatal("a stale hold moved on")
	}
	if !r.HoldDone(r.Gen()) || r.Index() != 1 {
		t.Fatal("the hold did not end step 1")
	}
	r.Applied()
	if r.Phase() != PhasePlay {
		t.Fatal("step 2 plays")
	}
	if r.Clock(et("2025-01-27 09:59")) {
		t.Fatal("reached before play_to")
	}
	if !r.Clock(et("2025-01-27 10:00")) || r.Phase() != PhaseHold {
		t.Fatal("play_to not reached")
	}
	r.Skip()
	if r.Index() != 2 || r.Phase() != PhaseApply {
		t.Fatal("skip")
	}
	r.Skip()
	if !r.Done() {
		t.Fatal("not done after the last step")
	}
	r.Skip()
	r.SetPaused(true)
	if !r.Done() || r.Paused() {
		t.Fatal("a done tour changed")
	}
}

// A question step carries every field, and its lock resolves as at does.
func TestQuestion(t *testing.T) {
	const in = `steps:
  - at: "14:00"
    question:
      text: "Where does NVDA close today?"
      kind: number
      unit: $
      symbol: nvda
      lock: "16:00"
      names: false
  - play_to: close
    lock: true
  - reveal: true
    hold: 5s
  - close_question: true
    question:
      text: "Which fell most?"
      kind: choice
      choices: [NVDA, AVGO, "  TSM\t "]
      correct: 2
      names: true
  - reveal: true
`
	tr, err := Parse(strings.NewReader(in), "q.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Resolve(header(), et("2025-01-24 09:30"), et("2025-01-28 16:00")); err != nil {
		t.Fatal(err)
	}
	q := tr.Steps[0].Question
	if q == nil || q.Line != 4 || q.Text != "Where does NVDA close today?" || q.Kind != KindNumber || q.Unit != "$" ||
		q.Symbol != "NVDA" || q.Measure != MeasurePrice || q.Lock != "16:00" || !q.LockTime.Equal(et("2025-01-27 16:00")) || q.Names {
		t.Fatalf("number question %+v", q)
	}
	if s := tr.Steps[1]; !s.Lock || s.Reveal {
		t.Fatalf("lock step %+v", s)
	}
	if s := tr.Steps[2]; !s.Reveal || s.Hold != 5*time.Second {
		t.Fatalf("reveal step %+v", s)
	}
	s := tr.Steps[3]
	q = s.Question
	if !s.CloseQuestion || q == nil || q.Kind != KindChoice || strings.Join(q.Choices, "|") != "NVDA|AVGO|TSM" ||
		q.Correct != 2 || !q.Names || q.Lock != LockKey || !q.LockTime.IsZero() {
		t.Fatalf("choice step %+v %+v", s, q)
	}
	err = tr.CheckSymbols(func(s string) bool { return s != "NVDA" })
	if err == nil || !strings.HasPrefix(err.Error(), `q.yaml:4: question: symbol "NVDA": not a symbol of the snapshot`) {
		t.Fatalf("got %v", err)
	}
}

// The README's example tour is a good tour.
func TestReadmeExample(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, sec, ok := strings.Cut(string(b), "### Tours\n")
	if !ok {
		t.Fatal("README has no Tours section")
	}
	_, ex, ok := strings.Cut(sec, "```yaml\n")
	ex, _, ok2 := strings.Cut(ex, "```")
	if !ok || !ok2 {
		t.Fatal("the Tours section has no YAML example")
	}
	tr, err := Parse(strings.NewReader(ex), "README example")
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Resolve(header(), et("2025-01-24 09:30"), et("2025-01-28 16:00")); err != nil {
		t.Fatal(err)
	}
}
