package yahoo

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/yahoo/fakeyahoo"
	"github.com/selloff/selloff/snapshots"
)

// Both EU consent flows end with a session: the older form (posted back)
// and the 2026 302 loop that carries A1/A3 and no form (the redirects stop
// once the jar holds the cookie, instead of erroring after ten).
func TestConsentFlows(t *testing.T) {
	for _, tc := range []struct {
		name string
		set  func(*fakeyahoo.Server)
		post bool
	}{
		{"form", func(f *fakeyahoo.Server) { f.SetConsent(true) }, true},
		{"302-loop", func(f *fakeyahoo.Server) { f.SetConsentLoop(true) }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fx := newFixture(t, Options{})
			tc.set(fx.fake)
			mustQuotes(t, fx, "NVDA")
			posted, loops := false, 0
			for _, r := range fx.fake.Requests() {
				if r.Method == "POST" {
					posted = true
				}
				if r.Path == fakeyahoo.PathConsentLoop {
					loops++
				}
			}
			if posted != tc.post {
				t.Errorf("consent form posted = %v, want %v: %+v", posted, tc.post, fx.fake.Requests())
			}
			if tc.name == "302-loop" && loops != 1 {
				t.Errorf("%d requests to the consent loop, want 1 (stop once A1/A3 are in the jar)", loops)
			}
		})
	}
}

// getcrumb refusing the cookie host's cookie: one more try with the page's.
func TestCrumbRefusesHostCookieTriesPage(t *testing.T) {
	fx := newFixture(t, Options{})
	fx.b = NewBackend(Options{CookieURL: fx.fake.URL + "/", PageURL: fx.fake.URL + fakeyahoo.PathPage, APIURL: fx.fake.URL, Clock: fx.clock, Rand: half, RetryBase: -1})
	fx.c = NewClient(fx.b)
	fx.fake.SetRefuseHostCookie(true)
	mustQuotes(t, fx, "NVDA")
	if n, p := fx.fake.Count(fakeyahoo.PathCrumb), fx.fake.Count(fakeyahoo.PathPage); n != 2 || p != 1 {
		t.Fatalf("getcrumb %d, page %d requests; want 2 and 1: %+v", n, p, fx.fake.Requests())
	}
}

func TestURLsApart(t *testing.T) {
	b := NewBackend(Options{BaseURL: "http://base", CookieURL: "http://c/", CrumbURL: "http://k/crumb", APIURL: "http://api/", UserAgent: "ua/1"})
	u := b.URLs()
	if u.Cookie[0] != "http://c/" || u.Crumb != "http://k/crumb" || u.API != "http://api" || u.UserAgent != "ua/1" {
		t.Fatalf("%+v", u)
	}
	u = NewBackend(Options{BaseURL: "http://base/"}).URLs()
	if len(u.Cookie) != 1 || u.Cookie[0] != "http://base/" || u.Crumb != "http://base/v1/test/getcrumb" || u.API != "http://base" || u.UserAgent != DefaultUserAgent {
		t.Fatalf("base: %+v", u)
	}
	u = NewBackend(Options{}).URLs()
	if len(u.Cookie) != 2 || u.API != DefaultAPIURL {
		t.Fatalf("default: %+v", u)
	}
}

// The cookie and crumb are cached on disk (0600): a second start does not
// ask getcrumb; an expired cache is not used; a 401 on a cached crumb
// drops it and the fresh one is cached.
func TestSessionCache(t *testing.T) {
	fx := newFixture(t, Options{})
	path := filepath.Join(t.TempDir(), "sub", "yahoo-session.json")
	opt := func() Options {
		return Options{BaseURL: fx.fake.URL, Clock: fx.clock, Rand: half, RetryBase: -1, CacheFile: path, CacheTTL: time.Hour}
	}
	c1 := NewClient(NewBackend(opt()))
	if _, err := c1.Quotes(fx.ctx, []string{"NVDA"}); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("cache mode %v, want 0600", fi.Mode().Perm())
	}
	fx.fake.ResetLog()
	b2 := NewBackend(opt())
	if !b2.Status().FromCache {
		t.Fatal("second start did not use the cache")
	}
	if _, err := NewClient(b2).Quotes(fx.ctx, []string{"NVDA"}); err != nil {
		t.Fatal(err)
	}
	if n := fx.fake.Count(fakeyahoo.PathCrumb) + fx.fake.Count("/consent"); n != 0 || fx.fake.Count(fakeyahoo.PathQuote) != 1 {
		t.Fatalf("second start asked for a session: %+v", fx.fake.Requests())
	}
	// Expired: a fresh handshake.
	fx.clock.Advance(2 * time.Hour)
	fx.fake.ResetLog()
	b3 := NewBackend(opt())
	if b3.Status().FromCache {
		t.Fatal("an expired cache was used")
	}
	if _, err := NewClient(b3).Quotes(fx.ctx, []string{"NVDA"}); err != nil {
		t.Fatal(err)
	}
	if n := fx.fake.Count(fakeyahoo.PathCrumb); n != 1 {
		t.Fatalf("getcrumb %d times after expiry, want 1", n)
	}
	// A 401 on a cached crumb: the cache is replaced by the new session.
	b4 := NewBackend(opt())
	if !b4.Status().FromCache {
		t.Fatal("fresh cache not used")
	}
	newCrumb := fx.fake.RotateCrumb()
	if _, err := NewClient(b4).Quotes(fx.ctx, []string{"NVDA"}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var c sessionCache
	if err := json.Unmarshal(data, &c); err != nil || c.Crumb != newCrumb {
		t.Fatalf("cache after a 401 holds %q (%v), want %q", c.Crumb, err, newCrumb)
	}
}

