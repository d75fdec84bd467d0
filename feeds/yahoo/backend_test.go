package yahoo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"strings"
	"testing"
	"time"

	finance "github.com/piquette/finance-go"

	"github.com/selloff/selloff/feeds/yahoo/fakeyahoo"
	"github.com/selloff/selloff/snapshots"
)

func mustQuotes(t *testing.T, fx *fixture, syms ...string) QuoteSet {
	t.Helper()
	set, err := fx.c.Quotes(fx.ctx, syms)
	if err != nil {
		t.Fatalf("Quotes(%v): %v", syms, err)
	}
	return set
}

func TestHandshakeAndQuote(t *testing.T) {
	fx := newFixture(t, Options{})
	set := mustQuotes(t, fx, "NVDA", "^GSPC")
	q := set.Quotes["NVDA"]
	if !q.HasPrice || q.Price != 118.42 || q.PrevClose != 142.62 || q.State != snapshots.StateRegular {
		t.Fatalf("NVDA = %+v", q)
	}
	if q.Shares != 24490000000 || q.Kind != snapshots.KindEquity {
		t.Errorf("NVDA shares/kind = %d %q", q.Shares, q.Kind)
	}
	if got := fx.fake.Count("/"); got != 3 {
		t.Errorf("requests = %d, want 3 (cookie, crumb, quote): %+v", got, fx.fake.Requests())
	}
	reqs := fx.fake.Requests()
	if reqs[0].Path != "/" || reqs[1].Path != fakeyahoo.PathCrumb || reqs[2].Path != fakeyahoo.PathQuote {
		t.Fatalf("order: %+v", reqs)
	}
	last := reqs[2]
	if last.Query.Get("crumb") != fakeyahoo.DefaultCrumb {
		t.Errorf("crumb sent = %q, want %q (URL-encoded on the wire)", last.Query.Get("crumb"), fakeyahoo.DefaultCrumb)
	}
	if last.Query.Get("symbols") != "NVDA,^GSPC" {
		t.Errorf("symbols = %q", last.Query.Get("symbols"))
	}
	if !last.Cookie || !strings.Contains(last.UA, "Chrome/") {
		t.Errorf("cookie %v, UA %q", last.Cookie, last.UA)
	}
	// The session is reused.
	mustQuotes(t, fx, "NVDA")
	if n := fx.fake.Count(fakeyahoo.PathCrumb); n != 1 {
		t.Errorf("getcrumb calls = %d, want 1", n)
	}
	if fx.fake.Count(fakeyahoo.PathQuoteV6) != 0 {
		t.Error("the dead v6 path was called")
	}
	st := fx.b.Status()
	if st.Code != 200 || st.Err != nil || !st.HaveCrumb || st.Reauths != 1 {
		t.Errorf("status = %+v", st)
	}
}

func TestConsentFlow(t *testing.T) {
	fx := newFixture(t, Options{})
	fx.fake.SetConsent(true)
	mustQuotes(t, fx, "NVDA")
	var posted bool
	for _, r := range fx.fake.Requests() {
		if r.Method == "POST" && r.Path == "/v2/collectConsent" {
			posted = true
		}
	}
	if !posted {
		t.Fatalf("consent form not posted: %+v", fx.fake.Requests())
	}
}

func TestNoCookie(t *testing.T) {
	fx := newFixture(t, Options{})
	fx.fake.SetNoCookie(true)
	_, err := fx.c.Quotes(fx.ctx, []string{"NVDA"})
	if !IsKind(err, KindNoCookie) {
		t.Fatalf("err = %v, want no-cookie", err)
	}
	if fx.fake.Count(fakeyahoo.PathQuote) != 0 || fx.fake.Count(fakeyahoo.PathCrumb) != 0 {
		t.Errorf("went on without a cookie: %+v", fx.fake.Requests())
	}
}

