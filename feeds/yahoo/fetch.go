package yahoo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/snapshots"
)

// OneMinuteWindow is how far back Yahoo serves 1-minute bars (it rejects
// requests starting 30 days back; 29 are accepted).
const OneMinuteWindow = 29 * 24 * time.Hour

// FetchOptions asks for one past session.
type FetchOptions struct {
	Date    string             // YYYY-MM-DD, exchange date
	Symbols []snapshots.Symbol // what to fetch (kind, names, shares from config)
	Clock   feeds.Clock        // for the 30-day check and the header (required)
	Title   string             // default "Yahoo 1-minute bars, DATE"
	// IncludeExt adds pre- and post-market bars (04:00-20:00) to the
	// regular session's.
	IncludeExt bool
	// NoShares skips the quote request for current share counts.
	NoShares bool
	// KeepShares names the symbols whose share count in Symbols is the
	// user's (a config override): Yahoo's count never replaces it.
	KeepShares map[string]bool
}

// FetchResult is a fetched session.
type FetchResult struct {
	Snapshot *snapshots.Snapshot
	Warnings []string // symbols without bars, share counts unavailable, dropped bars
	Requests int      // chart and quote requests sent
}

// Fetch builds a snapshot of one past session from Yahoo's v8 1-minute
// chart: the header has the session (open/close, previous closes from the
// chart's chartPreviousClose), the symbols with share counts (today's, from
// one batched quote request, marked approximate for a past date, else the
// configured ones) and the bars in time order.
//
// Provenance is "imported": the bars are Yahoo's own 1-minute bars fetched
// after the fact, not a recording of a live feed.
//
// A date outside Yahoo's 1-minute window fails before any request.
func (c *Client) Fetch(ctx context.Context, opt FetchOptions) (FetchResult, error) {
	var res FetchResult
	if opt.Clock == nil {
		return res, errors.New("fetch: no clock")
	}
	if len(opt.Symbols) == 0 {
		return res, errors.New("fetch: no symbols")
	}
	loc := snapshots.Location()
	day, err := time.ParseInLocation(time.DateOnly, opt.Date, loc)
	if err != nil {
		return res, fmt.Errorf("fetch: date %q is not YYYY-MM-DD", opt.Date)
	}
	y, m, d := day.Date()
	open := time.Date(y, m, d, 9, 30, 0, 0, loc)
	cls := time.Date(y, m, d, 16, 0, 0, 0, loc)
	start, end := open, cls
	if opt.IncludeExt {
		start, end = time.Date(y, m, d, 4, 0, 0, 0, loc), time.Date(y, m, d, 20, 0, 0, 0, loc)
	}
	now := opt.Clock.Now()
	if age := now.Sub(start); age > OneMinuteWindow {
		return res, fmt.Errorf("fetch: Yahoo keeps 1-minute bars for about 30 days only; %s is %d days ago (the oldest day it serves is %s). Use a recorded or bundled snapshot for older sessions",
			opt.Date, int(age.Hours()/24), now.Add(-OneMinuteWindow).In(loc).Format(time.DateOnly))
	}
	if !now.After(open) {
		return res, fmt.Errorf("fetch: the %s session has not opened yet", opt.Date)
	}
	if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return res, fmt.Errorf("fetch: %s is a %s; US markets do not trade then", opt.Date, wd)
	}
	if now.Before(end) {
		end = now
	}

	syms := slices.Clone(opt.Symbols)
	sess := snapshots.Session{Date: opt.Date, Open: open, Close: cls, PrevClose: map[string]float64{}}
	var bars []snapshots.Bar
	failed := 0
	for i := range syms {
		s := &syms[i]
		res.Requests++
		ch, err := c.Chart(ctx, ChartParams{Symbol: s.Symbol, Start: start, End: end, IncludeExt: opt.IncludeExt && s.Kind != snapshots.KindIndex})
		if err != nil {
			if IsKind(err, KindRateLimited) || IsKind(err, KindCanceled) {
				return res, fmt.Errorf("fetch %s: %w", s.Symbol, err)
			}
			if (IsKind(err, KindNetwork) || IsKind(err, KindTimeout)) && len(bars) == 0 {
				// the first symbol could not reach Yahoo: the others would
				// only say the same, once each
				return res, fmt.Errorf("fetch: %w", err)
			}
			failed++
			res.Warnings = append(res.Warnings, fmt.Sprintf("%s: %v", s.Symbol, err))
			continue
		}
		if ch.Dropped > 0 {
			res.Warnings = append(res.Warnings, fmt.Sprintf("%s: %d empty or inconsistent bars left out", s.Symbol, ch.Dropped))
		}
		if len(ch.Bars) == 0 {
			res.Warnings = append(res.Warnings, fmt.Sprintf("%s: no 1-minute bars on %s", s.Symbol, opt.Date))
		}
		if ch.Meta.PrevClose > 0 {
			sess.PrevClose[s.Symbol] = ch.Meta.PrevClose
		}
		if s.Kind == "" {
			s.Kind = ch.Meta.Kind
		}
		if s.Currency == "" {
			s.Currency = ch.Meta.Currency
		}
		if r := ch.Meta.Regular; !r[0].IsZero() && r[0].In(loc).Format(time.DateOnly) == opt.Date && r[1].After(r[0]) {
			sess.Open, sess.Close = r[0], r[1]
		}
		for _, b := range ch.Bars {
			if !b.Time.Before(start) && b.Time.Before(end) {
				bars = append(bars, b)
			}
		}
	}
	if len(bars) == 0 {
		if failed > 0 {
			return res, fmt.Errorf("fetch: no chart for %s could be fetched: %s", opt.Date, strings.Join(dedupe(res.Warnings), "; "))
		}
		return res, fmt.Errorf("fetch: Yahoo answered with no 1-minute bars for %s for any symbol (a market holiday?)", opt.Date)
	}
	if !opt.NoShares {
		res.Requests++
		names := make([]string, len(syms))
		for i, s := range syms {
			names[i] = s.Symbol
		}
		set, err := c.Quotes(ctx, names)
		res.Requests += max(set.Requests-1, 0)
		if err != nil {
			res.Warnings = append(res.Warnings, "share counts: "+err.Error())
		}
		asOf := now.In(loc).Format(time.DateOnly)
		for i := range syms {
			s := &syms[i]
			q, ok := set.Quotes[s.Symbol]
			if !ok {
				continue
			}
			if !fillFromQuote(s, q, opt.KeepShares) {
				continue
			}
			if sh := sharesOf(q, asOf); sh != nil {
				if asOf != opt.Date {
					sh.Approximate = true
					sh.Source += fmt.Sprintf(" as of %s, not %s", asOf, opt.Date)
				}
				s.Shares = sh
			}
		}
	}
	for i := range syms {
		if syms[i].Kind == "" {
			syms[i].Kind = snapshots.KindEquity
		}
		if syms[i].PriceBasis == "" {
			syms[i].PriceBasis = snapshots.BasisPrinted
		}
		if syms[i].Name == "" {
			syms[i].Name = syms[i].Symbol
		}
	}
	slices.SortStableFunc(bars, func(a, b snapshots.Bar) int { return a.Time.Compare(b.Time) })
	title := opt.Title
	if title == "" {
		title = "Yahoo 1-minute bars, " + opt.Date
	}
	res.Snapshot = &snapshots.Snapshot{
		Header: snapshots.Header{
			Title:      title,
			Provenance: snapshots.Imported,
			Source:     fmt.Sprintf("Yahoo Finance v8 chart, 1-minute bars (printed prices), fetched %s by selloff snapshot fetch; share counts from Yahoo's quote of that day", now.In(loc).Format(time.DateOnly)),
			TimeZone:   snapshots.ExchangeZone,
			MainDay:    opt.Date,
			Created:    now,
			Symbols:    syms,
			Sessions:   []snapshots.Session{sess},
		},
		Bars: bars,
	}
	return res, nil
}

// dedupe drops repeated messages, keeping the first of each, and says how
// many times one came: "NVDA: 404 (x3)".
func dedupe(msgs []string) []string {
	var out []string
	n := map[string]int{}
	for _, m := range msgs {
		// the same error for another symbol is the same error
		key := m
		if _, rest, ok := strings.Cut(m, ": "); ok {
			key = rest
		}
		if n[key] == 0 {
			out = append(out, m)
		}
		n[key]++
	}
	for i, m := range out {
		key := m
		if _, rest, ok := strings.Cut(m, ": "); ok {
			key = rest
		}
		if c := n[key]; c > 1 {
			out[i] = fmt.Sprintf("%s (and %d more symbols)", m, c-1)
		}
	}
	return out
}