// getcrumb refused with 429: live still shows every symbol's price from
// the chart's meta (and its backfill), says quotes are limited, and asks
// getcrumb again only when its back-off ends, never in a loop.
func TestLiveCrumbRefusedShowsChartPrices(t *testing.T) {
	fx := newFixture(t, Options{})
	fx.fake.RateLimitCrumb(-1)
	syms := watch("NVDA", "AVGO", "^GSPC")
	l := newLive(t, fx, LiveOptions{Symbols: syms})
	l.Poll(fx.ctx)
	u, _ := l.hub.Latest()
	for _, s := range syms {
		if q := quoteOf(t, u.Frame, s.Symbol); !q.HasPrice {
			t.Errorf("%s has no price with getcrumb refused: %+v", s.Symbol, q)
		}
	}
	if q := quoteOf(t, u.Frame, "NVDA"); q.Price != 118.42 || q.PrevClose != 142.62 {
		t.Errorf("NVDA from the chart = %+v", q)
	}
	if u.Health.State != feeds.HealthDegraded || !strings.Contains(u.Health.Detail, "quotes limited") || !strings.Contains(u.Health.LastErr, "rate limited") {
		t.Fatalf("health %+v", u.Health)
	}
	if n := l.Stats().Appended; n < 60 {
		t.Errorf("%d records appended: no backfill from the chart", n)
	}
	first := fx.fake.Count(fakeyahoo.PathChart)
	if first != len(syms) {
		t.Errorf("%d chart requests on the first poll, want %d (the backfill reuses them)", first, len(syms))
	}
	// Ten minutes of polls: getcrumb only on its back-off (30 s, 60 s,
	// 120 s, 240 s: at most 5 in all), one chart per symbol per poll.
	polls := 0
	for fx.clock.Now().Before(t0.Add(10 * time.Minute)) {
		w := l.Poll(fx.ctx)
		if w < LimitedInterval {
			t.Fatalf("wait %s while limited", w)
		}
		fx.clock.Advance(w)
		polls++
	}
	if n := fx.fake.Count(fakeyahoo.PathCrumb); n > 5 {
		t.Errorf("%d getcrumb requests in 10 minutes: a loop", n)
	}
	if n := fx.fake.Count(fakeyahoo.PathChart); n > first+polls*len(syms) {
		t.Errorf("%d chart requests for %d polls", n, polls)
	}
	if n := fx.fake.Count(fakeyahoo.PathQuote); n != 0 {
		t.Errorf("%d quote requests without a crumb", n)
	}
	// Yahoo gives a crumb again: quotes come back.
	fx.fake.RateLimitCrumb(0)
	fx.clock.Advance(DefaultBackoffMax)
	l.Poll(fx.ctx)
	if h := l.Health(); h.State != feeds.HealthOK {
		t.Fatalf("after the crumb came back: %+v", h)
	}
}