func TestCrumbRotation(t *testing.T) {
	fx := newFixture(t, Options{})
	mustQuotes(t, fx, "NVDA")
	fx.fake.ResetLog()
	newCrumb := fx.fake.RotateCrumb()
	mustQuotes(t, fx, "NVDA")
	// quote (401) -> cookie -> crumb -> quote (200)
	var paths []string
	for _, r := range fx.fake.Requests() {
		paths = append(paths, fmt.Sprintf("%s:%d", r.Path, r.Status))
	}
	want := []string{"/v7/finance/quote:401", "/:404", "/v1/test/getcrumb:200", "/v7/finance/quote:200"}
	if strings.Join(paths, " ") != strings.Join(want, " ") {
		t.Fatalf("requests = %v, want %v", paths, want)
	}
	if fx.b.SessionCrumb() != newCrumb {
		t.Errorf("crumb = %q, want %q", fx.b.SessionCrumb(), newCrumb)
	}
	// A dead session (cookie gone too) also recovers with one refresh.
	fx.fake.ExpireSession()
	mustQuotes(t, fx, "NVDA")
}

func TestUnauthorizedRefreshesOnceAndRetriesOnce(t *testing.T) {
	fx := newFixture(t, Options{})
	mustQuotes(t, fx, "NVDA")
	fx.fake.ResetLog()
	fx.fake.Force401(-1)
	_, err := fx.c.Quotes(fx.ctx, []string{"NVDA"})
	if !IsKind(err, KindUnauthorized) {
		t.Fatalf("err = %v, want unauthorized", err)
	}
	if q, c := fx.fake.Count(fakeyahoo.PathQuote), fx.fake.Count(fakeyahoo.PathCrumb); q != 2 || c != 1 {
		t.Fatalf("quote requests %d (want 2), crumb requests %d (want 1)", q, c)
	}
	if !strings.Contains(err.Error(), "Invalid Crumb") {
		t.Errorf("error lacks Yahoo's reason: %v", err)
	}
	// One 401 only: refresh and succeed.
	fx.fake.Force401(1)
	fx.fake.ResetLog()
	mustQuotes(t, fx, "NVDA")
	if q := fx.fake.Count(fakeyahoo.PathQuote); q != 2 {
		t.Errorf("quote requests %d, want 2", q)
	}
}

func TestRateLimitBacksOff(t *testing.T) {
	fx := newFixture(t, Options{})
	mustQuotes(t, fx, "NVDA")
	fx.fake.ResetLog()
	fx.fake.RateLimit(3)
	wantWaits := []time.Duration{30 * time.Second, 60 * time.Second, 120 * time.Second}
	for i, w := range wantWaits {
		_, err := fx.c.Quotes(fx.ctx, []string{"NVDA"})
		var e *Error
		if !errors.As(err, &e) || e.Kind != KindRateLimited {
			t.Fatalf("try %d: err = %v, want rate-limited", i, err)
		}
		if got := e.RetryAt.Sub(fx.clock.Now()); got != w {
			t.Fatalf("try %d: back-off %s, want %s", i, got, w)
		}
		// Asking again before RetryAt sends nothing.
		for range 5 {
			if _, err := fx.c.Quotes(fx.ctx, []string{"NVDA"}); !IsKind(err, KindRateLimited) {
				t.Fatalf("early retry: err = %v", err)
			}
		}
		if n := fx.fake.Count(fakeyahoo.PathQuote); n != i+1 {
			t.Fatalf("after try %d: %d quote requests, want %d (no storm)", i, n, i+1)
		}
		fx.clock.Advance(w)
	}
	mustQuotes(t, fx, "NVDA")
	if n := fx.fake.Count(fakeyahoo.PathQuote); n != 4 {
		t.Errorf("quote requests = %d, want 4", n)
	}
	if n := fx.fake.Count(fakeyahoo.PathCrumb); n != 0 {
		t.Errorf("429 caused %d session refreshes", n)
	}
	if st := fx.b.Status(); !st.RetryAt.IsZero() || st.Limited != 0 {
		t.Errorf("back-off not reset after success: %+v", st)
	}
}

func TestRateLimitJitterAndCap(t *testing.T) {
	fx := newFixture(t, Options{Rand: func() float64 { return 0 }, BackoffMax: 90 * time.Second})
	mustQuotes(t, fx, "NVDA")
	fx.fake.RateLimit(-1)
	want := []time.Duration{22500 * time.Millisecond, 45 * time.Second, 67500 * time.Millisecond, 67500 * time.Millisecond}
	for i, w := range want {
		_, err := fx.c.Quotes(fx.ctx, []string{"NVDA"})
		var e *Error
		if !errors.As(err, &e) {
			t.Fatal(err)
		}
		wait := e.RetryAt.Sub(fx.clock.Now())
		if wait != w {
			t.Fatalf("try %d: wait %s, want %s", i, wait, w)
		}
		fx.clock.Advance(wait)
	}
}

