// Package yahoo is the live Yahoo Finance source: a finance.Backend for
// github.com/piquette/finance-go v1.1.0 that does today's handshake (cookie,
// EU consent, crumb), a Client for batched quotes and 1-minute charts, the
// Live feeds.Source that polls and records, Fetch for a past session's bars
// and Doctor for a step-by-step connection check.
//
// Nothing here reads the wall clock or writes to stderr: the clock, the
// random source for jitter and the HTTP transport are injected.
package yahoo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	finance "github.com/piquette/finance-go"
	"github.com/piquette/finance-go/form"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/snapshots"
)

// Defaults. The User-Agent is a current desktop Chrome: Yahoo answers 429 to
// Go's default UA and to old browser versions. Keep it configurable.
const (
	DefaultUserAgent   = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36"
	DefaultCookieURL   = "https://fc.yahoo.com/"
	DefaultPageURL     = "https://finance.yahoo.com/"
	DefaultAPIURL      = "https://query1.finance.yahoo.com"
	DefaultTimeout     = 10 * time.Second
	DefaultRetries     = 2
	DefaultRetryBase   = time.Second
	DefaultBackoffBase = 30 * time.Second
	DefaultBackoffMax  = 10 * time.Minute
	maxBody            = 32 << 20
)

// Options configures a Backend. The zero value talks to the real Yahoo hosts
// with the defaults above and the wall clock.
type Options struct {
	// BaseURL, when set, serves cookie ("/"), crumb and data for tests,
	// proxies and mirrors (SELLOFF_YAHOO_URL / --yahoo-url). No trailing
	// slash needed. CookieURL, CrumbURL and APIURL, when set, override it
	// one host at a time.
	BaseURL string
	// CookieURL is the first page asked for the session cookie (default
	// fc.yahoo.com); PageURL is the second (default finance.yahoo.com),
	// also tried once when getcrumb refuses the first one's cookie.
	CookieURL string
	PageURL   string
	// CrumbURL is the full getcrumb URL (default on query1).
	CrumbURL string
	// APIURL is the base of the quote and chart endpoints (default query1).
	APIURL    string
	UserAgent string
	// CacheFile, when set, keeps the session cookie and crumb on disk
	// (0600) so a start does not ask getcrumb again; CacheTTL is how long
	// a cached session is trusted (0: DefaultCacheTTL). Empty: no cache.
	CacheFile string
	CacheTTL  time.Duration
	// Timeout bounds each HTTP request (not the whole call with retries).
	Timeout time.Duration
	// Transport is the HTTP round tripper (nil: http.DefaultTransport).
	Transport http.RoundTripper
	// Clock gives the time for rate-limit windows and retry waits (nil: the
	// wall clock).
	Clock feeds.Clock
	// Rand returns a number in [0,1) for jitter (nil: math/rand/v2).
	Rand func() float64
	// Retries is how many times a 5xx, timeout or network error is retried
	// within one call (0: DefaultRetries; negative: none).
	Retries int
	// RetryBase is the first wait before such a retry; it doubles per retry
	// (0: DefaultRetryBase; negative: no wait).
	RetryBase time.Duration
	// BackoffBase and BackoffMax shape the 429 back-off: base x 2^(n-1) with
	// ±25% jitter after the n-th 429 in a row, capped at max.
	BackoffBase time.Duration
	BackoffMax  time.Duration
	// Logf receives diagnostics (nil: dropped). Never stderr by default.
	Logf func(format string, args ...any)
}

// Kind classifies an Error.
type Kind string

const (
	KindRateLimited  Kind = "rate-limited" // 429: wait until RetryAt
	KindUnauthorized Kind = "unauthorized" // 401 after one refresh
	KindNoCookie     Kind = "no-cookie"    // the cookie host set no A1/A3
	KindBadCrumb     Kind = "bad-crumb"    // getcrumb gave something that is not a crumb
	KindServer       Kind = "server"       // 5xx after the retries
	KindTimeout      Kind = "timeout"      // the per-request timeout, after the retries
	KindNetwork      Kind = "network"      // connection errors, after the retries
	KindCanceled     Kind = "canceled"     // the caller's context ended
	KindMalformed    Kind = "malformed"    // a 200 whose body is not what it should be
	KindNotFound     Kind = "not-found"    // 404 (unknown chart symbol)
	KindRemote       Kind = "remote"       // an error object from Yahoo, or another status
)

