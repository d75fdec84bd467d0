package server

import (
	"image/color"
	"io"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/input"
	"github.com/lucasb-eyer/go-colorful"
	"github.com/muesli/termenv"
)

// bgQueryTimeout bounds the wait for the client's answer to the
// background-colour query: a terminal that never answers gets the dark
// default after this, not a blank screen.
const bgQueryTimeout = 1500 * time.Millisecond

// sessionRenderer makes a session's lipgloss renderer: the colour profile
// from the client's TERM and environment (NO_COLOR: none), the background
// from one query with a deadline.
//
// It replaces wish's MakeRenderer, whose renderer caches the terminal's
// colours on creation with termenv's unsafe queries: those read the
// session with no deadline, so a client that never answers (a script, a
// serial console, `sleep | ssh -tt`) saw a blank screen until it typed,
// and held a session slot and the shutdown meanwhile.
func sessionRenderer(sess ssh.Session, timeout time.Duration) (r *lipgloss.Renderer, answered bool) {
	pty, _, ok := sess.Pty()
	if !ok || pty.Term == "" || pty.Term == "dumb" || noColor(sess) {
		r = lipgloss.NewRenderer(sess, termenv.WithProfile(termenv.Ascii))
		r.SetHasDarkBackground(true)
		return r, false
	}
	env := environ(append(sess.Environ(), "TERM="+pty.Term))
	// WithUnsafe: the session is not an *os.File, and termenv would take it
	// for a pipe (no colour). Nothing may ask it for colours: the
	// background is set here, explicitly, before any style is built.
	r = lipgloss.NewRenderer(sess, termenv.WithEnvironment(env), termenv.WithUnsafe())
	dark := true
	if bg := queryBackground(sess, timeout); bg != nil {
		if c, ok := colorful.MakeColor(bg); ok {
			_, _, l := c.Hsl()
			dark, answered = l < 0.5, true
		}
	}
	r.SetHasDarkBackground(dark)
	return r, answered
}

// queryBackground asks the terminal for its background colour (OSC 11,
// then DA1, which every terminal answers) and waits at most timeout. A
// parser panic on hostile bytes counts as no answer.
//
// The reader is closed by its own goroutine, after its last read: closed
// from here on a timeout, its epoll descriptor could be reused by the
// program's reader while the goroutine was still about to wait on it, and
// the goroutine would then take the user's first key.
func queryBackground(rw io.ReadWriter, timeout time.Duration) color.Color {
	rd, err := input.NewReader(rw, "", 0)
	if err != nil {
		return nil
	}
	if _, err := io.WriteString(rw, ansi.RequestBackgroundColor+ansi.RequestPrimaryDeviceAttributes); err != nil {
		_ = rd.Close()
		return nil
	}
	done := make(chan color.Color, 1)
	go func() {
		var bg color.Color
		defer func() {
			_ = recover() // x/input's parser on random bytes
			_ = rd.Close()
			done <- bg
		}()
		for {
			evs, err := rd.ReadEvents()
			if err != nil {
				return
			}
			for _, e := range evs {
				switch e := e.(type) {
				case input.BackgroundColorEvent:
					bg = e.Color
				case input.PrimaryDeviceAttributesEvent:
					return
				}
			}
		}
	}()
	select {
	case bg := <-done:
		return bg
	case <-time.After(timeout):
	}
	rd.Cancel()
	select {
	case bg := <-done: // it has stopped reading: the input is the program's now
		return bg // a colour already read (the DA1 reply was the late one)
	case <-time.After(time.Second):
	}
	return nil
}

// environ is a session's environment for termenv.
type environ []string

func (e environ) Environ() []string { return e }

func (e environ) Getenv(k string) string {
	for i := len(e) - 1; i >= 0; i-- { // the last setting wins, as in a shell
		if v, ok := strings.CutPrefix(e[i], k+"="); ok {
			return v
		}
	}
	return ""
}
