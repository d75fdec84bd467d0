package yahoo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	finance "github.com/piquette/finance-go"
	"github.com/piquette/finance-go/chart"
	"github.com/piquette/finance-go/datetime"
	"github.com/piquette/finance-go/equity"

	"github.com/selloff/selloff/snapshots"
)

// DefaultChunk is how many symbols go into one quote request.
const DefaultChunk = 50

// Client asks Yahoo for quotes and charts through finance-go's per-instance
// clients on a Backend. Safe for concurrent use.
type Client struct {
	b     *Backend
	chunk int
}

// NewClient returns a client on b.
func NewClient(b *Backend) *Client { return &Client{b: b, chunk: DefaultChunk} }

// SetChunk sets how many symbols share one quote request (default 50).
func (c *Client) SetChunk(n int) {
	if n > 0 {
		c.chunk = n
	}
}

// Backend returns the client's backend.
func (c *Client) Backend() *Backend { return c.b }

// Quote is one symbol's quote, cleaned up: a missing, null or zero price is
// HasPrice false, never a price.
type Quote struct {
	Symbol    string
	Name      string
	Kind      string // snapshots.KindEquity, KindETF, KindIndex ("" unknown)
	Currency  string
	Price     float64 // regular-session last
	HasPrice  bool
	PrevClose float64 // 0 unknown
	Open      float64
	High      float64
	Low       float64
	Volume    int64
	State     string    // snapshots.StatePre, StateRegular, StatePost, StateClosed
	YState    string    // Yahoo's marketState as sent (PREPRE, PRE, ...)
	Time      time.Time // regularMarketTime (zero unknown)
	// ExtPrice is the pre- or post-market price (HasExt) and ExtTime its
	// time; ExtState says which (StatePre or StatePost).
	ExtPrice float64
	HasExt   bool
	ExtTime  time.Time
	ExtState string
	Bid, Ask float64
	// Shares is sharesOutstanding, or marketCap / price when only the cap is
	// sent (0: unknown; always 0 for indices).
	Shares    int64
	MarketCap int64
	// SharesFromCap is set when Shares was worked out as marketCap / price
	// (no sharesOutstanding in the answer): an approximation.
	SharesFromCap bool
	Delay         int // exchangeDataDelayedBy, minutes
}

// QuoteSet is the answer to one poll.
type QuoteSet struct {
	Quotes   map[string]Quote // by symbol; missing symbols are absent
	Missing  []string         // asked for but not answered (unknown, delisted, partial)
	Requests int              // quote requests sent (one per chunk)
	// BadFields names the fields left out because Yahoo sent them in a
	// shape that does not decode ("NVDA marketCap"): missing values for
	// those symbols, the rest of the answer kept.
	BadFields []string
}

// kindOf maps Yahoo's quoteType.
func kindOf(t finance.QuoteType) string {
	switch t {
	case finance.QuoteTypeEquity:
		return snapshots.KindEquity
	case finance.QuoteTypeETF, finance.QuoteTypeMutualFund:
		return snapshots.KindETF
	case finance.QuoteTypeIndex:
		return snapshots.KindIndex
	}
	return ""
}

// stateOf maps Yahoo's marketState to a snapshot state.
func stateOf(s finance.MarketState) string {
	switch s {
	case finance.MarketStatePre:
		return snapshots.StatePre
	case finance.MarketStateRegular:
		return snapshots.StateRegular
	case finance.MarketStatePost:
		return snapshots.StatePost
	case finance.MarketStatePrePre, finance.MarketStatePostPost, finance.MarketStateClosed:
		return snapshots.StateClosed
	}
	return ""
}

func unix(s int) time.Time {
	if s <= 0 {
		return time.Time{}
	}
	return time.Unix(int64(s), 0).In(snapshots.Location())
}

func pos(x float64) float64 {
	if x > 0 {
		return x
	}
	return 0
}