func TestServerErrorsBoundedRetries(t *testing.T) {
	clk := &instantClock{now: t0}
	fx := newFixture(t, Options{Clock: clk, RetryBase: time.Second})
	mustQuotes(t, fx, "NVDA")
	fx.fake.ResetLog()
	fx.fake.ServerError(2, 503)
	mustQuotes(t, fx, "NVDA")
	if n := fx.fake.Count(fakeyahoo.PathQuote); n != 3 {
		t.Errorf("requests %d, want 3", n)
	}
	if w := clk.Waits(); len(w) != 2 || w[0] != time.Second || w[1] != 2*time.Second {
		t.Errorf("waits = %v, want [1s 2s]", w)
	}
	fx.fake.ResetLog()
	fx.fake.ServerError(-1, 502)
	_, err := fx.c.Quotes(fx.ctx, []string{"NVDA"})
	if !IsKind(err, KindServer) || !strings.Contains(err.Error(), "502") {
		t.Fatalf("err = %v", err)
	}
	if n := fx.fake.Count(fakeyahoo.PathQuote); n != 1+DefaultRetries {
		t.Errorf("requests %d, want %d", n, 1+DefaultRetries)
	}
}

func TestTimeouts(t *testing.T) {
	fx := newFixture(t, Options{Timeout: 30 * time.Millisecond})
	mustQuotes(t, fx, "NVDA")
	fx.fake.ResetLog()
	fx.fake.SetHang(true)
	_, err := fx.c.Quotes(fx.ctx, []string{"NVDA"})
	if !IsKind(err, KindTimeout) {
		t.Fatalf("err = %v, want timeout", err)
	}
	// in words, without Go's `Get "…": context deadline exceeded` chain
	if got := err.Error(); got != "Yahoo did not answer in time: no answer to the quote request" {
		t.Errorf("message %q", got)
	}
	// A request the client gave up on may reach the fake's log a moment
	// after the client returns (a loaded machine), so wait for it, boundedly.
	if n := countEventually(fx.fake, fakeyahoo.PathQuote, 1+DefaultRetries); n != 1+DefaultRetries {
		t.Errorf("requests %d, want %d", n, 1+DefaultRetries)
	}
	// Chart too, and the caller's cancellation stops at once.
	ctx, cancel := context.WithCancel(fx.ctx)
	cancel()
	fx.fake.ResetLog()
	_, err = fx.c.Chart(ctx, ChartParams{Symbol: "NVDA", Start: et(9, 30), End: et(10, 30)})
	if !IsKind(err, KindCanceled) {
		t.Fatalf("err = %v, want canceled", err)
	}
	if n := fx.fake.Count(fakeyahoo.PathChart); n > 1 {
		t.Errorf("canceled call retried: %d requests", n)
	}
	fx.fake.SetHang(false)
	mustQuotes(t, fx, "NVDA")
}

func TestMalformedQuotes(t *testing.T) {
	fx := newFixture(t, Options{})
	mustQuotes(t, fx, "NVDA")
	for _, f := range fakeyahoo.QuoteFaults {
		t.Run(string(f), func(t *testing.T) {
			fx.fake.SetQuoteFault(f, 1)
			set, err := fx.c.Quotes(fx.ctx, []string{"NVDA"})
			if !IsKind(err, KindMalformed) {
				t.Fatalf("err = %v, want malformed", err)
			}
			if _, ok := set.Quotes["NVDA"]; ok {
				t.Errorf("a quote came out of a malformed answer: %+v", set.Quotes)
			}
			if err.Error() == "" || strings.Contains(err.Error(), "%!") {
				t.Errorf("error text: %q", err)
			}
		})
	}
	mustQuotes(t, fx, "NVDA")
}

