package server

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/selloff/selloff/tui/celldiff/celldifftest"
)

// sentFrame is one frame a session's screen rendered and the bytes it
// sent for it (as the client receives them: the channel writes LF as CR
// LF).
type sentFrame struct {
	view string
	w, h int
	out  []byte
}

type frameLog struct {
	mu     sync.Mutex
	frames []sentFrame
}

func (fl *frameLog) add(view string, w, h int, out []byte) {
	fl.mu.Lock()
	defer fl.mu.Unlock()
	fl.frames = append(fl.frames, sentFrame{view, w, h, bytes.ReplaceAll(out, []byte("\n"), []byte("\r\n"))})
}

func (fl *frameLog) snapshot() []sentFrame {
	fl.mu.Lock()
	defer fl.mu.Unlock()
	return append([]sentFrame(nil), fl.frames...)
}

// quiet waits until no frame has come for d.
func (fl *frameLog) quiet(t *testing.T, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	n := -1
	for time.Now().Before(deadline) {
		fl.mu.Lock()
		m := len(fl.frames)
		fl.mu.Unlock()
		if m == n && m > 0 {
			return
		}
		n = m
		time.Sleep(d)
	}
	t.Fatal("frames did not stop")
}

// The real dashboard at the default speed, in each colour profile: every
// frame's bytes rebuild, in a real terminal emulator, exactly the frame the
// model rendered (through a window change), the client's own bytes end on
// the last frame, and the total is within 1.25x of what a reference
// cell-diff renderer (ultraviolet's, bubbletea v2's) needs for the same
// screens. Bubbletea v1's renderer, which this replaced, sent 3-6x.
func TestScreenBytesAgainstReference(t *testing.T) {
	profiles := []struct {
		name string
		env  map[string]string
		sgr  string // an escape this profile uses, "" for none
	}{
		{"truecolor", map[string]string{"COLORTERM": "truecolor"}, "\x1b[38;2;"},
		{"256", map[string]string{}, "\x1b[38;5;"},
		{"16", map[string]string{"TERM": "xterm"}, "\x1b[9"},
		{"none", map[string]string{"NO_COLOR": "1"}, ""},
	}
	for _, p := range profiles {
		t.Run(p.name, func(t *testing.T) {
			fl := &frameLog{}
			ts := startRealServer(t, false, func(c *Config) { c.screenTest.onFrame = fl.add })
			c := mustDial(t, ts.addr)
			tm := openTerm(t, c, 160, 45, p.env)
			tm.waitText(t, "NVDA")
			time.Sleep(2 * time.Second) // the replay moves at the default speed
			if err := tm.sess.WindowChange(40, 120); err != nil {
				t.Fatal(err)
			}
			time.Sleep(1500 * time.Millisecond)
			tm.send(t, " ") // pause: the frames stop
			fl.quiet(t, 400*time.Millisecond)

			frames := fl.snapshot()
			if len(frames) < 8 {
				t.Fatalf("only %d frames", len(frames))
			}
			em := celldifftest.NewTerm(frames[0].w, frames[0].h)
			defer em.Close()
			ref := celldifftest.NewReference(frames[0].w, frames[0].h)
			var sent int64
			resized := false
			var all bytes.Buffer
			for i, f := range frames {
				if w, h := em.Size(); w != f.w || h != f.h {
					em.Resize(f.w, f.h)
					ref.Resize(f.w, f.h)
					resized = true
				}
				_, _ = em.Write(f.out)
				all.Write(f.out)
				sent += int64(len(f.out))
				ref.Frame(f.view)
				if d := em.Diff(f.view); d != "" {
					t.Fatalf("frame %d of %d (%dx%d): the terminal shows something else: %s", i, len(frames), f.w, f.h, d)
				}
			}
			if !resized {
				t.Error("no frame after the window change")
			}
			if p.sgr != "" && !strings.Contains(all.String(), p.sgr) {
				t.Errorf("no %q escapes in the %s profile", p.sgr, p.name)
			}
			if p.sgr == "" && (strings.Contains(all.String(), "\x1b[38;5;") || strings.Contains(all.String(), "\x1b[38;2;")) {
				t.Errorf("colour escapes with NO_COLOR")
			}
			ratio := float64(sent) / float64(ref.Bytes())
			t.Logf("%d frames, %d bytes sent, reference %d: %.2fx", len(frames), sent, ref.Bytes(), ratio)
			if ratio > 1.25 {
				t.Errorf("sent %d bytes, %.2fx the reference's %d", sent, ratio, ref.Bytes())
			}

			// What the client received ends on the last frame too.
			last := frames[len(frames)-1]
			tm.waitFor(t, "the client's screen", func(out, _ string, _ bool) bool {
				cl := celldifftest.NewTerm(last.w, last.h)
				defer cl.Close()
				_, _ = cl.Write([]byte(out))
				return cl.Diff(last.view) == ""
			})
		})
	}
}
