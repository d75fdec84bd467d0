// Package portfolio values a user's positions in a market frame: each
// position's value, today's P&L and total P&L against its cost, and the
// portfolio's totals. It is pure data: no I/O, no wall clock, no UI.
//
// Prices are the frame's last regular-session prices (market.Quote.Price);
// extended-hours prices do not move P&L. A symbol that is not in the frame,
// or has no price yet, is missing: it is never valued at zero, and the
// totals say they leave it out.
package portfolio

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/snapshots"
)

// Bounds on what a position may hold: far beyond any real holding, small
// enough that sums of them stay exact to the cent in a float64.
const (
	MaxShares = 1e10
	MaxCost   = 1e7
	// MinUnit is the smallest fraction of a share, and of a dollar of
	// cost, a position may hold.
	MinUnit = 1e-4
)

// Position is one lot: shares of a symbol bought (or, negative, sold
// short) at a cost per share.
type Position struct {
	Symbol string
	Shares float64 // negative for a short
	Cost   float64 // per share, > 0
	// Lot is the date the lot was opened (YYYY-MM-DD), or "" when not
	// given. A lot opened on the frame's session date has today's P&L
	// against its cost; one opened after it is not held yet at the frame.
	Lot string
}

// String is the --position form of p.
func (p Position) String() string {
	return p.Symbol + ":" + strconv.FormatFloat(p.Shares, 'f', -1, 64) + "@" + strconv.FormatFloat(p.Cost, 'f', -1, 64)
}

// Check reports what is wrong with p, naming the part, or nil.
func (p Position) Check() error {
	if !ValidSymbol(p.Symbol) {
		return fmt.Errorf("symbol %s: want letters, digits and ^ . - = _ (at most 24)", short(p.Symbol))
	}
	if !(math.Abs(p.Shares) >= MinUnit) || math.Abs(p.Shares) > MaxShares {
		return fmt.Errorf("shares %s: want a non-zero number of shares (at least 0.0001) within ±%.0f; negative for a short", fmtNum(p.Shares), float64(MaxShares))
	}
	if !(p.Cost >= MinUnit) || p.Cost > MaxCost {
		return fmt.Errorf("cost %s: want a price per share of at least 0.0001 and at most %.0f", fmtNum(p.Cost), float64(MaxCost))
	}
	if p.Lot != "" {
		if _, err := time.Parse(time.DateOnly, p.Lot); err != nil {
			return fmt.Errorf("lot date %s: want YYYY-MM-DD", short(p.Lot))
		}
	}
	return nil
}

// short quotes s for a message, cut to 40 bytes.
func short(s string) string {
	if len(s) <= 40 {
		return strconv.Quote(s)
	}
	cut := 40
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut]) + "…"
}

func fmtNum(x float64) string {
	if math.Abs(x) < 1e15 {
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return strconv.FormatFloat(x, 'g', 4, 64)
}

// ValidSymbol accepts ticker-like symbols (snapshots.TickerLike).
func ValidSymbol(s string) bool { return snapshots.TickerLike(s) }

// Parse reads the flag form SYM:SHARES@COST ("NVDA:100@140", a short
// "NVDA:-50@142.50", "$" before the cost allowed). The symbol is
// upper-cased. Errors name the part that is wrong.
func Parse(s string) (Position, error) {
	if len(s) > 200 {
		return Position{}, errors.New("too long: want SYM:SHARES@COST")
	}
	sym, rest, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok {
		return Position{}, errors.New(`no ":" after the symbol: want SYM:SHARES@COST, e.g. NVDA:100@140`)
	}
	shares, cost, ok := strings.Cut(rest, "@")
	if !ok {
		return Position{}, errors.New(`no "@" before the cost: want SYM:SHARES@COST, e.g. NVDA:100@140`)
	}
	p := Position{Symbol: strings.ToUpper(strings.TrimSpace(sym))}
	if p.Symbol == "" {
		return Position{}, errors.New("the symbol is empty: want SYM:SHARES@COST")
	}
	if !ValidSymbol(p.Symbol) {
		return Position{}, fmt.Errorf("symbol %s: want letters, digits and ^ . - = _ (at most 24)", short(sym))
	}
	var err error
	if p.Shares, err = number(shares); err != nil {
		return Position{}, fmt.Errorf("shares %q: %v", shares, err)
	}
	c := strings.TrimPrefix(strings.TrimSpace(cost), "$")
	if p.Cost, err = number(c); err != nil {
		return Position{}, fmt.Errorf("cost %q: %v", cost, err)
	}
	return p, p.Check()
}

// number parses a plain decimal: no exponents, infinities, NaNs, hex or
// thousands separators.
func number(s string) (float64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, errors.New("empty")
	}
	for i, r := range s {
		if !(r >= '0' && r <= '9' || r == '.' || (r == '-' || r == '+') && i == 0) {
			return 0, errors.New("not a plain number (digits, an optional sign and decimal point)")
		}
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, errors.New("not a number")
	}
	return x, nil
}

