// Package fakeyahoo is a local stand-in for Yahoo Finance, for tests: one
// HTTP handler that plays the cookie host, the crumb endpoint, the v7 quote
// endpoint (and the dead v6 one) and the v8 chart endpoint, with switches for
// the failures a live client meets (crumb rotation, 401, 429, 5xx, latency,
// malformed JSON, partial results, chart nulls, empty charts, the EU consent
// flows: the older form and the 2026 302 loop, a getcrumb that refuses the
// cookie host's cookie) and a request log for assertions.
//
// It follows the "minimum fake server" of the project's Yahoo protocol notes.
// Cookies are host-only and not Secure so a cookie jar sends them back over
// plain loopback HTTP. All switches are safe to flip while requests run.
//
// The fake never reads the wall clock: timestamps come from the prices and
// bars a test sets, and the 1-minute lookback check runs only after SetNow.
package fakeyahoo

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/selloff/selloff/snapshots"
)

// DefaultCrumb is the first crumb the fake hands out. It holds a "/" so
// clients must URL-encode it.
const DefaultCrumb = "fK3/crumb.1"

// Quote is one symbol's quote as the fake serves it.
type Quote struct {
	Symbol    string
	Type      string // EQUITY (default), ETF, INDEX or NONE (a delisted row)
	Name      string
	Currency  string  // default USD
	Price     float64 // regularMarketPrice; 0 is sent as null
	PrevClose float64 // regularMarketPreviousClose; 0 is omitted
	Open      float64
	High      float64
	Low       float64
	Volume    int64
	// State is Yahoo's marketState (PREPRE, PRE, REGULAR, POST, POSTPOST,
	// CLOSED); empty means REGULAR unless SetMarketState says otherwise.
	State     string
	PrePrice  float64 // preMarketPrice; 0 is omitted (never sent for indices)
	PostPrice float64 // postMarketPrice; 0 is omitted (never sent for indices)
	// Shares is sharesOutstanding (equities only; 0 is omitted). marketCap
	// is sent as Price x Shares.
	Shares int64
	Time   time.Time // regularMarketTime (zero: omitted)
	Bid    float64
	Ask    float64
}

// Bar is one chart bar. Null bars are sent as nulls in every array.
type Bar struct {
	Time                   time.Time
	Open, High, Low, Close float64
	Volume                 int64
	Null                   bool
}

// Chart is one symbol's chart data.
type Chart struct {
	PrevClose float64 // chartPreviousClose
	Bars      []Bar   // in time order
}

// Fault is a kind of malformed response.
type Fault string

const (
	FaultNone          Fault = ""
	FaultTruncated     Fault = "truncated"      // the JSON is cut in half
	FaultHTML          Fault = "html"           // 200 with an HTML page
	FaultWrongType     Fault = "wrong-type"     // a number sent as a string, result as an object
	FaultFormatted     Fault = "formatted"      // numbers as {"raw":..,"fmt":".."}
	FaultEmptyBody     Fault = "empty-body"     // 200 with no body at all
	FaultNoEnvelope    Fault = "no-envelope"    // {} with no quoteResponse/chart key
	FaultNullResult    Fault = "null-result"    // result: null and error: null
	FaultErrorEnvelope Fault = "error-envelope" // an error object inside the envelope
	// Chart only.
	FaultChartEmptyResult Fault = "chart-empty-result" // result: [] and error: null
	FaultChartShortArrays Fault = "chart-short-arrays" // close shorter than timestamp
	FaultChartNoQuote     Fault = "chart-no-quote"     // indicators without quote
)

// QuoteFaults and ChartFaults list the faults that apply to each endpoint.
var (
	QuoteFaults = []Fault{FaultTruncated, FaultHTML, FaultWrongType, FaultFormatted, FaultEmptyBody, FaultNoEnvelope, FaultNullResult, FaultErrorEnvelope}
	ChartFaults = []Fault{FaultTruncated, FaultHTML, FaultWrongType, FaultFormatted, FaultEmptyBody, FaultNoEnvelope, FaultNullResult, FaultErrorEnvelope, FaultChartEmptyResult, FaultChartShortArrays, FaultChartNoQuote}
)

