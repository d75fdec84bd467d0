package alpaca

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/selloff/selloff/feeds"
)

// Stream bounds: a frame (a JSON array of messages) over MaxFrame bytes
// ends the connection; one holding more than MaxMessages messages is
// counted bad.
const (
	MaxFrame    = 256 << 10
	MaxMessages = 4096
	// PingEvery is how often the client pings the server.
	PingEvery = 30 * time.Second
)

// StreamState is the coarse state of the trade stream.
type StreamState string

const (
	StreamConnecting StreamState = "connecting"
	StreamStreaming  StreamState = "streaming"
	StreamDown       StreamState = "down"
	StreamStopped    StreamState = "stopped"
)

// StreamStatus is the stream's state, sent on each change.
type StreamStatus struct {
	State   StreamState
	RetryAt time.Time
	LastErr string // never holds the key
	Trades  int
	Bad     int // messages that were not understood (counted, not fatal)
}

// StreamEvent is a trade (Status nil) or a change of state.
type StreamEvent struct {
	Trade  Trade
	Status *StreamStatus
}

// StreamOptions configures a Streamer.
type StreamOptions struct {
	URL        string // default DefaultStreamURL
	Key        Key
	Symbols    []string // Alpaca symbols
	Clock      feeds.Clock
	HTTPClient *http.Client
	MinBackoff time.Duration // default 1s
	MaxBackoff time.Duration // default 2m; a refused key waits this long
	Timeout    time.Duration // handshake, auth and writes (default 10s)
	Jitter     func() float64
}

// Streamer is the IEX trade stream client.
type Streamer struct {
	opt StreamOptions
	st  StreamStatus
}

// NewStreamer checks the options.
func NewStreamer(opt StreamOptions) (*Streamer, error) {
	if opt.Clock == nil || len(opt.Symbols) == 0 {
		return nil, errors.New("alpaca: the stream needs a clock and symbols")
	}
	if opt.Key.Empty() {
		return nil, errors.New("alpaca: no key")
	}
	if opt.URL == "" {
		opt.URL = DefaultStreamURL
	}
	if opt.MinBackoff <= 0 {
		opt.MinBackoff = time.Second
	}
	if opt.MaxBackoff < opt.MinBackoff {
		opt.MaxBackoff = max(2*time.Minute, opt.MinBackoff)
	}
	if opt.Timeout <= 0 {
		opt.Timeout = 10 * time.Second
	}
	if opt.Jitter == nil {
		opt.Jitter = rand.Float64
	}
	return &Streamer{opt: opt}, nil
}

// errRefused is a connection the server refused for a reason that a quick
// retry will not cure (a bad key, too many connections, no subscription).
type errRefused struct{ msg string }

func (e errRefused) Error() string { return e.msg }

// Run streams until ctx ends, reconnecting with backoff and jitter.
func (s *Streamer) Run(ctx context.Context, out chan<- StreamEvent) error {
	fails := 0
	for ctx.Err() == nil {
		s.st.State, s.st.RetryAt = StreamConnecting, time.Time{}
		if !s.report(ctx, out) {
			break
		}
		before := s.st.Trades
		err := s.session(ctx, out)
		if ctx.Err() != nil {
			break
		}
		if s.st.Trades > before {
			fails = 0
		}
		fails++
		d := min(s.opt.MinBackoff<<min(fails-1, 20), s.opt.MaxBackoff)
		var ref errRefused
		if errors.As(err, &ref) {
			d = s.opt.MaxBackoff // never hammer with a refused key
		}
		wait := d/2 + time.Duration(s.opt.Jitter()*float64(d/2))
		s.st.State, s.st.RetryAt = StreamDown, s.opt.Clock.Now().Add(wait)
		s.st.LastErr = s.opt.Key.scrub(err.Error())
		if !s.report(ctx, out) {
			break
		}
		select {
		case <-ctx.Done():
		case <-s.opt.Clock.After(wait):
		}
	}
	s.st.State = StreamStopped
	st := s.st
	select {
	case out <- StreamEvent{Status: &st}:
	default:
	}
	return ctx.Err()
}

func (s *Streamer) report(ctx context.Context, out chan<- StreamEvent) bool {
	st := s.st
	select {
	case out <- StreamEvent{Status: &st}:
		return true
	case <-ctx.Done():
		return false
	}
}

// wireMsg is one message of a frame (server to client).
type wireMsg struct {
	T    string    `json:"T"`
	Msg  string    `json:"msg"`
	Code int       `json:"code"`
	S    string    `json:"S"`
	P    float64   `json:"p"`
	Size int64     `json:"s"`
	Time time.Time `json:"t"`
}