// Row is one position valued in a frame.
type Row struct {
	Position
	// Missing says why the position could not be valued ("not in the
	// snapshot", "no price yet"); the money fields are then zero and mean
	// nothing. "" when valued.
	Missing string
	// NotYet is set when the lot's date is after the frame's session: the
	// position is not held yet and is left out of the totals.
	NotYet bool
	Price  float64 // the last regular-session price
	Stale  bool    // the price is older than the feed's stale limit
	Value  float64 // Shares x Price (negative for a short)
	// Today is today's P&L: Shares x (Price - previous close), or against
	// the cost for a lot opened on the frame's session date. TodayOK is
	// false when it is unknown: no previous close, or nothing has traded
	// yet in the session (the price is carried from an earlier one).
	Today    float64
	TodayPct float64 // Today / |Shares x base| x 100
	TodayOK  bool
	Total    float64 // Shares x (Price - Cost)
	TotalPct float64 // Total / |Shares x Cost| x 100
	// base is |Shares x today's base price|: what TodayPct divides by.
	base float64
}

// Valued reports whether the row has a price (and is held at the frame).
func (r Row) Valued() bool { return r.Missing == "" && !r.NotYet }

// Summary is a portfolio valued in a frame.
type Summary struct {
	Rows []Row // in the order of the positions
	// Value, Cost and Total sum the valued rows; Today sums the rows whose
	// today's P&L is known (TodayUnknown lists the others).
	Value    float64
	Cost     float64 // sum of Shares x Cost (negative for shorts)
	Total    float64
	TotalPct float64 // Total / sum |Shares x Cost| x 100
	Today    float64
	TodayPct float64 // Today / sum |Shares x base| x 100
	// Missing lists the symbols of positions that could not be valued,
	// TodayUnknown those valued without a known today's P&L: when either
	// is non-empty the totals are partial and must say so.
	Missing      []string
	TodayUnknown []string
	// Valued counts the rows in the totals.
	Valued int
}

// Partial reports whether the totals leave out a position (or a part of
// today's P&L).
func (s Summary) Partial() bool { return len(s.Missing) > 0 || len(s.TodayUnknown) > 0 }

// TodayOK reports whether today's total is known for at least one row.
func (s Summary) TodayOK() bool { return s.Valued > len(s.TodayUnknown) }

// Value values positions in f. A nil frame leaves every position missing.
func Value(f *market.Frame, positions []Position) Summary {
	var s Summary
	var costAbs, baseAbs float64
	var day string
	if f != nil {
		if sess, ok := f.CurrentSession(); ok {
			day = sess.Date
		}
	}
	for _, p := range positions {
		r := valueOne(f, p, day)
		s.Rows = append(s.Rows, r)
		switch {
		case r.NotYet:
			continue
		case r.Missing != "":
			s.Missing = appendOnce(s.Missing, p.Symbol)
			continue
		}
		s.Valued++
		s.Value += r.Value
		s.Cost += p.Shares * p.Cost
		costAbs += math.Abs(p.Shares * p.Cost)
		s.Total += r.Total
		if r.TodayOK {
			s.Today += r.Today
			baseAbs += r.base
		} else {
			s.TodayUnknown = appendOnce(s.TodayUnknown, p.Symbol)
		}
	}
	if costAbs > 0 {
		s.TotalPct = s.Total / costAbs * 100
	}
	if baseAbs > 0 {
		s.TodayPct = s.Today / baseAbs * 100
	}
	return s
}

