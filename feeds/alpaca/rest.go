// Package alpaca is a second live provider: Alpaca's market data API on
// its free plan, that is the IEX exchange's trades. A REST snapshot per
// poll gives every symbol's latest trade, today's and the previous daily
// bar (so the previous close) in one request; a websocket streams each
// IEX trade between polls. The key travels only in request headers and in
// the stream's auth message, never in a URL, and never appears in an
// error, a log line or a printed value.
//
// Alpaca has no index quotes (^GSPC, ^IXIC): those rows say so. Prices are
// IEX trades, not the consolidated tape, and IEX volume is a few percent of
// the day's: the source marks volume unknown rather than show it as the
// day's.
package alpaca

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Default endpoints.
const (
	DefaultBaseURL   = "https://data.alpaca.markets"
	DefaultStreamURL = "wss://stream.data.alpaca.markets/v2/iex"
)

// maxBody bounds a snapshot answer (about 1 KiB per symbol).
const maxBody = 4 << 20

// Key is an Alpaca API key pair. Printing it (%v, %+v, %#v) shows neither
// half.
type Key struct {
	ID     string
	Secret string
}

// Empty reports whether either half is missing.
func (k Key) Empty() bool { return k.ID == "" || k.Secret == "" }

// String hides the key.
func (k Key) String() string { return "alpaca key (hidden)" }

// GoString hides the key.
func (k Key) GoString() string { return "alpaca.Key{hidden}" }

// scrub removes both halves of the key from s (a belt to the braces of
// never putting it in a URL or a message).
func (k Key) scrub(s string) string {
	for _, v := range []string{k.ID, k.Secret} {
		if len(v) >= 4 {
			s = strings.ReplaceAll(s, v, "[hidden]")
		}
	}
	return s
}

// ErrorKind classifies a failure.
type ErrorKind string

const (
	KindAuth     ErrorKind = "auth"      // the key was refused
	KindRate     ErrorKind = "rate"      // 429
	KindServer   ErrorKind = "server"    // 5xx
	KindNetwork  ErrorKind = "network"   // no answer
	KindBadData  ErrorKind = "bad data"  // an answer that does not parse
	KindNotFound ErrorKind = "not found" // 404
)

// Error is a failure talking to Alpaca. Its text never holds the key.
type Error struct {
	Kind ErrorKind
	Msg  string
}

func (e *Error) Error() string { return "alpaca: " + e.Msg }

// IsKind reports whether err is an *Error of kind k.
func IsKind(err error, k ErrorKind) bool {
	var e *Error
	return errors.As(err, &e) && e.Kind == k
}

// Trade is one trade.
type Trade struct {
	Symbol string
	Price  float64
	Size   int64
	Time   time.Time
}

// Bar is a daily bar.
type Bar struct {
	Time                   time.Time
	Open, High, Low, Close float64
	Volume                 int64
}

// Snapshot is one symbol's snapshot.
type Snapshot struct {
	Symbol    string
	Latest    *Trade // nil: no trade known
	Daily     *Bar   // the latest session's bar so far
	PrevDaily *Bar   // the session before
}

// Client calls Alpaca's REST API.
type Client struct {
	base string
	key  Key
	hc   *http.Client
}

// NewClient returns a client for base (DefaultBaseURL when "").
func NewClient(base string, key Key, hc *http.Client) *Client {
	if base == "" {
		base = DefaultBaseURL
	}
	if hc == nil {
		hc = &http.Client{Timeout: 10 * time.Second}
	}
	return &Client{base: strings.TrimRight(base, "/"), key: key, hc: hc}
}

