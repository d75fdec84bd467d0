// Package tour reads a tour file, a YAML storyboard that runs the dashboard
// unattended (seeks, speeds, selections, captions, holds), and holds the
// step runner's logic. It knows nothing of the terminal: tui drives the
// dashboard from a Runner.
package tour

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/selloff/selloff/snapshots"
)

// Bounds a tour file must keep.
const (
	MaxFile     = 1 << 20     // bytes
	MaxSteps    = 2000        // steps
	MaxCaption  = 200         // characters of one caption
	MaxHold     = time.Hour   // one step's hold
	maxProblems = 20          // problems reported at most
	maxText     = 4 * MaxFile // text aliases may expand to
	minSpeed    = 0.25        // as --speed takes it
	maxSpeed    = 3600.0      //
	fieldList   = "at, speed, play_to, select, focus, chart, range, caption, question, lock, reveal, close_question, hold, pause"
)

// Focus, chart and range words a step may use.
var (
	Focuses = []string{"watchlist", "chart", "timeline"}
	Charts  = []string{"line", "candles", "compare"}
	Ranges  = []string{"day", "week"}
)

// Step is one step of a tour. Only the fields the file set are set: a
// string field is "" and a pointer nil when not.
type Step struct {
	Line    int           // where the step starts in the file
	At      string        // seek, as --at takes it ("" no seek)
	PlayTo  string        // run the clock to this time ("" none)
	Speed   float64       // 0: unchanged
	Select  string        // a symbol
	Focus   string        // watchlist|chart|timeline
	Chart   string        // line|candles|compare
	Range   string        // day|week
	Caption *string       // shown until the next caption ("" clears it)
	Hold    time.Duration // wall time before the next step (after play_to is reached)
	Pause   *bool         // pause or resume the clock

	// The question to the room: Question asks one (replacing any open
	// one); Lock locks its answers now, Reveal shows the outcome (and
	// locks), CloseQuestion takes it down. In one step they happen in the
	// order close_question, question, lock, reveal.
	Question      *Question
	Lock          bool
	Reveal        bool
	CloseQuestion bool

	// Set by Resolve.
	AtTime, PlayToTime time.Time
}

// Tour is a parsed tour file.
type Tour struct {
	Name  string // the file's name (or the embedded tour's)
	Title string // optional
	Steps []Step
}

// Parse reads a tour file: a mapping with steps (and an optional title),
// or a bare list of steps. Problems come back as FILE:LINE: reason (joined
// with newlines; errors.As finds a snapshots.Problem), and nothing of the
// file is quoted past a short prefix.
func Parse(r io.Reader, name string) (*Tour, error) {
	return parse(r, name, maxText)
}