// A marketCap that is not an integer (Yahoo has sent one) used to reject
// the whole batch; now it is a missing value for that symbol, counted in
// the feed health, and every price of the poll is kept.
func TestBadFieldKeepsBatch(t *testing.T) {
	fx := newFixture(t, Options{})
	fx.fake.SetFloatMarketCap(true)
	l := newLive(t, fx, LiveOptions{Symbols: watch("NVDA", "AVGO", "^GSPC"), NoBackfill: true})
	l.Poll(fx.ctx)
	u, _ := l.hub.Latest()
	for _, s := range []string{"NVDA", "AVGO", "^GSPC"} {
		if q := quoteOf(t, u.Frame, s); !q.HasPrice {
			t.Errorf("%s lost its price to a bad marketCap: %+v", s, q)
		}
	}
	if u.Health.State != feeds.HealthDegraded || !strings.Contains(u.Health.Detail, "NVDA marketCap") || !strings.Contains(u.Health.Detail, "2 bad fields") {
		t.Fatalf("health %+v", u.Health)
	}
	if n := l.Stats().BadFields; n != 2 {
		t.Errorf("BadFields = %d", n)
	}
}

// Every feed error and state change reaches Logf (the --log-file), one
// line each, through a run of failing polls.
func TestLiveLogsErrorsAndStates(t *testing.T) {
	fx := newFixture(t, Options{})
	var lines []string
	l := newLive(t, fx, LiveOptions{Symbols: watch("NVDA"), NoBackfill: true, Logf: func(f string, a ...any) {
		lines = append(lines, fmt.Sprintf(f, a...))
	}})
	fx.fake.ServerError(-1, 503)
	for range 4 {
		l.Poll(fx.ctx)
		fx.clock.Advance(time.Minute)
	}
	fx.fake.ServerError(0, 0)
	l.Poll(fx.ctx)
	text := strings.Join(lines, "\n")
	if n := strings.Count(text, "error: Yahoo server error (503)"); n != 4 {
		t.Errorf("%d error lines for 4 failed polls:\n%s", n, text)
	}
	for _, want := range []string{"state retrying (was reauth)", "state offline (was retrying)", "state ok (was offline)"} {
		if !strings.Contains(text, want) {
			t.Errorf("log lacks %q:\n%s", want, text)
		}
	}
}

// getcrumb refused: fetch still gets the bars (the v8 chart needs no
// crumb), only the share counts are missing, said in a warning; doctor's
// chart step passes without a crumb.
func TestFetchAndDoctorChartWithoutCrumb(t *testing.T) {
	fx := newFixture(t, Options{})
	fx.fake.RateLimitCrumb(-1)
	fx.clock.Advance(8 * time.Hour) // after the close
	res, err := fx.c.Fetch(fx.ctx, FetchOptions{Date: "2025-01-27", Symbols: watch("NVDA"), Clock: fx.clock})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Snapshot.Bars) != 60 || !strings.Contains(strings.Join(res.Warnings, "\n"), "share counts: rate limited") {
		t.Fatalf("%d bars, warnings %v", len(res.Snapshot.Bars), res.Warnings)
	}
	for _, r := range fx.fake.Requests() {
		if strings.HasPrefix(r.Path, fakeyahoo.PathChart) && r.Query.Has("crumb") {
			t.Fatalf("chart sent a crumb it does not have: %+v", r)
		}
	}
	steps := Doctor(fx.ctx, Options{BaseURL: fx.fake.URL, Clock: fx.clock}, "NVDA")
	if steps[1].OK || !steps[3].OK || !strings.Contains(steps[3].Detail, "without a crumb") {
		t.Fatalf("steps %+v", steps)
	}
}

type memRec struct{ n int }

func (r *memRec) Write(snapshots.Record) error { r.n++; return nil }

// A recording says RECORDING from the first frame, and its header is
// written when the first poll ends, even a refused one.
func TestRecordingBadgeAndHeaderAtOnce(t *testing.T) {
	fx := newFixture(t, Options{})
	fx.fake.RateLimit(-1)
	var headers []snapshots.Header
	rec := &memRec{}
	l := newLive(t, fx, LiveOptions{Symbols: watch("NVDA"), Record: func(h snapshots.Header) (Recorder, error) {
		headers = append(headers, h)
		return rec, nil
	}})
	if u, _ := l.hub.Latest(); u.Mode != feeds.ModeRecording {
		t.Fatalf("first frame says %s", u.Mode)
	}
	l.Poll(fx.ctx)
	if len(headers) != 1 || len(headers[0].Sessions) != 0 {
		t.Fatalf("headers after a refused first poll: %+v", headers)
	}
	fx.fake.RateLimit(0)
	fx.clock.Advance(time.Hour)
	l.Poll(fx.ctx)
	if len(headers) != 1 || rec.n == 0 {
		t.Fatalf("%d headers, %d records after a good poll", len(headers), rec.n)
	}
}
