package snapshots

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// MaxEventsFile is the largest events file LoadEvents reads.
const MaxEventsFile = 16 << 20

// maxEventProblems caps how many problems LoadEvents reports.
const maxEventProblems = 20

// LoadEvents reads a user's events file: a list of events, or an object with
// an "events" list, in YAML or JSON (JSON when the first non-space byte is
// '[' or '{'). Each event has the Event fields: id, title and time are
// required; detail, outlet, link, symbols and precision are optional. time is
// RFC 3339, "YYYY-MM-DD HH:MM" (exchange time; a T works too) or
// "YYYY-MM-DD" (only the date known: precision "date", or morning,
// afternoon or evening if precision says so).
//
// Problems are reported as FILE:LINE: reason (several are joined with
// newlines; errors.As finds a Problem). The events come back sorted by time.
func LoadEvents(r io.Reader, name string) ([]Event, error) {
	return loadEvents(r, name, MaxEventsFile)
}

// loadEvents is LoadEvents with the bound on the text aliases may expand
// to as a parameter, so the fuzz target reaches it with small inputs.
func loadEvents(r io.Reader, name string, maxText int) ([]Event, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxEventsFile+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(data) > MaxEventsFile {
		return nil, Problem{File: name, Line: 1, Reason: "events file larger than 16 MiB"}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	var raws []rawEvent
	if len(trimmed) > 0 && (trimmed[0] == '[' || trimmed[0] == '{') {
		raws, err = jsonEvents(data, name)
	} else {
		raws, err = yamlEvents(data, name, maxText)
	}
	if err != nil {
		return nil, err
	}
	var problems []error
	events := make([]Event, 0, len(raws))
	seen := map[string]int{}
	for _, re := range raws {
		e, p := re.event(name)
		if p == nil && cleanEvent(&e) { // the user's own file: no warning, but nothing reaches the terminal raw
			switch {
			case e.ID == "":
				p = Problem{File: name, Line: re.line, Reason: "event id is only control characters"}
			case e.Title == "":
				p = Problem{File: name, Line: re.line, Reason: fmt.Sprintf("event %s: title is only control characters", QuoteShort(e.ID))}
			}
		}
		if p != nil {
			problems = append(problems, p)
			if len(problems) == maxEventProblems {
				break
			}
			continue
		}
		if first, dup := seen[e.ID]; dup {
			problems = append(problems, Problem{File: name, Line: re.line, Reason: fmt.Sprintf("duplicate id %s (first at line %d)", QuoteShort(e.ID), first)})
			continue
		}
		seen[e.ID] = re.line
		events = append(events, e)
	}
	if len(problems) > 0 {
		return nil, errors.Join(problems...)
	}
	sort.SliceStable(events, func(i, j int) bool { return events[i].Time.Before(events[j].Time) })
	return events, nil
}

// MergeEvents returns base and extra together, sorted by time (stable: base
// before extra at equal times). An extra event with the same id as a base
// event replaces it; within extra the last of an id wins.
func MergeEvents(base, extra []Event) []Event {
	out := make([]Event, 0, len(base)+len(extra))
	at := make(map[string]int, len(base)+len(extra))
	for _, e := range base {
		if i, ok := at[e.ID]; ok && e.ID != "" {
			out[i] = e
			continue
		}
		at[e.ID] = len(out)
		out = append(out, e)
	}
	for _, e := range extra {
		if i, ok := at[e.ID]; ok && e.ID != "" {
			out[i] = e
			continue
		}
		at[e.ID] = len(out)
		out = append(out, e)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Time.Before(out[j].Time) })
	return out
}

// rawEvent is one event as written, before its fields are checked.
type rawEvent struct {
	line   int
	fields []rawField
}

type rawField struct {
	key  string
	line int
	str  *string  // a string value
	list []string // a list of strings
	kind string   // what it was when neither: "number", "list of ...", ...
}

var eventFields = "time, id, title, detail, outlet, link, symbols, precision"

