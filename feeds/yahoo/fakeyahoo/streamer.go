package fakeyahoo

import (
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/selloff/selloff/feeds/yahoo/stream"
)

// Streamer is a local stand-in for Yahoo's price streamer: a websocket
// server on loopback that accepts {"subscribe":[...]} messages and sends
// the frames a test asks for, with switches for the faults a client meets
// (refused handshake, dropped connections, garbage, a stalled server).
type Streamer struct {
	srv *httptest.Server

	mu       sync.Mutex
	conns    map[*streamConn]bool
	connects int
	subs     int // subscribe messages received
	refuse   int // answer the handshake with this status (0: accept)
	stall    bool
	changed  chan struct{} // closed and replaced on every change
}

type streamConn struct {
	c    *websocket.Conn
	syms map[string]bool
	stop context.CancelFunc
}

// NewStreamer starts a fake streamer on loopback. Close it when done.
func NewStreamer() *Streamer {
	s := &Streamer{conns: map[*streamConn]bool{}, changed: make(chan struct{})}
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
func (s *Streamer) SetRefuse(code int) {
	s.mu.Lock()
	s.refuse = code
	s.mu.Unlock()
}

// SetStall makes connections stop reading: subscribes and pings go
// unanswered, as from a server that hangs. It does not affect Send.
func (s *Streamer) SetStall(on bool) {
	s.mu.Lock()
	s.stall = on
	s.mu.Unlock()
}

// Connects is how many websocket connections were accepted.
func (s *Streamer) Connects() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.connects
}

// Subscribes is how many subscribe messages arrived.
func (s *Streamer) Subscribes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.subs
}

// Open is how many connections are open now.
func (s *Streamer) Open() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// WaitSubscribed waits until at least n open connections have subscribed
// to sym, or ctx ends (false).
func (s *Streamer) WaitSubscribed(ctx context.Context, sym string, n int) bool {
	for {
		s.mu.Lock()
		got := 0
		for c := range s.conns {
			if c.syms[sym] {
				got++
			}
		}
		ch := s.changed
		s.mu.Unlock()
		if got >= n {
			return true
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return false
		}
	}
}

// Send sends a price to every connection subscribed to its symbol and
// returns how many got it.
func (s *Streamer) Send(t stream.Tick) int {
	return s.send(t.Symbol, stream.Encode(t))
}

// SendRaw sends a frame as is to every open connection (garbage, unknown
// messages, oversize frames).
func (s *Streamer) SendRaw(frame []byte) int { return s.send("", frame) }

func (s *Streamer) send(sym string, frame []byte) int {
	s.mu.Lock()
	var to []*streamConn
	for c := range s.conns {
		if sym == "" || c.syms[sym] {
			to = append(to, c)
		}
	}
	s.mu.Unlock()
	n := 0
	for _, c := range to {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if c.c.Write(ctx, websocket.MessageText, frame) == nil {
			n++
		}
		cancel()
	}
	return n
}

// Drop closes every open connection abruptly (no close handshake).
func (s *Streamer) Drop() {
	s.mu.Lock()
	conns := slices.Collect(maps.Keys(s.conns))
	s.mu.Unlock()
	for _, c := range conns {
		c.stop()
		c.c.CloseNow()
	}
}

func (s *Streamer) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

func (s *Streamer) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	refuse := s.refuse
	s.mu.Unlock()
	if refuse != 0 {
		http.Error(w, http.StatusText(refuse), refuse)
		return
	}
	c, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	ctx, stop := context.WithCancel(r.Context())
	sc := &streamConn{c: c, syms: map[string]bool{}, stop: stop}
	s.mu.Lock()
	s.conns[sc] = true
	s.connects++
	s.notifyLocked()
	s.mu.Unlock()
	defer func() {
		stop()
		c.CloseNow()
		s.mu.Lock()
		delete(s.conns, sc)
		s.notifyLocked()
		s.mu.Unlock()
	}()
	c.SetReadLimit(1 << 20)
	for {
		s.mu.Lock()
		stall := s.stall
		s.mu.Unlock()
		if stall {
			<-ctx.Done() // hang: nothing read, no pong
			return
		}
		_, data, err := c.Read(ctx)
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
		s.mu.Lock()
		if msg.Subscribe != nil {
			s.subs++
		}
		for _, x := range msg.Subscribe {
			sc.syms[x] = true
		}
		for _, x := range msg.Unsubscribe {
			delete(sc.syms, x)
		}
		s.notifyLocked()
		s.mu.Unlock()
	}
}
