package alert

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/feeds/portfolio"
	"github.com/selloff/selloff/snapshots"
)

// Env is what an alert is evaluated against: a frame and the user's
// positions valued in it.
type Env struct {
	Frame     *market.Frame
	Portfolio portfolio.Summary
}

// NewEnv values positions in f.
func NewEnv(f *market.Frame, positions []portfolio.Position) Env {
	e := Env{Frame: f}
	if len(positions) > 0 {
		e.Portfolio = portfolio.Value(f, positions)
	}
	return e
}

// Eval returns the alert's measure in env; ok is false when it is unknown
// (no price, no previous close, nothing traded yet, no such position): an
// unknown value neither fires an alert nor re-arms it.
func (a Alert) Eval(env Env) (v float64, ok bool) {
	f := env.Frame
	if f == nil {
		return 0, false
	}
	switch a.Kind {
	case Basket:
		b := f.Basket(nil)
		if len(b.Items) == 0 {
			return 0, false
		}
		switch a.Measure {
		case DValue:
			return b.Delta, true
		case Value:
			return b.Value, true
		case PctChg:
			if prev := b.Value - b.Delta; prev > 0 {
				return b.Delta / prev * 100, true
			}
		}
		return 0, false
	case Portfolio:
		s := env.Portfolio
		if s.Valued == 0 {
			return 0, false
		}
		switch a.Measure {
		case PnL:
			return s.Today, s.TodayOK()
		case PctChg:
			return s.TodayPct, s.TodayOK()
		case Total:
			return s.Total, true
		case Value:
			return s.Value, true
		}
		return 0, false
	}
	if a.Measure == PnL || a.Measure == Total {
		r, ok := env.Portfolio.Lookup(a.Symbol)
		if !ok || !r.Valued() {
			return 0, false
		}
		if a.Measure == Total {
			return r.Total, true
		}
		return r.Today, r.TodayOK
	}
	i := f.Index(a.Symbol)
	if i < 0 || i >= len(f.Quotes) {
		return 0, false
	}
	q := f.Quotes[i]
	switch a.Measure {
	case Price:
		return q.Price, q.HasPrice && q.Price > 0
	case Chg:
		abs, _, ok := q.Change()
		return abs, ok
	case PctChg:
		_, pct, ok := q.Change()
		return pct, ok
	case DValue:
		vc, ok := f.MarketValue(i)
		return vc.Delta, ok
	case Value:
		return f.MarketCap(i)
	}
	return 0, false
}

// Firing is one alert becoming true.
type Firing struct {
	Index int // the alert's index in the watcher's list
	Alert Alert
	Time  time.Time // the frame's time: when the crossing was first known
	Value float64   // the measure at that time
}

// Describe is a one-line account of the firing ("NVDA < 120: 119.87").
func (f Firing) Describe() string {
	return f.Alert.Text + ": " + FormatValue(f.Alert.Measure, f.Value)
}

