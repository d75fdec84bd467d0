package frameout

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/snapshots"
)

// SchemaVersion is the version of the JSON frame (docs/frame.schema.json).
// A change that removes or renames a field, or changes a field's meaning,
// bumps it; new optional fields do not.
const SchemaVersion = 1

// SchemaID names the schema a JSON frame follows.
const SchemaID = "https://github.com/selloff/selloff/docs/frame.schema.json"

// Frame is the data of one frame, as `render --format json` prints it.
// Unknown figures are null (never 0): a symbol with no trade yet has no
// last price, an index no market value, a source without volume no volume.
type Frame struct {
	Schema        string    `json:"$schema"`
	SchemaVersion int       `json:"schema_version"`
	Time          time.Time `json:"time"` // market time (America/New_York offset)
	Title         string    `json:"title"`
	Mode          string    `json:"mode"`       // replay, live or recording
	Provenance    string    `json:"provenance"` // recorded, reconstructed, imported; "" live
	Session       *Session  `json:"session"`    // the frame's trading session; null outside one
	Health        Health    `json:"health"`
	Symbols       []Symbol  `json:"symbols"`
	Basket        Basket    `json:"basket"`
	Events        []Event   `json:"events"`
	// FutureEvents counts the timeline's events placed after Time that
	// Events leaves out (no spoilers); 0 with Spoilers.
	FutureEvents int  `json:"future_events"`
	Spoilers     bool `json:"spoilers"`
}

// Session is a trading day.
type Session struct {
	Date  string    `json:"date"`
	Open  time.Time `json:"open"`
	Close time.Time `json:"close"`
}

// Health is the source's state.
type Health struct {
	State   string `json:"state"`
	Detail  string `json:"detail,omitempty"`
	Skipped int    `json:"skipped"`
}

// Symbol is one watchlist row's figures.
type Symbol struct {
	Symbol     string   `json:"symbol"`
	Name       string   `json:"name"`
	Kind       string   `json:"kind"`
	Groups     []string `json:"groups"`
	PriceBasis string   `json:"price_basis"`
	State      string   `json:"state"` // pre, regular, post, closed
	Last       *float64 `json:"last"`
	PrevClose  *float64 `json:"prev_close"`
	// Change and ChangePct are against the previous close, rounded to 4
	// and 2 decimals; ChangePct is in percent.
	Change      *float64 `json:"change"`
	ChangePct   *float64 `json:"change_pct"`
	Open        *float64 `json:"open"`
	High        *float64 `json:"high"`
	Low         *float64 `json:"low"`
	Volume      *int64   `json:"volume"`
	ValueChange *float64 `json:"value_change"` // market value change since the previous close, dollars
	Value       *float64 `json:"value"`        // market value, dollars
	Stale       bool     `json:"stale"`
	Carried     bool     `json:"carried"`
	// Marks name the figures shown with a mark: price_adjusted,
	// value_approximate, and <figure>_<basis> for every note whose basis
	// is not sourced (volume_modelled, intraday_borrowed, ...).
	Marks []string               `json:"marks"`
	Notes []snapshots.FigureNote `json:"notes"`
}

// Basket is the market-value change summed over the equities.
type Basket struct {
	ValueChange float64  `json:"value_change"`
	Value       float64  `json:"value"`
	Companies   int      `json:"companies"`
	Approximate bool     `json:"approximate"`
	Missing     []string `json:"missing"`
}

// Event is one timeline event placed at or before the frame's time (or,
// with spoilers, any).
type Event struct {
	Time      time.Time `json:"time"`
	PlacedAt  time.Time `json:"placed_at"` // the instant a replay shows it (see FORMAT.md)
	ID        string    `json:"id"`
	Title     string    `json:"title"`
	Detail    string    `json:"detail,omitempty"`
	Outlet    string    `json:"outlet,omitempty"`
	Link      string    `json:"link,omitempty"`
	Symbols   []string  `json:"symbols"`
	Precision string    `json:"precision"` // "exact", date, morning, afternoon, evening
	Outcome   bool      `json:"outcome"`
	Current   bool      `json:"current"` // the latest event placed at or before the frame's time
	Future    bool      `json:"future"`  // placed after the frame's time (only with spoilers)
}

