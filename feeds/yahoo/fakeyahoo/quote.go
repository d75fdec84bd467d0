package fakeyahoo

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

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

// SetMarketState overrides every quote's marketState ("" to stop).
func (s *Server) SetMarketState(state string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.marketState = state
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
