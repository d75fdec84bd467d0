package snapshots

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestLoadEventsYAMLAndJSON(t *testing.T) {
	yamlDoc := `# my notes
- id: mine-1
  title: I bought the dip
  time: 2025-01-27 10:05
  symbols: [NVDA]
- id: mine-2
  title: "Heard about R1"
  time: "2025-01-26"
  detail: >
    Over the weekend.
- id: mine-3
  title: Evening call
  time: 2025-01-27
  precision: evening
  outlet: Me
  link: https://example.com
  symbols:
    - NVDA
    - SPY
- id: mine-4
  title: Exact, RFC 3339
  time: 2025-01-27T14:30:00Z
`
	jsonDoc := `{"events": [
  {"id": "mine-1", "title": "I bought the dip", "time": "2025-01-27 10:05", "symbols": ["NVDA"]},
  {"id": "mine-2", "title": "Heard about R1", "time": "2025-01-26", "detail": "Over the weekend.\n"},
  {"id": "mine-3", "title": "Evening call", "time": "2025-01-27", "precision": "evening", "outlet": "Me", "link": "https://example.com", "symbols": ["NVDA", "SPY"]},
  {"id": "mine-4", "title": "Exact, RFC 3339", "time": "2025-01-27T14:30:00Z"}
]}`
	want := []Event{
		{ID: "mine-2", Title: "Heard about R1", Time: et(2025, 1, 26, 0, 0), Detail: "Over the weekend.\n", Precision: PrecisionDate},
		{ID: "mine-4", Title: "Exact, RFC 3339", Time: et(2025, 1, 27, 9, 30)},
		{ID: "mine-1", Title: "I bought the dip", Time: et(2025, 1, 27, 10, 5), Symbols: []string{"NVDA"}},
		{ID: "mine-3", Title: "Evening call", Time: et(2025, 1, 27, 18, 0), Precision: PrecisionEvening, Outlet: "Me", Link: "https://example.com", Symbols: []string{"NVDA", "SPY"}},
	}
	for name, doc := range map[string]string{"yaml": yamlDoc, "json": jsonDoc, "json_list": "  [" + strings.SplitN(jsonDoc, "[", 2)[1][:len(strings.SplitN(jsonDoc, "[", 2)[1])-1]} {
		t.Run(name, func(t *testing.T) {
			got, err := LoadEvents(strings.NewReader(doc), "mine")
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("got %d events: %+v", len(got), got)
			}
			for i := range want {
				g, w := got[i], want[i]
				if !g.Time.Equal(w.Time) || g.ID != w.ID || g.Title != w.Title || g.Detail != w.Detail || g.Precision != w.Precision ||
					g.Outlet != w.Outlet || g.Link != w.Link || strings.Join(g.Symbols, ",") != strings.Join(w.Symbols, ",") {
					t.Errorf("event %d\n got %+v\nwant %+v", i, g, w)
				}
			}
		})
	}
}