// Data is the frame's data. spoilers keeps the events placed after the
// frame's time, which a replay does not show yet.
func Data(u feeds.Update, spoilers bool) Frame {
	out := Frame{Schema: SchemaID, SchemaVersion: SchemaVersion, Mode: string(u.Mode), Spoilers: spoilers,
		Symbols: []Symbol{}, Events: []Event{}, Basket: Basket{Missing: []string{}}}
	out.Health = Health{State: string(u.Health.State), Detail: u.Health.Detail, Skipped: u.Health.Skipped}
	f := u.Frame
	if f == nil {
		return out
	}
	loc := snapshots.Location()
	out.Time = f.Time.In(loc)
	out.Title = f.Title
	if u.Mode != feeds.ModeLive && u.Mode != feeds.ModeRecording {
		out.Provenance = string(f.Provenance)
	}
	// At its session's close a day's volume is the official total, no longer
	// modelled (the watchlist drops its ᵐ mark there too).
	volOfficial := false
	if s, ok := f.CurrentSession(); ok {
		out.Session = &Session{Date: s.Date, Open: s.Open.In(loc), Close: s.Close.In(loc)}
		volOfficial = !s.Close.IsZero() && !f.Time.Before(s.Close)
	}
	for i, s := range f.Symbols {
		if i >= len(f.Quotes) {
			break
		}
		q := f.Quotes[i]
		row := Symbol{Symbol: s.Symbol, Name: s.Name, Kind: s.Kind, Groups: nonNil(s.Groups), PriceBasis: s.PriceBasis,
			State: q.State, Stale: q.Stale && q.HasPrice, Carried: q.Carried, Marks: []string{},
			Notes: s.Notes}
		if row.Notes == nil {
			row.Notes = []snapshots.FigureNote{}
		}
		if q.HasPrice {
			row.Last = fp(q.Price)
		}
		if q.PrevClose > 0 {
			row.PrevClose = fp(q.PrevClose)
		}
		if abs, pct, ok := q.Change(); ok {
			row.Change, row.ChangePct = fp(round(abs, 4)), fp(round(pct, 2))
		}
		if q.Open > 0 {
			row.Open, row.High, row.Low = fp(q.Open), fp(q.High), fp(q.Low)
		}
		if !s.NoVolume && q.HasPrice && !q.Carried {
			v := q.Volume
			row.Volume = &v
		}
		if vc, ok := f.MarketValue(i); ok {
			row.ValueChange, row.Value = fp(math.Round(vc.Delta)), fp(math.Round(vc.Value))
			if vc.Approx || s.Shares.Approximate {
				row.Marks = append(row.Marks, "value_approximate")
			}
		} else if v, ok := f.MarketCap(i); ok {
			row.Value = fp(math.Round(v))
		}
		if s.PriceBasis == snapshots.BasisAdjusted {
			row.Marks = append(row.Marks, "price_adjusted")
		}
		for _, n := range s.Notes {
			if n.Basis != snapshots.BasisSourced && n.Basis != "" {
				m := n.Figure + "_" + n.Basis
				if m != "price_adjusted" && !(m == "volume_modelled" && volOfficial) {
					row.Marks = append(row.Marks, m)
				}
			}
		}
		out.Symbols = append(out.Symbols, row)
	}
	b := f.Basket(nil)
	out.Basket = Basket{ValueChange: math.Round(b.Delta), Value: math.Round(b.Value), Companies: len(b.Items),
		Missing: nonNil(b.Missing)}
	for _, it := range b.Items {
		out.Basket.Approximate = out.Basket.Approximate || it.Approx
	}
	cur := -1
	for _, e := range f.Events {
		at := snapshots.Placement(e, f.Sessions)
		future := at.After(f.Time)
		if future && !spoilers {
			out.FutureEvents++
			continue
		}
		prec := e.Precision
		if prec == snapshots.PrecisionExact {
			prec = "exact"
		}
		out.Events = append(out.Events, Event{Time: e.Time.In(loc), PlacedAt: at.In(loc), ID: e.ID, Title: e.Title,
			Detail: e.Detail, Outlet: e.Outlet, Link: e.Link, Symbols: nonNil(e.Symbols), Precision: prec,
			Outcome: e.Outcome, Future: future})
		if !future && (cur < 0 || !at.Before(out.Events[cur].PlacedAt)) {
			cur = len(out.Events) - 1
		}
	}
	if cur >= 0 {
		out.Events[cur].Current = true
	}
	return out
}

// JSON writes the frame's data as indented JSON.
func JSON(w io.Writer, u feeds.Update, spoilers bool) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(Data(u, spoilers))
}

// CSVHeader is the first line `render --format csv` writes.
var CSVHeader = []string{"time", "symbol", "name", "kind", "state", "last", "prev_close", "change", "change_pct",
	"open", "high", "low", "volume", "value_change", "value", "stale", "marks"}

// CSV writes the watchlist table: a header and one row per symbol. An
// unknown figure is an empty field, never 0.
func CSV(w io.Writer, u feeds.Update) error {
	d := Data(u, false)
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	t := d.Time.Format(time.RFC3339)
	for _, s := range d.Symbols {
		marks := ""
		for i, m := range s.Marks {
			if i > 0 {
				marks += " "
			}
			marks += m
		}
		rec := []string{t, s.Symbol, s.Name, s.Kind, s.State, f2s(s.Last), f2s(s.PrevClose), f2s(s.Change),
			f2s(s.ChangePct), f2s(s.Open), f2s(s.High), f2s(s.Low), i2s(s.Volume), f2s(s.ValueChange), f2s(s.Value),
			strconv.FormatBool(s.Stale), marks}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func fp(v float64) *float64 { return &v }

func round(v float64, dp int) float64 {
	p := math.Pow10(dp)
	r := math.Round(v*p) / p
	if r == 0 {
		return 0 // no -0
	}
	return r
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func f2s(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}

func i2s(v *int64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatInt(*v, 10)
}
