// Package alert parses alert expressions ("NVDA < 120", "basket < -1T",
// "portfolio pnl < -5000") and evaluates them over market frames: an alert
// fires once when its condition becomes true and re-arms when it clears.
// It is pure data: no I/O, no wall clock, no UI.
//
// The grammar (case-insensitive words, spaces optional between tokens):
//
//	alert   = subject [measure] op number
//	subject = SYMBOL | "basket" | "portfolio"
//	measure = "price" | "chg" | "%chg" | "dvalue" | "value" | "pnl" | "total"
//	op      = "<" | "<=" | ">" | ">="
//	number  = ["+"|"-"] ["$"] digits ["." digits] ["K"|"M"|"B"|"T"] ["%"]
//
// A symbol's measure defaults to price, the basket's to dvalue and the
// portfolio's to pnl. See Measure for what each one means.
package alert

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxLen bounds an expression's length in bytes.
const MaxLen = 200

// Subject kinds.
const (
	Symbol    = "symbol"
	Basket    = "basket"
	Portfolio = "portfolio"
)

// Measure is what an alert compares.
type Measure string

// Measures.
const (
	Price  Measure = "price"  // symbol: the last regular-session price
	Chg    Measure = "chg"    // symbol: the change against the previous close, in dollars
	PctChg Measure = "%chg"   // symbol, basket, portfolio: today's change in percent
	DValue Measure = "dvalue" // symbol, basket: today's market-value change in dollars
	Value  Measure = "value"  // symbol, basket: market value; portfolio: the positions' value
	PnL    Measure = "pnl"    // symbol (its position), portfolio: today's P&L in dollars
	Total  Measure = "total"  // symbol (its position), portfolio: total P&L against cost
)

// allowed lists the measures of each subject kind; the first is the
// default.
var allowed = map[string][]Measure{
	Symbol:    {Price, Chg, PctChg, DValue, Value, PnL, Total},
	Basket:    {DValue, PctChg, Value},
	Portfolio: {PnL, Total, Value, PctChg},
}

// Op is a comparison.
type Op string

// Operators.
const (
	Less      Op = "<"
	LessEq    Op = "<="
	Greater   Op = ">"
	GreaterEq Op = ">="
)

// Holds reports whether v op threshold.
func (o Op) Holds(v, threshold float64) bool {
	switch o {
	case Less:
		return v < threshold
	case LessEq:
		return v <= threshold
	case Greater:
		return v > threshold
	case GreaterEq:
		return v >= threshold
	}
	return false
}

// Alert is one parsed expression.
type Alert struct {
	Text      string // the expression as written, trimmed
	Kind      string // Symbol, Basket or Portfolio
	Symbol    string // upper-cased, for Kind Symbol
	Measure   Measure
	Op        Op
	Threshold float64
}

// String is the alert's text.
func (a Alert) String() string { return a.Text }

// NeedsPosition reports whether the alert is about the user's positions
// (a portfolio alert, or a symbol's pnl or total).
func (a Alert) NeedsPosition() bool {
	return a.Kind == Portfolio || a.Measure == PnL || a.Measure == Total
}

// Error is a bad expression; Col is the 1-based column (in characters) of
// the problem.
type Error struct {
	Expr string
	Col  int
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("column %d: %s", e.Col, e.Msg) }

// Caret is the expression with a caret under the problem, two lines for a
// terminal (control characters are shown as '?').
func (e *Error) Caret() string {
	var b strings.Builder
	for _, r := range e.Expr {
		if r < ' ' || r == 0x7f || r >= 0x80 && r < 0xa0 {
			r = '?'
		}
		b.WriteRune(r)
	}
	return b.String() + "\n" + strings.Repeat(" ", max(e.Col-1, 0)) + "^"
}

type token struct {
	text string
	col  int // 1-based, in runes
	kind byte
}

const (
	tWord = 'w' // a symbol, keyword or measure
	tOp   = 'o'
	tNum  = 'n'
	tEnd  = 'e'
)

// lex splits s into tokens.
func lex(s string) ([]token, *Error) {
	var out []token
	col := 1
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		start, startCol := i, col
		next := func() { i += w; col++; r, w = utf8.DecodeRuneInString(s[i:]) }
		switch {
		case r == ' ' || r == '\t':
			next()
			continue
		case r == '<' || r == '>':
			next()
			if i < len(s) && r == '=' {
				next()
			}
			out = append(out, token{s[start:i], startCol, tOp})
			continue
		case r == '=' || r == '!':
			return nil, &Error{s, col, fmt.Sprintf("%q is not an operator: want <, <=, > or >=", string(r))}
		case isWordStart(r) || r == '%':
			next()
			for i < len(s) && isWordRune(r) {
				next()
			}
			out = append(out, token{s[start:i], startCol, tWord})
			continue
		case r >= '0' && r <= '9' || r == '-' || r == '+' || r == '$' || r == '.':
			next()
			for i < len(s) && (r >= '0' && r <= '9' || r == '.' || r == '$' || isLetter(r) || r == '%' || r == ',') {
				next()
			}
			out = append(out, token{s[start:i], startCol, tNum})
			continue
		}
		return nil, &Error{s, col, fmt.Sprintf("unexpected %q", string(r))}
	}
	return append(out, token{"", col, tEnd}), nil
}

