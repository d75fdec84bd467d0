package yahoo

// Live's crumb-free poll: when Yahoo refuses the crumb, prices come from
// the v8 chart's meta.

import (
	"context"
	"time"

	"github.com/selloff/selloff/snapshots"
)

// chartPoll is a poll without the crumb: one v8 chart per symbol, whose
// meta has the last regular price and its time. Before the session is set
// up the window is the whole day (04:00 to now), so the answers are the
// backfill too and chartPreviousClose is the previous session's close;
// after that, the last 15 minutes. A 429 or a cancel stops it (never
// hammer: the rest wait for the next poll).
func (l *Live) chartPoll(ctx context.Context) QuoteSet {
	now := l.clock.Now()
	loc := snapshots.Location()
	l.mu.Lock()
	started := l.started
	l.mu.Unlock()
	et := now.In(loc)
	day := et.Format(time.DateOnly)
	start := time.Date(et.Year(), et.Month(), et.Day(), 4, 0, 0, 0, loc)
	windowDay := day
	if started || !now.After(start) {
		start, windowDay = now.Add(-15*time.Minute), ""
	}
	set := QuoteSet{Quotes: map[string]Quote{}}
	full := map[string]Chart{}
	for _, s := range l.opt.Symbols {
		l.mu.Lock()
		l.stats.Charts++
		l.mu.Unlock()
		ch, err := l.c.Chart(ctx, ChartParams{Symbol: s.Symbol, Start: start, End: now, IncludeExt: s.Kind != snapshots.KindIndex})
		if err != nil {
			if IsKind(err, KindRateLimited) || IsKind(err, KindCanceled) {
				break
			}
			continue
		}
		q, ok := chartQuote(s.Symbol, ch, now, windowDay)
		if !ok {
			continue
		}
		if q.Kind == "" {
			q.Kind = s.Kind
		}
		set.Quotes[s.Symbol] = q
		if windowDay != "" {
			full[s.Symbol] = ch
		}
	}
	for _, s := range l.syms {
		if _, ok := set.Quotes[s]; !ok {
			set.Missing = append(set.Missing, s)
		}
	}
	if len(full) > 0 {
		l.mu.Lock()
		l.prefetched, l.prefetchedDay = full, day
		l.mu.Unlock()
	}
	return set
}
