package snapshots

// The v1 rules (FORMAT.md): what makes a header usable and a record good.
// The reader applies them to reject bad lines, the writer to refuse to write
// them.

import (
	"fmt"
	"time"
)

// checkHeader returns why h is not a usable v1 header, or "".
func checkHeader(h *Header) string {
	switch {
	case h.Record != RecHeader:
		return fmt.Sprintf("first line is not a header (record %q)", h.Record)
	case h.Format != FormatName:
		return fmt.Sprintf("not a selloff snapshot (format %q)", h.Format)
	case h.Version < 1:
		return fmt.Sprintf("bad version %d", h.Version)
	case h.Version > FormatVersion:
		return fmt.Sprintf("format version %d is newer than this selloff reads (%d)", h.Version, FormatVersion)
	case !h.Provenance.Valid():
		return fmt.Sprintf("bad provenance %q (want recorded, reconstructed or imported)", h.Provenance)
	case h.TimeZone != "" && h.TimeZone != ExchangeZone:
		return fmt.Sprintf("time zone %q is not supported (want %s)", h.TimeZone, ExchangeZone)
	}
	if !h.Created.IsZero() {
		// in exchange time, as the reader keeps it: a year the writer
		// cannot print (0000 at a positive offset is year -1 in New York)
		// would be read but never written back
		if y := exchangeTime(h.Created).Year(); y < MinYear || y > MaxYear {
			return fmt.Sprintf("created %s is outside the years %d-%d", h.Created.Format(time.RFC3339), MinYear, MaxYear)
		}
	}
	if h.MainDay != "" {
		if _, err := time.Parse(time.DateOnly, h.MainDay); err != nil {
			return fmt.Sprintf("bad main_day %q (want YYYY-MM-DD)", h.MainDay)
		}
	}
	seen := make(map[string]bool, len(h.Symbols))
	for i, s := range h.Symbols {
		switch {
		case s.Symbol == "":
			return fmt.Sprintf("symbol %d has no symbol", i+1)
		case !symbolOK(s.Symbol):
			return fmt.Sprintf("symbol %q has a space or a control character", s.Symbol)
		case seen[s.Symbol]:
			return fmt.Sprintf("symbol %q listed twice", s.Symbol)
		case s.Shares != nil && s.Shares.Count < 0:
			return fmt.Sprintf("symbol %q: negative share count", s.Symbol)
		case s.Shares != nil && s.Shares.Count > MaxShares:
			return fmt.Sprintf("symbol %q: share count %d is above %d, the largest a snapshot holds", s.Symbol, s.Shares.Count, int64(MaxShares))
		}
		seen[s.Symbol] = true
	}
	prev := ""
	for _, s := range h.Sessions {
		if _, err := time.Parse(time.DateOnly, s.Date); err != nil {
			return fmt.Sprintf("session date %q is not YYYY-MM-DD", s.Date)
		}
		if s.Date <= prev {
			return fmt.Sprintf("session %s is listed after %s: sessions go in date order, once each", s.Date, prev)
		}
		prev = s.Date
		for sym, v := range s.PrevClose {
			if !(v > 0 && v <= MaxPrice) {
				return fmt.Sprintf("session %s: previous close %s of %s is not a price in (0, %s]", s.Date, fmtFloat(v), sym, fmtFloat(MaxPrice))
			}
		}
		if !s.Open.IsZero() && !s.Close.IsZero() && !s.Close.After(s.Open) {
			return fmt.Sprintf("session %s closes before it opens", s.Date)
		}
		for _, edge := range []struct {
			name string
			t    time.Time
		}{{"opens", s.Open}, {"closes", s.Close}} {
			if !edge.t.IsZero() && edge.t.In(Location()).Format(time.DateOnly) != s.Date {
				return fmt.Sprintf("session %s %s on another day (%s)", s.Date, edge.name, edge.t.In(Location()).Format(time.RFC3339))
			}
		}
	}
	return ""
}

// normalizeHeader puts the header's times in exchange time.
func normalizeHeader(h *Header) {
	if !h.Created.IsZero() {
		h.Created = exchangeTime(h.Created)
	}
	for i := range h.Sessions {
		s := &h.Sessions[i]
		if !s.Open.IsZero() {
			s.Open = exchangeTime(s.Open)
		}
		if !s.Close.IsZero() {
			s.Close = exchangeTime(s.Close)
		}
	}
}

// The years a record's time may fall in. Their span stays under the 292
// years a time.Duration holds, so no difference of two record times
// overflows.
const (
	MinYear = 1900
	MaxYear = 2150
)

