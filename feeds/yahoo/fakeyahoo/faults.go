package fakeyahoo

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

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

// RateLimitCrumb makes the next n getcrumb requests (only those) answer
// 429; n < 0 means until RateLimitCrumb(0).
func (s *Server) RateLimitCrumb(n int) { s.mu.Lock(); s.crumb429.n = n; s.mu.Unlock() }

// SetFloatMarketCap sends marketCap as a number with a fraction (as Yahoo
// has), which does not fit finance-go's integer field.
func (s *Server) SetFloatMarketCap(on bool) { s.mu.Lock(); s.floatCap = on; s.mu.Unlock() }

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