// Request is one logged request.
type Request struct {
	Method string
	Path   string // decoded path, e.g. /v8/finance/chart/^GSPC
	Query  url.Values
	Cookie bool // an A1 or A3 cookie the fake issued was sent
	UA     string
	Status int
}

// counter is "the next n requests" (n < 0: every request until cleared).
type counter struct{ n int }

func (c *counter) take() bool {
	switch {
	case c.n == 0:
		return false
	case c.n > 0:
		c.n--
	}
	return true
}

// Server is the fake. Create it with New (handler only) or Start (on a
// loopback httptest server).
type Server struct {
	URL string // base URL when started with Start

	ts *httptest.Server

	mu          sync.Mutex
	quotes      map[string]Quote
	charts      map[string]Chart
	crumb       string
	crumbN      int
	cookies     map[string]bool // issued session cookie values
	cookieN     int
	consent     bool
	noCookie    bool
	uaCheck     bool
	marketState string
	omit        map[string]bool
	chartNulls  bool
	emptyCharts bool
	now         func() time.Time
	latency     time.Duration
	hang        bool
	f401        counter
	f429        counter
	f5xx        counter
	code5xx     int
	quoteFault  Fault
	quoteFaultN counter
	chartFault  Fault
	chartFaultN counter
	consentTok  string
	consentLoop bool
	refuseHost  bool
	hostCookies map[string]bool // cookies issued by "/" (the cookie host)
	crumb429    counter
	floatCap    bool
	log         []*Request
}

// New returns a fake with no symbols, the default crumb, the UA check on and
// the consent flow off.
func New() *Server {
	return &Server{
		quotes:      map[string]Quote{},
		charts:      map[string]Chart{},
		crumb:       DefaultCrumb,
		cookies:     map[string]bool{},
		hostCookies: map[string]bool{},
		uaCheck:     true,
		omit:        map[string]bool{},
		code5xx:     http.StatusServiceUnavailable,
	}
}

// Start runs a new fake on a loopback httptest server; Close stops it.
func Start() *Server {
	s := New()
	s.ts = httptest.NewServer(s)
	s.URL = s.ts.URL
	return s
}

// Close stops the server started by Start.
func (s *Server) Close() {
	if s.ts != nil {
		s.ts.CloseClientConnections()
		s.ts.Close()
	}
}

// SetQuote adds or replaces a symbol's quote.
func (s *Server) SetQuote(q Quote) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.quotes[q.Symbol] = q
}

// SetPrice changes only the price (and the trade time when t is not zero)
// of a symbol set before.
func (s *Server) SetPrice(sym string, price float64, t time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.quotes[sym]
	q.Symbol = sym
	q.Price = price
	if !t.IsZero() {
		q.Time = t
	}
	s.quotes[sym] = q
}

// Remove forgets a symbol: it becomes unknown to quote and chart.
func (s *Server) Remove(sym string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.quotes, sym)
	delete(s.charts, sym)
}

// SetChart sets a symbol's chart data.
func (s *Server) SetChart(sym string, c Chart) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.charts[sym] = c
}

// SetNow sets the clock used for the 1-minute lookback and span limits
// (nil: no limit checks).
func (s *Server) SetNow(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
}

// SetMarketState overrides every quote's marketState ("" to stop).
func (s *Server) SetMarketState(state string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.marketState = state
}

// RotateCrumb issues a new crumb: the old one now gets 401 Invalid Crumb.
func (s *Server) RotateCrumb() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.crumbN++
	s.crumb = fmt.Sprintf("fK3/crumb.%d", s.crumbN+1)
	return s.crumb
}

// Crumb returns the current crumb.
func (s *Server) Crumb() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.crumb
}

// ExpireSession forgets every issued cookie and rotates the crumb, as if the
// session had ended: getcrumb answers 401 Invalid Cookie until a new cookie
// is fetched.
func (s *Server) ExpireSession() {
	s.mu.Lock()
	s.cookies = map[string]bool{}
	s.mu.Unlock()
	s.RotateCrumb()
}

// SetConsent turns the EU consent redirect chain on the cookie host on/off.
func (s *Server) SetConsent(on bool) { s.mu.Lock(); s.consent = on; s.mu.Unlock() }

