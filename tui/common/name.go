package common

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/selloff/selloff/tui/theme"
)

// ShortName fits a company name into w cells: without legal suffixes
// ("NVIDIA Corporation" -> "NVIDIA"), then without its parenthesis and
// "Holdings" when short of room ("Arm Holdings (ADR)" -> "Arm Holdings"
// -> "Arm"), else cut with tail.
func ShortName(name string, w int, tail string) string {
	s, paren := name, ""
	if i := strings.Index(s, " ("); i > 0 {
		s, paren = s[:i], s[i:]
	}
	// Legal suffixes are noise in a quote table.
	for _, suf := range []string{", Inc.", " Inc.", " Corporation", " Corp.", " Ltd.", " plc", " N.V."} {
		if t := strings.TrimSuffix(s, suf); t != s && t != "" {
			s = t
			break
		}
	}
	if theme.StringWidth(s+paren) <= w {
		return s + paren
	}
	if theme.StringWidth(s) <= w {
		return s
	}
	for _, suf := range []string{" Holdings", " Holding"} {
		if t := strings.TrimSuffix(s, suf); t != s && t != "" && theme.StringWidth(t) <= w {
			return t
		}
	}
	return ansi.Truncate(s, w, tail)
}
