package snapshots

import (
	"encoding/json"
	"fmt"
	"time"
)

// Each line after the header is one flat JSON object whose "record" field
// names its kind; the other fields are those of Bar, Quote or Event.

type barLine struct {
	Record string `json:"record"`
	Bar
}

type quoteLine struct {
	Record string `json:"record"`
	Quote
}

type eventLine struct {
	Record string `json:"record"`
	Event
}

// MarshalRecord encodes r as one line (without the newline).
func MarshalRecord(r Record) ([]byte, error) {
	switch r.Kind {
	case RecBar:
		return json.Marshal(barLine{RecBar, r.Bar})
	case RecQuote:
		return json.Marshal(quoteLine{RecQuote, r.Quote})
	case RecEvent:
		return json.Marshal(eventLine{RecEvent, r.Event})
	}
	return nil, fmt.Errorf("unknown record kind %q", r.Kind)
}

// MarshalHeader encodes h as line 1 (without the newline), filling in the
// format name and version.
func MarshalHeader(h Header) ([]byte, error) {
	h.Record = RecHeader
	h.Format = FormatName
	h.Version = FormatVersion
	return json.Marshal(h)
}

// BarRecord, QuoteRecord and EventRecord wrap a value as a Record.
func BarRecord(b Bar) Record     { return Record{Kind: RecBar, Bar: b} }
func QuoteRecord(q Quote) Record { return Record{Kind: RecQuote, Quote: q} }
func EventRecord(e Event) Record { return Record{Kind: RecEvent, Event: e} }

// exchangeTime renders t in exchange time so files read naturally.
func exchangeTime(t time.Time) time.Time { return t.In(Location()) }
