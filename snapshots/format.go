// Package snapshots reads and writes selloff snapshot files: a versioned,
// line-oriented record of a market window (bars, quotes and events) that the
// replay source plays back. The format is documented in FORMAT.md beside this
// file. The package knows nothing about terminals or feeds.
package snapshots

import (
	"fmt"
	"sync"
	"time"
	_ "time/tzdata" // exchange time must be right on machines without zoneinfo
)

// Format identifies the file format in the header line.
const (
	FormatName    = "selloff-snapshot"
	FormatVersion = 1
	// ExchangeZone is the time zone of US equity markets. Every session date
	// and HH:MM in selloff means this zone.
	ExchangeZone = "America/New_York"
)

// Provenance says where a snapshot's prices came from.
type Provenance string

const (
	Recorded      Provenance = "recorded"      // captured from a live feed as it happened
	Reconstructed Provenance = "reconstructed" // built from published facts, not a recording
	Imported      Provenance = "imported"      // converted from someone else's bar files
)

// Valid reports whether p is one of the known provenances.
func (p Provenance) Valid() bool {
	return p == Recorded || p == Reconstructed || p == Imported
}

// Instrument kinds.
const (
	KindEquity = "equity"
	KindETF    = "etf"
	KindIndex  = "index"
)

// Price bases.
const (
	BasisPrinted  = "printed"  // prices that traded
	BasisAdjusted = "adjusted" // dividend-adjusted values: levels a little low, % moves right
)

// Header is line 1 of every snapshot file.
type Header struct {
	Record      string     `json:"record"` // always "header"
	Format      string     `json:"format"` // FormatName
	Version     int        `json:"version"`
	Title       string     `json:"title"`
	Description string     `json:"description,omitempty"`
	Provenance  Provenance `json:"provenance"`
	Source      string     `json:"source"` // free text: how and from what the file was made
	TimeZone    string     `json:"timezone"`
	// MainDay is the session the snapshot is about (YYYY-MM-DD); HH:MM times
	// typed by a user mean this day. Empty means the first session.
	MainDay  string    `json:"main_day,omitempty"`
	Created  time.Time `json:"created"`
	Symbols  []Symbol  `json:"symbols"`
	Sessions []Session `json:"sessions"`
}

// Symbol describes one instrument in a snapshot.
type Symbol struct {
	Symbol     string   `json:"symbol"`
	Name       string   `json:"name"`
	Kind       string   `json:"kind"` // equity, etf or index
	Currency   string   `json:"currency"`
	Groups     []string `json:"groups,omitempty"` // tags such as chips, power, platforms, benchmarks
	PriceBasis string   `json:"price_basis"`      // printed or adjusted
	// Company groups share classes of one issuer (GOOG and GOOGL are both
	// "Alphabet"). A basket counts a company once: the shares are stored on
	// one of its symbols only.
	Company string  `json:"company,omitempty"`
	Shares  *Shares `json:"shares,omitempty"`
	// NoVolume is set when the source records no volume for this symbol (some
	// indices): its bars carry volume 0, which must be shown as unknown.
	NoVolume bool `json:"no_volume,omitempty"`
}

// Shares is a share count with where it came from.
type Shares struct {
	Count       int64  `json:"count"`
	AsOf        string `json:"as_of"` // YYYY-MM-DD
	Source      string `json:"source"`
	Approximate bool   `json:"approximate,omitempty"`
}

// Session is one trading day.
type Session struct {
	Date      string             `json:"date"`  // YYYY-MM-DD, exchange date
	Open      time.Time          `json:"open"`  // regular session open
	Close     time.Time          `json:"close"` // regular session close
	PrevClose map[string]float64 `json:"prev_close,omitempty"`
}

// Record kinds, as written in each line's "record" field.
const (
	RecHeader = "header"
	RecBar    = "bar"
	RecQuote  = "quote"
	RecEvent  = "event"
)

// Bar is an OHLCV bar. Time is the start of the bar; an intraday bar is
// complete at Time+Interval. A daily bar ("1d") has Time at 00:00 exchange
// time on its date and is complete at that date's close (16:00 exchange time
// unless the session in the header says otherwise).
type Bar struct {
	Time     time.Time `json:"time"`
	Symbol   string    `json:"symbol"`
	Interval string    `json:"interval"` // "1m", "5m", "1d", ...
	Open     float64   `json:"open"`
	High     float64   `json:"high"`
	Low      float64   `json:"low"`
	Close    float64   `json:"close"`
	Volume   int64     `json:"volume"`
}

// End is the instant the bar was complete.
func (b Bar) End() time.Time {
	if b.Interval == "1d" {
		t := b.Time.In(Location())
		return time.Date(t.Year(), t.Month(), t.Day(), 16, 0, 0, 0, Location())
	}
	d, err := ParseInterval(b.Interval)
	if err != nil {
		return b.Time
	}
	return b.Time.Add(d)
}

