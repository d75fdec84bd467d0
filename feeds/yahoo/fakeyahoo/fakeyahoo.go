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
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"
)

// DefaultCrumb is the first crumb the fake hands out. It holds a "/" so
// clients must URL-encode it.
const DefaultCrumb = "fK3/crumb.1"

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

// Remove forgets a symbol: it becomes unknown to quote and chart.
func (s *Server) Remove(sym string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.quotes, sym)
	delete(s.charts, sym)
}

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

func unauthorized(w http.ResponseWriter, desc string) {
	writeJSON(w, http.StatusUnauthorized, `{"finance":{"result":null,"error":{"code":"Unauthorized","description":"`+desc+`"}}}`)
}

func writeJSON(w http.ResponseWriter, code int, body string) {
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(code)
	w.Write([]byte(body))
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