// FormatValue writes a measure's value as the alert grammar would
// (dollar amounts past a million with M, B or T).
func FormatValue(m Measure, v float64) string {
	switch m {
	case PctChg:
		return strconv.FormatFloat(v, 'f', 2, 64) + "%"
	case Price, Chg:
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	for _, u := range []struct {
		s string
		x float64
	}{{"T", 1e12}, {"B", 1e9}, {"M", 1e6}} {
		if v >= u.x {
			return sign + strconv.FormatFloat(v/u.x, 'f', 2, 64) + u.s
		}
	}
	return sign + strconv.FormatFloat(v, 'f', 2, 64)
}

// Event is the firing as a timeline event: a user event at its time.
func (f Firing) Event() snapshots.Event {
	e := snapshots.Event{
		Time:   f.Time,
		ID:     fmt.Sprintf("%s%d-%d", EventIDPrefix, f.Index+1, f.Time.Unix()),
		Title:  "Alert: " + f.Describe(),
		Detail: "your alert " + strconv.Quote(f.Alert.Text) + " fired (selloff --alert); figures from the frame at this time",
		Outlet: EventOutlet,
	}
	if f.Alert.Kind == Symbol {
		e.Symbols = []string{f.Alert.Symbol}
	}
	return e
}

// Watcher evaluates alerts frame after frame: each fires when its
// condition becomes true and re-arms when the condition is false again.
// A Watcher is not safe for concurrent use.
type Watcher struct {
	alerts    []Alert
	positions []portfolio.Position
	holds     []bool
	last      time.Time
}

// NewWatcher watches alerts, valuing positions for the ones about them.
func NewWatcher(alerts []Alert, positions []portfolio.Position) *Watcher {
	return &Watcher{alerts: alerts, positions: positions, holds: make([]bool, len(alerts))}
}

// Reset forgets every condition (after a seek backwards): a condition
// that holds at the next frame fires again.
func (w *Watcher) Reset() {
	clear(w.holds)
	w.last = time.Time{}
}

// Step evaluates the alerts in f and returns the ones that fire. A frame
// older than the previous one resets the watcher first (time went back).
func (w *Watcher) Step(f *market.Frame) []Firing {
	if f == nil || len(w.alerts) == 0 {
		return nil
	}
	if f.Time.Before(w.last) {
		w.Reset()
	}
	w.last = f.Time
	env := Env{Frame: f}
	for _, a := range w.alerts {
		if a.NeedsPosition() {
			env = NewEnv(f, w.positions)
			break
		}
	}
	var out []Firing
	for i, a := range w.alerts {
		v, ok := a.Eval(env)
		if !ok {
			continue
		}
		h := a.Op.Holds(v, a.Threshold)
		if h && !w.holds[i] {
			out = append(out, Firing{Index: i, Alert: a, Time: f.Time, Value: v})
		}
		w.holds[i] = h
	}
	return out
}

// MaxScanSteps bounds one Scan window: a year of minutes.
const MaxScanSteps = 366 * 24 * 60

// Scan replays the alerts over d from `from` to `to` one step at a time
// (frames at from, from+step, ... and at to) and returns every firing in
// time order: what a replay of the dataset would fire, computed once.
func Scan(d *market.Dataset, alerts []Alert, positions []portfolio.Position, from, to time.Time, step time.Duration) []Firing {
	if len(alerts) == 0 || d == nil {
		return nil
	}
	return scan(NewWatcher(alerts, positions), d, from, to, step, nil)
}

// ScanSessions is Scan over the days of d's sessions (the days a replay
// plays), each from 04:00 to 20:00 exchange time (the pre-market to the
// end of after hours), with one watcher across them: a condition that
// still holds at the next day's first frame does not fire again.
func ScanSessions(d *market.Dataset, alerts []Alert, positions []portfolio.Position, step time.Duration) []Firing {
	if len(alerts) == 0 || d == nil {
		return nil
	}
	w := NewWatcher(alerts, positions)
	var out []Firing
	loc := snapshots.Location()
	for _, s := range d.Sessions() {
		day, err := time.ParseInLocation(time.DateOnly, s.Date, loc)
		if err != nil {
			continue
		}
		out = scan(w, d, day.Add(4*time.Hour), day.Add(20*time.Hour), step, out)
	}
	return out
}

func scan(w *Watcher, d *market.Dataset, from, to time.Time, step time.Duration, out []Firing) []Firing {
	if !from.Before(to) || step <= 0 {
		return out
	}
	if n := to.Sub(from) / step; n > MaxScanSteps {
		step = to.Sub(from) / MaxScanSteps
	}
	from = from.Truncate(step)
	for t := from; ; t = t.Add(step) {
		if t.After(to) {
			t = to
		}
		out = append(out, w.Step(d.At(t))...)
		if !t.Before(to) {
			return out
		}
	}
}

// Firing events are told apart from news by their outlet and ID prefix.
const (
	EventOutlet   = "you"
	EventIDPrefix = "alert-"
)

// IsFiring reports whether e is an alert firing (Firing.Event).
func IsFiring(e snapshots.Event) bool {
	return e.Outlet == EventOutlet && strings.HasPrefix(e.ID, EventIDPrefix)
}

// Events turns firings into timeline events.
func Events(fs []Firing) []snapshots.Event {
	out := make([]snapshots.Event, len(fs))
	for i, f := range fs {
		out[i] = f.Event()
	}
	return out
}