func parse(r io.Reader, name string, textCap int) (*Tour, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFile+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	prob := func(line int, format string, args ...any) error {
		return snapshots.Problem{File: name, Line: line, Reason: fmt.Sprintf(format, args...)}
	}
	if len(data) > MaxFile {
		return nil, prob(1, "tour file larger than %d KiB", MaxFile>>10)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line, reason := 1, err.Error()
		if m := yamlLine.FindStringSubmatch(reason); m != nil {
			if m[1] != "" {
				line, _ = strconv.Atoi(m[1])
			}
			reason = m[2]
		}
		return nil, prob(line, "bad YAML: %s", short(reason))
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, prob(1, "empty tour file (want steps: [...])")
	}
	t := &Tour{Name: name}
	used := 0
	use := func(n *yaml.Node) error {
		used += len(n.Value) + 8
		if used > textCap {
			return prob(n.Line, "aliases (*name) repeat values past %d KiB of text; write the steps out in full", textCap>>10)
		}
		return nil
	}
	root := resolve(doc.Content[0])
	if root.Kind == yaml.MappingNode {
		var list *yaml.Node
		for i := 0; i+1 < len(root.Content); i += 2 {
			k, v := resolve(root.Content[i]), resolve(root.Content[i+1])
			if err := use(k); err != nil {
				return nil, err
			}
			switch k.Value {
			case "steps":
				list = v
			case "title":
				if v.Kind != yaml.ScalarNode {
					return nil, prob(v.Line, "title: want text")
				}
				if err := use(v); err != nil {
					return nil, err
				}
				t.Title = cleanText(v.Value, MaxCaption)
			default:
				if !snapshots.KeyLike(k.Value) {
					return nil, prob(k.Line, "not a tour file (want title: and steps: [...])")
				}
				return nil, prob(k.Line, "unknown key %q (want title or steps)", k.Value)
			}
		}
		if list == nil {
			return nil, prob(root.Line, "no steps (want steps: [...])")
		}
		root = list
	}
	if root.Kind != yaml.SequenceNode {
		return nil, prob(root.Line, "want a list of steps")
	}
	if len(root.Content) == 0 {
		return nil, prob(root.Line, "no steps")
	}
	if len(root.Content) > MaxSteps {
		return nil, prob(root.Content[MaxSteps].Line, "more than %d steps", MaxSteps)
	}
	var problems []error
	open := false // a question is open at this step
	for _, item := range root.Content {
		item = resolve(item)
		s, err := step(item, name, use)
		if err == nil {
			if s.CloseQuestion {
				open = false
			}
			open = open || s.Question != nil
			if (s.Lock || s.Reveal) && !open {
				err = prob(s.Line, "lock and reveal need a question open (a question: in this or an earlier step, not closed since)")
			}
		}
		if err != nil {
			var p snapshots.Problem
			if !errors.As(err, &p) || strings.HasPrefix(p.Reason, "aliases") {
				return nil, err
			}
			problems = append(problems, err)
			if len(problems) == maxProblems {
				break
			}
			continue
		}
		t.Steps = append(t.Steps, s)
	}
	if len(problems) > 0 {
		return nil, errors.Join(problems...)
	}
	return t, nil
}

var yamlLine = regexp.MustCompile(`^yaml: (?:line (\d+): )?(.*)$`)

func step(item *yaml.Node, name string, use func(*yaml.Node) error) (Step, error) {
	prob := func(line int, format string, args ...any) error {
		return snapshots.Problem{File: name, Line: line, Reason: fmt.Sprintf(format, args...)}
	}
	s := Step{Line: item.Line}
	if item.Kind != yaml.MappingNode {
		return s, prob(item.Line, "each step must be a mapping (key: value lines: %s)", fieldList)
	}
	if len(item.Content) == 0 {
		return s, prob(item.Line, "empty step (want some of %s)", fieldList)
	}
	err := fields(item, use, prob, "not a step key (want "+fieldList+")", "%s given twice in one step", func(key string, k, v *yaml.Node) error {
		if key == "question" {
			q, err := question(v, name, use)
			if err != nil {
				return err
			}
			s.Question = q
			return nil
		}
		if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
			return prob(v.Line, "%s: want a value, not %s", key, kindOf(v))
		}
		if err := use(v); err != nil {
			return err
		}
		val := strings.TrimSpace(v.Value)
		bad := func(format string, args ...any) error {
			return prob(v.Line, "%s %s: %s", key, snapshots.QuoteShort(val), fmt.Sprintf(format, args...))
		}
		switch key {
		case "at", "play_to":
			if val == "" {
				return prob(v.Line, "%s: empty time", key)
			}
			if len(val) > 40 {
				return bad("not a time (want HH:MM, YYYY-MM-DDTHH:MM, RFC 3339, open or close)")
			}
			if key == "at" {
				s.At = val
			} else {
				s.PlayTo = val
			}
		case "speed":
			f, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSuffix(val, "x"), "X"), 64)
			if err != nil || math.IsNaN(f) || f < minSpeed || f > maxSpeed {
				return bad("want a speed from 0.25 to 3600 (x real time)")
			}
			s.Speed = f
		case "select":
			sym := strings.ToUpper(val)
			if !snapshots.TickerLike(sym) {
				return bad("not a symbol")
			}
			s.Select = sym
		case "focus", "chart", "range":
			words := map[string][]string{"focus": Focuses, "chart": Charts, "range": Ranges}[key]
			w := strings.ToLower(val)
			if !contains(words, w) {
				return bad("want %s", strings.Join(words, ", "))
			}
			switch key {
			case "focus":
				s.Focus = w
			case "chart":
				s.Chart = w
			default:
				s.Range = w
			}
		case "caption":
			if utf8.RuneCountInString(v.Value) > MaxCaption {
				return prob(v.Line, "caption longer than %d characters (a caption is one line)", MaxCaption)
			}
			c := cleanText(v.Value, MaxCaption)
			s.Caption = &c
		case "hold":
			d, err := time.ParseDuration(val)
			if err != nil || d < 0 || d > MaxHold {
				return bad("want a duration such as 5s or 1m30s, at most 1h")
			}
			s.Hold = d
		case "pause":
			p, ok := parseBool(val)
			if !ok {
				return bad("want true or false")
			}
			s.Pause = &p
		case "lock", "reveal", "close_question":
			p, ok := parseBool(val)
			if !ok {
				return bad("want true or false")
			}
			switch key {
			case "lock":
				s.Lock = p
			case "reveal":
				s.Reveal = p
			default:
				s.CloseQuestion = p
			}
		default:
			return prob(k.Line, "unknown key %q (want %s)", key, fieldList)
		}
		return nil
	})
	if err != nil {
		return s, err
	}
	if s.PlayTo != "" && s.Pause != nil && *s.Pause {
		return s, prob(item.Line, "play_to runs the clock: it cannot go with pause: true")
	}
	return s, nil
}

