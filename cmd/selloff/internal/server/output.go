package server

import (
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/selloff/selloff/tui/celldiff"
)

// screenOut is what sits between a session's program and its channel: the
// program hands it each frame it renders (safeModel.View) and never waits
// for the client; one pump goroutine turns the newest frame into the cells
// that changed on the client's screen (celldiff) and writes them.
//
// A client that reads slowly blocks only the pump: frames that come while
// it writes replace each other in the one pending slot, so the client gets
// fewer, newer frames and the server holds one frame and two cell buffers
// per session, however long the client stalls. The pump paces itself: at
// most one frame per minInterval, and never sooner after a write than that
// write took, up to maxPace (a link at its limit gets frames as fast as it
// drains them; one that stalled for a minute gets the newest frame as soon
// as it reads again, at most maxPace later).
type screenOut struct {
	w           io.Writer
	cd          *celldiff.Writer // the pump's alone
	minInterval time.Duration

	mu      sync.Mutex
	frame   string
	width   int
	height  int
	pending bool // a frame the pump has not taken
	closing bool

	wake chan struct{} // a frame is pending (capacity 1)
	stop chan struct{} // closed by close
	done chan struct{} // closed when the pump has returned

	bytes   atomic.Int64 // written to the client
	frames  atomic.Int64 // frames written
	skipped atomic.Int64 // frames replaced by newer ones before the pump took them
	started time.Time
	room    *roomStats // the server's totals (nil: none)
	onFrame func(view string, w, h int, out []byte)
}

// maxPace bounds the wait between frames that a slow write imposes.
const maxPace = time.Second

func newScreenOut(w io.Writer, width, height int, o celldiff.Options, fps int) *screenOut {
	so := &screenOut{
		w:           w,
		cd:          celldiff.New(width, height, o),
		minInterval: time.Second / time.Duration(max(fps, 1)),
		width:       width,
		height:      height,
		wake:        make(chan struct{}, 1),
		stop:        make(chan struct{}),
		done:        make(chan struct{}),
		started:     time.Now(),
	}
	go so.pump()
	return so
}

// resize records the client's new size; the next frame is drawn for it
// (and repaints the whole screen).
func (so *screenOut) resize(w, h int) {
	so.mu.Lock()
	so.width, so.height = w, h
	so.mu.Unlock()
}

// setFrame hands over the program's newest frame. It never blocks on the
// client.
func (so *screenOut) setFrame(view string) {
	so.mu.Lock()
	if so.closing {
		so.mu.Unlock()
		return
	}
	if so.pending && so.frame != view {
		so.skipped.Add(1)
	}
	so.frame, so.pending = view, true
	so.mu.Unlock()
	select {
	case so.wake <- struct{}{}:
	default:
	}
}

func (so *screenOut) pump() {
	defer close(so.done)
	var last time.Time // end of the last write
	var lastTook time.Duration
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		select {
		case <-so.wake:
		case <-so.stop:
			so.finish()
			return
		}
		// Pace: coalesce what comes meanwhile into the one pending frame.
		if wait := min(max(so.minInterval, lastTook), maxPace) - time.Since(last); wait > 0 {
			timer.Reset(wait)
			select {
			case <-timer.C:
			case <-so.stop:
				timer.Stop()
				so.finish()
				return
			}
		}
		so.mu.Lock()
		frame, w, h, ok := so.frame, so.width, so.height, so.pending
		so.pending = false
		so.mu.Unlock()
		if !ok {
			continue
		}
		if cw, ch := so.cd.Size(); cw != w || ch != h {
			so.cd.Resize(w, h)
		}
		b := so.cd.Frame(frame)
		if so.onFrame != nil {
			so.onFrame(frame, w, h, b)
		}
		if len(b) == 0 {
			continue
		}
		start := time.Now()
		n, err := so.w.Write(b)
		last = time.Now()
		lastTook = last.Sub(start)
		so.count(n)
		so.frames.Add(1)
		if err != nil {
			<-so.stop // the channel is gone: wait for close, write nothing more
			return
		}
	}
}

// finish draws the last frame and restores the client's terminal.
func (so *screenOut) finish() {
	so.mu.Lock()
	frame, w, h, ok := so.frame, so.width, so.height, so.pending
	so.mu.Unlock()
	var out []byte
	if ok {
		if cw, ch := so.cd.Size(); cw != w || ch != h {
			so.cd.Resize(w, h)
		}
		out = append(out, so.cd.Frame(frame)...)
	}
	out = append(out, so.cd.Close()...)
	if len(out) > 0 {
		n, _ := so.w.Write(out)
		so.count(n)
	}
}

// close writes the last frame and the terminal restore, and waits for the
// pump at most grace (a client that stopped reading cannot hold it: the
// caller closes the channel then).
func (so *screenOut) close(grace time.Duration) bool {
	so.mu.Lock()
	if !so.closing {
		so.closing = true
		close(so.stop)
	}
	so.mu.Unlock()
	select {
	case <-so.done:
		return true
	case <-time.After(grace):
		return false
	}
}

func (so *screenOut) count(n int) {
	so.bytes.Add(int64(n))
	if so.room != nil {
		so.room.bytes.Add(int64(n))
	}
}

// rate is the bytes per second written since the session began.
func (so *screenOut) rate() float64 {
	secs := time.Since(so.started).Seconds()
	if secs <= 0 {
		return 0
	}
	return float64(so.bytes.Load()) / secs
}
