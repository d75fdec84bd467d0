package yahoo

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	finance "github.com/piquette/finance-go"
	"github.com/piquette/finance-go/chart"
	"github.com/piquette/finance-go/datetime"
	"github.com/piquette/finance-go/equity"
	"github.com/piquette/finance-go/form"

	"github.com/selloff/selloff/feeds/yahoo/fakeyahoo"
	"github.com/selloff/selloff/snapshots"
)

// canned is a finance.Backend that answers every call with one body,
// through the same checks and decoding as Backend.
type canned struct{ body []byte }

func (c canned) Call(path string, _ *form.Values, _ *context.Context, v interface{}) error {
	return decode(rewrite(path), c.body, v)
}

// quoteBody returns a real fakeyahoo answer for n symbols.
func quoteBody(tb testing.TB, n int) []byte {
	tb.Helper()
	fx := newFixture(tb, Options{})
	var syms []string
	for i := range n {
		s := fmt.Sprintf("SYM%02d", i)
		syms = append(syms, s)
		fx.fake.SetQuote(fakeyahoo.Quote{Symbol: s, Name: s + " Corp", Price: 100 + float64(i), PrevClose: 101, Open: 100.5, High: 103, Low: 99, Volume: 12345678, Shares: 2469135802, Bid: 100, Ask: 100.1, Time: t0})
	}
	if _, err := fx.c.Quotes(fx.ctx, syms[:1]); err != nil {
		tb.Fatal(err)
	}
	u := fx.b.APIURL() + "/v7/finance/quote?symbols=" + joinSyms(syms) + "&crumb=" + fx.b.SessionCrumb()
	body, code, _, err := fx.b.do(fx.ctx, http.MethodGet, u, "*/*", nil)
	if err != nil || code != 200 {
		tb.Fatalf("%d %v", code, err)
	}
	return body
}

func joinSyms(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += ","
		}
		out += x
	}
	return out
}

func decodeQuotes(body []byte, syms []string) (int, error) {
	it := equity.Client{B: canned{body}}.ListP(&equity.Params{Symbols: syms})
	n := 0
	for it.Next() {
		if _, ok := convert(it.Equity()); ok {
			n++
		}
	}
	return n, it.Err()
}

// BenchmarkDecodeQuotes50 measures turning one 50-symbol v7 answer into
// Quotes: the envelope check, finance-go's decoding and the conversion.
func BenchmarkDecodeQuotes50(b *testing.B) {
	body := quoteBody(b, 50)
	syms := []string{"X"}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		n, err := decodeQuotes(body, syms)
		if err != nil || n != 50 {
			b.Fatal(n, err)
		}
	}
}

// BenchmarkQuotes50Loopback is one whole poll of 50 symbols against the
// fake on loopback (HTTP included).
func BenchmarkQuotes50Loopback(b *testing.B) {
	fx := newFixture(b, Options{})
	var syms []string
	for i := range 50 {
		s := fmt.Sprintf("SYM%02d", i)
		syms = append(syms, s)
		fx.fake.SetQuote(fakeyahoo.Quote{Symbol: s, Price: 100 + float64(i), PrevClose: 101, Shares: 1e9, Time: t0})
	}
	if _, err := fx.c.Quotes(fx.ctx, syms); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		set, err := fx.c.Quotes(fx.ctx, syms)
		if err != nil || len(set.Quotes) != 50 || set.Requests != 1 {
			b.Fatal(err)
		}
	}
}

func TestDecodeQuotes50(t *testing.T) {
	body := quoteBody(t, 50)
	n, err := decodeQuotes(body, []string{"X"})
	if err != nil || n != 50 {
		t.Fatalf("%d %v", n, err)
	}
}

