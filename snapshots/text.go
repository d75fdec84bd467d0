package snapshots

import (
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

// symbolOK reports whether s can be a symbol: printable, no spaces.
func symbolOK(s string) bool {
	for _, r := range s {
		if unicode.IsSpace(r) || !unicode.IsPrint(r) {
			return false
		}
	}
	return utf8.ValidString(s)
}
