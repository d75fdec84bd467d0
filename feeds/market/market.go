// Package market is the model behind every pane: per-symbol quotes, the
// intraday series the charts draw, and market-value changes with basket
// attribution. It is pure data: no I/O, no wall clock, no UI.
package market

import (
	"math"
	"time"

	"github.com/selloff/selloff/snapshots"
)

// Quote is what is known about one symbol at a frame's time.
type Quote struct {
	Symbol string
	// Price is the last traded price. It is meaningful only when HasPrice:
	// a symbol with no observation yet has no price, never a zero one.
	Price    float64
	HasPrice bool
	// PrevClose is the previous session's close (0 when unknown): the
	// session header's value, else the last daily close before the session.
	PrevClose float64
	// Day open, high and low of the frame's session, regular hours only, as
	// known at the frame's time (0 when no regular trade yet).
	Open, High, Low float64
	// Volume is the cumulative regular-session volume known at the frame's
	// time (or a later quote's cumulative day volume); always 0 for symbols
	// with NoVolume, which means unknown.
	Volume int64
	State  string // snapshots.StatePre, StateRegular, StatePost, StateClosed
	// ExtPrice is a pre- or post-market price when the source has one newer
	// than the regular-session last (HasExt); Price stays the regular-session
	// last, so Change is against the previous close as exchanges show it.
	ExtPrice float64
	HasExt   bool
	Updated  time.Time // market time of the last observation (regular or extended)
	Source   string    // "replay", "yahoo", ...
	// Stale is set during the regular session when the last observation is
	// older than the dataset's stale limit (market.WithStaleAfter).
	Stale bool
	// Carried is set when Price was observed before the frame's session
	// (its date): nothing has traded in this session yet, so there is no
	// change to show. A 0.00 would claim the stock is flat; it is unknown.
	Carried bool
	// Note says why a live source has no price for the symbol ("no index
	// quotes on Alpaca"); "" when it has one or gives no reason.
	Note string
}

// Change is the move against the previous close. ok is false without a
// price or a previous close, and while the price is carried from an
// earlier session.
func (q Quote) Change() (abs, pct float64, ok bool) {
	if !q.HasPrice || !(q.PrevClose > 0) || q.Carried {
		return 0, 0, false
	}
	abs = q.Price - q.PrevClose
	return abs, abs / q.PrevClose * 100, true
}

// ExtChange is the extended-hours move against the last regular price
// (after hours: today's close; before the open: the previous close), or
// against PrevClose when there is no regular price.
func (q Quote) ExtChange() (abs, pct float64, ok bool) {
	if !q.HasExt {
		return 0, 0, false
	}
	base := q.PrevClose
	if q.HasPrice {
		base = q.Price
	}
	if !(base > 0) {
		return 0, 0, false
	}
	abs = q.ExtPrice - base
	return abs, abs / base * 100, true
}

// Frame is an immutable view of the market at one instant. Slices inside a
// frame may be shared with other frames and with the dataset: never modify
// them.
type Frame struct {
	Time       time.Time
	Title      string
	Source     string // the header's source (how and from what the file was made), for the provenance view
	Provenance snapshots.Provenance
	Sessions   []snapshots.Session
	Session    int // index into Sessions of the session Time belongs to (-1: none)
	Symbols    []snapshots.Symbol
	Quotes     []Quote           // index-aligned with Symbols
	Intraday   [][]snapshots.Bar // per symbol: the bars of the frame's session completed by Time (nil: none)
	Daily      [][]snapshots.Bar // per symbol: every daily bar, later ones too (the chart dims bars after Time)
	Events     []snapshots.Event // the whole timeline, sorted by placement (snapshots.Placement)
}

// Index returns the position of sym in the frame, or -1.
func (f *Frame) Index(sym string) int {
	for i, s := range f.Symbols {
		if s.Symbol == sym {
			return i
		}
	}
	return -1
}

// CurrentSession returns the session of the frame, if any.
func (f *Frame) CurrentSession() (snapshots.Session, bool) {
	if f == nil || f.Session < 0 || f.Session >= len(f.Sessions) {
		return snapshots.Session{}, false
	}
	return f.Sessions[f.Session], true
}

