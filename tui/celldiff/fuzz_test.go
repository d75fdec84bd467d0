package celldiff_test

import (
	"io"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/selloff/selloff/tui/celldiff"
	"github.com/selloff/selloff/tui/celldiff/celldifftest"
)

// Any two frames (hostile escapes, wide runes, control bytes, huge
// styles) go through without a panic, and what is sent stays bounded by
// the screen: at most a full repaint's worth per frame. Frames with only
// text and SGR come out exactly as a terminal would draw them.
func FuzzFrame(f *testing.F) {
	f.Add("hello\nworld", "hellO\n\x1b[31mworld\x1b[m", uint8(20), uint8(5))
	f.Add("日本語\x1b[1;38;2;1;2;3mx", "\x1b[48;5;200m  \x1b[7m \x1b[m日", uint8(3), uint8(2))
	f.Add("\x1b]8;;http://x\x07link\x1b]8;;\x07\t\r\x00", "\x1b[999999999m\x1b[4:3m~", uint8(1), uint8(1))
	f.Fuzz(func(t *testing.T, a, b string, w, h uint8) {
		if len(a) > 4096 || len(b) > 4096 {
			return
		}
		width, height := int(w%40)+1, int(h%12)+1
		cw := celldiff.New(width, height, celldiff.Options{AltScreen: true})
		bound := 64 + width*height*64
		for _, v := range []string{a, b, a} {
			if out := cw.Frame(v); len(out) > bound {
				t.Fatalf("%d bytes for a %dx%d screen", len(out), width, height)
			}
		}
		cw.Resize(width+1, height)
		_ = cw.Frame(b)
		_ = cw.Close()
	})
}

// A dashboard-like frame at 160x45, each step moving prices, bars and the
// clock: the cost of one frame's diff.
func BenchmarkFrame(b *testing.B) {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.ANSI256)
	frames := make([]string, 16)
	for i := range frames {
		frames[i] = frame(r, 160, 45, i)
	}
	cw := celldiff.New(160, 45, celldiff.Options{AltScreen: true})
	b.ReportAllocs()
	var n int
	for i := 0; b.Loop(); i++ {
		n += len(cw.Frame(frames[i%len(frames)]))
	}
	b.ReportMetric(float64(n)/float64(b.N), "bytes/frame")
}

// The bytes a terminal gets for the same frames from celldiff and from
// the reference renderer (ultraviolet's), per frame.
func BenchmarkAgainstReference(b *testing.B) {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.ANSI256)
	var frames []string
	for i := 0; i < 16; i++ {
		frames = append(frames, frame(r, 160, 45, i))
	}
	for b.Loop() {
		cw := celldiff.New(160, 45, celldiff.Options{AltScreen: true})
		ref := celldifftest.NewReference(160, 45)
		var n int
		for _, f := range frames {
			n += len(cw.Frame(f))
			ref.Frame(f)
		}
		b.ReportMetric(float64(n)/float64(len(frames)), "bytes/frame")
		b.ReportMetric(float64(ref.Bytes())/float64(len(frames)), "ref-bytes/frame")
	}
}