func TestMalformedCharts(t *testing.T) {
	fx := newFixture(t, Options{})
	for _, f := range fakeyahoo.ChartFaults {
		t.Run(string(f), func(t *testing.T) {
			fx.fake.SetChartFault(f, 1)
			_, err := fx.c.Chart(fx.ctx, ChartParams{Symbol: "NVDA", Start: et(9, 30), End: et(10, 30)})
			if err == nil {
				t.Fatal("no error")
			}
			if !IsKind(err, KindMalformed) && !IsKind(err, KindRemote) {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

func TestUnknownAndPartial(t *testing.T) {
	fx := newFixture(t, Options{})
	set := mustQuotes(t, fx, "NVDA", "NOPE", "AVGO")
	if len(set.Missing) != 1 || set.Missing[0] != "NOPE" || len(set.Quotes) != 2 {
		t.Fatalf("set = %+v", set)
	}
	set = mustQuotes(t, fx, "NOPE", "GONE")
	if len(set.Quotes) != 0 || len(set.Missing) != 2 {
		t.Fatalf("all unknown: %+v", set)
	}
	fx.fake.Omit("AVGO")
	set = mustQuotes(t, fx, "NVDA", "AVGO")
	if _, ok := set.Quotes["AVGO"]; ok || len(set.Missing) != 1 {
		t.Fatalf("partial: %+v", set)
	}
	set = mustQuotes(t, fx, "nvda")
	if q, ok := set.Quotes["nvda"]; !ok || q.Symbol != "nvda" || !q.HasPrice {
		t.Errorf("lower-case symbol: %+v", set)
	}
	fx.fake.SetQuote(fakeyahoo.Quote{Symbol: "DEAD", Type: "NONE", Price: 1})
	set = mustQuotes(t, fx, "DEAD")
	if len(set.Quotes) != 0 {
		t.Errorf("quoteType NONE row kept: %+v", set)
	}
}

func TestIndexAndExtAndNullPrice(t *testing.T) {
	fx := newFixture(t, Options{})
	fx.fake.SetQuote(fakeyahoo.Quote{Symbol: "ZERO", Price: 0, PrevClose: 10, Shares: 100})
	fx.fake.SetQuote(fakeyahoo.Quote{Symbol: "PREX", Price: 10, PrevClose: 9, PrePrice: 10.5, State: "PRE", Shares: 100, Time: t0})
	fx.fake.SetQuote(fakeyahoo.Quote{Symbol: "POSTX", Price: 10, PrevClose: 9, PostPrice: 9.5, State: "POST", Time: t0})
	set := mustQuotes(t, fx, "^GSPC", "ZERO", "PREX", "POSTX", "SMH")
	ix := set.Quotes["^GSPC"]
	if ix.Kind != snapshots.KindIndex || ix.Shares != 0 || ix.MarketCap != 0 || ix.HasExt || !ix.HasPrice {
		t.Errorf("index = %+v", ix)
	}
	if z := set.Quotes["ZERO"]; z.HasPrice || z.Price != 0 {
		t.Errorf("null price became a price: %+v", z)
	}
	if p := set.Quotes["PREX"]; !p.HasExt || p.ExtPrice != 10.5 || p.ExtState != snapshots.StatePre || p.State != snapshots.StatePre {
		t.Errorf("pre = %+v", p)
	}
	if p := set.Quotes["POSTX"]; !p.HasExt || p.ExtPrice != 9.5 || p.ExtState != snapshots.StatePost {
		t.Errorf("post = %+v", p)
	}
	if e := set.Quotes["SMH"]; e.Kind != snapshots.KindETF {
		t.Errorf("etf = %+v", e)
	}
}

func TestChunking(t *testing.T) {
	fx := newFixture(t, Options{})
	var syms []string
	for i := range 120 {
		s := fmt.Sprintf("S%03d", i)
		syms = append(syms, s)
		fx.fake.SetQuote(fakeyahoo.Quote{Symbol: s, Price: 10 + float64(i), PrevClose: 10})
	}
	mustQuotes(t, fx, "NVDA")
	fx.fake.ResetLog()
	set := mustQuotes(t, fx, syms...)
	if set.Requests != 3 || fx.fake.Count(fakeyahoo.PathQuote) != 3 || len(set.Quotes) != 120 {
		t.Fatalf("requests %d/%d, quotes %d", set.Requests, fx.fake.Count(fakeyahoo.PathQuote), len(set.Quotes))
	}
}

func TestChart(t *testing.T) {
	fx := newFixture(t, Options{})
	ch, err := fx.c.Chart(fx.ctx, ChartParams{Symbol: "NVDA", Start: et(4, 0), End: et(10, 30), IncludeExt: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(ch.Bars) != 60 || ch.Meta.PrevClose != 142.62 || !ch.Meta.Regular[0].Equal(et(9, 30)) || !ch.Meta.Regular[1].Equal(et(16, 0)) {
		t.Fatalf("chart: %d bars, meta %+v", len(ch.Bars), ch.Meta)
	}
	if b := ch.Bars[0]; !b.Time.Equal(et(9, 30)) || b.Interval != "1m" || b.Symbol != "NVDA" || b.Open != 124 {
		t.Errorf("bar 0 = %+v", b)
	}
	// nulls are dropped, never filled
	fx.fake.SetChartNulls(true)
	ch, err = fx.c.Chart(fx.ctx, ChartParams{Symbol: "NVDA", Start: et(4, 0), End: et(10, 30), IncludeExt: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(ch.Bars) != 40 || ch.Dropped != 20 {
		t.Fatalf("with nulls: %d bars, %d dropped", len(ch.Bars), ch.Dropped)
	}
	for _, b := range ch.Bars {
		if b.Open <= 0 || b.Close <= 0 {
			t.Fatalf("zero bar kept: %+v", b)
		}
	}
	fx.fake.SetChartNulls(false)
	// empty chart: no bars, no error
	fx.fake.SetEmptyCharts(true)
	ch, err = fx.c.Chart(fx.ctx, ChartParams{Symbol: "NVDA", Start: et(4, 0), End: et(10, 30)})
	if err != nil || len(ch.Bars) != 0 {
		t.Fatalf("empty chart: %v, %d bars", err, len(ch.Bars))
	}
	fx.fake.SetEmptyCharts(false)
	// unknown symbol: 404 with Yahoo's words
	_, err = fx.c.Chart(fx.ctx, ChartParams{Symbol: "NOPE", Start: et(4, 0), End: et(10, 30)})
	if !IsKind(err, KindNotFound) || !strings.Contains(err.Error(), "delisted") {
		t.Fatalf("unknown: %v", err)
	}
}

func TestBadCrumbs(t *testing.T) {
	for _, s := range []string{"", "Too Many Requests", "<html><body>x</body></html>", `{"finance":{}}`, strings.Repeat("a", 80), "Edge: Too Many Requests"} {
		if badCrumb(s) == "" {
			t.Errorf("%q accepted as a crumb", s)
		}
	}
	for _, s := range []string{fakeyahoo.DefaultCrumb, "ptm/idCTN/J", "aB3xQ9zK.1p"} {
		if r := badCrumb(s); r != "" {
			t.Errorf("%q rejected: %s", s, r)
		}
	}
}

func TestCrumbRateLimited(t *testing.T) {
	fx := newFixture(t, Options{})
	fx.fake.RateLimit(1) // the getcrumb answer is a 429 text
	_, err := fx.c.Quotes(fx.ctx, []string{"NVDA"})
	if !IsKind(err, KindRateLimited) {
		t.Fatalf("err = %v", err)
	}
	if fx.b.SessionCrumb() != "" {
		t.Fatalf("stored %q as the crumb", fx.b.SessionCrumb())
	}
	fx.clock.Advance(time.Minute)
	mustQuotes(t, fx, "NVDA")
}

func TestFinanceLoggerQuiet(t *testing.T) {
	NewBackend(Options{Clock: &instantClock{}})
	lg, ok := finance.Logger.(*log.Logger)
	if !ok || lg.Writer() != io.Discard {
		t.Fatalf("finance-go logs to %T", finance.Logger)
	}
}

// A refused connection reads as words, not as Go's dial chain.
func TestNetworkErrorsInWords(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	b := NewBackend(Options{BaseURL: "http://" + addr, Clock: &instantClock{now: t0}, Retries: -1})
	_, err = NewClient(b).Quotes(context.Background(), []string{"NVDA"})
	if err == nil {
		t.Fatal("no error from a closed port")
	}
	if got := err.Error(); !strings.Contains(got, "cannot reach Yahoo: connection refused") || strings.Contains(got, "dial tcp") {
		t.Fatalf("error %q, want it to say the connection was refused, in words", got)
	}
	if !IsKind(err, KindNetwork) {
		t.Fatalf("kind of %v is not network", err)
	}
}

// countEventually is the fake's count of requests to path, waiting up to 2 s
// for it to reach want (requests in flight when a client times out are
// logged by the fake's handler goroutine, not before the client returns).
func countEventually(f *fakeyahoo.Server, path string, want int) int {
	n := f.Count(path)
	for deadline := time.Now().Add(2 * time.Second); n < want && time.Now().Before(deadline); n = f.Count(path) {
		time.Sleep(5 * time.Millisecond)
	}
	return n
}