func isLetter(r rune) bool    { return r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' }
func isWordStart(r rune) bool { return isLetter(r) || r == '^' }
func isWordRune(r rune) bool {
	return isLetter(r) || r >= '0' && r <= '9' || r == '^' || r == '.' || r == '-' || r == '=' || r == '_'
}

// Parse reads one expression.
func Parse(expr string) (Alert, error) {
	if len(expr) > MaxLen {
		return Alert{}, &Error{expr[:MaxLen], MaxLen, fmt.Sprintf("too long (at most %d characters)", MaxLen)}
	}
	text := strings.TrimSpace(expr)
	if !utf8.ValidString(expr) {
		return Alert{}, &Error{strings.ToValidUTF8(expr, "?"), 1, "not valid UTF-8"}
	}
	toks, lerr := lex(expr)
	if lerr != nil {
		return Alert{}, lerr
	}
	fail := func(t token, format string, a ...any) (Alert, error) {
		return Alert{}, &Error{expr, t.col, fmt.Sprintf(format, a...)}
	}
	describe := func(t token) string {
		if t.kind == tEnd {
			return "the end"
		}
		return strconv.Quote(t.text)
	}
	a := Alert{Text: text}
	k := 0
	t := toks[k]
	if t.kind != tWord || strings.HasPrefix(t.text, "%") {
		return fail(t, "want a symbol, basket or portfolio, got %s", describe(t))
	}
	switch strings.ToLower(t.text) {
	case Basket:
		a.Kind = Basket
	case Portfolio:
		a.Kind = Portfolio
	default:
		if len(t.text) > 24 {
			return fail(t, "symbol %q is too long (at most 24 characters)", t.text)
		}
		a.Kind, a.Symbol = Symbol, strings.ToUpper(t.text)
	}
	a.Measure = allowed[a.Kind][0]
	k++
	if t = toks[k]; t.kind == tWord {
		m := Measure(strings.ToLower(t.text))
		known := false
		for _, ms := range allowed {
			for _, x := range ms {
				known = known || x == m
			}
		}
		if !known {
			return fail(t, "unknown measure %q: want %s", t.text, list(allowed[Symbol]))
		}
		ok := false
		for _, x := range allowed[a.Kind] {
			ok = ok || x == m
		}
		if !ok {
			return fail(t, "%s has no %s: want %s", subjectName(a), m, list(allowed[a.Kind]))
		}
		a.Measure = m
		k++
	}
	if t = toks[k]; t.kind != tOp {
		return fail(t, "want an operator <, <=, > or >= after %s, got %s", toks[k-1].text, describe(t))
	}
	a.Op = Op(t.text)
	k++
	if t = toks[k]; t.kind != tNum {
		return fail(t, "want a number after %s, got %s", a.Op, describe(t))
	}
	v, msg, at := number(t.text, a.Measure == PctChg)
	if msg != "" {
		return Alert{}, &Error{expr, t.col + at, fmt.Sprintf("%s in %q", msg, t.text)}
	}
	a.Threshold = v
	k++
	if t = toks[k]; t.kind != tEnd {
		return fail(t, "unexpected %s after the number", describe(t))
	}
	return a, nil
}

func subjectName(a Alert) string {
	if a.Kind == Symbol {
		return a.Symbol
	}
	return "the " + a.Kind
}

func list(ms []Measure) string {
	s := make([]string, len(ms))
	for i, m := range ms {
		s[i] = string(m)
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}

var suffixes = map[byte]float64{'K': 1e3, 'M': 1e6, 'B': 1e9, 'T': 1e12}

// number reads [+-][$]digits[.digits][KMBT][%]; msg says what is wrong
// and at the offset (in the token) of the problem.
func number(s string, pct bool) (v float64, msg string, at int) {
	i := 0
	neg := false
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		neg = s[i] == '-'
		i++
	}
	if i < len(s) && s[i] == '$' {
		i++
	}
	digits := i
	dot := false
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.' && !dot) {
		dot = dot || s[i] == '.'
		i++
	}
	num := s[digits:i]
	if num == "" || num == "." {
		return 0, "want digits", digits
	}
	if len(num) > 20 {
		return 0, "too many digits", digits
	}
	x, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, "not a number", digits
	}
	if i < len(s) {
		if m, ok := suffixes[upper(s[i])]; ok {
			x *= m
			i++
		}
	}
	if i < len(s) && s[i] == '%' {
		if !pct {
			return 0, "a percentage is only for %chg", i
		}
		i++
	}
	if i < len(s) {
		if s[i] == ',' {
			return 0, "no thousands separators (write 1500 or 1.5K)", i
		}
		return 0, fmt.Sprintf("unexpected %q: want a number with an optional K, M, B or T", s[i:i+1]), i
	}
	if math.IsInf(x, 0) || math.IsNaN(x) {
		return 0, "not a finite number", digits
	}
	if neg {
		x = -x
	}
	return x, "", 0
}

func upper(c byte) byte {
	if c >= 'a' && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}
