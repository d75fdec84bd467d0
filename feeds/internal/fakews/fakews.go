// Package fakews is the connection handling the fake websocket servers
// (fakeyahoo's streamer, fakealpaca's stream) share: accepting or refusing
// handshakes, tracking each connection's subscriptions, waiting for them,
// sending frames, dropping connections and a stall switch. What is said
// over a connection is each fake's own.
package fakews

import (
	"context"
	"maps"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// Hub tracks a fake server's open connections. The zero value is not
// usable; make one with New.
type Hub struct {
	mu       sync.Mutex
	conns    map[*Conn]bool
	connects int
	refuse   int
	stall    bool
	changed  chan struct{} // closed and replaced on every change
}

// Conn is one accepted connection. Ctx ends when it is dropped or the
// request ends.
type Conn struct {
	*websocket.Conn
	Ctx  context.Context
	syms map[string]bool
	stop context.CancelFunc
}

// New makes an empty hub.
func New() *Hub {
	return &Hub{conns: map[*Conn]bool{}, changed: make(chan struct{})}
}

func (h *Hub) notifyLocked() {
	close(h.changed)
	h.changed = make(chan struct{})
}

// SetRefuse makes handshakes fail with this HTTP status (0: accept).
func (h *Hub) SetRefuse(code int) {
	h.mu.Lock()
	h.refuse = code
	h.mu.Unlock()
}

// SetStall sets the stall switch; each fake decides what stalling means.
func (h *Hub) SetStall(on bool) {
	h.mu.Lock()
	h.stall = on
	h.mu.Unlock()
}

// Stalled reports the stall switch.
func (h *Hub) Stalled() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.stall
}

// Accept answers a handshake: refused with the SetRefuse status, or
// accepted and registered (ok true). The caller must defer Release.
func (h *Hub) Accept(w http.ResponseWriter, r *http.Request) (c *Conn, ok bool) {
	h.mu.Lock()
	refuse := h.refuse
	h.mu.Unlock()
	if refuse != 0 {
		http.Error(w, http.StatusText(refuse), refuse)
		return nil, false
	}
	wc, err := websocket.Accept(w, r, nil)
	if err != nil {
		return nil, false
	}
	ctx, stop := context.WithCancel(r.Context())
	c = &Conn{Conn: wc, Ctx: ctx, syms: map[string]bool{}, stop: stop}
	h.mu.Lock()
	h.conns[c] = true
	h.connects++
	h.notifyLocked()
	h.mu.Unlock()
	return c, true
}

// Release closes c and forgets it.
func (h *Hub) Release(c *Conn) {
	c.stop()
	c.CloseNow()
	h.mu.Lock()
	delete(h.conns, c)
	h.notifyLocked()
	h.mu.Unlock()
}

// Subscribe adds and removes c's symbols and returns its subscriptions,
// sorted.
func (h *Hub) Subscribe(c *Conn, add, remove []string) []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, x := range add {
		c.syms[x] = true
	}
	for _, x := range remove {
		delete(c.syms, x)
	}
	h.notifyLocked()
	return slices.Sorted(maps.Keys(c.syms))
}

// Connects is how many connections were accepted.
func (h *Hub) Connects() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.connects
}

// Open is how many connections are open now.
func (h *Hub) Open() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.conns)
}

// WaitSubscribed waits until at least n open connections have subscribed
// to sym, or ctx ends (false).
func (h *Hub) WaitSubscribed(ctx context.Context, sym string, n int) bool {
	for {
		h.mu.Lock()
		got := 0
		for c := range h.conns {
			if c.syms[sym] {
				got++
			}
		}
		ch := h.changed
		h.mu.Unlock()
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

// Send writes frame to every open connection subscribed to sym (every
// one if sym is "") and returns how many took it.
func (h *Hub) Send(sym string, frame []byte) int {
	h.mu.Lock()
	var to []*Conn
	for c := range h.conns {
		if sym == "" || c.syms[sym] {
			to = append(to, c)
		}
	}
	h.mu.Unlock()
	n := 0
	for _, c := range to {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if c.Write(ctx, websocket.MessageText, frame) == nil {
			n++
		}
		cancel()
	}
	return n
}

// Drop closes every open connection abruptly (no close handshake).
func (h *Hub) Drop() {
	h.mu.Lock()
	conns := slices.Collect(maps.Keys(h.conns))
	h.mu.Unlock()
	for _, c := range conns {
		c.stop()
		c.CloseNow()
	}
}
