package common

import (
	"math"
	"strconv"
	"strings"

	"github.com/selloff/selloff/snapshots"
)

// Number formats shared by every pane. Negative numbers use the Unicode
// minus sign (U+2212) so columns of signed numbers line up and read as
// typeset; ASCII turns a formatted string into plain ASCII for the ascii
// glyph set. None of these invent a value: callers decide what "missing"
// looks like (see NoData).

// Minus is the typographic minus sign used by the formatters.
const Minus = "\u2212"

// NoData is what a pane shows where a value is unknown. Never show 0.
const NoData = "no data"

// Overflow is what a formatter gives for a finite value too large to be
// real (a price of a trillion dollars, a market value past a quadrillion):
// the spreadsheet's "does not fit", never hundreds of digits. Values that
// are not finite (NaN, ±Inf) give Missing.
const Overflow = "####"

// Bounds past which a figure is shown as Overflow.
const (
	MaxPrice   = 1e12 // a price or a price change, in its currency
	MaxDollars = 1e16 // a market value or its change, in dollars ($10,000T)
	MaxPct     = 1e6  // a percentage
	MaxVolume  = 1e15 // shares
)

// Finite reports whether v is a number (not NaN, not ±Inf).
func Finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// Sane reports whether v is finite and |v| < bound: a figure a pane can
// format, scale and draw.
func Sane(v, bound float64) bool { return Finite(v) && math.Abs(v) < bound }

// bad is the text for a value no formatter should print as a number:
// Missing when it is not finite, Overflow when it is past bound; ok is
// false for a good value.
func bad(v, bound float64) (string, bool) {
	switch {
	case !Finite(v):
		return Missing, true
	case math.Abs(v) >= bound:
		return Overflow, true
	}
	return "", false
}

// Price formats a price with 2 decimals and thousands separators from
// 1,000 up (indices: "21,127.48"; equities: "118.42").
func Price(v float64) string {
	if s, ok := bad(v, MaxPrice); ok {
		return s
	}
	s := magnitude(math.Abs(v))
	if v < 0 && strings.Trim(s, "0.") != "" {
		return Minus + s
	}
	return s
}

// magnitude formats a ≥ 0 with enough decimals that a real value never
// reads as zero: 2 from 1 up ("142.62"), else at least 4 and at least two
// significant digits ("0.5123", "0.0034", "0.000034"), and scientific
// below a millionth ("3.4e-07").
func magnitude(a float64) string {
	switch {
	case a == 0 || a >= 1:
		return group(strconv.FormatFloat(a, 'f', 2, 64))
	case a >= 1e-6:
		return strconv.FormatFloat(a, 'f', max(4, 1-int(math.Floor(math.Log10(a)))), 64)
	}
	return strconv.FormatFloat(a, 'e', 1, 64)
}

// Number formats v with the given decimals and thousands separators,
// negative with the Unicode minus: axis ticks use it ("19,300", "−2.5").
func Number(v float64, decimals int) string {
	if s, ok := bad(v, MaxDollars); ok {
		return s
	}
	s := group(strconv.FormatFloat(math.Abs(v), 'f', decimals, 64))
	if sign(v, decimals) == Minus {
		return Minus + s
	}
	return s
}

// Change formats a signed price change with 2 decimals ("+1.23",
// "−24.20"). For a stock priced under 1 a move too small for 2 decimals
// gets as many as it needs ("+0.0010"), so a penny stock's real move never
// reads as 0.00; at 1 and above 2 decimals stand, so float noise in a
// feed (118.42 − 118.41999816) stays "0.00".
func Change(v, price float64) string {
	if s, ok := bad(v, MaxPrice); ok {
		return s
	}
	if a := math.Abs(v); a > 0 && a < 0.005 && math.Abs(price) < 1 {
		if v < 0 {
			return Minus + magnitude(a)
		}
		return "+" + magnitude(a)
	}
	return sign(v, 2) + group(strconv.FormatFloat(math.Abs(v), 'f', 2, 64))
}

// Pct formats a signed percentage with 2 decimals: "+0.52%", "−16.97%".
func Pct(v float64) string {
	if s, ok := bad(v, MaxPct); ok {
		return s
	}
	return sign(v, 2) + strconv.FormatFloat(math.Abs(v), 'f', 2, 64) + "%"
}

// Dollars formats a signed dollar amount in billions with one decimal
// ("−$592.7B", "+$3.1B"), switching to trillions with two decimals at
// 1,000B ("−$1.17T"). Zero is "$0.0B".
func Dollars(v float64) string {
	if s, ok := bad(v, MaxDollars); ok {
		return s
	}
	b := math.Abs(v) / 1e9
	if math.Round(b*10)/10 >= 1000 {
		t := b / 1000
		return sign(v/1e12, 2) + "$" + strconv.FormatFloat(t, 'f', 2, 64) + "T"
	}
	return sign(v/1e9, 1) + "$" + strconv.FormatFloat(b, 'f', 1, 64) + "B"
}

// DollarsAbs is Dollars without the sign ("$3.41T", "$592.7B"): for levels
// such as a market value.
func DollarsAbs(v float64) string {
	s := Dollars(math.Abs(v))
	return strings.TrimPrefix(s, "+")
}