// Error is what the backend returns. finance-go turns errors into strings,
// so the Client also recovers this value through a side channel.
type Error struct {
	Kind    Kind
	Status  int       // HTTP status (0: none)
	Path    string    // endpoint path
	Detail  string    // Yahoo's description or our reason, in words
	RetryAt time.Time // KindRateLimited: do not ask again before this
	Err     error     // underlying error, if any
}

func (e *Error) Error() string {
	var b strings.Builder
	switch e.Kind {
	case KindRateLimited:
		b.WriteString("rate limited by Yahoo (429")
		if e.Path != "" {
			b.WriteString(" on " + callName(e.Path))
		}
		b.WriteString(")")
		if !e.RetryAt.IsZero() {
			fmt.Fprintf(&b, "; next try at %s", e.RetryAt.In(snapshots.Location()).Format("15:04:05")+" ET")
		}
		return b.String()
	case KindUnauthorized:
		b.WriteString("Yahoo refused the session after a refresh (401)")
	case KindNoCookie:
		b.WriteString("no session cookie from Yahoo")
	case KindBadCrumb:
		b.WriteString("Yahoo gave no usable crumb")
	case KindServer:
		fmt.Fprintf(&b, "Yahoo server error (%d)", e.Status)
	case KindTimeout:
		b.WriteString("Yahoo did not answer in time")
	case KindNetwork:
		b.WriteString("cannot reach Yahoo")
	case KindCanceled:
		b.WriteString("request canceled")
	case KindMalformed:
		b.WriteString("malformed answer from Yahoo")
	case KindNotFound:
		b.WriteString("not found on Yahoo (404)")
	default:
		b.WriteString("Yahoo error")
		if e.Status != 0 {
			fmt.Fprintf(&b, " (%d)", e.Status)
		}
	}
	if e.Detail != "" {
		b.WriteString(": ")
		b.WriteString(e.Detail)
	} else if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	s, _ := snapshots.CleanText(b.String()) // shown on screen: nothing in it may drive the terminal
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// IsKind reports whether err is an *Error of kind k.
func IsKind(err error, k Kind) bool {
	var e *Error
	return errors.As(err, &e) && e.Kind == k
}

// Status is the backend's side channel: what happened last.
type Status struct {
	Code      int       // last HTTP status from a data call (0: none yet)
	Err       error     // last call's error (nil after a success)
	At        time.Time // when the last call ended
	RetryAt   time.Time // rate-limited until (zero: not limited)
	Reauth    bool      // a cookie/crumb refresh is running
	Reauths   int       // refreshes done (the first handshake included)
	Requests  int       // HTTP requests sent
	Limited   int       // 429s in a row
	HaveCrumb bool
	// SessionRetryAt is when the cookie/crumb handshake may be tried again
	// after a 429 from it (zero: not limited). Quotes need the crumb and
	// fail fast until then; charts go on without one.
	SessionRetryAt time.Time
	SessionErr     error // why the last handshake failed (nil: it did not)
	FromCache      bool  // the crumb came from the disk cache
}

// Backend implements finance.Backend with the Yahoo session handshake. It is
// safe for concurrent use; one handshake runs at a time (single flight).
type Backend struct {
	opt        Options
	hc         *http.Client
	jar        *resetJar
	cookieURLs []string
	crumbURL   string
	apiURL     string
	clock      feeds.Clock
	rand       func() float64
	sessLimit  int // 429s in a row from the cookie host or getcrumb
	fromCache  bool

	sessMu sync.Mutex // held during a handshake
	mu     sync.Mutex // guards the fields below
	crumb  string
	gen    int
	st     Status
	notify func(Status)
}

var quietLogger sync.Once

// NewBackend returns a backend. It never calls finance.SetBackend; pass it
// to quote.Client{B: b}, equity.Client{B: b} or chart.Client{B: b}.
func NewBackend(opt Options) *Backend {
	quietLogger.Do(func() {
		// finance-go logs to stderr by default, which would tear a TUI.
		finance.Logger = log.New(io.Discard, "", 0)
	})
	if opt.UserAgent == "" {
		opt.UserAgent = DefaultUserAgent
	}
	if opt.Timeout <= 0 {
		opt.Timeout = DefaultTimeout
	}
	if opt.Retries == 0 {
		opt.Retries = DefaultRetries
	}
	if opt.Retries < 0 {
		opt.Retries = 0
	}
	if opt.RetryBase == 0 {
		opt.RetryBase = DefaultRetryBase
	}
	if opt.BackoffBase <= 0 {
		opt.BackoffBase = DefaultBackoffBase
	}
	if opt.BackoffMax <= 0 {
		opt.BackoffMax = DefaultBackoffMax
	}
	b := &Backend{opt: opt, clock: opt.Clock, rand: opt.Rand}
	if b.clock == nil {
		b.clock = feeds.RealClock{}
	}
	if b.rand == nil {
		b.rand = rand.Float64
	}
	b.jar = newResetJar()
	tr := opt.Transport
	if tr == nil {
		tr = http.DefaultTransport
	}
	b.hc = &http.Client{Transport: tr, Jar: b.jar, CheckRedirect: b.checkRedirect}
	cookie, page, api := DefaultCookieURL, DefaultPageURL, DefaultAPIURL
	if base := strings.TrimRight(opt.BaseURL, "/"); base != "" {
		cookie, page, api = base+"/", base+"/", base
	}
	if opt.CookieURL != "" {
		cookie = opt.CookieURL
	}
	if opt.PageURL != "" {
		page = opt.PageURL
	}
	if opt.APIURL != "" {
		api = strings.TrimRight(opt.APIURL, "/")
	}
	b.cookieURLs = []string{cookie}
	if page != cookie {
		b.cookieURLs = append(b.cookieURLs, page)
	}
	b.apiURL = api
	b.crumbURL = api + "/v1/test/getcrumb"
	if opt.CrumbURL != "" {
		b.crumbURL = opt.CrumbURL
	} else if opt.BaseURL != "" && opt.APIURL == "" {
		b.crumbURL = strings.TrimRight(opt.BaseURL, "/") + "/v1/test/getcrumb"
	}
	b.loadCache()
	return b
}

// URLs is what the backend talks to, for doctor and logs.
type URLs struct {
	Cookie    []string // tried in order for the session cookie
	Crumb     string
	API       string
	UserAgent string
	CacheFile string // "" when there is no cache
}

// URLs returns the hosts and User-Agent in use.
func (b *Backend) URLs() URLs {
	return URLs{Cookie: slices.Clone(b.cookieURLs), Crumb: b.crumbURL, API: b.apiURL, UserAgent: b.opt.UserAgent, CacheFile: b.opt.CacheFile}
}

var errRedirectLoop = errors.New("redirect loop without a session cookie")

// checkRedirect stops following redirects once the jar holds Yahoo's
// session cookie: the 2026 EU consent host answers with 302s that carry
// A1/A3 and lead back to themselves, without a form. Without a cookie it
// follows at most 10, then says so.
func (b *Backend) checkRedirect(req *http.Request, via []*http.Request) error {
	if b.hasCookie() {
		return http.ErrUseLastResponse
	}
	if len(via) >= 10 {
		return errRedirectLoop
	}
	return nil
}

// APIURL is the base URL data calls go to.
func (b *Backend) APIURL() string { return b.apiURL }

// Status returns the side channel.
func (b *Backend) Status() Status {
	b.mu.Lock()
	defer b.mu.Unlock()
	st := b.st
	st.HaveCrumb = b.crumb != ""
	st.FromCache = b.fromCache
	return st
}

// SetNotify registers f to be called (without locks held) whenever the
// status changes in a way a UI shows: a refresh starting or ending, a 429.
func (b *Backend) SetNotify(f func(Status)) {
	b.mu.Lock()
	b.notify = f
	b.mu.Unlock()
}

func (b *Backend) fire() {
	b.mu.Lock()
	f := b.notify
	st := b.st
	st.HaveCrumb = b.crumb != ""
	b.mu.Unlock()
	if f != nil {
		f(st)
	}
}

func (b *Backend) logf(format string, args ...any) {
	if b.opt.Logf != nil {
		b.opt.Logf(format, args...)
	}
}

// Invalidate drops the crumb (and the cached one) so the next call does a
// fresh handshake.
func (b *Backend) Invalidate() {
	b.mu.Lock()
	b.crumb = ""
	b.gen++
	b.mu.Unlock()
	b.dropCache()
}

// slot is the per-call side channel carried in the context, so a Client
// gets the typed error back even though finance-go stringifies it.
type slot struct {
	err  error
	code int
	bad  []string // quote fields left out ("NVDA marketCap")
	body []byte   // a chart's 200 body, for the meta finance-go does not decode
}

type slotKey struct{}

func withSlot(ctx context.Context) (context.Context, *slot) {
	s := &slot{}
	return context.WithValue(ctx, slotKey{}, s), s
}

// Call implements finance.Backend.
func (b *Backend) Call(path string, body *form.Values, pctx *context.Context, v interface{}) error {
	ctx := context.Background()
	if pctx != nil && *pctx != nil {
		ctx = *pctx
	}
	q := ""
	if body != nil && !body.Empty() {
		q = body.Encode()
	}
	code, err := b.call(ctx, path, q, v)
	if s, ok := ctx.Value(slotKey{}).(*slot); ok {
		s.err, s.code = err, code
	}
	b.mu.Lock()
	if code != 0 {
		b.st.Code = code
	}
	b.st.Err = err
	b.st.At = b.clock.Now()
	b.mu.Unlock()
	return err
}

// rewrite maps finance-go's paths to live ones: v1.1.0 asks for the
// /v6/finance/quote path Yahoo retired in May 2023.
func rewrite(path string) string {
	path = strings.TrimPrefix(path, "/")
	if rest, ok := strings.CutPrefix(path, "v6/finance/quote"); ok {
		path = "v7/finance/quote" + rest
	}
	return path
}

func (b *Backend) call(ctx context.Context, path, query string, v any) (int, error) {
	path = rewrite(path)
	if err := b.limited(path); err != nil {
		return 0, err
	}
	var crumb string
	var gen int
	var err error
	if strings.HasPrefix(path, "v8/finance/chart") {
		// The v8 chart needs no crumb: send one when there is one, never
		// wait for a handshake (a refused getcrumb must not stop charts).
		b.mu.Lock()
		crumb, gen = b.crumb, b.gen
		b.mu.Unlock()
	} else if crumb, gen, err = b.session(ctx, -1); err != nil {
		return 0, err
	}
	refreshed := false
	attempt := 0
	for {
		u := b.apiURL + "/" + path + "?" + query
		if crumb != "" {
			if query != "" {
				u += "&"
			}
			u += "crumb=" + url.QueryEscape(crumb)
		}
		body, code, _, err := b.do(ctx, http.MethodGet, u, "*/*", nil)
		if err != nil {
			if ctx.Err() != nil {
				return 0, &Error{Kind: KindCanceled, Path: path, Err: ctx.Err()}
			}
			if attempt < b.opt.Retries {
				attempt++
				if werr := b.wait(ctx, attempt); werr != nil {
					return 0, werr
				}
				continue
			}
			return 0, classifyNetErr(path, err)
		}
		switch {
		case code >= 200 && code < 300:
			b.ok()
			if s, ok := ctx.Value(slotKey{}).(*slot); ok && strings.HasPrefix(path, "v8/") {
				s.body = body
			}
			bad, err := decodeBad(path, body, v)
			if err != nil {
				return code, err
			}
			if len(bad) > 0 {
				if s, ok := ctx.Value(slotKey{}).(*slot); ok {
					s.bad = bad
				}
				b.logf("yahoo: left out fields Yahoo sent in an unexpected shape: %s", strings.Join(bad, ", "))
			}
			return code, nil
		case code == http.StatusUnauthorized || code == http.StatusForbidden:
			if refreshed {
				return code, &Error{Kind: KindUnauthorized, Status: code, Path: path, Detail: describe(body)}
			}
			refreshed = true
			b.logf("yahoo: %d on %s (%s); refreshing cookie and crumb", code, path, describe(body))
			b.dropCache() // a cached session Yahoo refuses is no good on the next start either
			crumb, gen, err = b.session(ctx, gen)
			if err != nil {
				return code, err
			}
			continue
		case code == http.StatusTooManyRequests:
			return code, b.rateLimited(path)
		case code >= 500:
			if attempt < b.opt.Retries {
				attempt++
				if werr := b.wait(ctx, attempt); werr != nil {
					return code, werr
				}
				continue
			}
			return code, &Error{Kind: KindServer, Status: code, Path: path, Detail: describe(body)}
		case code == http.StatusNotFound:
			return code, &Error{Kind: KindNotFound, Status: code, Path: path, Detail: describe(body)}
		default:
			return code, &Error{Kind: KindRemote, Status: code, Path: path, Detail: describe(body)}
		}
	}
}

func classifyNetErr(path string, err error) error {
	// A timeout says which call, in words, not Go's `Get "…": context
	// deadline exceeded` chain (still there through Unwrap).
	if errors.Is(err, context.DeadlineExceeded) {
		return &Error{Kind: KindTimeout, Path: path, Detail: "no answer to " + callName(path), Err: err}
	}
	var ue *url.Error
	if errors.As(err, &ue) && ue.Timeout() {
		return &Error{Kind: KindTimeout, Path: path, Detail: "no answer to " + callName(path), Err: err}
	}
	return &Error{Kind: KindNetwork, Path: path, Detail: netDetail(err), Err: err}
}

// callName names a Yahoo call for a message: "the crumb request",
// "the quote request" ...
func callName(path string) string {
	switch {
	case strings.Contains(path, "getcrumb"):
		return "the crumb request"
	case strings.Contains(path, "/quote"):
		return "the quote request"
	case strings.Contains(path, "/chart"):
		return "the chart request"
	case strings.Contains(path, "consent"):
		return "the consent page"
	}
	return "the cookie request"
}

// netDetail says in words why a connection failed, instead of Go's
// `Get "https://…": dial tcp: lookup …` chain.
func netDetail(err error) string {
	var dns *net.DNSError
	var op *net.OpError
	switch {
	case errors.As(err, &dns):
		if dns.IsNotFound {
			return "cannot resolve " + dns.Name + " (no network or no DNS?)"
		}
		return "DNS lookup of " + dns.Name + " failed: " + dns.Err
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	case errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EHOSTUNREACH):
		return "network unreachable"
	case errors.As(err, &op) && op.Err != nil:
		return op.Op + ": " + op.Err.Error()
	}
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		return ue.Err.Error()
	}
	return err.Error()
}

