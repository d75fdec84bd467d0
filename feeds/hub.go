package feeds

import (
	"context"
	"sync"
)

// Hub fans one source's updates out to many subscribers (one per SSH
// session, say). Publishing never blocks: each subscriber has a one-slot
// mailbox, and an update that finds the mailbox full replaces the older one
// (coalescing), so a slow subscriber sees the newest state and neither the
// source nor the other subscribers wait for it.
//
// The zero Hub is not usable; call NewHub.
type Hub struct {
	mu     sync.Mutex
	subs   map[*hubSub]struct{}
	latest Update
	has    bool
	closed bool
	stats  HubStats
}

type hubSub struct {
	ch   chan Update
	stop func() bool // unregisters the context.AfterFunc
}

// HubStats counts a hub's traffic.
type HubStats struct {
	Subscribers int    // current subscribers
	Published   uint64 // updates published
	Delivered   uint64 // updates put into a mailbox
	Coalesced   uint64 // updates dropped from a full mailbox in favour of a newer one
}

// NewHub returns an empty, open hub.
func NewHub() *Hub {
	return &Hub{subs: make(map[*hubSub]struct{})}
}

// Publish sends u to every subscriber and keeps it as the latest update.
// It never blocks on a subscriber. Publishing to a closed hub does nothing.
func (h *Hub) Publish(u Update) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	h.latest, h.has = u, true
	h.stats.Published++
	for s := range h.subs {
		h.deliver(s, u)
	}
}

// deliver puts u into s's mailbox, replacing an unread older update. Only
// the hub sends on s.ch (under h.mu), so after the drain there is room.
func (h *Hub) deliver(s *hubSub, u Update) {
	select {
	case s.ch <- u:
	default:
		select {
		case <-s.ch:
			h.stats.Coalesced++
		default:
		}
		s.ch <- u
	}
	h.stats.Delivered++
}

// Subscribe returns a channel that first receives the latest update (if
// any) and then every later one, coalesced for a slow reader. The channel
// is closed, and everything the subscriber held freed, when ctx ends or the
// hub closes. No goroutine is kept per subscriber.
func (h *Hub) Subscribe(ctx context.Context) <-chan Update {
	s := &hubSub{ch: make(chan Update, 1)}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed || ctx.Err() != nil {
		close(s.ch)
		return s.ch
	}
	if h.has {
		h.deliver(s, h.latest)
	}
	h.subs[s] = struct{}{}
	s.stop = context.AfterFunc(ctx, func() { h.remove(s) })
	return s.ch
}

func (h *Hub) remove(s *hubSub) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.subs[s]; !ok {
		return
	}
	delete(h.subs, s)
	close(s.ch)
}

// Latest returns the last published update.
func (h *Hub) Latest() (Update, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.latest, h.has
}

// Stats returns the hub's counters.
func (h *Hub) Stats() HubStats {
	h.mu.Lock()
	defer h.mu.Unlock()
	st := h.stats
	st.Subscribers = len(h.subs)
	return st
}

// Close closes every subscriber channel; later Subscribes get a closed
// channel and Publish does nothing. Close is idempotent.
func (h *Hub) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	h.closed = true
	for s := range h.subs {
		s.stop()
		delete(h.subs, s)
		close(s.ch)
	}
}

// NextBatch waits for one value from ch, then takes whatever else is ready
// (up to cap(ch)), so a burst of streamed ticks is applied and published
// once. ok is false when ctx ends first.
func NextBatch[T any](ctx context.Context, ch <-chan T) (batch []T, ok bool) {
	select {
	case <-ctx.Done():
		return nil, false
	case v := <-ch:
		batch = append(batch, v)
	}
	for len(batch) < cap(ch) {
		select {
		case v := <-ch:
			batch = append(batch, v)
		default:
			return batch, true
		}
	}
	return batch, true
}