func (re rawEvent) event(name string) (Event, error) {
	var e Event
	prob := func(line int, format string, args ...any) error {
		return Problem{File: name, Line: line, Reason: fmt.Sprintf(format, args...)}
	}
	var timeText string
	timeLine := re.line
	for _, f := range re.fields {
		var dst *string
		switch f.key {
		case "time":
			dst = &timeText
			timeLine = f.line
		case "id":
			dst = &e.ID
		case "title":
			dst = &e.Title
		case "detail":
			dst = &e.Detail
		case "outlet":
			dst = &e.Outlet
		case "link":
			dst = &e.Link
		case "precision":
			dst = &e.Precision
		case "symbols":
			switch {
			case f.list != nil:
				e.Symbols = f.list
			case f.str != nil && *f.str != "":
				for _, s := range strings.Split(*f.str, ",") {
					e.Symbols = append(e.Symbols, strings.TrimSpace(s))
				}
			default:
				return e, prob(f.line, "bad field \"symbols\": want a list of symbols, got %s", f.kind)
			}
			continue
		default:
			if !KeyLike(f.key) {
				return e, prob(f.line, "unknown field (its text is not shown: not a field name; want %s)", eventFields)
			}
			return e, prob(f.line, "unknown field %q (want %s)", f.key, eventFields)
		}
		if f.str == nil {
			return e, prob(f.line, "bad field %q: want a string, got %s", f.key, f.kind)
		}
		*dst = *f.str
	}
	switch {
	case e.ID == "":
		return e, prob(re.line, `event needs an "id"`)
	case e.Title == "":
		return e, prob(re.line, "event %s needs a \"title\"", QuoteShort(e.ID))
	case timeText == "":
		return e, prob(re.line, "event %s needs a \"time\"", QuoteShort(e.ID))
	}
	for _, s := range e.Symbols {
		if s == "" {
			return e, prob(re.line, "event %s: empty symbol in \"symbols\"", QuoteShort(e.ID))
		}
	}
	t, precision, err := parseEventTime(timeText, e.Precision)
	if err != nil {
		return e, prob(timeLine, "event %s: %v", QuoteShort(e.ID), err)
	}
	if y := t.Year(); y < MinYear || y > MaxYear {
		return e, prob(timeLine, "event %s: time %s is outside the years %d-%d", QuoteShort(e.ID), QuoteShort(timeText), MinYear, MaxYear)
	}
	e.Time, e.Precision = t, precision
	return e, nil
}

// parseEventTime reads an events-file time and settles its precision.
func parseEventTime(s, precision string) (time.Time, string, error) {
	s = strings.TrimSpace(s)
	if precision != PrecisionExact {
		if _, ok := precisionClock(precision); !ok {
			return time.Time{}, "", fmt.Errorf("bad precision %s (want date, morning, afternoon, evening or none)", QuoteShort(precision))
		}
	}
	if d, err := time.ParseInLocation(time.DateOnly, s, Location()); err == nil && len(s) == len(time.DateOnly) {
		if precision == PrecisionExact {
			precision = PrecisionDate
		}
		h, _ := precisionClock(precision)
		return time.Date(d.Year(), d.Month(), d.Day(), h, 0, 0, 0, Location()), precision, nil
	}
	var t time.Time
	if rt, err := time.Parse(time.RFC3339, s); err == nil {
		t = rt.In(Location())
	} else {
		var ok bool
		for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02T15:04:05"} {
			if len(s) != len(layout) {
				continue
			}
			if _, err := time.Parse(layout, s); err == nil {
				wt, err := wallTime(s, strings.Replace(s, " ", "T", 1), strings.Replace(layout, " ", "T", 1))
				if err != nil {
					return time.Time{}, "", err
				}
				t, ok = wt, true
				break
			}
		}
		if !ok {
			return time.Time{}, "", fmt.Errorf("bad time %s (want RFC 3339, \"YYYY-MM-DD HH:MM\" exchange time, or \"YYYY-MM-DD\")", QuoteShort(s))
		}
	}
	if reason := checkPrecision(t, precision); reason != "" {
		return time.Time{}, "", errors.New(reason + " (or give just the date)")
	}
	return t, precision, nil
}