// Volume formats a share volume compactly: "845", "12.3K", "4.56M", "1.20B".
func Volume(v int64) string {
	a := math.Abs(float64(v))
	if a >= MaxVolume {
		return Overflow
	}
	pre := ""
	if v < 0 {
		pre = Minus
	}
	switch {
	case a >= 1e9:
		return pre + strconv.FormatFloat(a/1e9, 'f', 2, 64) + "B"
	case a >= 1e6:
		return pre + strconv.FormatFloat(a/1e6, 'f', 2, 64) + "M"
	case a >= 1e3:
		return pre + strconv.FormatFloat(a/1e3, 'f', 1, 64) + "K"
	}
	return pre + strconv.FormatInt(int64(a), 10)
}

// Arrow is "▲" for a rise, "▼" for a fall and "·" for no change (ASCII: "^",
// "v", "=").
func Arrow(v float64, g Glyphs) string {
	switch {
	case v > 0:
		if g == GlyphsASCII {
			return "^"
		}
		return "▲"
	case v < 0:
		if g == GlyphsASCII {
			return "v"
		}
		return "▼"
	}
	if g == GlyphsASCII {
		return "="
	}
	return "·"
}

var asciiReplacer = strings.NewReplacer(
	Minus, "-",
	"▲", "^",
	"▼", "v",
	"·", ".",
	"…", "...",
	"—", "--",
	"–", "-",
	"×", "x",
	"≥", ">=",
	"≤", "<=",
	"’", "'",
	"‘", "'",
	"“", "\"",
	"”", "\"",
	"│", "|",
	"─", "-",
	"█", "#",
	"›", ">",
	"‹", "<",
	"▶", ">",
	"◀", "<",
	"━", "=",
	"╌", "-",
	"┊", ":",
)

// ASCII replaces the non-ASCII characters these formatters and the panes
// use with ASCII stand-ins, for the ascii glyph set.
func ASCII(s string) string { return asciiReplacer.Replace(s) }

// Text applies ASCII when g is the ascii glyph set, and returns s otherwise.
func Text(s string, g Glyphs) string {
	if g == GlyphsASCII {
		return ASCII(s)
	}
	return s
}

// sign is "+" for values that round to a positive number at the given
// decimals, Minus for negative ones and "" for zero.
func sign(v float64, decimals int) string {
	p := math.Pow(10, float64(decimals))
	r := math.Round(math.Abs(v)*p) / p
	switch {
	case r == 0:
		return ""
	case v > 0:
		return "+"
	}
	return Minus
}

// group inserts thousands separators into an unsigned decimal string.
func group(s string) string {
	intPart, frac := s, ""
	if i := strings.IndexByte(s, '.'); i >= 0 {
		intPart, frac = s[:i], s[i:]
	}
	if len(intPart) <= 3 {
		return s
	}
	var b strings.Builder
	pre := len(intPart) % 3
	if pre > 0 {
		b.WriteString(intPart[:pre])
	}
	for i := pre; i < len(intPart); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(intPart[i : i+3])
	}
	return b.String() + frac
}

// Clamp is v limited to [lo, hi] (lo when v is below it, else hi when
// above): the panes' one helper for offsets, rows and columns.
func Clamp(v, lo, hi int) int {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}

// ReportedMove is a quoted move as its source gave it: ReportedPct, or for
// a bound (snapshots.BoundOver, BoundUnder) the bound the source named,
// "<−11%" for "down over 11%" (-11.5 ± 0.5), ">−8%" for "down nearly 8%"
// (-7.5 ± 0.5), never the centre of the range, which no source gave.
func ReportedMove(v, tol float64, bound string) string {
	if math.IsNaN(v) || math.IsInf(v, 0) || math.IsNaN(tol) || math.IsInf(tol, 0) {
		return "?"
	}
	mag := math.Abs(v)
	var lessThan bool // the move (signed) is less than the bound
	switch bound {
	case snapshots.BoundOver:
		mag -= tol
		lessThan = v < 0
	case snapshots.BoundUnder:
		mag += tol
		lessThan = v >= 0
	default:
		return ReportedPct(v)
	}
	mag = math.Round(mag*100) / 100 // 11.5-0.5 as typed, not 10.999...
	if v < 0 {
		mag = -mag
	}
	s := ReportedPct(mag)
	if mag == 0 {
		s = "0%"
	}
	if lessThan {
		return "<" + s
	}
	return ">" + s
}

// ReportedPct is a move as a source reported it: signed, with the digits
// it was given and no more than two decimals ("−6.9%", "−11.5%", "−13%"),
// never rounded to a figure the source did not give.
func ReportedPct(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "?"
	}
	s := strconv.FormatFloat(math.Abs(v), 'f', -1, 64)
	if i := strings.IndexByte(s, '.'); i >= 0 && len(s)-i-1 > 2 {
		s = strconv.FormatFloat(math.Abs(v), 'f', 2, 64)
	}
	sg := "+"
	if v < 0 {
		sg = "−"
	}
	return sg + s + "%"
}
