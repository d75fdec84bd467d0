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

// Doctor checks the way to Yahoo step by step with a fresh session (the
// disk cache is neither read nor written): the cookie, the crumb, one
// quote and one chart. The chart needs no crumb, so it is tried whatever
// the earlier steps gave; a step that cannot run because an earlier one
// failed fails with "skipped". Every step is always listed. extra steps
// (the price stream's, for one) run after these, in order.
func Doctor(ctx context.Context, opt Options, symbol string, extra ...func(context.Context) Step) (steps []Step) {
	if symbol == "" {
		symbol = DefaultDoctorSymbol
	}
	opt.CacheFile = ""
	b := NewBackend(opt)
	c := NewClient(b)
	steps = []Step{{Name: "cookie"}, {Name: "crumb"}, {Name: "quote"}, {Name: "chart"}}
	skip := func(s *Step, why string) {
		s.Err = errors.New("skipped: " + why)
		s.Detail = "not tried"
	}
	defer func() { // steps is the named result: the extra steps reach the caller
		for _, f := range extra {
			steps = append(steps, f(ctx))
		}
	}()

	// cookie
	host := hostOf(b.cookieURLs[0])
	haveCrumb := false
	if err := b.Cookie(ctx); err != nil {
		steps[0].Err = err
		steps[0].Detail = "from " + host
		skip(&steps[1], "no session cookie")
		skip(&steps[2], "no session cookie")
	} else {
		steps[0].OK = true
		steps[0].Detail = "session cookie from " + host

		// crumb
		crumb, err := b.Crumb(ctx)
		if err != nil {
			steps[1].Err = err
			steps[1].Detail = "from " + hostOf(b.crumbURL)
			skip(&steps[2], "no crumb")
		} else {
			b.install(crumb)
			haveCrumb = true
			steps[1].OK = true
			steps[1].Detail = fmt.Sprintf("crumb of %d characters", len(crumb))
		}
	}
	if haveCrumb {
		doctorQuote(ctx, c, symbol, &steps[2])
	}
	doctorChart(ctx, b, c, symbol, &steps[3], haveCrumb)
	return steps
}

func doctorQuote(ctx context.Context, c *Client, symbol string, step *Step) {
	// quote
	set, err := c.Quotes(ctx, []string{symbol})
	q, ok := set.Quotes[symbol]
	switch {
	case err != nil:
		step.Err = err
	case !ok:
		step.Err = fmt.Errorf("Yahoo returned no quote for %s", symbol)
	case !q.HasPrice:
		step.Err = fmt.Errorf("Yahoo returned %s without a price", symbol)
	default:
		step.OK = true
		step.Detail = fmt.Sprintf("%s %.2f %s (%s)", symbol, q.Price, q.Currency, q.YState)
		if !q.Time.IsZero() {
			step.Detail += ", last trade " + q.Time.Format("2006-01-02 15:04 MST")
		}
	}
	if step.Err != nil {
		step.Detail = symbol
	}
}

// doctorChart asks for the last few days of 1-minute bars (weekends
// included), with the crumb when there is one and without it otherwise.
func doctorChart(ctx context.Context, b *Backend, c *Client, symbol string, step *Step, haveCrumb bool) {
	now := b.clock.Now()
	how := ""
	if !haveCrumb {
		how = " (without a crumb)"
	}
	ch, err := c.Chart(ctx, ChartParams{Symbol: symbol, Start: now.Add(-4 * 24 * time.Hour), End: now})
	if err != nil {
		step.Err = err
		step.Detail = symbol + " 1-minute chart" + how
		return
	}
	step.OK = true
	if n := len(ch.Bars); n > 0 {
		step.Detail = fmt.Sprintf("%d one-minute bars for %s, the last at %s%s", n, symbol, ch.Bars[n-1].Time.Format("2006-01-02 15:04 MST"), how)
	} else {
		step.Detail = fmt.Sprintf("the chart endpoint answered%s, with no 1-minute bars for %s in the last 4 days", how, symbol)
	}
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