// checker applies the v1 rules to decoded records. The reader uses it to
// reject bad lines and the writer to refuse to write them.
type checker struct {
	known  map[string]bool
	events map[string]int // event id -> line it was first seen on
	last   time.Time
	// bars holds the bars at time barsAt (records come in time order, so a
	// repeated bar can only repeat one of these): symbol and interval length ->
	// the line it was first seen on. It is cleared when time moves on, so
	// it holds one instant's bars, never the file's.
	bars   map[barKey]int
	barsAt time.Time
	// terse asks for short reasons (the caller will not keep them).
	terse bool
}

type barKey struct {
	symbol   string
	interval time.Duration // by length: "1m" and "60s" are the same bar
}

func newChecker(h *Header) checker {
	c := checker{known: make(map[string]bool, len(h.Symbols)), events: map[string]int{}, bars: map[barKey]int{}}
	for _, s := range h.Symbols {
		c.known[s.Symbol] = true
	}
	return c
}

// check returns why rec breaks a rule, or "". A good record advances the
// time-order watermark.
func (c *checker) check(rec *Record) string {
	t := rec.Time()
	if t.IsZero() {
		return `missing "time"`
	}
	if y := t.Year(); y < MinYear || y > MaxYear {
		// a typo such as 3025: durations between such times overflow
		return fmt.Sprintf("time %s is outside the years %d-%d", t.Format(time.RFC3339), MinYear, MaxYear)
	}
	if reason := checkRecord(rec, c.known); reason != "" {
		return reason
	}
	if t.Before(c.last) {
		return fmt.Sprintf("time goes backwards (%s after %s)",
			exchangeTime(t).Format(time.RFC3339), exchangeTime(c.last).Format(time.RFC3339))
	}
	if rec.Kind == RecEvent {
		if first, dup := c.events[rec.Event.ID]; dup {
			if first > 0 {
				return fmt.Sprintf("duplicate event id %s (first at line %d)", QuoteShort(rec.Event.ID), first)
			}
			return fmt.Sprintf("duplicate event id %s", QuoteShort(rec.Event.ID))
		}
		c.events[rec.Event.ID] = rec.Line
	}
	if rec.Kind == RecBar {
		if !t.Equal(c.barsAt) {
			clear(c.bars)
			c.barsAt = t
		}
		d, _ := ParseInterval(rec.Bar.Interval) // checked by checkRecord
		k := barKey{rec.Bar.Symbol, d}
		if first, dup := c.bars[k]; dup {
			if c.terse {
				return duplicateBarPrefix
			}
			return duplicateBarReason(&rec.Bar, first)
		}
		c.bars[k] = rec.Line
	}
	c.last = t
	return ""
}

// duplicateBarPrefix starts the reason given for a repeated bar, so the
// writer can tell it from other refusals.
const duplicateBarPrefix = "duplicate bar "

func duplicateBarReason(b *Bar, first int) string {
	at := exchangeTime(b.Time).Format("2006-01-02 15:04:05")
	if first > 0 {
		return fmt.Sprintf("%s%s %s at %s (first at line %d); the first is kept", duplicateBarPrefix, b.Symbol, b.Interval, at, first)
	}
	return fmt.Sprintf("%s%s %s at %s; the first is kept", duplicateBarPrefix, b.Symbol, b.Interval, at)
}