// Resolve reads every step's at, play_to and question lock against the snapshot's header
// (as --at reads them) and checks they fall inside the data [start, end]
// when those are set. A play_to earlier than the step's start (its at, or
// where the step before left the clock) is refused.
func (t *Tour) Resolve(h snapshots.Header, start, end time.Time) error {
	var problems []error
	var clock time.Time
	for i := range t.Steps {
		s := &t.Steps[i]
		read := func(spec string) (time.Time, error) {
			at, err := snapshots.ParseTime(spec, h)
			if err != nil {
				return at, snapshots.Problem{File: t.Name, Line: s.Line, Reason: err.Error()}
			}
			if (!start.IsZero() && at.Before(start)) || (!end.IsZero() && at.After(end)) {
				return at, snapshots.Problem{File: t.Name, Line: s.Line, Reason: fmt.Sprintf("time %s is outside the data (%s to %s)",
					snapshots.QuoteShort(spec), start.Format("2006-01-02 15:04"), end.Format("2006-01-02 15:04"))}
			}
			return at, nil
		}
		var err error
		if s.At != "" {
			if s.AtTime, err = read(s.At); err != nil {
				problems = append(problems, err)
				continue
			}
			clock = s.AtTime
		}
		if q := s.Question; q != nil && q.Lock != LockKey {
			if q.LockTime, err = read(q.Lock); err != nil {
				problems = append(problems, err)
				continue
			}
			if !clock.IsZero() && !q.LockTime.After(clock) {
				problems = append(problems, snapshots.Problem{File: t.Name, Line: q.Line,
					Reason: fmt.Sprintf("question: lock %s is not after the clock's time there (%s): the answers would lock at once", snapshots.QuoteShort(q.Lock), clock.Format("2006-01-02 15:04"))})
				continue
			}
		}
		if s.PlayTo != "" {
			if s.PlayToTime, err = read(s.PlayTo); err != nil {
				problems = append(problems, err)
				continue
			}
			if !clock.IsZero() && s.PlayToTime.Before(clock) {
				problems = append(problems, snapshots.Problem{File: t.Name, Line: s.Line,
					Reason: fmt.Sprintf("play_to %s is before the clock's time there (%s); seek back with at", s.PlayTo, clock.Format("2006-01-02 15:04"))})
				continue
			}
			clock = s.PlayToTime
		}
		if len(problems) == maxProblems {
			break
		}
	}
	return errors.Join(problems...)
}

// WallTime estimates how long the tour runs from a clock at start going at
// speed (the replay's speed before the first step): the holds plus the
// virtual time each play_to crosses at its speed. Gaps between sessions
// count in full, so it is an upper bound when the replay skips them.
func (t *Tour) WallTime(start time.Time, speed float64) time.Duration {
	var total time.Duration
	clock := start
	for _, s := range t.Steps {
		if s.Speed > 0 {
			speed = s.Speed
		}
		if !s.AtTime.IsZero() {
			clock = s.AtTime
		}
		if !s.PlayToTime.IsZero() {
			total += time.Duration(float64(s.PlayToTime.Sub(clock)) / speed)
			clock = s.PlayToTime
		}
		total += s.Hold
	}
	return total
}

