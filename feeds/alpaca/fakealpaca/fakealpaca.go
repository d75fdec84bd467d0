// Package fakealpaca is a local stand-in for Alpaca's market data API, for
// tests: the REST snapshots endpoint and the IEX websocket stream (greeting,
// auth, subscribe, trades) on one loopback server, with switches for the
// faults a client meets (refused key, 429 and 5xx, garbage frames,
// dropped connections) and a log of the request URLs.
package fakealpaca

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/selloff/selloff/feeds/internal/fakews"
)

// Snap is one symbol as the fake serves it.
type Snap struct {
	Price     float64   // latest trade (0: none)
	TradeTime time.Time // its time
	Daily     float64   // today's (latest session's) daily close so far (0: none)
	DailyDate time.Time // the daily bar's date (midnight ET)
	PrevClose float64   // the previous session's close (0: none)
	PrevDate  time.Time
}

// Server is the fake.
type Server struct {
	srv      *httptest.Server
	id, sec  string
	mu       sync.Mutex
	snaps    map[string]Snap
	urls     []string
	restFail struct{ code, n int }
	badAuth  bool
	hub      *fakews.Hub
}

// Start runs a fake that accepts the key id and secret given.
func Start(keyID, secret string) *Server {
	s := &Server{id: keyID, sec: secret, snaps: map[string]Snap{}, hub: fakews.New()}
	mux := http.NewServeMux()
	mux.HandleFunc("/v2/stocks/snapshots", s.snapshots)
	mux.HandleFunc("/v2/iex", s.stream)
	s.srv = httptest.NewUnstartedServer(mux)
	s.srv.Listener = stallListener{s.srv.Listener, s}
	s.srv.Start()
	return s
}

// stallListener's connections hold what they read while the server
// stalls: to the client the server has hung (no pong, no answer).
type stallListener struct {
	net.Listener
	s *Server
}

func (l stallListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &stallConn{Conn: c, s: l.s}, nil
}

type stallConn struct {
	net.Conn
	s      *Server
	closed atomic.Bool
}

func (c *stallConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	for c.s.hub.Stalled() && !c.closed.Load() {
		time.Sleep(5 * time.Millisecond)
	}
	return n, err
}

func (c *stallConn) Close() error {
	c.closed.Store(true)
	return c.Conn.Close()
}

// URL is the REST base URL.
func (s *Server) URL() string { return s.srv.URL }

// StreamURL is the websocket URL.
func (s *Server) StreamURL() string { return "ws" + strings.TrimPrefix(s.srv.URL, "http") + "/v2/iex" }

// Close drops every connection and stops the server.
func (s *Server) Close() {
	s.Drop()
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// Set sets a symbol's snapshot.
func (s *Server) Set(sym string, sn Snap) {
	s.mu.Lock()
	s.snaps[sym] = sn
	s.mu.Unlock()
}

// FailREST answers the next n snapshot requests with HTTP code.
func (s *Server) FailREST(code, n int) {
	s.mu.Lock()
	s.restFail.code, s.restFail.n = code, n
	s.mu.Unlock()
}

// RejectAuth makes the stream refuse every key.
func (s *Server) RejectAuth(on bool) {
	s.mu.Lock()
	s.badAuth = on
	s.mu.Unlock()
}

// SetStall makes every connection hold what it reads: pings go
// unanswered and requests wait, as from a server that hangs.
func (s *Server) SetStall(on bool) { s.hub.SetStall(on) }

// URLs returns every request URL seen (REST and stream handshakes).
func (s *Server) URLs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.urls)
}

// Snapshots is how many snapshot requests arrived.
func (s *Server) Snapshots() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, u := range s.urls {
		if strings.HasPrefix(u, "/v2/stocks/snapshots") {
			n++
		}
	}
	return n
}

// Connects is how many stream connections authenticated or tried to.
func (s *Server) Connects() int { return s.hub.Connects() }

// WaitSubscribed waits until an open connection subscribed to sym's trades.
func (s *Server) WaitSubscribed(ctx context.Context, sym string) bool {
	return s.hub.WaitSubscribed(ctx, sym, 1)
}

// SendTrade sends a trade to the connections subscribed to sym.
func (s *Server) SendTrade(sym string, price float64, t time.Time) int {
	b, _ := json.Marshal([]map[string]any{{"T": "t", "S": sym, "i": 1, "x": "V", "p": price, "s": 100, "t": t.UTC().Format(time.RFC3339Nano), "c": []string{"@"}, "z": "C"}})
	return s.hub.Send(sym, b)
}

