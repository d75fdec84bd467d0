package server

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/log"
)

// A flood of one refusal reason gives one line at once and one line with
// the count when the interval ends; another reason is not held back.
func TestRefusalLogRateLimited(t *testing.T) {
	var buf syncBuffer
	r := newRefusalLog(log.New(&buf), 50*time.Millisecond)
	defer r.stop()
	for i := 0; i < 1000; i++ {
		r.Warn("connection refused: pre-auth budget used up", "remote-addr", "192.0.2.1:1234")
	}
	r.Warn("handshake timeout", "remote-addr", "192.0.2.2:1234")
	waitUntil(t, "the suppressed count", func() bool { return strings.Contains(buf.String(), "suppressed=999") })
	out := buf.String()
	if n := strings.Count(out, "pre-auth budget used up"); n != 2 {
		t.Errorf("%d lines for one reason:\n%s", n, out)
	}
	if !strings.Contains(out, "handshake timeout") {
		t.Errorf("another reason was held back:\n%s", out)
	}
}
