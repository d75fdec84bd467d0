// Package paper is paper trading in a replay: fills at the replay's price,
// the positions and P&L they make, and what holding the first trade to the
// end would have made instead. It is pure logic: no I/O, no clock, no UI.
package paper

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"time"
)

// Side is buy or sell.
type Side int

const (
	Buy Side = iota
	Sell
)

func (s Side) String() string {
	if s == Sell {
		return "SELL"
	}
	return "BUY"
}

// sign is +1 for a buy, -1 for a sell.
func (s Side) sign() float64 {
	if s == Sell {
		return -1
	}
	return 1
}

// MaxQty bounds one order (a typo of many digits is refused, never filled).
const MaxQty = 10_000_000

// Fill is one order filled at the replay's price.
type Fill struct {
	Symbol string
	Side   Side
	Qty    int64
	Price  float64
	Time   time.Time // the replay's time of the fill
}

// Value is the fill's notional (positive).
func (f Fill) Value() float64 { return float64(f.Qty) * f.Price }

// Book is the fills of one replay, in time order. The zero value is empty
// and ready; a Book is a value, copied with its slice shared, and never
// changed in place by its methods (they return a new Book).
type Book struct {
	fills []Fill
}

// Fills returns the fills (do not modify).
func (b Book) Fills() []Fill { return b.fills }

// Len is the number of fills.
func (b Book) Len() int { return len(b.fills) }

// Errors of Fill.
var (
	ErrNoPrice = errors.New("no price")
	ErrQty     = errors.New("quantity must be 1 to 10,000,000 shares")
)

// Fill fills an order at price at time at. A missing, zero, negative or
// non-finite price is refused (never a fill at zero), as is a quantity
// outside 1..MaxQty.
func (b Book) Fill(sym string, side Side, qty int64, price float64, at time.Time) (Book, Fill, error) {
	if qty <= 0 || qty > MaxQty {
		return b, Fill{}, ErrQty
	}
	if !(price > 0) || math.IsInf(price, 0) {
		return b, Fill{}, ErrNoPrice
	}
	if sym == "" {
		return b, Fill{}, errors.New("no symbol")
	}
	f := Fill{Symbol: sym, Side: side, Qty: qty, Price: price, Time: at}
	out := make([]Fill, 0, len(b.fills)+1)
	out = append(out, b.fills...)
	out = append(out, f)
	// a fill is never earlier than the one before (seeking back past a
	// fill discards it first), but keep the order stable if it were
	sort.SliceStable(out, func(i, j int) bool { return out[i].Time.Before(out[j].Time) })
	return Book{fills: out}, f, nil
}

// After returns the fills later than t: those a seek to t would go back
// past.
func (b Book) After(t time.Time) []Fill {
	i := sort.Search(len(b.fills), func(i int) bool { return b.fills[i].Time.After(t) })
	return b.fills[i:]
}

// DiscardAfter drops the fills later than t.
func (b Book) DiscardAfter(t time.Time) Book {
	i := sort.Search(len(b.fills), func(i int) bool { return b.fills[i].Time.After(t) })
	return Book{fills: b.fills[:i:i]}
}

// Position is the holding of one symbol that fills made, at average cost.
type Position struct {
	Symbol   string
	Shares   int64   // negative: short
	AvgCost  float64 // per share of the open position (0 when flat)
	Realized float64 // P&L of the shares closed so far
	Trades   int
}

// Positions replays fills into positions by symbol, in the order the
// symbols were first traded. Closing shares realises (price - average
// cost) x shares for a long, the opposite for a short; a fill that crosses
// zero closes the old side and opens the rest at its price.
func Positions(fills []Fill) []Position {
	var out []Position
	idx := map[string]int{}
	for _, f := range fills {
		i, ok := idx[f.Symbol]
		if !ok {
			i = len(out)
			idx[f.Symbol] = i
			out = append(out, Position{Symbol: f.Symbol})
		}
		p := &out[i]
		p.Trades++
		q := f.Qty
		if f.Side == Sell {
			q = -q
		}
		switch {
		case p.Shares == 0 || (p.Shares > 0) == (q > 0):
			// opening or adding: a new average cost
			n := p.Shares + q
			p.AvgCost = (p.AvgCost*math.Abs(float64(p.Shares)) + f.Price*math.Abs(float64(q))) / math.Abs(float64(n))
			p.Shares = n
		default:
			closed := min(abs64(q), abs64(p.Shares))
			dir := 1.0
			if p.Shares < 0 {
				dir = -1
			}
			p.Realized += dir * float64(closed) * (f.Price - p.AvgCost)
			n := p.Shares + q
			switch {
			case n == 0:
				p.AvgCost = 0
			case (n > 0) != (p.Shares > 0):
				p.AvgCost = f.Price // crossed zero: the rest opens here
			}
			p.Shares = n
		}
	}
	return out
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// Price gives a symbol's current price; ok is false when it has none.
type Price func(sym string) (float64, bool)

// PnL is the running result of a book at the current prices.
type PnL struct {
	Realized   float64
	Unrealized float64 // open positions at the current price (those priced)
	Total      float64 // Realized + Unrealized
	Trades     int
	// Unpriced lists symbols with an open position and no current price:
	// their unrealised part is unknown and left out, never valued at zero.
	Unpriced  []string
	Positions []Position
}

// Mark values fills at the current prices.
func Mark(fills []Fill, price Price) PnL {
	out := PnL{Trades: len(fills), Positions: Positions(fills)}
	for _, p := range out.Positions {
		out.Realized += p.Realized
		if p.Shares == 0 {
			continue
		}
		px, ok := price(p.Symbol)
		if !ok || !(px > 0) {
			out.Unpriced = append(out.Unpriced, p.Symbol)
			continue
		}
		out.Unrealized += float64(p.Shares) * (px - p.AvgCost)
	}
	out.Total = out.Realized + out.Unrealized
	return out
}

// Hold is what holding each symbol's first trade (its side and quantity)
// from its fill to the current price would have made, summed over the
// symbols traded: the comparison a trader makes against doing nothing
// more after the first order.
type Hold struct {
	PnL      float64
	Unpriced []string
}

// BuyAndHold computes Hold for fills at the current prices.
func BuyAndHold(fills []Fill, price Price) Hold {
	var out Hold
	seen := map[string]bool{}
	for _, f := range fills {
		if seen[f.Symbol] {
			continue
		}
		seen[f.Symbol] = true
		px, ok := price(f.Symbol)
		if !ok || !(px > 0) {
			out.Unpriced = append(out.Unpriced, f.Symbol)
			continue
		}
		out.PnL += f.Side.sign() * float64(f.Qty) * (px - f.Price)
	}
	return out
}

// Money formats a dollar figure with thousands separators and a sign for
// negatives: -2,420.00.
func Money(x float64) string {
	neg := x < 0
	if neg {
		x = -x
	}
	s := fmt.Sprintf("%.2f", x)
	intPart, frac := s[:len(s)-3], s[len(s)-3:]
	var b []byte
	for i, c := range []byte(intPart) {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, c)
	}
	out := string(b) + frac
	if neg && out != "0.00" {
		out = "-" + out
	}
	return out
}
