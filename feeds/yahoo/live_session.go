package yahoo

// Live's session: the trading day the quotes belong to, the first poll's
// setup, the backfill of the day's 1-minute bars from the chart (and its
// retries), and the roll to a new day.

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/selloff/selloff/snapshots"
)

// maxBackfillTries is how many times a failed backfill is tried in all.
const maxBackfillTries = 6

// backfillRetryLocked returns the symbols whose backfill is due again.
func (l *Live) backfillRetryLocked(now time.Time) []string {
	if len(l.backFailed) == 0 || l.backRetry.IsZero() || now.Before(l.backRetry) {
		return nil
	}
	l.backRetry = time.Time{} // one retry at a time; backfill sets the next
	return slices.Clone(l.backFailed)
}

// sessionFor works out the session the quotes belong to: the date of the
// latest regular trade, or today when a pre/regular/post market is running
// on a later date (the morning before the first trade). It also gives each
// symbol's previous close for that session.
func sessionFor(set QuoteSet, now time.Time) (date time.Time, prev map[string]float64) {
	loc := snapshots.Location()
	day := func(t time.Time) time.Time {
		t = t.In(loc)
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
	}
	today := day(now)
	var last time.Time
	open := false
	for _, q := range set.Quotes {
		if !q.Time.IsZero() && q.Time.After(last) {
			last = q.Time
		}
		if q.State == snapshots.StatePre || q.State == snapshots.StateRegular || q.State == snapshots.StatePost {
			open = true
		}
	}
	date = today
	if !last.IsZero() {
		date = day(last)
		if open && today.After(date) {
			date = today
		}
	}
	prev = map[string]float64{}
	for sym, q := range set.Quotes {
		switch {
		case q.Time.IsZero() || !day(q.Time).Before(date):
			if q.PrevClose > 0 {
				prev[sym] = q.PrevClose
			}
		case q.HasPrice: // last trade on an earlier day: that close is the previous close
			prev[sym] = q.Price
		}
	}
	return date, prev
}

// setupLocked runs once, on the first poll that returned quotes: it fixes
// the symbols' kinds, names and shares and the session, and seeds each
// symbol with its official last regular price at its trade time (after the
// close that is the closing price; in the morning, the previous close).
func (l *Live) setupLocked(set QuoteSet, now time.Time) {
	date, prev := sessionFor(set, now)
	loc := snapshots.Location()
	y, m, d := date.Date()
	l.session = snapshots.Session{
		Date:      date.Format(time.DateOnly),
		Open:      time.Date(y, m, d, 9, 30, 0, 0, loc),
		Close:     time.Date(y, m, d, 16, 0, 0, 0, loc),
		PrevClose: prev,
	}
	l.fillSymbolsLocked(set, now)
	ds, err := l.newDataset()
	if err != nil { // cannot happen: the symbols were checked in NewLive
		l.backErrs = append(l.backErrs, err.Error())
		return
	}
	ds.AddSession(l.session)
	l.ds = ds
	l.started = true
	var recs []snapshots.Record
	for _, sym := range l.syms {
		q, ok := set.Quotes[sym]
		if !ok || !q.HasPrice || q.Time.IsZero() {
			continue
		}
		t := q.Time
		if t.After(now) {
			t = now
		}
		if !now.Before(l.session.Close) && !q.Time.Before(l.session.Open) && q.State != snapshots.StateRegular {
			l.closeDone[sym] = true // after the bell: this is the official close
		}
		// the last regular price at its trade time: a "regular" quote
		// stamped after the close is still the regular price (the close)
		recs = append(recs, snapshots.QuoteRecord(snapshots.Quote{Time: t, Symbol: sym, Price: q.Price, Volume: q.Volume, State: snapshots.StateRegular, Bid: q.Bid, Ask: q.Ask}))
	}
	l.appendLocked(recs)
}

// backfill loads each symbol's 1-minute bars of the session from the v8
// chart (network calls without the lock), then appends them, opens the
// recorder and publishes.
func (l *Live) backfill(ctx context.Context, set QuoteSet, now time.Time, syms []string) {
	l.mu.Lock()
	sess := l.session
	sess.PrevClose = maps.Clone(sess.PrevClose)
	l.mu.Unlock()
	loc := snapshots.Location()
	day, _ := time.ParseInLocation(time.DateOnly, sess.Date, loc)
	y, m, d := day.Date()
	start := time.Date(y, m, d, 4, 0, 0, 0, loc)
	end := time.Date(y, m, d, 20, 0, 0, 0, loc)
	if now.Before(end) {
		end = now
	}
	var recs []snapshots.Record
	var errs, failed []string
	changed := false
	l.mu.Lock()
	pre := l.prefetched
	if l.prefetchedDay != sess.Date {
		pre = nil // another day's window
	}
	l.prefetched = nil
	l.mu.Unlock()
	for i, sym := range syms {
		q, ok := set.Quotes[sym]
		if !end.After(start) {
			continue
		}
		if !ok {
			failed = append(failed, sym) // no quote this poll: keep it for the next try
			continue
		}
		ch, err := pre[sym], error(nil)
		if _, had := pre[sym]; !had {
			l.mu.Lock()
			l.stats.Charts++
			l.mu.Unlock()
			ch, err = l.c.Chart(ctx, ChartParams{Symbol: sym, Start: start, End: end, IncludeExt: q.Kind != snapshots.KindIndex})
		}
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s: %v", sym, err))
			failed = append(failed, sym)
			if IsKind(err, KindRateLimited) || IsKind(err, KindCanceled) {
				failed = append(failed, syms[i+1:]...) // never hammer: the rest wait too
				break
			}
			continue
		}
		if r := ch.Meta.Regular; !r[0].IsZero() && r[0].In(loc).Format(time.DateOnly) == sess.Date && r[1].After(r[0]) &&
			(!r[0].Equal(sess.Open) || !r[1].Equal(sess.Close)) {
			sess.Open, sess.Close, changed = r[0], r[1], true
		}
		if _, ok := sess.PrevClose[sym]; !ok && ch.Meta.PrevClose > 0 {
			sess.PrevClose[sym], changed = ch.Meta.PrevClose, true
		}
		for _, b := range ch.Bars {
			if b.End().After(now) {
				continue // still forming: the dataset derives this minute from the polls
			}
			recs = append(recs, snapshots.BarRecord(b))
		}
	}
	if ctx.Err() != nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if changed {
		l.session = sess
		l.ds.AddSession(sess)
	}
	l.backErrs = errs
	l.backFailed = failed
	l.backTries++
	if len(failed) > 0 && l.backTries < maxBackfillTries {
		l.backRetry = now.Add(30 * time.Second << (l.backTries - 1))
	}
	l.appendLocked(recs)
	l.openRecorderLocked(now)
	l.setHealthLocked(false)
	l.publishLocked()
}

// maybeRollLocked starts a new session when the quotes moved to a later
// date (a source left running overnight).
func (l *Live) maybeRollLocked(set QuoteSet, now time.Time) {
	date, prev := sessionFor(set, now)
	ds := date.Format(time.DateOnly)
	if ds <= l.session.Date {
		return
	}
	loc := snapshots.Location()
	y, m, d := date.Date()
	l.session = snapshots.Session{Date: ds, Open: time.Date(y, m, d, 9, 30, 0, 0, loc), Close: time.Date(y, m, d, 16, 0, 0, 0, loc), PrevClose: prev}
	l.ds.AddSession(l.session)
	l.lastApp = map[string]snapshots.Quote{}
	l.closeDone = map[string]bool{}
}
