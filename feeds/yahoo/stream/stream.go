// Package stream is a client for Yahoo Finance's price streamer: a
// websocket that, once told which symbols to watch, pushes a small
// protobuf PricingData message for each price change. The live source
// uses it to show prices between its quote polls. Nothing here knows the
// dashboard; the client reports ticks and its own state as Events.
package stream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/coder/websocket"

	"github.com/selloff/selloff/feeds"
)

// DefaultURL is Yahoo's streamer, protocol version 2 (JSON frames that
// carry base64 protobuf).
const DefaultURL = "wss://streamer.finance.yahoo.com/?version=2"

// Defaults for Options.
const (
	DefaultResubscribe = 15 * time.Second
	DefaultMinBackoff  = time.Second
	DefaultMaxBackoff  = 2 * time.Minute
	DefaultTimeout     = 10 * time.Second
)

// State is the coarse state of the stream.
type State string

const (
	StateConnecting State = "connecting"
	StateStreaming  State = "streaming" // connected and subscribed
	StateDown       State = "down"      // waiting until RetryAt to reconnect
	StateStopped    State = "stopped"
)

// Status is the stream's state, sent on every change and with the counts
// at each resubscribe.
type Status struct {
	State    State
	RetryAt  time.Time // StateDown: the next connect
	LastErr  string    // why the last connection ended ("" none)
	Connects int       // connections opened
	Ticks    int       // prices decoded
	Bad      int       // frames that were not a price (garbage, unknown, too big)
}

// Healthy reports whether prices are flowing as far as the client knows.
func (s Status) Healthy() bool { return s.State == StateStreaming }

// Event is one thing the client reports: a price (Status nil) or a
// change of state.
type Event struct {
	Tick   Tick
	Status *Status
}

// Options configures a Client.
type Options struct {
	URL        string // default DefaultURL
	Symbols    []string
	Clock      feeds.Clock
	Header     http.Header  // sent with the handshake (User-Agent)
	HTTPClient *http.Client // for the handshake (nil: http.DefaultClient)
	// Resubscribe is how often the subscribe message is sent again (Yahoo
	// stops sending to clients that do not); also the ping interval.
	Resubscribe time.Duration
	// MinBackoff and MaxBackoff bound the wait before a reconnect: it
	// doubles with each connection that brought no price, with jitter.
	MinBackoff, MaxBackoff time.Duration
	// Timeout bounds the handshake, each write and each ping.
	Timeout time.Duration
	// Jitter returns a number in [0, 1) (default math/rand/v2); tests fix it.
	Jitter func() float64
}

// Client streams prices. Create with New; run with Run.
type Client struct {
	opt Options
	sub []byte
	st  Status
}

// New checks the options and returns a client.
func New(opt Options) (*Client, error) {
	if opt.Clock == nil {
		return nil, errors.New("stream: needs a clock")
	}
	if len(opt.Symbols) == 0 || len(opt.Symbols) > MaxSymbols {
		return nil, fmt.Errorf("stream: needs 1 to %d symbols, got %d", MaxSymbols, len(opt.Symbols))
	}
	if opt.URL == "" {
		opt.URL = DefaultURL
	}
	if !strings.HasPrefix(opt.URL, "ws://") && !strings.HasPrefix(opt.URL, "wss://") {
		return nil, fmt.Errorf("stream: URL %q: want ws:// or wss://", opt.URL)
	}
	if opt.Resubscribe <= 0 {
		opt.Resubscribe = DefaultResubscribe
	}
	if opt.MinBackoff <= 0 {
		opt.MinBackoff = DefaultMinBackoff
	}
	if opt.MaxBackoff < opt.MinBackoff {
		opt.MaxBackoff = max(DefaultMaxBackoff, opt.MinBackoff)
	}
	if opt.Timeout <= 0 {
		opt.Timeout = DefaultTimeout
	}
	if opt.Jitter == nil {
		opt.Jitter = rand.Float64
	}
	opt.Symbols = slices.Clone(opt.Symbols)
	sub, err := json.Marshal(map[string][]string{"subscribe": opt.Symbols})
	if err != nil {
		return nil, err
	}
	return &Client{opt: opt, sub: sub}, nil
}

// URL returns the streamer's URL.
func (c *Client) URL() string { return c.opt.URL }

// Options are the client's options, defaults filled in (for Probe).
func (c *Client) Options() Options { return c.opt }

// Run connects, subscribes and sends each price to out until ctx ends,
// reconnecting with backoff whenever the connection fails. Every send
// gives way to ctx. It returns ctx's error.
func (c *Client) Run(ctx context.Context, out chan<- Event) error {
	fails := 0
	for {
		c.st.State, c.st.RetryAt = StateConnecting, time.Time{}
		if !c.report(ctx, out) {
			break
		}
		before := c.st.Ticks
		err := c.session(ctx, out)
		if ctx.Err() != nil {
			break
		}
		if c.st.Ticks > before {
			fails = 0 // it worked for a while: start the backoff afresh
		}
		fails++
		wait := c.backoff(fails)
		c.st.State = StateDown
		c.st.RetryAt = c.opt.Clock.Now().Add(wait)
		c.st.LastErr = err.Error()
		if !c.report(ctx, out) {
			break
		}
		select {
		case <-ctx.Done():
		case <-c.opt.Clock.After(wait):
		}
		if ctx.Err() != nil {
			break
		}
	}
	c.st.State, c.st.RetryAt = StateStopped, time.Time{}
	st := c.st
	select { // best effort: the reader may be gone
	case out <- Event{Status: &st}:
	default:
	}
	return ctx.Err()
}

