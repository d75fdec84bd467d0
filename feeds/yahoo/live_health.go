package yahoo

// Live's health line: what the last poll gave, the state and detail it
// means, and the wait before the next poll.

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/selloff/selloff/feeds"
)

// pollResult is what the last poll gave, for the health line.
type pollResult struct {
	err     error
	got     int
	missing []string
	at      time.Time
	limited bool // prices from the chart: Yahoo refused the crumb (err says why)
	bad     []string
}

// setHealthLocked sets the health from the last poll and returns the wait
// before the next one.
func (l *Live) setHealthLocked(loading bool) time.Duration {
	p := l.last
	wait := l.interval
	h := feeds.Health{State: feeds.HealthOK, Skipped: l.health.Skipped}
	if p.limited {
		h.State = feeds.HealthDegraded
		h.LastErr, h.ErrAt = p.err.Error(), p.at
		h.Detail = "quotes limited: prices from the chart (no crumb)"
		if len(p.missing) > 0 {
			h.Detail += fmt.Sprintf("; no price for %s", strings.Join(p.missing, ", "))
		}
		if loading {
			h.Detail += "; loading today's 1-minute charts"
		}
	} else if err := p.err; err != nil {
		h.LastErr, h.ErrAt = err.Error(), p.at
		h.State = feeds.HealthRetrying
		var e *Error
		if errors.As(err, &e) && e.Kind == KindRateLimited && e.RetryAt.After(p.at) {
			wait = e.RetryAt.Sub(p.at)
		} else {
			// failing polls slow down: interval x 2^(fails-1), at most MaxFailWait
			wait = max(min(l.interval<<min(l.fails-1, 10), MaxFailWait), l.interval)
			if (IsKind(err, KindNetwork) || IsKind(err, KindTimeout) || IsKind(err, KindServer)) && l.fails >= l.opt.OfflineAfter {
				h.State = feeds.HealthOffline
			}
		}
		h.RetryAt = p.at.Add(wait)
		switch {
		case p.got > 0:
			h.Detail = fmt.Sprintf("%d of %d symbols updated", p.got, len(l.syms))
		case l.stats.Polls > l.stats.Failed:
			h.Detail = "showing the last good values"
		default:
			h.Detail = "no data yet"
		}
	} else {
		var parts []string
		if l.interval == l.opt.ClosedInterval && l.interval != l.opt.Interval {
			parts = append(parts, "market closed; polling every "+short(l.interval))
		}
		if len(p.missing) > 0 {
			h.State = feeds.HealthDegraded
			parts = append(parts, fmt.Sprintf("no quote for %s", strings.Join(p.missing, ", ")))
		}
		if n := len(p.bad); n > 0 {
			h.State = feeds.HealthDegraded
			what := "field"
			if n > 1 {
				what = "fields"
			}
			parts = append(parts, fmt.Sprintf("%d bad %s left out: %s", n, what, strings.Join(p.bad, ", ")))
		}
		if len(l.backErrs) > 0 {
			h.State = feeds.HealthDegraded
			parts = append(parts, "backfill: "+strings.Join(l.backErrs, "; "))
		}
		if loading {
			parts = append(parts, "loading today's 1-minute charts")
		}
		h.Detail = strings.Join(parts, "; ")
	}
	if l.recErr != nil {
		h.State = feeds.HealthDegraded
		h.LastErr = "recording stopped: " + l.recErr.Error()
	}
	l.logHealthLocked(l.health, h)
	l.health = h
	return wait
}

// short formats a poll interval: "5s", "1m", "1m30s".
func short(d time.Duration) string {
	switch {
	case d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	case d%time.Second == 0 && d < time.Minute:
		return fmt.Sprintf("%ds", d/time.Second)
	}
	return d.Round(time.Second).String()
}