// ValueChange is one symbol's market-value change.
type ValueChange struct {
	Symbol  string
	Company string  // the company (Symbol when none is given)
	Delta   float64 // (price - previous close) x shares, in dollars
	Value   float64 // price x shares, in dollars
	Share   float64 // Delta / basket total delta (attribution), 0..1 for same-sign moves
	// Approx is set when part of the share count is valued at another
	// class's price: a company whose classes trade as several symbols
	// (Shares.Classes) with one of them missing or unpriced in the frame.
	Approx bool
}

// companyValue values the share count stored on symbol carrier with the
// quote of symbol src: each share class (Shares.Classes) at its own
// symbol's price when that symbol is in the frame and priced (its change
// when the change is known), else at src's, which makes the value
// approximate. ok is false when src has no price (or, with change, no
// change).
func (f *Frame) companyValue(carrier, src int, change bool) (delta, value float64, approx, ok bool) {
	sh := f.Symbols[carrier].Shares
	usable := func(i int) bool {
		if i < 0 || i >= len(f.Quotes) {
			return false
		}
		if change {
			_, _, ok := f.Quotes[i].Change()
			return ok
		}
		return f.Quotes[i].HasPrice
	}
	if !usable(src) {
		return 0, 0, false, false
	}
	add := func(i int, n float64) {
		q := f.Quotes[i]
		abs, _, _ := q.Change()
		delta += abs * n
		value += q.Price * n
	}
	rest := sh.Count
	for _, c := range sh.Classes {
		if c.Count <= 0 || c.Count > rest {
			continue // a count that does not add up: the rest goes at src's price
		}
		i := f.Index(c.Symbol)
		if !usable(i) {
			i, approx = src, true
		}
		add(i, float64(c.Count))
		rest -= c.Count
	}
	if rest > 0 {
		if len(sh.Classes) > 0 {
			approx = true
		}
		add(src, float64(rest))
	}
	return delta, value, approx, true
}

// ValueApproximate reports whether symbol i's market value prices some of
// its share classes at another class's price (see ValueChange.Approx).
func (f *Frame) ValueApproximate(i int) bool {
	if i < 0 || i >= len(f.Symbols) {
		return false
	}
	s := f.Symbols[i]
	if s.Shares == nil || s.Shares.Count <= 0 || s.Kind != snapshots.KindEquity {
		return false
	}
	_, _, approx, _ := f.companyValue(i, i, false)
	return approx
}

// MarketValue returns symbol i's market value and its change since the
// previous close. ok is false for symbols without a share count (indices,
// ETFs, unknown counts) or without a price: they have no market value, which
// is not the same as zero.
func (f *Frame) MarketValue(i int) (vc ValueChange, ok bool) {
	if i < 0 || i >= len(f.Symbols) || i >= len(f.Quotes) {
		return ValueChange{}, false
	}
	s := f.Symbols[i]
	q := f.Quotes[i]
	if s.Shares == nil || s.Shares.Count <= 0 || s.Kind != snapshots.KindEquity {
		return ValueChange{}, false
	}
	if _, _, ok := q.Change(); !ok {
		return ValueChange{}, false
	}
	delta, value, approx, _ := f.companyValue(i, i, true)
	company := s.Company
	if company == "" {
		company = s.Symbol
	}
	return ValueChange{Symbol: s.Symbol, Company: company, Delta: delta, Value: value, Approx: approx}, true
}

// MarketCap returns symbol i's market value (price x shares) when it has
// a price and a share count, whether or not its change is known (before a
// session's first trade the price is the last close and the value is
// that close's). Indices and ETFs have none.
func (f *Frame) MarketCap(i int) (float64, bool) {
	if i < 0 || i >= len(f.Symbols) || i >= len(f.Quotes) {
		return 0, false
	}
	s, q := f.Symbols[i], f.Quotes[i]
	if s.Shares == nil || s.Shares.Count <= 0 || s.Kind != snapshots.KindEquity || !q.HasPrice {
		return 0, false
	}
	_, value, _, _ := f.companyValue(i, i, false)
	return value, true
}

// Basket is the sum of market-value changes over a set of equities.
type Basket struct {
	Delta   float64       // total change in dollars
	Value   float64       // total market value in dollars
	Items   []ValueChange // the counted symbols, in frame order, with Share set
	Missing []string      // equities left out: no share count or no price
}