func TestLoadEventsErrors(t *testing.T) {
	tests := []struct{ name, doc, want string }{
		{"yaml_syntax", "- id: a\n  title: b: c\n", "ev.yaml:2: bad YAML: mapping values are not allowed in this context"},
		{"yaml_not_list", "id: a\n", `ev.yaml:1: unknown key "id" (want events: [...])`},
		{"yaml_item_scalar", "- just text\n", "ev.yaml:1: each event must be a mapping (key: value lines)"},
		{"yaml_unknown_field", "- id: a\n  title: A\n  time: 2025-01-27\n  titel: typo\n", `ev.yaml:4: unknown field "titel" (want time, id, title, detail, outlet, link, symbols, precision)`},
		{"yaml_missing_title", "- id: a\n  time: 2025-01-27\n", `ev.yaml:1: event "a" needs a "title"`},
		{"yaml_missing_id", "- title: A\n", `ev.yaml:1: event needs an "id"`},
		{"yaml_missing_time", "- id: a\n  title: A\n", `ev.yaml:1: event "a" needs a "time"`},
		{"yaml_bad_time", "- id: a\n  title: A\n  time: yesterday\n", `ev.yaml:3: event "a": bad time "yesterday" (want RFC 3339, "YYYY-MM-DD HH:MM" exchange time, or "YYYY-MM-DD")`},
		{"yaml_bad_precision", "- id: a\n  title: A\n  time: 2025-01-27\n  precision: noon\n", `ev.yaml:3: event "a": bad precision "noon" (want date, morning, afternoon, evening or none)`},
		{"yaml_precision_clash", "- id: a\n  title: A\n  time: 2025-01-27 10:00\n  precision: evening\n", `ev.yaml:3: event "a": precision "evening" needs time 18:00 exchange time, not 10:00:00 (or give just the date)`},
		{"yaml_dup", "- id: a\n  title: A\n  time: 2025-01-27\n- id: a\n  title: B\n  time: 2025-01-28\n", `ev.yaml:4: duplicate id "a" (first at line 1)`},
		{"yaml_symbols_map", "- id: a\n  title: A\n  time: 2025-01-27\n  symbols: {x: 1}\n", `ev.yaml:4: bad field "symbols": want a list of symbols, got a mapping`},
		{"yaml_title_list", "- id: a\n  title: [A]\n  time: 2025-01-27\n", `ev.yaml:2: bad field "title": want a string, got`},
		{"json_syntax", "[\n {\"id\": \"a\",\n  \"title\": }\n]", "ev.yaml:3: bad JSON: invalid character '}' looking for beginning of value"},
		{"json_cut", "[\n {\"id\": \"a\"", "ev.yaml:2: bad JSON: unexpected end of JSON"},
		{"json_item_type", "[\n 1\n]", "ev.yaml:2: each event must be an object, not number"},
		{"json_bad_key", `{"evts": []}`, `ev.yaml:1: unknown key evts (want "events": [...])`},
		{"json_number_title", "[\n\n {\"id\": \"a\", \"title\": 5, \"time\": \"2025-01-27\"}]", `ev.yaml:3: bad field "title": want a string, got a number`},
		{"json_two_lists", "[]\n[{\"id\": \"a\", \"title\": \"A\", \"time\": \"2025-01-27\"}]", "ev.yaml:2: more after the list of events (put every event in one list)"},
		{"json_object_extra_key", "{\"events\": [],\n \"more\": 1}", `ev.yaml:2: want only "events": [...] in the object`},
		{"year_typo", "- id: a\n  title: A\n  time: 3025-01-27\n", `ev.yaml:3: event "a": time "3025-01-27" is outside the years 1900-2150`},
		{"title_only_controls", "- id: a\n  title: \"\\e\\a\"\n  time: 2025-01-27\n", `ev.yaml:1: event "a": title is only control characters`},
		{"spring_gap", "- id: a\n  title: A\n  time: 2025-03-09 02:30\n", `ev.yaml:3: event "a": time "2025-03-09 02:30" does not exist in America/New_York`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadEvents(strings.NewReader(tc.doc), "ev.yaml")
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("got %v\nwant %s", err, tc.want)
			}
			var p Problem
			if !errors.As(err, &p) {
				t.Errorf("not a Problem: %T", err)
			}
		})
	}
}

func TestLoadEventsEmpty(t *testing.T) {
	for _, doc := range []string{"", "# nothing\n", "[]", "events:\n", `{"events": []}`} {
		evs, err := LoadEvents(strings.NewReader(doc), "e")
		if err != nil || len(evs) != 0 {
			t.Errorf("%q: %v %v", doc, evs, err)
		}
	}
}

func TestLoadEventsSeveralProblems(t *testing.T) {
	_, err := LoadEvents(strings.NewReader("- id: a\n- id: b\n  title: B\n"), "e.yaml")
	if err == nil || err.Error() != "e.yaml:1: event \"a\" needs a \"title\"\ne.yaml:2: event \"b\" needs a \"time\"" {
		t.Fatalf("got %q", err)
	}
}

func TestMergeEvents(t *testing.T) {
	base := []Event{
		{ID: "a", Title: "A", Time: et(2025, 1, 20, 0, 0)},
		{ID: "b", Title: "B", Time: et(2025, 1, 27, 9, 30)},
		{ID: "c", Title: "C", Time: et(2025, 1, 28, 9, 30)},
	}
	extra := []Event{
		{ID: "x", Title: "X", Time: et(2025, 1, 27, 9, 30)},
		{ID: "b", Title: "B moved", Time: et(2025, 1, 29, 0, 0)},
		{ID: "y", Title: "Y", Time: et(2025, 1, 1, 0, 0)},
	}
	got := MergeEvents(base, extra)
	var ids []string
	for _, e := range got {
		ids = append(ids, e.ID+":"+e.Title)
	}
	if s := strings.Join(ids, " "); s != "y:Y a:A x:X c:C b:B moved" {
		t.Errorf("got %s", s)
	}
	if len(base) != 3 || base[1].Title != "B" {
		t.Error("base was modified")
	}
	if got := MergeEvents(nil, nil); len(got) != 0 {
		t.Error(got)
	}
	_ = time.Now
}