var quoteSeeds = []string{
	`{"quoteResponse":{"result":[{"symbol":"A","quoteType":"EQUITY","regularMarketPrice":1.5,"marketState":"REGULAR","sharesOutstanding":10}],"error":null}}`,
	`{"quoteResponse":{"result":[{"symbol":"^GSPC","quoteType":"INDEX","regularMarketPrice":null}],"error":null}}`,
	`{"quoteResponse":{"result":[],"error":null}}`,
	`{"quoteResponse":{"result":null,"error":null}}`,
	`{"quoteResponse":{"result":null,"error":{"code":"x","description":"y"}}}`,
	`{"quoteResponse":{"result":[{"symbol":"A","regularMarketPrice":{"raw":1,"fmt":"1"}}]}}`,
	`{"quoteResponse":{"result":[null,{"symbol":"B","marketCap":-5,"regularMarketPrice":-1}]}}`,
	`{"finance":{"result":null,"error":{"code":"Unauthorized","description":"Invalid Crumb"}}}`,
	`{}`, ``, `<html></html>`, `Too Many Requests`, `{"quoteResponse":{"result":[{"symbol":"A"`,
}

// FuzzDecodeQuotes: no answer panics, and a rejected one yields no quotes.
func FuzzDecodeQuotes(f *testing.F) {
	for _, s := range quoteSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		it := equity.Client{B: canned{body}}.ListP(&equity.Params{Symbols: []string{"A"}})
		for it.Next() {
			q, ok := convert(it.Equity())
			if ok && q.HasPrice && !(q.Price > 0) {
				t.Fatalf("non-positive price kept: %+v", q)
			}
			if ok && q.Kind == "index" && q.Shares != 0 {
				t.Fatalf("index with shares: %+v", q)
			}
		}
		_ = it.Err()
	})
}

var chartSeeds = []string{
	`{"chart":{"result":[{"meta":{"symbol":"A","chartPreviousClose":1},"timestamp":[1700000000,1700000060],"indicators":{"quote":[{"open":[1,null],"high":[1,null],"low":[1,null],"close":[1,null],"volume":[1,null]}]}}],"error":null}}`,
	`{"chart":{"result":[{"meta":{"symbol":"A"},"indicators":{"quote":[{}]}}],"error":null}}`,
	`{"chart":{"result":[],"error":null}}`,
	`{"chart":{"result":null,"error":{"code":"Not Found","description":"No data found, symbol may be delisted"}}}`,
	`{"chart":{"result":[{"meta":{},"timestamp":[1,2,3],"indicators":{"quote":[{"open":[1],"high":[1],"low":[1],"close":[1],"volume":[1]}]}}]}}`,
	`{"chart":{"result":[{"meta":{},"timestamp":[1],"indicators":{"quote":[{"open":[1],"high":[1],"low":[1],"close":[1],"volume":[1]}],"adjclose":[]}}]}}`,
	`{"chart":{"result":[{"meta":{},"timestamp":[1,2],"indicators":{"quote":[{"open":[1,1],"high":[1,1],"low":[1,1],"close":[1,1],"volume":[1,1]}],"adjclose":[{"adjclose":[1]}]}}]}}`,
	`{"chart":{"result":[null]}}`, `{"chart":{"result":[{"indicators":{"quote":[]}}]}}`, `{"chart":{"result":[{"indicators":{"quote":[null]}}]}}`,
}

// FuzzDecodeChart: whatever the body, finance-go's chart client behind
// decode never panics (no recover here) and kept bars have real prices.
func FuzzDecodeChart(f *testing.F) {
	for _, s := range chartSeeds {
		f.Add([]byte(s))
	}
	start, end := time.Unix(1700000000, 0), time.Unix(1700086400, 0)
	f.Fuzz(func(t *testing.T, body []byte) {
		it := chart.Client{B: canned{body}}.Get(&chart.Params{Symbol: "A", Start: datetime.New(&start), End: datetime.New(&end), Interval: datetime.OneMin})
		for it.Next() {
			if b, ok := barOf("A", "1m", it.Bar()); ok && (b.Low > b.High || b.Close <= 0) {
				t.Fatalf("bad bar kept: %+v", b)
			}
		}
		if it.Err() == nil {
			_ = it.Meta()
		}
	})
}

