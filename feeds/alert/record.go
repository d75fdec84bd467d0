package alert

import (
	"fmt"
	"strconv"
	"time"

	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/feeds/portfolio"
	"github.com/selloff/selloff/snapshots"
)

// RecordedOutlet is the outlet of the events a recording writes about
// itself: fired alerts and the AI basket's new lows and highs of the day.
// A replay of the file shows them as the day's annotations (they are not
// firings of the replay's own alerts: IsFiring is false for them).
const RecordedOutlet = "selloff"

// ExtremeGap is the least time between two recorded new lows (or two new
// highs) of the basket: a falling market makes a new low at nearly every
// poll, and the timeline should not fill with them.
const ExtremeGap = 15 * time.Minute

// Annotator turns the frames of a live recording into the events it
// writes: each alert firing (once per crossing, as Watcher), and the AI
// basket total's new low or high of the day during the regular session,
// at most one of each per ExtremeGap. Not safe for concurrent use.
type Annotator struct {
	w      *Watcher
	day    string
	seen   bool
	lo, hi float64
	loAt   time.Time // the last recorded low (zero: none yet today)
	hiAt   time.Time
	ids    map[string]bool
}

// NewAnnotator annotates with alerts (none: only the basket's extremes),
// valuing positions for the alerts about them.
func NewAnnotator(alerts []Alert, positions []portfolio.Position) *Annotator {
	return &Annotator{w: NewWatcher(alerts, positions), ids: map[string]bool{}}
}

// Step returns the events f adds (stamped with f's time).
func (a *Annotator) Step(f *market.Frame) []snapshots.Event {
	if f == nil {
		return nil
	}
	var out []snapshots.Event
	for _, fr := range a.w.Step(f) {
		e := fr.Event()
		e.ID = RecordedOutlet + "-" + e.ID
		e.Outlet = RecordedOutlet
		e.Detail = "the alert " + strconv.Quote(fr.Alert.Text) + " fired while this was recorded (selloff --alert); figures from the live frame at this time"
		out = a.add(out, e)
	}
	if e, ok := a.extreme(f); ok {
		out = a.add(out, e)
	}
	return out
}

// add appends e unless its id was used (two firings in one second).
func (a *Annotator) add(out []snapshots.Event, e snapshots.Event) []snapshots.Event {
	if a.ids[e.ID] {
		return out
	}
	a.ids[e.ID] = true
	return append(out, e)
}

// extreme is the basket's new low or high of the day at f, when it is
// one to record.
func (a *Annotator) extreme(f *market.Frame) (snapshots.Event, bool) {
	sess, ok := f.CurrentSession()
	if !ok || sess.Open.IsZero() || f.Time.Before(sess.Open) || f.Time.After(sess.Close) {
		return snapshots.Event{}, false
	}
	b := f.Basket(nil)
	if len(b.Items) == 0 {
		return snapshots.Event{}, false
	}
	if sess.Date != a.day {
		a.day, a.seen, a.loAt, a.hiAt = sess.Date, false, time.Time{}, time.Time{}
	}
	v := b.Delta
	if !a.seen {
		a.seen, a.lo, a.hi = true, v, v
		return snapshots.Event{}, false
	}
	kind := ""
	switch {
	case v < a.lo:
		a.lo = v
		if a.loAt.IsZero() || f.Time.Sub(a.loAt) >= ExtremeGap {
			kind, a.loAt = "low", f.Time
		}
	case v > a.hi:
		a.hi = v
		if a.hiAt.IsZero() || f.Time.Sub(a.hiAt) >= ExtremeGap {
			kind, a.hiAt = "high", f.Time
		}
	}
	if kind == "" {
		return snapshots.Event{}, false
	}
	title := fmt.Sprintf("AI basket: new %s of the day, %s since the previous close", kind, FormatValue(DValue, v))
	detail := fmt.Sprintf("the basket's total market-value change across %d companies, as recorded live", len(b.Items))
	if len(b.Missing) > 0 {
		detail += fmt.Sprintf(" (without %d with no share count)", len(b.Missing))
	}
	return snapshots.Event{
		Time:   f.Time,
		ID:     fmt.Sprintf("%s-basket-%s-%d", RecordedOutlet, kind, f.Time.Unix()),
		Title:  title,
		Detail: detail,
		Outlet: RecordedOutlet,
	}, true
}
