package fakeyahoo

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/selloff/selloff/snapshots"
)

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
