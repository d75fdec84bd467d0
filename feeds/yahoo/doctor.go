package yahoo

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Step is one doctor check.
type Step struct {
	Name   string // cookie, crumb, quote, chart
	OK     bool
	Detail string // what was seen, in words
	Err    error  // why it failed (nil when OK)
}

// DefaultDoctorSymbol is the symbol Doctor asks for.
const DefaultDoctorSymbol = "NVDA"

// Doctor checks the way to Yahoo step by step with a fresh session: the
// cookie, the crumb, one quote and one chart. A step that cannot run because
// an earlier one failed fails with "skipped". Every step is always listed.
func Doctor(ctx context.Context, opt Options, symbol string) []Step {
	if symbol == "" {
		symbol = DefaultDoctorSymbol
	}
	b := NewBackend(opt)
	c := NewClient(b)
	steps := []Step{{Name: "cookie"}, {Name: "crumb"}, {Name: "quote"}, {Name: "chart"}}
	skip := func(s *Step, why string) {
		s.Err = errors.New("skipped: " + why)
		s.Detail = "not tried"
	}

	// cookie
	host := hostOf(b.cookieURLs[0])
	if err := b.Cookie(ctx); err != nil {
		steps[0].Err = err
		steps[0].Detail = "from " + host
		for i := 1; i < 4; i++ {
			skip(&steps[i], "no session cookie")
		}
		return steps
	}
	steps[0].OK = true
	steps[0].Detail = "session cookie from " + host

	// crumb
	crumb, err := b.Crumb(ctx)
	if err != nil {
		steps[1].Err = err
		steps[1].Detail = "from " + hostOf(b.crumbURL)
		for i := 2; i < 4; i++ {
			skip(&steps[i], "no crumb")
		}
		return steps
	}
	b.install(crumb)
	steps[1].OK = true
	steps[1].Detail = fmt.Sprintf("crumb of %d characters", len(crumb))

	// quote
	set, err := c.Quotes(ctx, []string{symbol})
	q, ok := set.Quotes[symbol]
	switch {
	case err != nil:
		steps[2].Err = err
	case !ok:
		steps[2].Err = fmt.Errorf("Yahoo returned no quote for %s", symbol)
	case !q.HasPrice:
		steps[2].Err = fmt.Errorf("Yahoo returned %s without a price", symbol)
	default:
		steps[2].OK = true
		steps[2].Detail = fmt.Sprintf("%s %.2f %s (%s)", symbol, q.Price, q.Currency, q.YState)
		if !q.Time.IsZero() {
			steps[2].Detail += ", last trade " + q.Time.Format("2006-01-02 15:04 MST")
		}
	}
	if steps[2].Err != nil {
		steps[2].Detail = symbol
	}

	// chart: the last few days of 1-minute bars (weekends included)
	now := b.clock.Now()
	ch, err := c.Chart(ctx, ChartParams{Symbol: symbol, Start: now.Add(-4 * 24 * time.Hour), End: now})
	if err != nil {
		steps[3].Err = err
		steps[3].Detail = symbol + " 1-minute chart"
		return steps
	}
	steps[3].OK = true
	if n := len(ch.Bars); n > 0 {
		steps[3].Detail = fmt.Sprintf("%d one-minute bars for %s, the last at %s", n, symbol, ch.Bars[n-1].Time.Format("2006-01-02 15:04 MST"))
	} else {
		steps[3].Detail = fmt.Sprintf("the chart endpoint answered, with no 1-minute bars for %s in the last 4 days", symbol)
	}
	return steps
}

// install sets a crumb obtained outside a handshake (Doctor's steps).
func (b *Backend) install(crumb string) {
	b.mu.Lock()
	b.crumb = crumb
	b.gen++
	b.st.Reauths++
	b.mu.Unlock()
}

// AllOK reports whether every step passed.
func AllOK(steps []Step) bool {
	for _, s := range steps {
		if !s.OK {
			return false
		}
	}
	return len(steps) > 0
}
