package server

import (
	"sync/atomic"
	"time"
)

// roomStats totals what the server sends its viewers, for the summary
// logged every RoomLogEvery.
type roomStats struct {
	bytes atomic.Int64 // sent to every session's screen since the start
}

// DefaultRoomLogEvery is how often the server logs its one-line summary.
const DefaultRoomLogEvery = time.Minute

// tickerFunc makes the ticker of the room summary (tests inject their own).
type tickerFunc func(d time.Duration) (ticks <-chan time.Time, stop func())

func realTicker(d time.Duration) (<-chan time.Time, func()) {
	t := time.NewTicker(d)
	return t.C, t.Stop
}

// startRoomLog logs, at every tick, the viewers connected and the bytes per
// second sent to all of them since the last tick. It returns the stop.
func (s *Server) startRoomLog() func() {
	every := s.cfg.RoomLogEvery
	if every < 0 {
		return func() {}
	}
	mk := s.cfg.roomTicker
	if mk == nil {
		mk = realTicker
	}
	ticks, stopTicks := mk(every)
	done := make(chan struct{})
	go func() {
		last, lastBytes := time.Time{}, s.room.bytes.Load()
		for {
			select {
			case <-done:
				return
			case now := <-ticks:
				b := s.room.bytes.Load()
				elapsed := every
				if !last.IsZero() && now.After(last) {
					elapsed = now.Sub(last)
				}
				viewers := s.Sessions()
				s.log.Info("room", "viewers", viewers,
					"bytes/s", int64(float64(b-lastBytes)/elapsed.Seconds()),
					"per-viewer", perViewer(b-lastBytes, elapsed, viewers))
				last, lastBytes = now, b
			}
		}
	}()
	return func() { stopTicks(); close(done) }
}

func perViewer(b int64, d time.Duration, n int) int64 {
	if n == 0 || d <= 0 {
		return 0
	}
	return int64(float64(b) / d.Seconds() / float64(n))
}