// backoff is MinBackoff x 2^(fails-1), at most MaxBackoff, then scaled
// by a jitter in [0.5, 1) so that many clients do not come back at once.
func (c *Client) backoff(fails int) time.Duration {
	d := min(c.opt.MinBackoff<<min(fails-1, 20), c.opt.MaxBackoff)
	return d/2 + time.Duration(c.opt.Jitter()*float64(d/2))
}

func (c *Client) report(ctx context.Context, out chan<- Event) bool {
	st := c.st
	select {
	case out <- Event{Status: &st}:
		return true
	case <-ctx.Done():
		return false
	}
}

// session runs one connection until it fails.
func (c *Client) session(ctx context.Context, out chan<- Event) error {
	dctx, cancel := context.WithTimeout(ctx, c.opt.Timeout)
	conn, resp, err := websocket.Dial(dctx, c.opt.URL, &websocket.DialOptions{HTTPClient: c.opt.HTTPClient, HTTPHeader: c.opt.Header})
	cancel()
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	if err != nil {
		if resp != nil && resp.StatusCode != http.StatusSwitchingProtocols {
			return fmt.Errorf("stream: connect: HTTP %d", resp.StatusCode)
		}
		return fmt.Errorf("stream: connect: %w", unwrapDial(err))
	}
	defer conn.CloseNow()
	conn.SetReadLimit(MaxFrame)
	c.st.Connects++
	sctx, stop := context.WithCancel(ctx)
	defer stop()
	if err := c.write(sctx, conn); err != nil {
		return err
	}
	c.st.State = StateStreaming
	if !c.report(ctx, out) {
		return ctx.Err()
	}
	readErr := make(chan error, 1)
	ticks := make(chan Tick, 64)
	bad := make(chan struct{}, 64)
	go func() { readErr <- read(sctx, conn, ticks, bad) }()
	resub := c.opt.Clock.After(c.opt.Resubscribe)
	lastBad := c.st.Bad
	for {
		select {
		case <-ctx.Done():
			conn.Close(websocket.StatusNormalClosure, "")
			return ctx.Err()
		case err := <-readErr:
			return err
		case t := <-ticks:
			c.st.Ticks++
			select {
			case out <- Event{Tick: t}:
			case <-ctx.Done():
			}
		case <-bad:
			c.st.Bad++
		case <-resub:
			if err := c.write(sctx, conn); err != nil {
				return err
			}
			pctx, cancel := context.WithTimeout(sctx, c.opt.Timeout)
			err := conn.Ping(pctx)
			cancel()
			if err != nil && ctx.Err() == nil {
				return fmt.Errorf("stream: no answer to a ping in %s (stalled)", c.opt.Timeout)
			}
			if c.st.Bad != lastBad {
				lastBad = c.st.Bad
				if !c.report(ctx, out) {
					return ctx.Err()
				}
			}
			resub = c.opt.Clock.After(c.opt.Resubscribe)
		}
	}
}

// write sends the subscribe message.
func (c *Client) write(ctx context.Context, conn *websocket.Conn) error {
	wctx, cancel := context.WithTimeout(ctx, c.opt.Timeout)
	defer cancel()
	if err := conn.Write(wctx, websocket.MessageText, c.sub); err != nil {
		return fmt.Errorf("stream: subscribe: %w", err)
	}
	return nil
}

// read decodes frames until the connection fails; frames that are not a
// price are counted on bad, never fatal.
func read(ctx context.Context, conn *websocket.Conn, ticks chan<- Tick, bad chan<- struct{}) error {
	for {
		_, data, err := conn.Read(ctx)
		if err != nil {
			if websocket.CloseStatus(err) == websocket.StatusMessageTooBig {
				return fmt.Errorf("stream: a frame over %d bytes", MaxFrame)
			}
			if s := websocket.CloseStatus(err); s != -1 {
				return fmt.Errorf("stream: closed by the server (%d)", s)
			}
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return errors.New("stream: the connection was closed")
			}
			return fmt.Errorf("stream: %w", err)
		}
		t, err := Decode(data)
		if err != nil {
			select {
			case bad <- struct{}{}:
			case <-ctx.Done():
				return ctx.Err()
			}
			continue
		}
		select {
		case ticks <- t:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// unwrapDial shortens the dial error chain to its cause.
func unwrapDial(err error) error {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err
		}
		err = u
	}
}

// Probe checks the streamer the way the client uses it: connect, send the
// subscribe, and get an answer to a ping, within opt.Timeout each (for
// doctor). A closed market sends no prices, so none is waited for.
func Probe(ctx context.Context, opt Options) error {
	c, err := New(opt)
	if err != nil {
		return err
	}
	dctx, cancel := context.WithTimeout(ctx, c.opt.Timeout)
	defer cancel()
	conn, resp, err := websocket.Dial(dctx, c.opt.URL, &websocket.DialOptions{HTTPClient: c.opt.HTTPClient, HTTPHeader: c.opt.Header})
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	if err != nil {
		if resp != nil && resp.StatusCode != http.StatusSwitchingProtocols {
			return fmt.Errorf("stream: connect: HTTP %d", resp.StatusCode)
		}
		return fmt.Errorf("stream: connect: %w", unwrapDial(err))
	}
	defer conn.CloseNow()
	conn.SetReadLimit(MaxFrame)
	if err := c.write(ctx, conn); err != nil {
		return err
	}
	go func() { // pongs are read by a reader; frames are dropped here
		for {
			if _, _, err := conn.Read(dctx); err != nil {
				return
			}
		}
	}()
	pctx, pcancel := context.WithTimeout(ctx, c.opt.Timeout)
	defer pcancel()
	if err := conn.Ping(pctx); err != nil {
		return fmt.Errorf("stream: no answer to a ping in %s", c.opt.Timeout)
	}
	conn.Close(websocket.StatusNormalClosure, "")
	return nil
}
