package fakeyahoo

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"

	"github.com/selloff/selloff/feeds/internal/fakews"
	"github.com/selloff/selloff/feeds/yahoo/stream"
)

// Streamer is a local stand-in for Yahoo's price streamer: a websocket
// server on loopback that accepts {"subscribe":[...]} messages and sends
// the frames a test asks for, with switches for the faults a client meets
// (refused handshake, dropped connections, garbage, a stalled server).
type Streamer struct {
	srv *httptest.Server
	hub *fakews.Hub

	mu   sync.Mutex
	subs int // subscribe messages received
}

// NewStreamer starts a fake streamer on loopback. Close it when done.
func NewStreamer() *Streamer {
	s := &Streamer{hub: fakews.New()}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// URL is the ws:// address, with ?version=2 as Yahoo's.
func (s *Streamer) URL() string {
	return "ws" + strings.TrimPrefix(s.srv.URL, "http") + "/?version=2"
}

// Close drops every connection and stops the server.
func (s *Streamer) Close() {
	s.Drop()
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// SetRefuse makes handshakes fail with this HTTP status (0: accept).
func (s *Streamer) SetRefuse(code int) { s.hub.SetRefuse(code) }

// SetStall makes connections stop reading: subscribes and pings go
// unanswered, as from a server that hangs. It does not affect Send.
func (s *Streamer) SetStall(on bool) { s.hub.SetStall(on) }

// Connects is how many websocket connections were accepted.
func (s *Streamer) Connects() int { return s.hub.Connects() }

// Subscribes is how many subscribe messages arrived.
func (s *Streamer) Subscribes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.subs
}

// Open is how many connections are open now.
func (s *Streamer) Open() int { return s.hub.Open() }

// WaitSubscribed waits until at least n open connections have subscribed
// to sym, or ctx ends (false).
func (s *Streamer) WaitSubscribed(ctx context.Context, sym string, n int) bool {
	return s.hub.WaitSubscribed(ctx, sym, n)
}

// Send sends a price to every connection subscribed to its symbol and
// returns how many got it.
func (s *Streamer) Send(t stream.Tick) int {
	return s.hub.Send(t.Symbol, stream.Encode(t))
}

// SendRaw sends a frame as is to every open connection (garbage, unknown
// messages, oversize frames).
func (s *Streamer) SendRaw(frame []byte) int { return s.hub.Send("", frame) }

// Drop closes every open connection abruptly (no close handshake).
func (s *Streamer) Drop() { s.hub.Drop() }

func (s *Streamer) serve(w http.ResponseWriter, r *http.Request) {
	c, ok := s.hub.Accept(w, r)
	if !ok {
		return
	}
	defer s.hub.Release(c)
	c.SetReadLimit(1 << 20)
	for {
		if s.hub.Stalled() {
			<-c.Ctx.Done() // hang: nothing read, no pong
			return
		}
		_, data, err := c.Read(c.Ctx)
		if err != nil {
			return
		}
		var msg struct {
			Subscribe   []string `json:"subscribe"`
			Unsubscribe []string `json:"unsubscribe"`
		}
		if json.Unmarshal(data, &msg) != nil {
			continue
		}
		if msg.Subscribe != nil {
			s.mu.Lock()
			s.subs++
			s.mu.Unlock()
		}
		s.hub.Subscribe(c, msg.Subscribe, msg.Unsubscribe)
	}
}
