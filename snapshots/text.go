package snapshots

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// CleanText makes text from a file or the network safe to put on a
// terminal: tabs and line breaks become spaces, and every other control
// character (C0, DEL, C1, which start escape sequences: a title holding
// "\x1b]52;..." could write to a viewer's clipboard) and every bidi
// override (which can make text read other than it is) is removed, as are
// bytes that are not UTF-8. changed reports whether anything was.
func CleanText(s string) (clean string, changed bool) {
	return cleanText(s, false)
}

// CleanParagraphs is CleanText for text of several lines (an event's
// detail): line breaks stay, as "\n".
func CleanParagraphs(s string) (clean string, changed bool) {
	return cleanText(s, true)
}

func cleanText(s string, lines bool) (string, bool) {
	ok := true
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if unsafeRune(r, n) && !(lines && r == '\n') {
			ok = false
			break
		}
		i += n
	}
	if ok {
		return s, false
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch {
		case lines && r == '\n':
			b.WriteByte('\n')
		case lines && r == '\r' && i < len(s) && s[i] == '\n':
			// "\r\n": the "\n" is kept next
		case r == '\t' || r == '\n' || r == '\r':
			b.WriteByte(' ')
		case unsafeRune(r, n):
		default:
			b.WriteRune(r)
		}
	}
	return b.String(), true
}

func unsafeRune(r rune, n int) bool {
	switch {
	case r == utf8.RuneError && n <= 1:
		return true // not UTF-8
	case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e || r == 0x200f, r == 0x061c:
		return true // bidi embeddings, overrides, isolates and marks
	}
	return false
}

// cleanEvent cleans an event's text fields in place and reports whether
// any changed.
func cleanEvent(e *Event) bool {
	changed := false
	for _, p := range []*string{&e.ID, &e.Title, &e.Outlet, &e.Link, &e.Precision} {
		var c bool
		*p, c = CleanText(*p)
		changed = changed || c
	}
	var c bool
	e.Detail, c = CleanParagraphs(e.Detail)
	changed = changed || c
	for i := range e.Symbols {
		var c bool
		e.Symbols[i], c = CleanText(e.Symbols[i])
		changed = changed || c
	}
	return changed
}

// cleanHeader cleans the header's free text in place and reports whether
// any changed. Symbols are not free text: checkHeader refuses a symbol
// with a control character or a space.
func cleanHeader(h *Header) bool {
	changed := false
	clean := func(p *string) {
		var c bool
		*p, c = CleanText(*p)
		changed = changed || c
	}
	clean(&h.Title)
	clean(&h.Description)
	clean(&h.Source)
	for i := range h.Symbols {
		s := &h.Symbols[i]
		clean(&s.Name)
		clean(&s.Kind)
		clean(&s.Currency)
		clean(&s.PriceBasis)
		clean(&s.Company)
		for j := range s.Groups {
			clean(&s.Groups[j])
		}
		if s.Shares != nil {
			clean(&s.Shares.AsOf)
			clean(&s.Shares.Source)
		}
	}
	return changed
}

// TickerLike reports whether s looks like a ticker a person types (a
// watchlist, a position, an alert): letters, digits and ^ . - = _, at most
// 24 of them. A file's header may hold any printable symbol (symbolOK).
func TickerLike(s string) bool {
	if s == "" || len(s) > 24 {
		return false
	}
	for _, r := range s {
		switch {
		case r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z', r >= '0' && r <= '9':
		case r == '^' || r == '.' || r == '-' || r == '=' || r == '_':
		default:
			return false
		}
	}
	return true
}

// symbolOK reports whether s can be a symbol: printable, no spaces.
func symbolOK(s string) bool {
	for _, r := range s {
		if unicode.IsSpace(r) || !unicode.IsPrint(r) {
			return false
		}
	}
	return utf8.ValidString(s)
}

// fieldNames maps each record kind's field names, lower-cased, to
// themselves: encoding/json matches keys without regard to case, so a
// stray "Close" would overwrite "close" unless refused first.
var fieldNames = func() map[string]map[string]string {
	out := map[string]map[string]string{}
	for kind, v := range map[string]any{RecBar: Bar{}, RecQuote: Quote{}, RecEvent: Event{}} {
		names := map[string]string{"record": "record"}
		t := reflect.TypeOf(v)
		for i := 0; i < t.NumField(); i++ {
			name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
			if name != "" && name != "-" {
				names[strings.ToLower(name)] = name
			}
		}
		out[kind] = names
	}
	return out
}()

// caseClash returns a reason when line has a key that is a field name of
// kind in other letter case ("Close" for "close"): such a key would be
// taken as the field. Other unknown keys are ignored, as FORMAT.md says.
func caseClash(kind string, line []byte) string {
	names := fieldNames[kind]
	if names == nil {
		return ""
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(line, &obj) != nil {
		return "" // the decode that follows reports it
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys) // the same line always gives the same reason
	for _, k := range keys {
		if want, ok := names[strings.ToLower(k)]; ok && want != k {
			return fmt.Sprintf("field %q: field names are lower case (%q)", k, want)
		}
	}
	return ""
}