// FuzzConsentForm: the consent page parser takes any HTML.
func FuzzConsentForm(f *testing.F) {
	f.Add([]byte(`<form method="post" action="/v2/collectConsent?sessionId=s"><input type="hidden" name="csrfToken" value="a&amp;b"><input type="hidden" name="sessionId" value="s"></form>`))
	f.Add([]byte(`<input name="x" value="y" type="hidden"><input type="text" name="q">`))
	f.Add([]byte(`<form action=""><input`))
	f.Fuzz(func(t *testing.T, body []byte) {
		_, vals := consentForm(body)
		for k := range vals {
			if k == "" {
				t.Fatal("empty field name")
			}
		}
		_ = badCrumb(string(body))
		_ = describe(body)
	})
}

func TestConsentFormParse(t *testing.T) {
	action, vals := consentForm([]byte(`<form class="x" method="post" action="/v2/collectConsent?sessionId=s&amp;x=1"><input type="hidden" name="csrfToken" value="a&amp;b"><input type="hidden" name="sessionId" value="s"><input type="text" name="q" value="no"></form>`))
	if action != "/v2/collectConsent?sessionId=s&x=1" || vals.Get("csrfToken") != "a&b" || vals.Get("sessionId") != "s" || vals.Has("q") {
		t.Fatalf("%q %v", action, vals)
	}
	action, vals = consentForm([]byte(`<form action='/c?s=1'><INPUT TYPE='hidden' NAME='csrfToken' VALUE='t1'/><input name="sessionId" type="hidden" value="s1"/>`))
	if action != "/c?s=1" || vals.Get("csrfToken") != "t1" || vals.Get("sessionId") != "s1" {
		t.Fatalf("single quotes: %q %v", action, vals)
	}
	if _, ok := interface{}(canned{}).(finance.Backend); !ok {
		t.Fatal("canned is not a finance.Backend")
	}
	var _ finance.Backend = (*Backend)(nil)
}

type capture struct{ v *interface{} }

func (c capture) Call(_ string, _ *form.Values, _ *context.Context, v interface{}) error {
	*c.v = v
	return nil
}

// The fast envelope check relies on finance-go's response shape; if an
// upgrade changes it, decode falls back to checkQuote, and this test says so.
func TestQuoteShapeMatchesFinanceGo(t *testing.T) {
	var v interface{}
	equity.Client{B: capture{&v}}.ListP(&equity.Params{Symbols: []string{"A"}})
	if _, ok := quoteShape(v); !ok {
		t.Fatalf("finance-go's equity response %T no longer has the expected shape", v)
	}
	if _, ok := quoteShape(&struct{ A int }{}); ok {
		t.Fatal("wrong shape accepted")
	}
}

// BenchmarkLivePoll50 is one live poll of 50 symbols on loopback: the
// request, decoding, dataset append and the published frame.
func BenchmarkLivePoll50(b *testing.B) {
	fx := newFixture(b, Options{})
	var syms []snapshots.Symbol
	for i := range 50 {
		s := fmt.Sprintf("SYM%02d", i)
		syms = append(syms, snapshots.Symbol{Symbol: s})
		fx.fake.SetQuote(fakeyahoo.Quote{Symbol: s, Price: 100 + float64(i), PrevClose: 101, Shares: 1e9, Time: t0})
	}
	l, err := NewLive(fx.c, fx.clock, LiveOptions{Symbols: syms, NoBackfill: true})
	if err != nil {
		b.Fatal(err)
	}
	l.Poll(fx.ctx)
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		i++
		fx.fake.SetPrice("SYM07", 100+float64(i%100)/10, time.Time{})
		fx.clock.Advance(time.Second)
		l.Poll(fx.ctx)
	}
}