// convert turns finance-go's equity row into a Quote.
func convert(e *finance.Equity) (Quote, bool) {
	if e == nil || e.Symbol == "" || e.QuoteType == "NONE" {
		return Quote{}, false
	}
	q := Quote{
		Symbol:    e.Symbol,
		Name:      e.ShortName,
		Kind:      kindOf(e.QuoteType),
		Currency:  e.CurrencyID,
		PrevClose: pos(e.RegularMarketPreviousClose),
		Open:      pos(e.RegularMarketOpen),
		High:      pos(e.RegularMarketDayHigh),
		Low:       pos(e.RegularMarketDayLow),
		State:     stateOf(e.MarketState),
		YState:    string(e.MarketState),
		Time:      unix(e.RegularMarketTime),
		Bid:       pos(e.Bid),
		Ask:       pos(e.Ask),
		Delay:     e.QuoteDelay,
	}
	if e.LongName != "" {
		q.Name = e.LongName
	}
	// Text from the network goes to terminals (over SSH, every viewer's):
	// nothing in it may be an escape sequence.
	q.Name, _ = snapshots.CleanText(q.Name)
	q.Currency, _ = snapshots.CleanText(q.Currency)
	q.YState, _ = snapshots.CleanText(q.YState)
	if e.RegularMarketVolume > 0 {
		q.Volume = int64(e.RegularMarketVolume)
	}
	if e.RegularMarketPrice > 0 {
		q.Price, q.HasPrice = e.RegularMarketPrice, true
	}
	switch e.MarketState {
	case finance.MarketStatePre, finance.MarketStatePrePre:
		if e.PreMarketPrice > 0 {
			q.ExtPrice, q.HasExt, q.ExtTime, q.ExtState = e.PreMarketPrice, true, unix(e.PreMarketTime), snapshots.StatePre
		}
	case finance.MarketStatePost, finance.MarketStatePostPost, finance.MarketStateClosed:
		if e.PostMarketPrice > 0 && (e.PostMarketTime == 0 || e.PostMarketTime >= e.RegularMarketTime) {
			q.ExtPrice, q.HasExt, q.ExtTime, q.ExtState = e.PostMarketPrice, true, unix(e.PostMarketTime), snapshots.StatePost
		}
	}
	if q.Kind != snapshots.KindIndex {
		q.MarketCap = max(e.MarketCap, 0)
		switch {
		case e.SharesOutstanding > 0:
			q.Shares = int64(e.SharesOutstanding)
		case e.MarketCap > 0 && q.HasPrice:
			q.Shares = int64(float64(e.MarketCap)/q.Price + 0.5)
			q.SharesFromCap = true
		}
	}
	return q, true
}

// call runs f with a side-channel slot and returns the typed backend error
// when there was one (finance-go only passes strings on).
func (c *Client) call(ctx context.Context, f func(ctx *context.Context) error) (err error) {
	_, err = c.callSlot(ctx, f)
	return err
}

// callSlot is call that also returns the side channel.
func (c *Client) callSlot(ctx context.Context, f func(ctx *context.Context) error) (s *slot, err error) {
	cctx, s := withSlot(ctx)
	defer func() {
		if r := recover(); r != nil { // finance-go indexes arrays it never checked
			err = &Error{Kind: KindMalformed, Detail: fmt.Sprintf("finance-go failed on the answer: %v", r)}
		}
	}()
	ferr := f(&cctx)
	if s.err != nil {
		return s, s.err
	}
	if ferr != nil {
		return s, &Error{Kind: KindRemote, Detail: strings.TrimPrefix(ferr.Error(), "code: remote-error, detail: ")}
	}
	return s, nil
}