// wait sleeps before retry n (1-based) on the injected clock.
func (b *Backend) wait(ctx context.Context, n int) error {
	if b.opt.RetryBase < 0 {
		return nil
	}
	d := b.opt.RetryBase << (n - 1)
	d = time.Duration(float64(d) * (0.75 + 0.5*b.rand()))
	select {
	case <-b.clock.After(d):
		return nil
	case <-ctx.Done():
		return &Error{Kind: KindCanceled, Err: ctx.Err()}
	}
}

// limited fails fast while a 429 back-off is running: no request is sent.
func (b *Backend) limited(path string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.st.RetryAt.IsZero() && b.clock.Now().Before(b.st.RetryAt) {
		return &Error{Kind: KindRateLimited, Status: http.StatusTooManyRequests, Path: path, RetryAt: b.st.RetryAt}
	}
	return nil
}

// rateLimited records a 429 and returns the error with the next try time.
func (b *Backend) rateLimited(path string) error {
	b.mu.Lock()
	b.st.Limited++
	d := b.backoffLocked(b.st.Limited)
	b.st.RetryAt = b.clock.Now().Add(d)
	at := b.st.RetryAt
	b.mu.Unlock()
	b.logf("yahoo: 429 on %s; backing off %s", path, d.Round(time.Second))
	b.fire()
	return &Error{Kind: KindRateLimited, Status: http.StatusTooManyRequests, Path: path, RetryAt: at}
}

