package snapshots

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCleanText(t *testing.T) {
	tests := []struct{ in, want, paragraphs string }{
		{"NVIDIA Corporation", "NVIDIA Corporation", "NVIDIA Corporation"},
		{"Close <&> \"quoted\" é −16.97% ▼", "Close <&> \"quoted\" é −16.97% ▼", "Close <&> \"quoted\" é −16.97% ▼"},
		{"EVIL\x1b[31mRED\x1b]52;c;SGVsbG8=\aEND", "EVIL[31mRED]52;c;SGVsbG8=END", "EVIL[31mRED]52;c;SGVsbG8=END"},
		{"C1 \u009b2J and DEL \x7f", "C1 2J and DEL ", "C1 2J and DEL "},
		{"tab\there\r\nnext", "tab here  next", "tab here\nnext"},
		{"one\ntwo\n", "one two ", "one\ntwo\n"},
		{"bidi \u202eevil\u202c \u2066x\u2069 \u200f", "bidi evil x ", "bidi evil x "},
		{"bad utf8 \xff\xfe end", "bad utf8  end", "bad utf8  end"},
		{"", "", ""},
	}
	for _, tc := range tests {
		got, changed := CleanText(tc.in)
		if got != tc.want || changed != (tc.in != tc.want) {
			t.Errorf("CleanText(%q) = %q, %v; want %q", tc.in, got, changed, tc.want)
		}
		got, changed = CleanParagraphs(tc.in)
		if got != tc.paragraphs || changed != (tc.in != tc.paragraphs) {
			t.Errorf("CleanParagraphs(%q) = %q, %v; want %q", tc.in, got, changed, tc.paragraphs)
		}
	}
}

// A snapshot whose text would drive the terminal decodes with that text
// cleaned, and says so once, at the first line that had it.
func TestReaderCleansText(t *testing.T) {
	h := testHeader()
	h.Title = "Test \x1b]0;pwned\a window"
	h.Symbols[0].Name = "NVIDIA\x1b[2J"
	recs := []Record{
		EventRecord(Event{Time: et(2025, 1, 27, 12, 0), ID: "e\x1b1", Title: "Title\x1b[5m", Detail: "line one\nline\x07 two", Outlet: "O\u009b", Link: "https://x.y/\x1b", Symbols: []string{"NVDA"}, Precision: PrecisionAfternoon}),
		EventRecord(Event{Time: et(2025, 1, 27, 13, 0), ID: "e2", Title: "Second \x1b[0m"}),
	}
	for _, strict := range []bool{true, false} {
		s, err := Decode(bytes.NewReader(encode(t, h, recs, false)), ReadOptions{Name: "x.jsonl", Strict: strict})
		if err != nil {
			t.Fatalf("strict=%v: %v", strict, err)
		}
		if s.Header.Title != "Test ]0;pwned window" || s.Header.Symbols[0].Name != "NVIDIA[2J" {
			t.Errorf("header not cleaned: %q %q", s.Header.Title, s.Header.Symbols[0].Name)
		}
		e := s.Events[0]
		if e.ID != "e1" || e.Title != "Title[5m" || e.Detail != "line one\nline two" || e.Outlet != "O" || e.Link != "https://x.y/" {
			t.Errorf("event not cleaned: %+v", e)
		}
		if s.Events[1].Title != "Second [0m" {
			t.Errorf("second event not cleaned: %q", s.Events[1].Title)
		}
		want := "x.jsonl:1: control characters removed from text (they could drive the terminal); later ones are removed silently"
		if len(s.Warnings) != 1 || s.Warnings[0].Error() != want {
			t.Errorf("strict=%v: warnings %v", strict, s.Warnings)
		}
	}
}

func FuzzCleanText(f *testing.F) {
	for _, s := range []string{"plain", "\x1b[31mred", "a\r\nb\tc", "\u202eabc", "\xff", "\u009b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, clean := range []func(string) (string, bool){CleanText, CleanParagraphs} {
			got, changed := clean(s)
			if !utf8.ValidString(got) {
				t.Fatalf("%q: invalid UTF-8 out: %q", s, got)
			}
			for _, r := range got {
				if r != '\n' && unsafeRune(r, utf8.RuneLen(r)) {
					t.Fatalf("%q: %q kept %U", s, got, r)
				}
			}
			if again, c := clean(got); c || again != got {
				t.Fatalf("%q: not idempotent: %q then %q", s, got, again)
			}
			if !changed && got != s {
				t.Fatalf("%q: changed to %q without saying so", s, got)
			}
		}
		if got, _ := CleanText(s); strings.ContainsRune(got, '\n') {
			t.Fatalf("%q: CleanText kept a line break", s)
		}
	})
}