func FuzzLoadEvents(f *testing.F) {
	for _, s := range []string{
		"- id: a\n  title: A\n  time: 2025-01-27 10:00\n",
		`[{"id":"a","title":"A","time":"2025-01-27","precision":"evening","symbols":["X"]}]`,
		`{"events":[{"id":"a"}]}`, "events:\n  - &x {id: a, title: A, time: 2025-01-27}\n  - *x\n", "[", "{", "- [", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		// a 1 KiB bound on the text aliases may expand to, so the fuzzer
		// reaches it
		const maxText = 1 << 10
		evs, err := loadEvents(strings.NewReader(doc), "f", maxText)
		if err != nil {
			var p Problem
			if !errors.As(err, &p) {
				t.Fatalf("error is not a Problem: %v", err)
			}
			if len(err.Error()) > 200*maxEventProblems {
				t.Fatalf("error %d bytes long", len(err.Error()))
			}
			return
		}
		text := 0
		for _, e := range evs {
			text += len(e.ID) + len(e.Title) + len(e.Detail) + len(e.Outlet) + len(e.Link) + len(e.Precision)
			for _, s := range e.Symbols {
				text += len(s)
			}
		}
		if text > maxText+len(doc) {
			t.Fatalf("%d bytes of event text from a %d-byte file past the %d bound", text, len(doc), maxText)
		}
		for i, e := range evs {
			if e.ID == "" || e.Title == "" || e.Time.IsZero() {
				t.Fatalf("incomplete event %+v", e)
			}
			if i > 0 && e.Time.Before(evs[i-1].Time) {
				t.Fatal("not sorted")
			}
			if r := checkPrecision(e.Time, e.Precision); r != "" {
				t.Fatalf("%+v: %s", e, r)
			}
		}
	})
}

// An anchor repeated by aliases past MaxEventsFile of text is refused at
// once, not expanded (a 1 MB anchor and 20,000 aliases took 46 s of CPU).
func TestLoadEventsAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("events:\n  - {id: e0, title: &t \"" + strings.Repeat("A", 1<<20) + "\", time: \"2025-01-27\"}\n")
	for i := 1; i < 40; i++ {
		fmt.Fprintf(&b, "  - {id: e%d, title: *t, time: \"2025-01-27\"}\n", i)
	}
	_, err := LoadEvents(strings.NewReader(b.String()), "bomb.yaml")
	if err == nil || !strings.Contains(err.Error(), "bomb.yaml:") || !strings.Contains(err.Error(), "aliases (*name) repeat values past 16 MiB") {
		t.Fatalf("err = %.300v", err)
	}
	// a few aliases of a small anchor are fine
	ok := "- {id: a, title: A, time: 2025-01-27, symbols: &s [NVDA, AMD]}\n- {id: b, title: B, time: 2025-01-27, symbols: *s}\n"
	if evs, err := LoadEvents(strings.NewReader(ok), "ok.yaml"); err != nil || len(evs) != 2 || len(evs[1].Symbols) != 2 {
		t.Fatalf("%v %+v", err, evs)
	}
}

// A file that is not an events file (a password file given by mistake) is
// refused without its text in the message; values in a real events file are
// quoted by a short prefix only.
func TestLoadEventsErrorsDoNotPrintTheFile(t *testing.T) {
	for _, doc := range []string{
		"root:$6$secretsalt$hash:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n",
		"events: []\nroot:$6$secretsalt$hash:19000:0:99999:7:::\n",
		`{"root:$6$secretsalt$hash": 1}`,
		"- id: a\n  title: A\n  time: 2025-01-27\n  root:$6$secretsalt$hash:19000:0:99999:7:::\n",
	} {
		_, err := LoadEvents(strings.NewReader(doc), "/etc/shadow")
		if err == nil || strings.Contains(err.Error(), "secret") || strings.Contains(err.Error(), "root") {
			t.Errorf("%q: %v", doc, err)
		}
	}
	long := strings.Repeat("x", 5000)
	_, err := LoadEvents(strings.NewReader("- id: a\n  title: A\n  time: \""+long+"\"\n"), "ev.yaml")
	if err == nil || len(err.Error()) > 300 || !strings.Contains(err.Error(), "(5000 bytes)") {
		t.Errorf("long value: %.400v", err)
	}
}

// BenchmarkLoadEventsAliasBomb: one 1 MiB anchor and 20,000 aliases (the
// file the issue reports at 46 s of CPU) is refused after 16 MiB of text.
func BenchmarkLoadEventsAliasBomb(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("events:\n  - {id: e0, title: &t \"" + strings.Repeat("A", 1<<20) + "\", time: \"2025-01-27\"}\n")
	for i := 1; i < 20_000; i++ {
		fmt.Fprintf(&sb, "  - {id: e%d, title: *t, time: \"2025-01-27\"}\n", i)
	}
	doc := sb.String()
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := LoadEvents(strings.NewReader(doc), "bomb.yaml"); err == nil {
			b.Fatal("accepted")
		}
	}
}