// SendRaw sends a frame as is to every open connection.
func (s *Server) SendRaw(frame []byte) int { return s.hub.Send("", frame) }

// Drop closes every stream connection abruptly.
func (s *Server) Drop() { s.hub.Drop() }

func (s *Server) log(r *http.Request) {
	s.mu.Lock()
	s.urls = append(s.urls, r.URL.RequestURI())
	s.mu.Unlock()
}

func (s *Server) snapshots(w http.ResponseWriter, r *http.Request) {
	s.log(r)
	s.mu.Lock()
	fail := 0
	if s.restFail.n > 0 {
		s.restFail.n--
		fail = s.restFail.code
	}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if r.Header.Get("APCA-API-KEY-ID") != s.id || r.Header.Get("APCA-API-SECRET-KEY") != s.sec {
		w.WriteHeader(http.StatusForbidden)
		w.Write([]byte(`{"message":"forbidden."}`))
		return
	}
	if fail != 0 {
		w.WriteHeader(fail)
		w.Write([]byte(`{"message":"fake failure"}`))
		return
	}
	if r.URL.Query().Get("feed") != "iex" {
		w.WriteHeader(http.StatusForbidden)
		w.Write([]byte(`{"message":"subscription does not permit querying recent SIP data"}`))
		return
	}
	out := map[string]any{}
	s.mu.Lock()
	for _, sym := range strings.Split(r.URL.Query().Get("symbols"), ",") {
		sn, ok := s.snaps[sym]
		if !ok {
			continue
		}
		m := map[string]any{}
		if sn.Price > 0 {
			m["latestTrade"] = map[string]any{"t": sn.TradeTime.UTC().Format(time.RFC3339Nano), "x": "V", "p": sn.Price, "s": 100, "c": []string{"@"}, "i": 1, "z": "C"}
		}
		bar := func(c float64, t time.Time) map[string]any {
			return map[string]any{"t": t.UTC().Format(time.RFC3339), "o": c, "h": c, "l": c, "c": c, "v": 12345, "n": 10, "vw": c}
		}
		if sn.Daily > 0 {
			m["dailyBar"] = bar(sn.Daily, sn.DailyDate)
		}
		if sn.PrevClose > 0 {
			m["prevDailyBar"] = bar(sn.PrevClose, sn.PrevDate)
		}
		out[sym] = m
	}
	s.mu.Unlock()
	json.NewEncoder(w).Encode(out)
}

func (s *Server) stream(w http.ResponseWriter, r *http.Request) {
	s.log(r)
	c, ok := s.hub.Accept(w, r)
	if !ok {
		return
	}
	defer s.hub.Release(c)
	write := func(v any) bool {
		b, _ := json.Marshal(v)
		return c.Write(c.Ctx, websocket.MessageText, b) == nil
	}
	if !write([]map[string]any{{"T": "success", "msg": "connected"}}) {
		return
	}
	authed := false
	for {
		_, data, err := c.Read(c.Ctx)
		if err != nil {
			return
		}
		var msg struct {
			Action string   `json:"action"`
			Key    string   `json:"key"`
			Secret string   `json:"secret"`
			Trades []string `json:"trades"`
		}
		if json.Unmarshal(data, &msg) != nil {
			write([]map[string]any{{"T": "error", "code": 400, "msg": "invalid syntax"}})
			continue
		}
		switch msg.Action {
		case "auth":
			s.mu.Lock()
			bad := s.badAuth || msg.Key != s.id || msg.Secret != s.sec
			s.mu.Unlock()
			if bad {
				write([]map[string]any{{"T": "error", "code": 402, "msg": "auth failed"}})
				c.Close(websocket.StatusPolicyViolation, "auth failed")
				return
			}
			authed = true
			write([]map[string]any{{"T": "success", "msg": "authenticated"}})
		case "subscribe":
			if !authed {
				write([]map[string]any{{"T": "error", "code": 401, "msg": "not authenticated"}})
				continue
			}
			subs := s.hub.Subscribe(c, msg.Trades, nil)
			write([]map[string]any{{"T": "subscription", "trades": subs, "quotes": []string{}, "bars": []string{}}})
		}
	}
}