// Quotes asks for all symbols in as few requests as possible (one per
// chunk of 50). Results are matched by symbol, never by position. When a
// chunk fails the others are still returned, with the first error.
func (c *Client) Quotes(ctx context.Context, symbols []string) (QuoteSet, error) {
	set := QuoteSet{Quotes: make(map[string]Quote, len(symbols))}
	var firstErr error
	for i := 0; i < len(symbols); i += c.chunk {
		part := symbols[i:min(i+c.chunk, len(symbols))]
		set.Requests++
		var got []Quote
		s, err := c.callSlot(ctx, func(pctx *context.Context) error {
			it := equity.Client{B: c.b}.ListP(&equity.Params{Params: finance.Params{Context: pctx}, Symbols: part})
			for it.Next() {
				if q, ok := convert(it.Equity()); ok {
					got = append(got, q)
				}
			}
			return it.Err()
		})
		if err != nil && firstErr == nil {
			firstErr = err
		}
		if s != nil {
			set.BadFields = append(set.BadFields, s.bad...)
		}
		if err == nil { // a failed answer may be half decoded: take nothing from it
			for _, q := range got {
				// match by symbol, never by position; "nvda" asked, "NVDA" answered
				for _, asked := range part {
					if strings.EqualFold(asked, q.Symbol) {
						q.Symbol = asked
						set.Quotes[asked] = q
						break
					}
				}
			}
		}
		if IsKind(err, KindRateLimited) || IsKind(err, KindCanceled) {
			break // never hammer: the other chunks wait for the next poll
		}
	}
	for _, s := range symbols {
		if _, ok := set.Quotes[s]; !ok {
			set.Missing = append(set.Missing, s)
		}
	}
	return set, firstErr
}

func cleanText(s string) string {
	c, _ := snapshots.CleanText(s)
	return c
}

// ChartMeta is what a chart answer says besides its bars.
type ChartMeta struct {
	Symbol    string
	Currency  string
	Kind      string
	PrevClose float64 // chartPreviousClose: the close before the window's first bar
	Pre       [2]time.Time
	Regular   [2]time.Time // the current trading period's regular open and close
	Post      [2]time.Time
	// What newer answers add and finance-go does not decode: the last
	// regular price and its time (HasPrice false when absent or not
	// positive), the day's range and volume, and the names.
	Price    float64
	HasPrice bool
	Time     time.Time
	High     float64
	Low      float64
	Volume   int64
	Name     string
}

// extraMeta reads the newer chart meta fields from the body.
func extraMeta(body []byte, m *ChartMeta) {
	var env struct {
		Chart struct {
			Result []struct {
				Meta struct {
					Price     *float64 `json:"regularMarketPrice"`
					Time      *int64   `json:"regularMarketTime"`
					High      *float64 `json:"regularMarketDayHigh"`
					Low       *float64 `json:"regularMarketDayLow"`
					Volume    *float64 `json:"regularMarketVolume"`
					LongName  string   `json:"longName"`
					ShortName string   `json:"shortName"`
				} `json:"meta"`
			} `json:"result"`
		} `json:"chart"`
	}
	if len(body) == 0 || json.Unmarshal(body, &env) != nil || len(env.Chart.Result) == 0 {
		return // a bad field costs only these extras: the bars are decoded already
	}
	x := env.Chart.Result[0].Meta
	if x.Price != nil && *x.Price > 0 && !math.IsInf(*x.Price, 0) {
		m.Price, m.HasPrice = *x.Price, true
	}
	if x.Time != nil && *x.Time > 0 && *x.Time < 1<<40 {
		m.Time = unix(int(*x.Time))
	}
	if x.High != nil {
		m.High = pos(*x.High)
	}
	if x.Low != nil {
		m.Low = pos(*x.Low)
	}
	if x.Volume != nil && *x.Volume > 0 && *x.Volume < 1e18 {
		m.Volume = int64(*x.Volume)
	}
	m.Name = cleanText(x.ShortName)
	if x.LongName != "" {
		m.Name = cleanText(x.LongName)
	}
}

// Chart is a chart answer: bars with null or non-positive prices dropped.
type Chart struct {
	Meta    ChartMeta
	Bars    []snapshots.Bar
	Dropped int // null or inconsistent bars left out (never filled in)
}

// ChartParams asks for a chart.
type ChartParams struct {
	Symbol     string
	Start, End time.Time
	Interval   string // "1m" (default), "5m", "1d", ...
	IncludeExt bool   // pre- and post-market bars
}