func valueOne(f *market.Frame, p Position, day string) Row {
	r := Row{Position: p}
	if p.Lot != "" && day != "" && p.Lot > day {
		r.NotYet = true
		return r
	}
	i := -1
	if f != nil {
		i = f.Index(p.Symbol)
	}
	if i < 0 || i >= len(f.Quotes) {
		r.Missing = "not in the snapshot"
		return r
	}
	q := f.Quotes[i]
	if !q.HasPrice || !(q.Price > 0) {
		r.Missing = "no price yet"
		return r
	}
	r.Price, r.Stale = q.Price, q.Stale
	r.Value = p.Shares * q.Price
	r.Total = p.Shares * (q.Price - p.Cost)
	r.TotalPct = r.Total / math.Abs(p.Shares*p.Cost) * 100
	base, ok := 0.0, false
	switch {
	case q.Carried:
		// nothing traded yet this session: today's P&L is unknown, not 0
	case p.Lot != "" && p.Lot == day:
		base, ok = p.Cost, true
	case q.PrevClose > 0:
		base, ok = q.PrevClose, true
	}
	if ok {
		r.Today = p.Shares * (q.Price - base)
		r.base = math.Abs(p.Shares * base)
		r.TodayPct = r.Today / r.base * 100
		r.TodayOK = true
	}
	return r
}

func appendOnce(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// BySymbol sums the valued rows of each symbol (several lots of one
// symbol make one line in a watchlist). Shares, Value, Today and Total
// are sums; Cost is the average cost per share; Missing and TodayOK as
// for a row (Today is known only when it is known for every lot).
func (s Summary) BySymbol() map[string]Row {
	out := map[string]Row{}
	for _, r := range s.Rows {
		if r.NotYet {
			continue
		}
		a, seen := out[r.Symbol]
		if !seen {
			out[r.Symbol] = r
			continue
		}
		if a.Missing != "" || r.Missing != "" {
			if a.Missing == "" {
				a.Missing = r.Missing
			}
			out[r.Symbol] = a
			continue
		}
		costSum := a.Shares*a.Cost + r.Shares*r.Cost
		a.Shares += r.Shares
		if a.Shares != 0 {
			a.Cost = costSum / a.Shares
		}
		a.Value += r.Value
		a.Total += r.Total
		a.Today += r.Today
		a.TodayOK = a.TodayOK && r.TodayOK
		a.Stale = a.Stale || r.Stale
		a.TotalPct = 0
		if c := math.Abs(costSum); c > 0 {
			a.TotalPct = a.Total / c * 100
		}
		a.TodayPct = 0
		a.base += r.base
		if a.TodayOK && a.base > 0 {
			a.TodayPct = a.Today / a.base * 100
		}
		a.Lot = ""
		out[r.Symbol] = a
	}
	return out
}

// Lookup is how a frame's symbol appears in the portfolio, for panes that
// draw one line per symbol.
func (s Summary) Lookup(sym string) (Row, bool) {
	r, ok := s.BySymbol()[sym]
	return r, ok
}

// Symbols lists the positions' symbols in order, without repeats.
func Symbols(positions []Position) []string {
	var out []string
	for _, p := range positions {
		out = appendOnce(out, p.Symbol)
	}
	return out
}

// SessionDate is the frame's session date ("" without one), the date a
// lot's date is compared with.
func SessionDate(f *market.Frame) string {
	if f == nil {
		return ""
	}
	if s, ok := f.CurrentSession(); ok {
		return s.Date
	}
	return ""
}