func checkRecord(rec *Record, known map[string]bool) string {
	switch rec.Kind {
	case RecBar:
		b := &rec.Bar
		if !known[b.Symbol] {
			return fmt.Sprintf("unknown symbol %s (not in header)", QuoteShort(b.Symbol))
		}
		if b.Interval == "" {
			return `missing "interval"`
		}
		if _, err := ParseInterval(b.Interval); err != nil {
			return `bad field "interval": ` + err.Error()
		}
		if !(b.Open > 0 && b.High > 0 && b.Low > 0 && b.Close > 0) {
			return "bar price missing or not positive"
		}
		if b.High > MaxPrice {
			return fmt.Sprintf("bar price %s is above %s, the largest a snapshot holds", fmtFloat(b.High), fmtFloat(MaxPrice))
		}
		if b.Low > b.High || b.Open > b.High || b.Open < b.Low || b.Close > b.High || b.Close < b.Low {
			return "bar prices outside [low, high]"
		}
		if b.Volume < 0 {
			return "negative volume"
		}
		if b.Volume > MaxVolume {
			return fmt.Sprintf("volume %d is above %d, the largest a snapshot holds", b.Volume, int64(MaxVolume))
		}
		if b.Interval[len(b.Interval)-1] == 'd' {
			et := exchangeTime(b.Time)
			if et.Hour() != 0 || et.Minute() != 0 || et.Second() != 0 || et.Nanosecond() != 0 {
				return fmt.Sprintf("daily bar time must be 00:00 exchange time, not %s", et.Format("15:04:05"))
			}
		}
	case RecQuote:
		q := &rec.Quote
		if !known[q.Symbol] {
			return fmt.Sprintf("unknown symbol %s (not in header)", QuoteShort(q.Symbol))
		}
		if !(q.Price > 0) {
			return "quote price missing or not positive"
		}
		if q.Price > MaxPrice || q.Bid > MaxPrice || q.Ask > MaxPrice {
			return fmt.Sprintf("quote price, bid or ask above %s, the largest a snapshot holds", fmtFloat(MaxPrice))
		}
		if q.Volume < 0 {
			return "negative volume"
		}
		if q.Volume > MaxVolume {
			return fmt.Sprintf("volume %d is above %d, the largest a snapshot holds", q.Volume, int64(MaxVolume))
		}
		if q.Bid < 0 || q.Ask < 0 {
			return "negative bid or ask"
		}
		switch q.State {
		case "", StatePre, StateRegular, StatePost, StateClosed:
		default:
			return fmt.Sprintf("bad field \"state\": %s (want pre, regular, post or closed)", QuoteShort(q.State))
		}
	case RecEvent:
		e := &rec.Event
		if e.ID == "" || e.Title == "" {
			return "event needs id and title"
		}
		for _, s := range e.Symbols {
			if !known[s] {
				return fmt.Sprintf("unknown symbol %s (not in header)", QuoteShort(s))
			}
		}
		if reason := checkPrecision(e.Time, e.Precision); reason != "" {
			return reason
		}
		switch e.Session {
		case "", StatePre, StatePost:
		default:
			return fmt.Sprintf("bad field \"session\": %s (want pre, post or none)", QuoteShort(e.Session))
		}
		for _, q := range e.Quotes {
			if reason := checkEventQuote(q, known); reason != "" {
				return reason
			}
		}
	}
	return ""
}

// checkEventQuote validates one figure an event reports.
func checkEventQuote(q EventQuote, known map[string]bool) string {
	if !known[q.Symbol] {
		return fmt.Sprintf("quote: unknown symbol %s (not in header)", QuoteShort(q.Symbol))
	}
	if q.Price == nil && q.ChangePct == nil {
		return fmt.Sprintf("quote for %s has neither price nor change_pct", q.Symbol)
	}
	if q.Price != nil && !(*q.Price > 0) {
		return fmt.Sprintf("quote for %s: price %v is not positive", q.Symbol, *q.Price)
	}
	if q.Tolerance < 0 || q.TolerancePct < 0 {
		return fmt.Sprintf("quote for %s: negative tolerance", q.Symbol)
	}
	switch q.Extent {
	case ExtentAt, ExtentLow, ExtentHigh, ExtentReport:
	default:
		return fmt.Sprintf("quote for %s: bad extent %s (want low, high, report or none)", q.Symbol, QuoteShort(q.Extent))
	}
	switch {
	case q.Bound != "" && q.Bound != BoundOver && q.Bound != BoundUnder:
		return fmt.Sprintf("quote for %s: bad bound %s (want over, under or none)", q.Symbol, QuoteShort(q.Bound))
	case q.Bound != "" && (q.ChangePct == nil || !(q.TolerancePct > 0)):
		return fmt.Sprintf("quote for %s: a bound needs change_pct and tolerance_pct", q.Symbol)
	}
	switch q.Session {
	case "", StatePre, StatePost:
	default:
		return fmt.Sprintf("quote for %s: bad session %s (want pre, post or none)", q.Symbol, QuoteShort(q.Session))
	}
	return ""
}

// precisionClock is the exchange-time clock reading each precision's sort
// key must have.
func precisionClock(p string) (hour int, ok bool) {
	switch p {
	case PrecisionDate:
		return 0, true
	case PrecisionMorning:
		return 9, true
	case PrecisionAfternoon:
		return 12, true
	case PrecisionEvening:
		return 18, true
	}
	return 0, false
}

func checkPrecision(t time.Time, p string) string {
	if p == PrecisionExact {
		return ""
	}
	h, ok := precisionClock(p)
	if !ok {
		return fmt.Sprintf("bad field \"precision\": %s (want date, morning, afternoon, evening or none)", QuoteShort(p))
	}
	et := exchangeTime(t)
	if et.Hour() != h || et.Minute() != 0 || et.Second() != 0 || et.Nanosecond() != 0 {
		return fmt.Sprintf("precision %s needs time %02d:00 exchange time, not %s", QuoteShort(p), h, et.Format("15:04:05"))
	}
	return ""
}