// Snapshots asks for the symbols' snapshots in one request (IEX feed).
// Symbols Alpaca does not know are absent from the map.
func (c *Client) Snapshots(ctx context.Context, syms []string) (map[string]Snapshot, error) {
	q := url.Values{"symbols": {strings.Join(syms, ",")}, "feed": {"iex"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/v2/stocks/snapshots?"+q.Encode(), nil)
	if err != nil {
		return nil, &Error{KindNetwork, c.key.scrub(err.Error())}
	}
	req.Header.Set("APCA-API-KEY-ID", c.key.ID)
	req.Header.Set("APCA-API-SECRET-KEY", c.key.Secret)
	req.Header.Set("Accept", "application/json")
	resp, err := c.hc.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL holds no key, but say only what failed
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &Error{KindNetwork, "cannot reach Alpaca: " + c.key.scrub(err.Error())}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return nil, &Error{KindNetwork, "reading the answer: " + c.key.scrub(err.Error())}
	}
	if len(body) > maxBody {
		return nil, &Error{KindBadData, fmt.Sprintf("an answer over %d bytes", maxBody)}
	}
	switch {
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return nil, &Error{KindAuth, fmt.Sprintf("HTTP %d: Alpaca refused the key (check APCA_API_KEY_ID and APCA_API_SECRET_KEY)", resp.StatusCode)}
	case resp.StatusCode == http.StatusTooManyRequests:
		return nil, &Error{KindRate, "HTTP 429: too many requests"}
	case resp.StatusCode == http.StatusNotFound:
		return nil, &Error{KindNotFound, "HTTP 404"}
	case resp.StatusCode >= 500:
		return nil, &Error{KindServer, fmt.Sprintf("HTTP %d", resp.StatusCode)}
	case resp.StatusCode != http.StatusOK:
		return nil, &Error{KindBadData, fmt.Sprintf("HTTP %d: %s", resp.StatusCode, c.key.scrub(message(body)))}
	}
	return decodeSnapshots(body)
}

// message is the "message" of an error body, cut short.
func message(body []byte) string {
	var m struct {
		Message string `json:"message"`
	}
	_ = json.Unmarshal(body, &m)
	s := m.Message
	if len(s) > 120 {
		s = s[:120]
	}
	return strings.ToValidUTF8(s, "?")
}

type jsonTrade struct {
	T time.Time `json:"t"`
	P float64   `json:"p"`
	S int64     `json:"s"`
}

type jsonBar struct {
	T time.Time `json:"t"`
	O float64   `json:"o"`
	H float64   `json:"h"`
	L float64   `json:"l"`
	C float64   `json:"c"`
	V int64     `json:"v"`
}

type jsonSnapshot struct {
	LatestTrade  *jsonTrade `json:"latestTrade"`
	DailyBar     *jsonBar   `json:"dailyBar"`
	PrevDailyBar *jsonBar   `json:"prevDailyBar"`
}

// decodeSnapshots reads {"SYM": {...}, ...} (or the same under
// "snapshots"); a symbol with a bad figure is left out, not zeroed.
func decodeSnapshots(body []byte) (map[string]Snapshot, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, &Error{KindBadData, "the snapshot answer is not JSON: " + err.Error()}
	}
	if inner, ok := raw["snapshots"]; ok {
		raw = nil
		if err := json.Unmarshal(inner, &raw); err != nil {
			return nil, &Error{KindBadData, "the snapshot answer is not JSON: " + err.Error()}
		}
	}
	out := make(map[string]Snapshot, len(raw))
	for sym, r := range raw {
		if !validSymbol(sym) {
			continue
		}
		var js *jsonSnapshot
		if err := json.Unmarshal(r, &js); err != nil || js == nil {
			continue
		}
		s := Snapshot{Symbol: sym}
		if t := js.LatestTrade; t != nil && price(t.P) && !t.T.IsZero() {
			s.Latest = &Trade{Symbol: sym, Price: t.P, Size: t.S, Time: t.T}
		}
		s.Daily = toBar(js.DailyBar)
		s.PrevDaily = toBar(js.PrevDailyBar)
		if s.Latest == nil && s.Daily == nil && s.PrevDaily == nil {
			continue
		}
		out[sym] = s
	}
	return out, nil
}

func toBar(b *jsonBar) *Bar {
	if b == nil || !price(b.C) || b.T.IsZero() {
		return nil
	}
	return &Bar{Time: b.T, Open: b.O, High: b.H, Low: b.L, Close: b.C, Volume: b.V}
}

func price(p float64) bool { return p > 0 && !math.IsInf(p, 0) && p < 1e9 }

// validSymbol accepts what a US equity symbol looks like on Alpaca.
func validSymbol(s string) bool {
	if s == "" || len(s) > 16 {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '/') {
			return false
		}
	}
	return true
}

// Supported reports whether Alpaca can have data for sym, and if not, why
// (the row shows the reason).
func Supported(sym string) (bool, string) {
	switch {
	case strings.HasPrefix(sym, "^"):
		return false, "no index quotes on Alpaca"
	case strings.ContainsAny(sym, "=") || strings.HasSuffix(sym, "-USD"):
		return false, "not a US equity (Alpaca IEX)"
	}
	return true, ""
}

// toAlpaca maps a Yahoo-style class symbol (BRK-B) to Alpaca's (BRK.B).
func toAlpaca(sym string) string { return strings.ReplaceAll(sym, "-", ".") }