// Market states.
const (
	StatePre     = "pre"
	StateRegular = "regular"
	StatePost    = "post"
	StateClosed  = "closed"
)

// Quote is one observed last price.
type Quote struct {
	Time   time.Time `json:"time"`
	Symbol string    `json:"symbol"`
	Price  float64   `json:"price"`
	Volume int64     `json:"volume"` // cumulative for the day
	State  string    `json:"state"`  // pre, regular, post, closed
	Bid    float64   `json:"bid,omitempty"`
	Ask    float64   `json:"ask,omitempty"`
}

// Time precisions for events whose exact time is not known. Time then holds
// a sort key (see FORMAT.md), not a claim about when it happened.
const (
	PrecisionExact     = ""          // Time is the real time (to the minute or better)
	PrecisionDate      = "date"      // only the date is known; Time is 00:00 exchange time
	PrecisionMorning   = "morning"   // Time is 09:00
	PrecisionAfternoon = "afternoon" // Time is 12:00
	PrecisionEvening   = "evening"   // Time is 18:00
)

// Event is an annotated moment on the timeline.
type Event struct {
	Time      time.Time `json:"time"`
	ID        string    `json:"id"`
	Title     string    `json:"title"`
	Detail    string    `json:"detail,omitempty"`
	Outlet    string    `json:"outlet,omitempty"`
	Link      string    `json:"link,omitempty"`
	Symbols   []string  `json:"symbols,omitempty"`
	Precision string    `json:"precision,omitempty"`
}

// Approximate reports whether only part of the event's time is known.
func (e Event) Approximate() bool { return e.Precision != PrecisionExact }

// ParseInterval turns "1m", "5m", "1h", "1d" into a duration. Days are 24h.
func ParseInterval(s string) (time.Duration, error) {
	if len(s) < 2 {
		return 0, fmt.Errorf("bad interval %q", s)
	}
	n := 0
	for _, c := range s[:len(s)-1] {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("bad interval %q", s)
		}
		n = n*10 + int(c-'0')
		if n > 100000 {
			return 0, fmt.Errorf("bad interval %q", s)
		}
	}
	if n == 0 {
		return 0, fmt.Errorf("bad interval %q", s)
	}
	switch s[len(s)-1] {
	case 's':
		return time.Duration(n) * time.Second, nil
	case 'm':
		return time.Duration(n) * time.Minute, nil
	case 'h':
		return time.Duration(n) * time.Hour, nil
	case 'd':
		return time.Duration(n) * 24 * time.Hour, nil
	}
	return 0, fmt.Errorf("bad interval %q", s)
}

// Record is one line of a snapshot after the header. Exactly one of Bar,
// Quote and Event is meaningful, as Kind says.
type Record struct {
	Kind  string // RecBar, RecQuote or RecEvent
	Line  int    // line number in the file it was read from (1-based); 0 if not read
	Bar   Bar
	Quote Quote
	Event Event
}

// Time is the record's time stamp.
func (r Record) Time() time.Time {
	switch r.Kind {
	case RecBar:
		return r.Bar.Time
	case RecQuote:
		return r.Quote.Time
	case RecEvent:
		return r.Event.Time
	}
	return time.Time{}
}

// Snapshot is a whole decoded file, held in memory read-only once decoded.
type Snapshot struct {
	Header Header
	Bars   []Bar   // in file (time) order
	Quotes []Quote // in file (time) order
	Events []Event // in file (time) order
	// Problems lists what lenient reading skipped (nil in strict mode).
	Problems []Problem
	// Unknown counts records of kinds this version does not know.
	Unknown int
	// Warnings holds notes that are not errors: at most one, for the first
	// record of an unknown kind (see Reader.Warnings).
	Warnings []Problem
}

// Symbol returns the header entry for sym.
func (s *Snapshot) Symbol(sym string) (Symbol, bool) {
	for _, x := range s.Header.Symbols {
		if x.Symbol == sym {
			return x, true
		}
	}
	return Symbol{}, false
}

// Problem is one bad line, reported as FILE:LINE: reason.
type Problem struct {
	File   string
	Line   int
	Reason string
}

func (p Problem) Error() string {
	if p.File == "" {
		return fmt.Sprintf("line %d: %s", p.Line, p.Reason)
	}
	return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Reason)
}

// Location loads the exchange time zone. The binary embeds time/tzdata, so
// this works on machines without a zoneinfo database.
func Location() *time.Location { return location() }

var location = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation(ExchangeZone)
	if err != nil {
		// Only reachable if time/tzdata was not linked in; fixed EST keeps the
		// program usable and wrong by an hour in summer rather than crashing.
		return time.FixedZone("EST", -5*3600)
	}
	return loc
})