// Basket sums the market-value change of the equities among syms (all
// symbols when syms is nil). ETFs and indices are not counted. A company
// with several share classes (same Company) is counted once: with the share
// count stored on one of its symbols (anywhere in the frame) and the price
// of that symbol when it is among syms and priced, else of the first priced
// class among syms; a count split into Shares.Classes values each class at
// its own symbol's price where the frame has it (ValueChange.Approx when not). Equities without a share count or without a price are
// listed in Missing: they have no market value, which is not zero.
func (f *Frame) Basket(syms []string) Basket {
	var want map[string]bool
	if syms != nil {
		want = make(map[string]bool, len(syms))
		for _, s := range syms {
			want[s] = true
		}
	}
	companyOf := func(s snapshots.Symbol) string {
		if s.Company != "" {
			return s.Company
		}
		return s.Symbol
	}
	var order []string
	members := map[string][]int{}
	for i, s := range f.Symbols {
		if s.Kind != snapshots.KindEquity || (want != nil && !want[s.Symbol]) {
			continue
		}
		c := companyOf(s)
		if _, ok := members[c]; !ok {
			order = append(order, c)
		}
		members[c] = append(members[c], i)
	}
	var b Basket
	for _, c := range order {
		carrier := -1 // the symbol holding the company's share count
		for i, s := range f.Symbols {
			if s.Kind == snapshots.KindEquity && companyOf(s) == c && s.Shares != nil && s.Shares.Count > 0 {
				carrier = i
				break
			}
		}
		priced := func(i int) bool {
			if i >= len(f.Quotes) {
				return false
			}
			_, _, ok := f.Quotes[i].Change()
			return ok
		}
		src := -1
		if carrier >= 0 {
			for _, i := range members[c] {
				if i == carrier && priced(i) {
					src = i
				}
			}
			for _, i := range members[c] {
				if src < 0 && priced(i) {
					src = i
				}
			}
		}
		if src < 0 {
			for _, i := range members[c] {
				b.Missing = append(b.Missing, f.Symbols[i].Symbol)
			}
			continue
		}
		delta, value, approx, _ := f.companyValue(carrier, src, true)
		vc := ValueChange{Symbol: f.Symbols[src].Symbol, Company: c, Delta: delta, Value: value, Approx: approx}
		b.Delta += vc.Delta
		b.Value += vc.Value
		b.Items = append(b.Items, vc)
	}
	for i := range b.Items {
		if b.Delta != 0 {
			b.Items[i].Share = b.Items[i].Delta / b.Delta
		}
		if math.IsNaN(b.Items[i].Share) || math.IsInf(b.Items[i].Share, 0) {
			b.Items[i].Share = 0
		}
	}
	return b
}

// Covered widens the data span [start, end] to whole days of the given
// sessions: the times a snapshot covers. A time on a covered day after
// the last record (a recording stopped early) is inside; a day with no
// session and no record is not.
func Covered(start, end time.Time, sessions []snapshots.Session) (lo, hi time.Time) {
	loc := snapshots.Location()
	lo, hi = start, end
	for _, s := range sessions {
		day, err := time.ParseInLocation(time.DateOnly, s.Date, loc)
		if err != nil {
			continue
		}
		if day.Before(lo) {
			lo = day
		}
		if last := day.AddDate(0, 0, 1).Add(-time.Second); last.After(hi) {
			hi = last
		}
	}
	return lo.In(loc), hi.In(loc)
}

// Placed is the instant event i of the frame is placed at: the one
// placement rule (snapshots.Placement) with the frame's sessions.
func (f *Frame) Placed(i int) time.Time { return snapshots.Placement(f.Events[i], f.Sessions) }

// CurrentEvent is the index in f.Events of the current event, the last one
// placed at or before f.Time (Events are sorted by placement), or -1. The
// chart, the timeline and `[` / `]` all mean this one.
func CurrentEvent(f *Frame) int {
	cur := -1
	if f == nil {
		return cur
	}
	for i := range f.Events {
		if f.Placed(i).After(f.Time) {
			break
		}
		cur = i
	}
	return cur
}