// SetConsentLoop turns on the 2026 EU consent answer: the cookie host
// redirects to a consent URL that sets A1/A3 and redirects to itself again
// and again, with no form. A client that follows every redirect never gets
// out; one that stops once it holds A1/A3 does.
func (s *Server) SetConsentLoop(on bool) { s.mu.Lock(); s.consentLoop = on; s.mu.Unlock() }

// SetRefuseHostCookie makes getcrumb refuse (401 Invalid Cookie) the
// cookies issued by the cookie host ("/"), and accept those of the page
// (PathPage), as Yahoo does in some regions.
func (s *Server) SetRefuseHostCookie(on bool) { s.mu.Lock(); s.refuseHost = on; s.mu.Unlock() }

// RateLimitCrumb makes the next n getcrumb requests (only those) answer
// 429; n < 0 means until RateLimitCrumb(0).
func (s *Server) RateLimitCrumb(n int) { s.mu.Lock(); s.crumb429.n = n; s.mu.Unlock() }

// SetFloatMarketCap sends marketCap as a number with a fraction (as Yahoo
// has), which does not fit finance-go's integer field.
func (s *Server) SetFloatMarketCap(on bool) { s.mu.Lock(); s.floatCap = on; s.mu.Unlock() }

// SetNoCookie makes the cookie host answer without setting a cookie.
func (s *Server) SetNoCookie(on bool) { s.mu.Lock(); s.noCookie = on; s.mu.Unlock() }

// SetUACheck turns the User-Agent check on/off (on by default): an empty or
// Go-http-client UA gets 429 from getcrumb and the data endpoints.
func (s *Server) SetUACheck(on bool) { s.mu.Lock(); s.uaCheck = on; s.mu.Unlock() }

// Force401 makes the next n data requests (quote, chart) answer 401 Invalid
// Crumb whatever they send; n < 0 means until Force401(0).
func (s *Server) Force401(n int) { s.mu.Lock(); s.f401.n = n; s.mu.Unlock() }

// RateLimit makes the next n requests to getcrumb, quote or chart answer 429
// "Too Many Requests" in plain text; n < 0 means until RateLimit(0).
func (s *Server) RateLimit(n int) { s.mu.Lock(); s.f429.n = n; s.mu.Unlock() }

// ServerError makes the next n data requests answer code (a 5xx); n < 0
// means until ServerError(0, 0).
func (s *Server) ServerError(n, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.f5xx.n = n
	if code != 0 {
		s.code5xx = code
	}
}

// SetLatency delays every answer by d (or until the client gives up).
func (s *Server) SetLatency(d time.Duration) { s.mu.Lock(); s.latency = d; s.mu.Unlock() }

// SetHang makes every data request wait until the client gives up.
func (s *Server) SetHang(on bool) { s.mu.Lock(); s.hang = on; s.mu.Unlock() }

// SetQuoteFault makes the next n quote answers malformed (n < 0: until
// cleared with FaultNone).
func (s *Server) SetQuoteFault(f Fault, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.quoteFault, s.quoteFaultN.n = f, n
	if f == FaultNone {
		s.quoteFaultN.n = 0
	}
}

// SetChartFault makes the next n chart answers malformed.
func (s *Server) SetChartFault(f Fault, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chartFault, s.chartFaultN.n = f, n
	if f == FaultNone {
		s.chartFaultN.n = 0
	}
}

// Omit leaves these known symbols out of quote answers (partial results);
// Omit() with no symbols clears the list.
func (s *Server) Omit(syms ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.omit = map[string]bool{}
	for _, x := range syms {
		s.omit[x] = true
	}
}

// SetChartNulls sends every third bar (index 1, 4, 7, ...) as nulls.
func (s *Server) SetChartNulls(on bool) { s.mu.Lock(); s.chartNulls = on; s.mu.Unlock() }

// SetEmptyCharts answers every chart with no data (no timestamp, quote [{}]).
func (s *Server) SetEmptyCharts(on bool) { s.mu.Lock(); s.emptyCharts = on; s.mu.Unlock() }

