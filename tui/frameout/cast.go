package frameout

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
)

// CastHeader is an asciicast v2 header (the first line of a .cast file).
type CastHeader struct {
	Version   int               `json:"version"` // always 2
	Width     int               `json:"width"`
	Height    int               `json:"height"`
	Timestamp int64             `json:"timestamp,omitempty"` // Unix seconds
	Duration  float64           `json:"duration,omitempty"`  // seconds
	Title     string            `json:"title,omitempty"`
	Env       map[string]string `json:"env,omitempty"`
}

// Cast writes an asciicast v2 stream: the header, then one line per event
// ([time, code, data]). Times must not go back; Cast refuses one that does
// (a player would jump). It buffers nothing beyond a line.
type Cast struct {
	w    io.Writer
	last float64
	n    int
	buf  bytes.Buffer
	err  error
}

// NewCast writes h and returns a Cast for the events.
func NewCast(w io.Writer, h CastHeader) (*Cast, error) {
	h.Version = 2
	c := &Cast{w: w}
	if err := c.line(h); err != nil {
		return nil, err
	}
	return c, nil
}

// Output adds an "o" event: bytes the terminal received at t seconds.
func (c *Cast) Output(t float64, data []byte) error { return c.event(t, "o", string(data)) }

// Marker adds an "m" event (a chapter a player can jump to) labelled label.
func (c *Cast) Marker(t float64, label string) error { return c.event(t, "m", label) }

// Events is the number of events written.
func (c *Cast) Events() int { return c.n }

func (c *Cast) event(t float64, code, data string) error {
	if c.err != nil {
		return c.err
	}
	if math.IsNaN(t) || t < c.last {
		return fmt.Errorf("cast: event at %vs after one at %vs", t, c.last)
	}
	c.last = t
	c.n++
	// Times to the microsecond, as asciinema writes them.
	ts := strconv.FormatFloat(math.Round(t*1e6)/1e6, 'f', -1, 64)
	return c.line([]any{json.RawMessage(ts), code, data})
}

func (c *Cast) line(v any) error {
	c.buf.Reset()
	enc := json.NewEncoder(&c.buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		c.err = err
		return err
	}
	_, c.err = c.w.Write(c.buf.Bytes())
	return c.err
}