// Chart asks for one symbol's bars in [Start, End).
func (c *Client) Chart(ctx context.Context, p ChartParams) (Chart, error) {
	if p.Interval == "" {
		p.Interval = "1m"
	}
	if p.Start.IsZero() || p.End.IsZero() || p.End.Before(p.Start) {
		return Chart{}, errors.New("chart: start and end must be set, start before end")
	}
	var out Chart
	s, err := c.callSlot(ctx, func(pctx *context.Context) error {
		start, end := p.Start, p.End
		it := chart.Client{B: c.b}.Get(&chart.Params{
			Params:     finance.Params{Context: pctx},
			Symbol:     p.Symbol,
			Start:      datetime.New(&start),
			End:        datetime.New(&end),
			Interval:   datetime.Interval(p.Interval),
			IncludeExt: p.IncludeExt,
		})
		for it.Next() {
			if b, ok := barOf(p.Symbol, p.Interval, it.Bar()); ok {
				out.Bars = append(out.Bars, b)
			} else {
				out.Dropped++
			}
		}
		if err := it.Err(); err != nil {
			return err
		}
		m := it.Meta() // safe: Err is nil, so the meta was set
		out.Meta = ChartMeta{
			Symbol:    m.Symbol,
			Currency:  cleanText(m.Currency),
			Kind:      kindOf(m.QuoteType),
			PrevClose: pos(m.ChartPreviousClose),
			Pre:       [2]time.Time{unix(m.CurrentTradingPeriod.Pre.Start), unix(m.CurrentTradingPeriod.Pre.End)},
			Regular:   [2]time.Time{unix(m.CurrentTradingPeriod.Regular.Start), unix(m.CurrentTradingPeriod.Regular.End)},
			Post:      [2]time.Time{unix(m.CurrentTradingPeriod.Post.Start), unix(m.CurrentTradingPeriod.Post.End)},
		}
		return nil
	})
	if err != nil {
		return Chart{}, err
	}
	extraMeta(s.body, &out.Meta)
	return out, nil
}

// barOf converts a finance-go bar. Null values decode to 0 there, so a bar
// with any non-positive price is a missing bar, and a bar whose prices do
// not fit in [low, high] is left out rather than repaired.
func barOf(sym, interval string, b *finance.ChartBar) (snapshots.Bar, bool) {
	o, _ := b.Open.Float64()
	h, _ := b.High.Float64()
	l, _ := b.Low.Float64()
	c, _ := b.Close.Float64()
	if !(o > 0 && h > 0 && l > 0 && c > 0) || b.Timestamp <= 0 {
		return snapshots.Bar{}, false
	}
	if l > h || o > h || o < l || c > h || c < l {
		return snapshots.Bar{}, false
	}
	return snapshots.Bar{
		Time:     unix(b.Timestamp),
		Symbol:   sym,
		Interval: interval,
		Open:     o, High: h, Low: l, Close: c,
		Volume: int64(max(b.Volume, 0)),
	}, true
}

// chartQuote turns a chart answer's meta into a quote: the crumb-free path
// when getcrumb is refused. A chart has no market state, bid, ask or share
// count: State is worked out from the trading periods at now, and the
// previous close is taken only when the window began at the start of the
// day of the last trade (windowDay, YYYY-MM-DD), where chartPreviousClose is the
// previous session's close.
func chartQuote(sym string, ch Chart, now time.Time, windowDay string) (Quote, bool) {
	m := ch.Meta
	if !m.HasPrice {
		return Quote{}, false
	}
	q := Quote{Symbol: sym, Name: m.Name, Kind: m.Kind, Currency: m.Currency, Price: m.Price, HasPrice: true,
		High: m.High, Low: m.Low, Volume: m.Volume, Time: m.Time}
	in := func(p [2]time.Time) bool { return !p[0].IsZero() && !now.Before(p[0]) && now.Before(p[1]) }
	switch {
	case in(m.Regular):
		q.State = snapshots.StateRegular
	case in(m.Pre):
		q.State = snapshots.StatePre
	case in(m.Post):
		q.State = snapshots.StatePost
	case !m.Regular[0].IsZero():
		q.State = snapshots.StateClosed
	}
	if windowDay != "" && !q.Time.IsZero() && q.Time.In(snapshots.Location()).Format(time.DateOnly) == windowDay {
		q.PrevClose = m.PrevClose
	}
	return q, true
}