func (b *Backend) ok() {
	b.mu.Lock()
	b.st.Limited = 0
	b.st.RetryAt = time.Time{}
	b.mu.Unlock()
}

// do sends one request with the per-request timeout and returns the body.
func (b *Backend) do(ctx context.Context, method, u, accept string, form url.Values) ([]byte, int, *url.URL, error) {
	rctx, cancel := context.WithTimeout(ctx, b.opt.Timeout)
	defer cancel()
	var rd io.Reader
	if form != nil {
		rd = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(rctx, method, u, rd)
	if err != nil {
		return nil, 0, nil, err
	}
	req.Header.Set("User-Agent", b.opt.UserAgent)
	req.Header.Set("Accept", accept)
	req.Header.Set("Accept-Language", "en-US,en;q=0.9")
	// Never set Accept-Encoding: Go then stops decoding gzip for us.
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	b.mu.Lock()
	b.st.Requests++
	b.mu.Unlock()
	res, err := b.hc.Do(req)
	if err != nil {
		return nil, 0, nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, maxBody))
	if err != nil {
		return nil, res.StatusCode, nil, err
	}
	return body, res.StatusCode, res.Request.URL, nil
}

// describe turns an error body into words: Yahoo's description from a
// finance/chart/quoteResponse envelope, or the first line of plain text,
// at most 120 characters and with nothing a terminal would take as a
// command (the words reach the status bar of every viewer).
func describe(body []byte) string {
	s, _ := snapshots.CleanText(describeRaw(body))
	if r := []rune(s); len(r) > 120 {
		s = string(r[:120]) + "…"
	}
	return s
}

func describeRaw(body []byte) string {
	var env map[string]struct {
		Error *finance.YfinError `json:"error"`
	}
	if json.Unmarshal(body, &env) == nil {
		for _, x := range env {
			if x.Error != nil {
				if x.Error.Description != "" {
					return x.Error.Description
				}
				return x.Error.Code
			}
		}
	}
	s := strings.TrimSpace(string(body))
	if strings.HasPrefix(s, "<") {
		return "an HTML page"
	}
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	return s
}