//go:embed tours
var embedded embed.FS

// Embedded lists the embedded tours' names, sorted.
func Embedded() []string {
	entries, _ := fs.ReadDir(embedded, "tours")
	var names []string
	for _, e := range entries {
		if n, ok := strings.CutSuffix(e.Name(), ".yaml"); ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// Load parses the embedded tour called nameOrPath, else the file at that
// path. An exact embedded name wins (write ./NAME for a file of that name).
func Load(nameOrPath string) (*Tour, error) {
	if contains(Embedded(), nameOrPath) {
		f, err := embedded.Open("tours/" + nameOrPath + ".yaml")
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return Parse(f, nameOrPath)
	}
	f, err := os.Open(nameOrPath)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, fmt.Errorf("tour %s: no such file and no embedded tour of that name (embedded: %s)", snapshots.QuoteShort(nameOrPath), strings.Join(Embedded(), ", "))
		}
		return nil, fmt.Errorf("tour: %w", err)
	}
	defer f.Close()
	return Parse(f, nameOrPath)
}

func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 8; i++ {
		n = n.Alias
	}
	return n
}

func kindOf(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	return "nothing"
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// cleanText makes s one line of printable text: control characters
// (escapes, newlines) become spaces, runs of space collapse.
func cleanText(s string, maxRunes int) string {
	var b strings.Builder
	n := 0
	space := false
	for _, r := range s {
		if r == utf8.RuneError || r < 0x20 || (r >= 0x7f && r < 0xa0) || r == '\u2028' || r == '\u2029' {
			r = ' '
		}
		if r == ' ' {
			if space {
				continue
			}
			space = true
		} else {
			space = false
		}
		if n++; n > maxRunes {
			break
		}
		b.WriteRune(r)
	}
	return strings.TrimSpace(b.String())
}

// short cuts a parser message (which may quote the file) to 80 bytes.
func short(s string) string {
	if len(s) <= 80 {
		return s
	}
	cut := 80
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// CheckSymbols refuses a select or a question's symbol known does not
// know (the snapshot's), as FILE:LINE problems.
func (t *Tour) CheckSymbols(known func(string) bool) error {
	var problems []error
	for _, s := range t.Steps {
		if s.Select != "" && !known(s.Select) {
			problems = append(problems, snapshots.Problem{File: t.Name, Line: s.Line, Reason: fmt.Sprintf("select %s: not a symbol of the snapshot", snapshots.QuoteShort(s.Select))})
		}
		if q := s.Question; q != nil && q.Symbol != "" && !known(q.Symbol) {
			problems = append(problems, snapshots.Problem{File: t.Name, Line: q.Line, Reason: fmt.Sprintf("question: symbol %s: not a symbol of the snapshot", snapshots.QuoteShort(q.Symbol))})
		}
		if len(problems) >= maxProblems {
			break
		}
	}
	return errors.Join(problems...)
}

// fields walks a mapping's key: value pairs in order: each key a scalar
// that looks like a key (notKey otherwise), given once (twice, a format
// taking the key, otherwise), counted by use; f gets the key, its node
// and the value, and stops the walk with an error.
func fields(m *yaml.Node, use func(*yaml.Node) error, prob func(int, string, ...any) error, notKey, twice string, f func(key string, k, v *yaml.Node) error) error {
	seen := map[string]bool{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := resolve(m.Content[i]), resolve(m.Content[i+1])
		if err := use(k); err != nil {
			return err
		}
		if k.Kind != yaml.ScalarNode || !snapshots.KeyLike(k.Value) {
			return prob(k.Line, "%s", notKey)
		}
		if seen[k.Value] {
			return prob(k.Line, twice, k.Value)
		}
		seen[k.Value] = true
		if err := f(k.Value, k, v); err != nil {
			return err
		}
	}
	return nil
}