// Requests returns a copy of the request log.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.log))
	for i, r := range s.log {
		out[i] = *r
	}
	return out
}

// Count returns how many logged requests have a path starting with prefix.
func (s *Server) Count(prefix string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.log {
		if strings.HasPrefix(r.Path, prefix) {
			n++
		}
	}
	return n
}

// ResetLog clears the request log.
func (s *Server) ResetLog() { s.mu.Lock(); s.log = nil; s.mu.Unlock() }

// Paths of the endpoints.
const (
	PathCrumb   = "/v1/test/getcrumb"
	PathQuote   = "/v7/finance/quote"
	PathQuoteV6 = "/v6/finance/quote"
	PathChart   = "/v8/finance/chart/"
	// PathPage stands in for finance.yahoo.com: 200 with the session
	// cookies.
	PathPage = "/page"
	// PathConsentLoop is the 2026 consent URL that redirects to itself.
	PathConsentLoop = "/consent-loop"
)

type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(c int) {
	if w.code == 0 {
		w.code = c
	}
	w.ResponseWriter.WriteHeader(c)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	sw := &statusWriter{ResponseWriter: w}
	s.mu.Lock()
	has := s.hasCookie(r)
	entry := &Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Cookie: has, UA: r.UserAgent()}
	s.log = append(s.log, entry)
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		entry.Status = sw.code
		s.mu.Unlock()
	}()
	s.route(sw, r, has)
}

func (s *Server) hasCookie(r *http.Request) bool {
	for _, name := range []string{"A3", "A1"} {
		if c, err := r.Cookie(name); err == nil && s.cookies[c.Value] {
			return true
		}
	}
	return false
}

func (s *Server) route(w http.ResponseWriter, r *http.Request, has bool) {
	p := r.URL.Path
	switch {
	case p == "/" || p == "":
		s.root(w, r, has)
	case p == "/consent":
		s.consentStart(w, r)
	case p == PathConsentLoop:
		s.mu.Lock()
		s.setSessionCookie(w)
		s.mu.Unlock()
		http.Redirect(w, r, PathConsentLoop+"?brandType=eu&done=%2F", http.StatusFound)
	case p == PathPage:
		s.mu.Lock()
		if !s.noCookie {
			s.setSessionCookie(w)
		}
		s.mu.Unlock()
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html><body>Yahoo Finance</body></html>"))
	case p == "/v2/collectConsent":
		s.collectConsent(w, r)
	case p == "/copyConsent":
		s.copyConsent(w, r)
	case p == PathCrumb:
		if !s.gate(w, r, false) {
			return
		}
		s.getCrumb(w, r, has)
	case p == PathQuoteV6:
		writeJSON(w, http.StatusNotFound, `{"finance":{"result":null,"error":{"code":"Not Found","description":"HTTP 404 Not Found"}}}`)
	case p == PathQuote:
		if !s.gate(w, r, true) {
			return
		}
		s.quote(w, r, has)
	case strings.HasPrefix(p, PathChart):
		if !s.gate(w, r, true) {
			return
		}
		s.chart(w, r, strings.TrimPrefix(p, PathChart))
	default:
		http.NotFound(w, r)
	}
}

