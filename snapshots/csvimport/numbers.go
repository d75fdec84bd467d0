package csvimport

import (
	"math"
	"strconv"
	"strings"
)

// ---------------------------------------------------------------------------
// Numbers and times

// normNumber puts a number cell in Go's syntax (integer: a count, such
// as a volume). A comma is a thousands
// separator only in whole groups of three ("1,234.50"); in a file delimited
// by ';' (where the comma is the decimal mark) it is the decimal point and a
// dot may group thousands ("1.234,50"). Anything else is not a number: a
// "141,5" in a comma file is refused, never read as 1415.
func normNumber(s string, decimalComma, integer bool) (string, bool) {
	if !strings.ContainsAny(s, ",") {
		if decimalComma && strings.Contains(s, ".") {
			// "1.234.567" groups thousands; a lone ".ddd" could be either
			// (123.456 shares or 123,456?): a count is whole, so it groups,
			// a price is refused as ambiguous.
			grouped := groupedBy(s, '.')
			switch {
			case strings.Count(s, ".") > 1 || (integer && grouped):
				if !grouped {
					return "", false
				}
				s = strings.ReplaceAll(s, ".", "")
			case grouped:
				return "", false
			}
		}
		return s, true
	}
	if decimalComma {
		if strings.Count(s, ",") != 1 {
			return "", false
		}
		intPart, frac, _ := strings.Cut(s, ",")
		if strings.Contains(intPart, ".") {
			if !groupedBy(intPart, '.') {
				return "", false
			}
			intPart = strings.ReplaceAll(intPart, ".", "")
		}
		return intPart + "." + frac, true
	}
	intPart, frac, hasFrac := strings.Cut(s, ".")
	if !groupedBy(intPart, ',') {
		return "", false
	}
	s = strings.ReplaceAll(intPart, ",", "")
	if hasFrac {
		s += "." + frac
	}
	return s, true
}

// groupedBy reports whether s (an optional sign, then digits) splits at sep
// into a first group of 1-3 digits and groups of exactly 3.
func groupedBy(s string, sep byte) bool {
	s = strings.TrimLeft(s, "+-")
	groups := strings.Split(s, string(sep))
	if len(groups) > 1 && strings.HasPrefix(groups[0], "0") {
		return false // "0.125" is never a thousands grouping
	}
	for i, g := range groups {
		if g == "" || len(g) > 3 || (i > 0 && len(g) != 3) {
			return false
		}
		for j := 0; j < len(g); j++ {
			if g[j] < '0' || g[j] > '9' {
				return false
			}
		}
	}
	return true
}

func parsePrice(s string, decimalComma bool) (float64, bool) {
	s = strings.TrimPrefix(s, "$")
	s, ok := normNumber(s, decimalComma, false)
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false
	}
	return f, true
}

func parseVolume(s string, decimalComma bool) (int64, bool) {
	mult := 1.0
	if n := len(s); n > 1 {
		switch s[n-1] {
		case 'k', 'K':
			mult = 1e3
		case 'm', 'M':
			mult = 1e6
		case 'b', 'B':
			mult = 1e9
		}
		if mult != 1 {
			s = s[:n-1]
		}
	}
	s, ok := normNumber(s, decimalComma, mult == 1)
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) {
		return 0, false
	}
	f = math.Round(f * mult)
	if f < 0 || f > 1e18 {
		return 0, false
	}
	return int64(f), true
}

// civil is a wall-clock time as written in the file.