// Text from Yahoo (names, error descriptions) reaches every viewer's
// terminal: escape sequences in it are removed, and a description is cut
// to 120 characters.
func TestNetworkTextIsCleaned(t *testing.T) {
	body := []byte(`{"finance":{"result":null,"error":{"code":"x","description":"Invalid \u001b]52;c;SGVsbG8=\u0007crumb"}}}`)
	if got := describe(body); got != "Invalid ]52;c;SGVsbG8=crumb" {
		t.Errorf("describe: %q", got)
	}
	if got := describe([]byte(strings.Repeat("é", 500))); len([]rune(got)) != 121 || !strings.HasSuffix(got, "…") {
		t.Errorf("a long body: %d runes", len([]rune(got)))
	}
	q, ok := convert(&finance.Equity{Quote: finance.Quote{Symbol: "NVDA", ShortName: "NV\x1b[2J", CurrencyID: "US\u009bD", MarketState: "REGULAR\x1b"}, LongName: "NVIDIA\x1b]0;x\a Corp"})
	if !ok || q.Name != "NVIDIA]0;x Corp" || q.Currency != "USD" || q.YState != "REGULAR" {
		t.Errorf("convert: %q %q %q", q.Name, q.Currency, q.YState)
	}
}

// sharesOutstanding is labelled as such even when marketCap is exactly
// price x shares (as it usually is); only a count worked out from the cap
// is marked approximate.
func TestSharesSourceLabel(t *testing.T) {
	quote := finance.Quote{Symbol: "NVDA", QuoteType: "EQUITY", RegularMarketPrice: 100}
	q, _ := convert(&finance.Equity{Quote: quote, MarketCap: 2_449_000_000_000, SharesOutstanding: 24_490_000_000})
	if sh := sharesOf(q, "2025-01-27"); sh == nil || sh.Approximate || sh.Source != "Yahoo quote sharesOutstanding" {
		t.Errorf("sharesOutstanding: %+v", sh)
	}
	q, _ = convert(&finance.Equity{Quote: quote, MarketCap: 2_449_000_000_000})
	if sh := sharesOf(q, "2025-01-27"); sh == nil || !sh.Approximate || sh.Count != 24_490_000_000 {
		t.Errorf("from the cap: %+v", sh)
	}
}

// FuzzDecodeFields: the field-by-field decoder never panics, keeps every
// row of a batch where one row's field is bad, and names at most
// maxBadNames fields.
func FuzzDecodeFields(f *testing.F) {
	f.Add([]byte(`1.5`), []byte(`"x"`))
	f.Add([]byte(`{"raw":1}`), []byte(`[1,2]`))
	f.Add([]byte(`null`), []byte(`2870000000000.5`))
	f.Add([]byte(`"\u001b[2J"`), []byte(`true`))
	f.Fuzz(func(t *testing.T, capVal, volVal []byte) {
		if len(capVal) > 1<<12 || len(volVal) > 1<<12 || !json.Valid(capVal) || !json.Valid(volVal) {
			return
		}
		body := []byte(`{"quoteResponse":{"result":[` +
			`{"symbol":"A","regularMarketPrice":10,"marketCap":` + string(capVal) + `,"regularMarketVolume":` + string(volVal) + `},` +
			`{"symbol":"B","regularMarketPrice":20,"marketCap":100}],"error":null}}`)
		it := equity.Client{B: canned{body}}.ListP(&equity.Params{Symbols: []string{"A", "B"}})
		got := map[string]bool{}
		for it.Next() {
			if q, ok := convert(it.Equity()); ok && q.HasPrice {
				got[q.Symbol] = true
			}
		}
		if err := it.Err(); err != nil {
			t.Fatalf("one bad field failed the batch: %v", err)
		}
		if !got["A"] || !got["B"] {
			t.Fatalf("rows lost: %v", got)
		}
		var v struct {
			Inner struct {
				Result []*finance.Equity  `json:"result"`
				Error  *finance.YfinError `json:"error"`
			} `json:"quoteResponse"`
		}
		bad, err := decodeBad("v7/finance/quote", body, &v)
		if err != nil || len(bad) > maxBadNames {
			t.Fatalf("bad %v err %v", bad, err)
		}
	})
}