// decodeFrame reads one frame: a JSON array of messages. It returns the
// trades, control messages (success, error, subscription) and the count
// of messages it did not understand.
func decodeFrame(data []byte) (trades []Trade, control []wireMsg, bad int, err error) {
	if len(data) > MaxFrame {
		return nil, nil, 1, errors.New("frame too big")
	}
	var msgs []json.RawMessage
	if err := json.Unmarshal(data, &msgs); err != nil {
		return nil, nil, 1, nil
	}
	if len(msgs) > MaxMessages {
		return nil, nil, 1, nil
	}
	for _, r := range msgs {
		var m wireMsg
		if json.Unmarshal(r, &m) != nil {
			bad++
			continue
		}
		switch m.T {
		case "t":
			if !validSymbol(m.S) || !price(m.P) || m.Time.IsZero() || m.Size < 0 {
				bad++
				continue
			}
			trades = append(trades, Trade{Symbol: m.S, Price: m.P, Size: m.Size, Time: m.Time})
		case "success", "error", "subscription":
			if len(m.Msg) > 200 {
				m.Msg = m.Msg[:200]
			}
			control = append(control, m)
		default:
			bad++
		}
	}
	return trades, control, bad, nil
}

// session runs one connection: connect, auth, subscribe, read.
func (s *Streamer) session(ctx context.Context, out chan<- StreamEvent) error {
	dctx, cancel := context.WithTimeout(ctx, s.opt.Timeout)
	defer cancel()
	conn, resp, err := websocket.Dial(dctx, s.opt.URL, &websocket.DialOptions{HTTPClient: s.opt.HTTPClient})
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	if err != nil {
		if resp != nil && resp.StatusCode != http.StatusSwitchingProtocols {
			return fmt.Errorf("stream: connect: HTTP %d", resp.StatusCode)
		}
		for u := errors.Unwrap(err); u != nil; u = errors.Unwrap(err) {
			err = u
		}
		return fmt.Errorf("stream: connect: %v", err)
	}
	defer conn.CloseNow()
	conn.SetReadLimit(MaxFrame)
	// the server greets, then answers the auth
	auth, _ := json.Marshal(map[string]string{"action": "auth", "key": s.opt.Key.ID, "secret": s.opt.Key.Secret})
	if err := conn.Write(dctx, websocket.MessageText, auth); err != nil {
		return fmt.Errorf("stream: auth: %v", unwrapAll(err))
	}
	authed := false
	for !authed {
		_, data, err := conn.Read(dctx)
		if err != nil {
			return readErr(err)
		}
		_, ctl, bad, _ := decodeFrame(data)
		s.st.Bad += bad
		for _, m := range ctl {
			switch {
			case m.T == "error":
				return errRefused{fmt.Sprintf("stream: Alpaca refused: %d %s", m.Code, m.Msg)}
			case m.T == "success" && m.Msg == "authenticated":
				authed = true
			}
		}
	}
	sub, _ := json.Marshal(map[string]any{"action": "subscribe", "trades": s.opt.Symbols})
	if err := conn.Write(dctx, websocket.MessageText, sub); err != nil {
		return fmt.Errorf("stream: subscribe: %v", unwrapAll(err))
	}
	cancel()
	s.st.State = StreamStreaming
	if !s.report(ctx, out) {
		return ctx.Err()
	}
	// a ping every PingEvery: a server that stopped answering is left,
	// not waited on forever (a quiet market sends nothing either)
	sctx, stop := context.WithCancel(ctx)
	defer stop()
	var stalled atomic.Bool
	go func() {
		for {
			select {
			case <-sctx.Done():
				return
			case <-s.opt.Clock.After(PingEvery):
			}
			pctx, cancel := context.WithTimeout(sctx, s.opt.Timeout)
			err := conn.Ping(pctx)
			cancel()
			if err != nil && sctx.Err() == nil {
				stalled.Store(true)
				conn.CloseNow()
				return
			}
		}
	}()
	for {
		_, data, err := conn.Read(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if stalled.Load() {
				return fmt.Errorf("stream: no answer to a ping in %s (stalled)", s.opt.Timeout)
			}
			return readErr(err)
		}
		trades, ctl, bad, ferr := decodeFrame(data)
		if ferr != nil {
			return fmt.Errorf("stream: %v", ferr)
		}
		if bad > 0 {
			s.st.Bad += bad
			if !s.report(ctx, out) {
				return ctx.Err()
			}
		}
		for _, m := range ctl {
			if m.T == "error" {
				return errRefused{fmt.Sprintf("stream: Alpaca error: %d %s", m.Code, m.Msg)}
			}
		}
		for _, t := range trades {
			s.st.Trades++
			select {
			case out <- StreamEvent{Trade: t}:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
}

func unwrapAll(err error) error {
	for u := errors.Unwrap(err); u != nil; u = errors.Unwrap(err) {
		err = u
	}
	return err
}

func readErr(err error) error {
	if s := websocket.CloseStatus(err); s != -1 {
		return fmt.Errorf("stream: closed by Alpaca (%d)", s)
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("stream: the connection was closed")
	}
	return fmt.Errorf("stream: %v", unwrapAll(err))
}