// notEventsFile is the reason given for a file whose top level is not an
// events file at all. It quotes nothing: the file may be one given by
// mistake (a password file), whose text must not reach the screen or a log.
const notEventsFile = "not an events file: want a list of events or events: [...] (the file's text is not shown)"

var keyName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,40}$`)

// KeyLike reports whether k looks like a key someone meant to write in a
// YAML file (events, config), and so may be quoted back in a message: a
// file that is not YAML at all (a password file given by mistake) has
// none, and its text is never echoed.
func KeyLike(k string) bool { return keyName.MatchString(k) }

// QuoteShort quotes a value from a file for a message, cut to its first
// 40 bytes (and its length) when longer.
func QuoteShort(s string) string {
	const max = 40
	if len(s) <= max {
		return strconv.Quote(s)
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s… (%d bytes)", strconv.Quote(s[:cut]), len(s))
}

// ---- JSON ----

func jsonEvents(data []byte, name string) ([]rawEvent, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	lineAt := func(off int64) int {
		// skip separators to the start of the next value
		for off < int64(len(data)) && strings.IndexByte(" \t\r\n,:", data[off]) >= 0 {
			off++
		}
		return 1 + bytes.Count(data[:off], []byte("\n"))
	}
	bad := func(off int64, err error) error {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			off = se.Offset
		}
		reason := strings.TrimPrefix(err.Error(), "json: ")
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			reason = "unexpected end of JSON"
		}
		return Problem{File: name, Line: 1 + bytes.Count(data[:min(off, int64(len(data)))], []byte("\n")), Reason: "bad JSON: " + reason}
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, bad(dec.InputOffset(), err)
	}
	wrapped := tok == json.Delim('{')
	if wrapped {
		// {"events": [...]}: the one key must be "events".
		if !dec.More() {
			return nil, Problem{File: name, Line: 1, Reason: `want a list of events or {"events": [...]}`}
		}
		off := dec.InputOffset()
		k, err := dec.Token()
		if err != nil {
			return nil, bad(dec.InputOffset(), err)
		}
		if k != "events" {
			if ks, _ := k.(string); !KeyLike(ks) {
				return nil, Problem{File: name, Line: lineAt(off), Reason: notEventsFile}
			}
			return nil, Problem{File: name, Line: lineAt(off), Reason: fmt.Sprintf("unknown key %v (want \"events\": [...])", k)}
		}
		if tok, err = dec.Token(); err != nil {
			return nil, bad(dec.InputOffset(), err)
		}
	}
	if tok != json.Delim('[') {
		return nil, Problem{File: name, Line: lineAt(0), Reason: `want a list of events or {"events": [...]}`}
	}
	var out []rawEvent
	for dec.More() {
		off := dec.InputOffset()
		line := lineAt(off)
		var obj map[string]json.RawMessage
		if err := dec.Decode(&obj); err != nil {
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) {
				return nil, Problem{File: name, Line: line, Reason: "each event must be an object, not " + te.Value}
			}
			return nil, bad(dec.InputOffset(), err)
		}
		if obj == nil {
			return nil, Problem{File: name, Line: line, Reason: "each event must be an object, not null"}
		}
		re := rawEvent{line: line}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			re.fields = append(re.fields, jsonField(k, line, obj[k]))
		}
		out = append(out, re)
	}
	if _, err := dec.Token(); err != nil {
		return nil, bad(dec.InputOffset(), err)
	}
	if wrapped {
		off := dec.InputOffset()
		if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
			return nil, Problem{File: name, Line: lineAt(off), Reason: `want only "events": [...] in the object`}
		}
	}
	// Nothing may follow: a second list would otherwise be dropped unread.
	off := dec.InputOffset()
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, Problem{File: name, Line: lineAt(off), Reason: "more after the list of events (put every event in one list)"}
	}
	return out, nil
}

func jsonField(key string, line int, raw json.RawMessage) rawField {
	f := rawField{key: key, line: line}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		f.str = &s
		return f
	}
	var list []string
	if json.Unmarshal(raw, &list) == nil && list != nil {
		f.list = list
		return f
	}
	switch t := bytes.TrimSpace(raw); {
	case len(t) == 0:
		f.kind = "nothing"
	case t[0] == '[':
		f.kind = "a list of non-strings"
	case t[0] == '{':
		f.kind = "an object"
	case t[0] == 'n':
		f.kind = "null"
	case t[0] == 't' || t[0] == 'f':
		f.kind = "a boolean"
	default:
		f.kind = "a number"
	}
	return f
}

// ---- YAML ----

var yamlLine = regexp.MustCompile(`^yaml: (?:line (\d+): )?(.*)$`)

func yamlEvents(data []byte, name string, maxText int) ([]rawEvent, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line, reason := 1, err.Error()
		if m := yamlLine.FindStringSubmatch(reason); m != nil {
			if m[1] != "" {
				line, _ = strconv.Atoi(m[1])
			}
			reason = m[2]
		}
		return nil, Problem{File: name, Line: line, Reason: "bad YAML: " + reason}
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, nil // an empty file: no events
	}
	root := doc.Content[0]
	if root.Kind == yaml.MappingNode {
		var list *yaml.Node
		for i := 0; i+1 < len(root.Content); i += 2 {
			k := root.Content[i]
			if k.Value != "events" {
				if !KeyLike(k.Value) {
					return nil, Problem{File: name, Line: k.Line, Reason: notEventsFile}
				}
				return nil, Problem{File: name, Line: k.Line, Reason: fmt.Sprintf("unknown key %q (want events: [...])", k.Value)}
			}
			list = root.Content[i+1]
		}
		if list == nil {
			return nil, Problem{File: name, Line: root.Line, Reason: "want a list of events or events: [...]"}
		}
		root = list
	}
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return nil, nil
	}
	if root.Kind != yaml.SequenceNode {
		return nil, Problem{File: name, Line: root.Line, Reason: "want a list of events"}
	}
	// Aliases let a small file name one big value many times (a 1 MB
	// anchor and 20,000 aliases is 20 GB of text to check): count every
	// value as it is used and stop past MaxEventsFile, as if the file had
	// been written out in full.
	used := 0
	use := func(n *yaml.Node) error {
		used += len(n.Value) + 8
		if used > maxText {
			return Problem{File: name, Line: n.Line, Reason: fmt.Sprintf("aliases (*name) repeat values past %d MiB of text; write the events out in full", maxText>>20)}
		}
		return nil
	}
	var out []rawEvent
	for _, item := range root.Content {
		item = resolveAlias(item)
		if item.Kind != yaml.MappingNode {
			return nil, Problem{File: name, Line: item.Line, Reason: "each event must be a mapping (key: value lines)"}
		}
		re := rawEvent{line: item.Line}
		for i := 0; i+1 < len(item.Content); i += 2 {
			k, v := resolveAlias(item.Content[i]), resolveAlias(item.Content[i+1])
			if err := use(k); err != nil {
				return nil, err
			}
			f := rawField{key: k.Value, line: k.Line}
			switch v.Kind {
			case yaml.ScalarNode:
				if v.Tag == "!!null" {
					f.kind = "nothing"
				} else {
					if err := use(v); err != nil {
						return nil, err
					}
					s := v.Value
					f.str = &s
				}
			case yaml.SequenceNode:
				list := []string{}
				for _, c := range v.Content {
					c = resolveAlias(c)
					if c.Kind != yaml.ScalarNode {
						list = nil
						f.kind = "a list of non-strings"
						break
					}
					if err := use(c); err != nil {
						return nil, err
					}
					list = append(list, c.Value)
				}
				f.list = list
			default:
				f.kind = "a mapping"
			}
			re.fields = append(re.fields, f)
		}
		out = append(out, re)
	}
	return out, nil
}

func resolveAlias(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 8; i++ {
		n = n.Alias
	}
	return n
}