// gate applies latency, the UA check and the forced failures. It reports
// whether the request should go on.
func (s *Server) gate(w http.ResponseWriter, r *http.Request, data bool) bool {
	s.mu.Lock()
	lat, hang := s.latency, s.hang && data
	s.mu.Unlock()
	if hang {
		<-r.Context().Done()
		return false
	}
	if lat > 0 {
		t := time.NewTimer(lat)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return false
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ua := r.UserAgent()
	if s.uaCheck && (ua == "" || strings.HasPrefix(ua, "Go-http-client")) {
		tooMany(w)
		return false
	}
	if s.f429.take() || (!data && s.crumb429.take()) {
		tooMany(w)
		return false
	}
	if !data {
		return true
	}
	if s.f5xx.take() {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(s.code5xx)
		fmt.Fprintf(w, "<html><body>%d server error</body></html>", s.code5xx)
		return false
	}
	if s.f401.take() {
		unauthorized(w, "Invalid Crumb")
		return false
	}
	return true
}

func tooMany(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/plain")
	w.WriteHeader(http.StatusTooManyRequests)
	w.Write([]byte("Too Many Requests\r\n"))
}

func unauthorized(w http.ResponseWriter, desc string) {
	writeJSON(w, http.StatusUnauthorized, `{"finance":{"result":null,"error":{"code":"Unauthorized","description":"`+desc+`"}}}`)
}

func writeJSON(w http.ResponseWriter, code int, body string) {
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(code)
	w.Write([]byte(body))
}

func (s *Server) setSessionCookie(w http.ResponseWriter) string {
	s.cookieN++
	v := fmt.Sprintf("d=AQABBfake%d&S=AQAAAfake", s.cookieN)
	s.cookies[v] = true
	for _, name := range []string{"A1", "A3"} {
		http.SetCookie(w, &http.Cookie{Name: name, Value: v, Path: "/", MaxAge: 31557600, HttpOnly: true})
	}
	return v
}

// root stands in for fc.yahoo.com: 404 with the session cookies.
func (s *Server) root(w http.ResponseWriter, r *http.Request, has bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.consentLoop && !has {
		http.Redirect(w, r, PathConsentLoop+"?brandType=eu&done=%2F", http.StatusFound)
		return
	}
	if s.consent && !has {
		s.consentTok = fmt.Sprintf("csrf%d", s.cookieN+1)
		http.SetCookie(w, &http.Cookie{Name: "GUCS", Value: "consent", Path: "/", MaxAge: 900})
		http.Redirect(w, r, "/consent?brandType=nonEu&gcrumb=gc1&done=%2F", http.StatusFound)
		return
	}
	if !s.noCookie {
		s.hostCookies[s.setSessionCookie(w)] = true
	}
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(http.StatusNotFound)
	w.Write([]byte("<html><body>404 Not Found</body></html>"))
}

func (s *Server) consentStart(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/v2/collectConsent?sessionId=sess1", http.StatusFound)
}

func (s *Server) collectConsent(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	tok := s.consentTok
	s.mu.Unlock()
	if r.Method == http.MethodPost {
		if err := r.ParseForm(); err != nil || r.PostForm.Get("csrfToken") != tok || tok == "" ||
			r.PostForm.Get("agree") != "agree" || r.PostForm.Get("sessionId") != "sess1" {
			http.Error(w, "bad consent form", http.StatusBadRequest)
			return
		}
		http.Redirect(w, r, "/copyConsent?sessionId=sess1", http.StatusFound)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, `<!DOCTYPE html><html><head><title>Yahoo is part of the Yahoo family of brands</title></head><body>
<form method="post" class="consent-form" action="/v2/collectConsent?sessionId=sess1">
<input type="hidden" name="csrfToken" value="%s">
<input type="hidden" name="sessionId" value="sess1">
<input type="hidden" name="originalDoneUrl" value="%s">
<input type="hidden" name="namespace" value="yahoo">
<button type="submit" class="btn secondary accept-all" name="agree" value="agree">Accept all</button>
<button type="submit" class="btn secondary reject-all" name="reject" value="reject">Reject all</button>
</form></body></html>`, html.EscapeString(tok), html.EscapeString("/"))
}

func (s *Server) copyConsent(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.setSessionCookie(w)
	s.mu.Unlock()
	http.Redirect(w, r, "/", http.StatusFound)
}

func (s *Server) getCrumb(w http.ResponseWriter, r *http.Request, has bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if has && s.refuseHost {
		if c, err := r.Cookie("A3"); err == nil && s.hostCookies[c.Value] {
			has = false
		}
	}
	if !has {
		unauthorized(w, "Invalid Cookie")
		return
	}
	w.Header().Set("Content-Type", "text/plain;charset=utf-8")
	w.Header().Set("Cache-Control", "private, max-age=60")
	w.Write([]byte(s.crumb))
}

func (s *Server) quote(w http.ResponseWriter, r *http.Request, has bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !has || r.URL.Query().Get("crumb") != s.crumb {
		unauthorized(w, "Invalid Crumb")
		return
	}
	if s.quoteFaultN.take() {
		if writeFault(w, s.quoteFault, "quoteResponse") {
			return
		}
	}
	var rows []map[string]any
	for _, sym := range strings.Split(r.URL.Query().Get("symbols"), ",") {
		q, ok := s.quotes[sym]
		if !ok { // Yahoo matches symbols case-insensitively and answers in upper case
			q, ok = s.quotes[strings.ToUpper(sym)]
		}
		if !ok || s.omit[q.Symbol] {
			continue
		}
		rows = append(rows, s.quoteRow(q))
	}
	if rows == nil {
		rows = []map[string]any{}
	}
	b, _ := json.Marshal(map[string]any{"quoteResponse": map[string]any{"result": rows, "error": nil}})
	writeJSON(w, http.StatusOK, string(b))
}

func (s *Server) quoteRow(q Quote) map[string]any {
	typ := q.Type
	if typ == "" {
		typ = "EQUITY"
	}
	state := q.State
	if s.marketState != "" {
		state = s.marketState
	}
	if state == "" {
		state = "REGULAR"
	}
	cur := q.Currency
	if cur == "" {
		cur = "USD"
	}
	name := q.Name
	if name == "" {
		name = q.Symbol
	}
	row := map[string]any{
		"language": "en-US", "region": "US",
		"quoteType": typ, "quoteSourceName": "Nasdaq Real Time Price",
		"currency": cur, "exchange": "NMS", "fullExchangeName": "NasdaqGS", "market": "us_market",
		"exchangeTimezoneName": "America/New_York", "exchangeTimezoneShortName": "EST",
		"gmtOffSetMilliseconds": -18000000, "exchangeDataDelayedBy": 0, "sourceInterval": 15,
		"marketState": state, "symbol": q.Symbol, "shortName": name, "longName": name,
		"tradeable": false, "priceHint": 2,
	}
	if q.Price > 0 {
		row["regularMarketPrice"] = q.Price
	} else {
		row["regularMarketPrice"] = nil
	}
	if q.PrevClose > 0 {
		row["regularMarketPreviousClose"] = q.PrevClose
		if q.Price > 0 {
			row["regularMarketChange"] = q.Price - q.PrevClose
			row["regularMarketChangePercent"] = (q.Price - q.PrevClose) / q.PrevClose * 100
		}
	}
	if !q.Time.IsZero() {
		row["regularMarketTime"] = q.Time.Unix()
	}
	for k, v := range map[string]float64{"regularMarketOpen": q.Open, "regularMarketDayHigh": q.High, "regularMarketDayLow": q.Low} {
		if v > 0 {
			row[k] = v
		}
	}
	if q.Volume > 0 {
		row["regularMarketVolume"] = q.Volume
	}
	if typ == "INDEX" {
		row["exchange"], row["fullExchangeName"], row["quoteSourceName"] = "SNP", "SNP", "Delayed Quote"
		row["hasPrePostMarketData"] = false
		return row
	}
	row["hasPrePostMarketData"] = true
	if q.Bid > 0 {
		row["bid"], row["bidSize"] = q.Bid, 3
	}
	if q.Ask > 0 {
		row["ask"], row["askSize"] = q.Ask, 4
	}
	if q.PrePrice > 0 {
		row["preMarketPrice"] = q.PrePrice
		if !q.Time.IsZero() {
			row["preMarketTime"] = q.Time.Unix()
		}
	}
	if q.PostPrice > 0 {
		row["postMarketPrice"] = q.PostPrice
		if !q.Time.IsZero() {
			row["postMarketTime"] = q.Time.Unix()
		}
	}
	if typ == "EQUITY" && q.Shares > 0 {
		row["sharesOutstanding"] = q.Shares
		if q.Price > 0 {
			row["marketCap"] = int64(q.Price * float64(q.Shares))
			if s.floatCap {
				row["marketCap"] = q.Price*float64(q.Shares) + 0.5
			}
		}
	}
	return row
}

// writeFault writes a malformed answer; it reports false when f does not
// apply to this envelope.
func writeFault(w http.ResponseWriter, f Fault, envelope string) bool {
	good := `{"` + envelope + `":{"result":[{"symbol":"X","regularMarketPrice":1.5,"meta":{"symbol":"X"}}],"error":null}}`
	switch f {
	case FaultTruncated:
		writeJSON(w, http.StatusOK, good[:len(good)/2])
	case FaultHTML:
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<!DOCTYPE html><html><body>Will be right back...</body></html>"))
	case FaultWrongType:
		if envelope == "chart" {
			writeJSON(w, http.StatusOK, `{"chart":{"result":[{"meta":{"symbol":"X"},"timestamp":["soon"],"indicators":{"quote":[{}]}}],"error":null}}`)
		} else {
			writeJSON(w, http.StatusOK, `{"quoteResponse":{"result":{"symbol":"X"},"error":null}}`)
		}
	case FaultFormatted:
		if envelope == "chart" {
			writeJSON(w, http.StatusOK, `{"chart":{"result":[{"meta":{"symbol":"X","chartPreviousClose":{"raw":1.5,"fmt":"1.50"}},"timestamp":[1],"indicators":{"quote":[{"open":[{"raw":1.5,"fmt":"1.50"}]}]}}],"error":null}}`)
		} else {
			writeJSON(w, http.StatusOK, `{"quoteResponse":{"result":[{"symbol":"X","regularMarketPrice":{"raw":1.5,"fmt":"1.50"}}],"error":null}}`)
		}
	case FaultEmptyBody:
		writeJSON(w, http.StatusOK, "")
	case FaultNoEnvelope:
		writeJSON(w, http.StatusOK, `{}`)
	case FaultNullResult:
		writeJSON(w, http.StatusOK, `{"`+envelope+`":{"result":null,"error":null}}`)
	case FaultErrorEnvelope:
		writeJSON(w, http.StatusOK, `{"`+envelope+`":{"result":null,"error":{"code":"Internal Server Error","description":"something broke"}}}`)
	case FaultChartEmptyResult:
		if envelope != "chart" {
			return false
		}
		writeJSON(w, http.StatusOK, `{"chart":{"result":[],"error":null}}`)
	case FaultChartShortArrays:
		if envelope != "chart" {
			return false
		}
		writeJSON(w, http.StatusOK, `{"chart":{"result":[{"meta":{"symbol":"X"},"timestamp":[1700000000,1700000060,1700000120],"indicators":{"quote":[{"open":[1,1,1],"high":[1,1,1],"low":[1,1,1],"close":[1],"volume":[1,1,1]}]}}],"error":null}}`)
	case FaultChartNoQuote:
		if envelope != "chart" {
			return false
		}
		writeJSON(w, http.StatusOK, `{"chart":{"result":[{"meta":{"symbol":"X"},"timestamp":[1700000000],"indicators":{}}],"error":null}}`)
	default:
		return false
	}
	return true
}

func chartError(w http.ResponseWriter, code int, c, desc string) {
	b, _ := json.Marshal(map[string]any{"chart": map[string]any{"result": nil, "error": map[string]string{"code": c, "description": desc}}})
	writeJSON(w, code, string(b))
}

func (s *Server) chart(w http.ResponseWriter, r *http.Request, sym string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.chartFaultN.take() {
		if writeFault(w, s.chartFault, "chart") {
			return
		}
	}
	c, ok := s.charts[sym]
	q, qok := s.quotes[sym]
	if !ok && !qok {
		chartError(w, http.StatusNotFound, "Not Found", "No data found, symbol may be delisted")
		return
	}
	qv := r.URL.Query()
	p1, err1 := strconv.ParseInt(qv.Get("period1"), 10, 64)
	p2, err2 := strconv.ParseInt(qv.Get("period2"), 10, 64)
	if err1 != nil || err2 != nil || p1 < 0 || p2 < p1 {
		chartError(w, http.StatusBadRequest, "Bad Request", "Invalid input - start date cannot be after end date. startDate = "+qv.Get("period1")+", endDate = "+qv.Get("period2"))
		return
	}
	interval := qv.Get("interval")
	if interval == "" {
		interval = "1d"
	}
	if interval == "1m" {
		if p2-p1 > 8*86400 {
			chartError(w, http.StatusUnprocessableEntity, "Unprocessable Entity", fmt.Sprintf("1m data not available for startTime=%d and endTime=%d. Only 8 days worth of 1m granularity data are allowed to be fetched per request.", p1, p2))
			return
		}
		if s.now != nil && s.now().Unix()-p1 > 30*86400 {
			chartError(w, http.StatusUnprocessableEntity, "Unprocessable Entity", fmt.Sprintf("1m data not available for startTime=%d and endTime=%d. The requested range must be within the last 30 days.", p1, p2))
			return
		}
	}
	ext := qv.Get("includePrePost") == "true"
	var bars []Bar
	if !s.emptyCharts {
		for _, b := range c.Bars {
			t := b.Time.Unix()
			if t < p1 || t >= p2 {
				continue
			}
			if !ext && !regular(b.Time) {
				continue
			}
			bars = append(bars, b)
		}
	}
	typ := q.Type
	if typ == "" {
		typ = "EQUITY"
	}
	day := time.Unix(p1, 0).In(snapshots.Location())
	if len(bars) > 0 {
		day = bars[len(bars)-1].Time.In(snapshots.Location())
	}
	period := func(h1, m1, h2, m2 int) map[string]any {
		d := func(h, m int) int64 {
			return time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, snapshots.Location()).Unix()
		}
		_, off := day.Zone()
		return map[string]any{"timezone": "EST", "start": d(h1, m1), "end": d(h2, m2), "gmtoffset": off}
	}
	_, off := day.Zone()
	meta := map[string]any{
		"currency": "USD", "symbol": sym, "exchangeName": "NMS", "fullExchangeName": "NasdaqGS",
		"instrumentType": typ, "firstTradeDate": 345000000, "hasPrePostMarketData": typ != "INDEX",
		"gmtoffset": off, "timezone": "EST", "exchangeTimezoneName": "America/New_York",
		"priceHint": 2, "dataGranularity": interval, "range": "",
		"validRanges": []string{"1d", "5d", "1mo", "3mo", "6mo", "1y", "2y", "5y", "10y", "ytd", "max"},
		"currentTradingPeriod": map[string]any{
			"pre": period(4, 0, 9, 30), "regular": period(9, 30, 16, 0), "post": period(16, 0, 20, 0),
		},
	}
	if c.PrevClose > 0 {
		meta["chartPreviousClose"] = c.PrevClose
		meta["previousClose"] = c.PrevClose
	}
	if q.Price > 0 {
		meta["regularMarketPrice"] = q.Price
	}
	if !q.Time.IsZero() {
		meta["regularMarketTime"] = q.Time.Unix()
	}
	for k, v := range map[string]float64{"regularMarketDayHigh": q.High, "regularMarketDayLow": q.Low} {
		if v > 0 {
			meta[k] = v
		}
	}
	if q.Volume > 0 {
		meta["regularMarketVolume"] = q.Volume
	}
	if q.Name != "" {
		meta["longName"], meta["shortName"] = q.Name, q.Name
	}
	res := map[string]any{"meta": meta}
	if len(bars) == 0 {
		res["indicators"] = map[string]any{"quote": []map[string]any{{}}}
	} else {
		n := len(bars)
		ts := make([]int64, n)
		o, h, l, cl, v := make([]any, n), make([]any, n), make([]any, n), make([]any, n), make([]any, n)
		for i, b := range bars {
			ts[i] = b.Time.Unix()
			if b.Null || (s.chartNulls && i%3 == 1) {
				continue // nil: null
			}
			o[i], h[i], l[i], cl[i], v[i] = b.Open, b.High, b.Low, b.Close, b.Volume
		}
		res["timestamp"] = ts
		res["indicators"] = map[string]any{"quote": []map[string]any{{"open": o, "high": h, "low": l, "close": cl, "volume": v}}}
	}
	b, _ := json.Marshal(map[string]any{"chart": map[string]any{"result": []any{res}, "error": nil}})
	writeJSON(w, http.StatusOK, string(b))
}

func regular(t time.Time) bool {
	et := t.In(snapshots.Location())
	m := et.Hour()*60 + et.Minute()
	return m >= 9*60+30 && m < 16*60
}

// Symbols lists the known symbols, sorted.
func (s *Server) Symbols() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for k := range s.quotes {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
