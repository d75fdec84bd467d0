package main

import (
	"testing"
	"time"
)

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// BenchmarkExportCast: the full 27 Jan session (09:30 to 16:00) at 600x,
// 10 fps, 120x36, as `selloff export cast` writes it: frames/s and the
// cast's size.
func BenchmarkExportCast(b *testing.B) {
	d, err := loadReplayData("", "", false)
	if err != nil {
		b.Fatal(err)
	}
	from, to, err := d.castSpan("", "")
	if err != nil {
		b.Fatal(err)
	}
	spec := castSpec{from: from, to: to, speed: castSpeed, fps: castFPS, width: 120, height: 36, glyphs: "braille"}
	var frames int
	var size int64
	start := time.Now()
	b.ResetTimer()
	for range b.N {
		var w countWriter
		n, err := writeCast(&w, d, spec, nil)
		if err != nil {
			b.Fatal(err)
		}
		frames, size = n, w.n
	}
	el := time.Since(start)
	b.ReportMetric(float64(frames*b.N)/el.Seconds(), "frames/s")
	b.ReportMetric(float64(size), "cast-bytes")
	b.ReportMetric(float64(frames), "frames")
}
