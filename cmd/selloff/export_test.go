package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/selloff/selloff/snapshots"
	"github.com/selloff/selloff/tui"
	"github.com/selloff/selloff/tui/celldiff/celldifftest"
	"github.com/selloff/selloff/tui/common"
	"github.com/selloff/selloff/tui/frameout"
)

type castEvent struct {
	t    float64
	code string
	data string
}

func readCast(t *testing.T, path string) (frameout.CastHeader, []castEvent) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	var h frameout.CastHeader
	if !sc.Scan() {
		t.Fatal("empty cast")
	}
	if err := json.Unmarshal(sc.Bytes(), &h); err != nil {
		t.Fatalf("header: %v", err)
	}
	var evs []castEvent
	for sc.Scan() {
		var raw []any
		if err := json.Unmarshal(sc.Bytes(), &raw); err != nil || len(raw) != 3 {
			t.Fatalf("event line %q: %v", clipS(sc.Text()), err)
		}
		tm, ok1 := raw[0].(float64)
		code, ok2 := raw[1].(string)
		data, ok3 := raw[2].(string)
		if !ok1 || !ok2 || !ok3 {
			t.Fatalf("event line %q", clipS(sc.Text()))
		}
		evs = append(evs, castEvent{tm, code, data})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return h, evs
}

func clipS(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

// TestExportCast: the header matches the flags, times are monotonic and
// span (to - from) / speed, there is a marker with its title for every
// event placed in the span, the bytes replayed through a terminal emulator
// end on the frame `render --at TO` draws, and two exports are identical.
func TestExportCast(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.cast"), filepath.Join(dir, "b.cast")
	args := []string{"export", "cast", "--from", "2025-01-27T14:00", "--to", "15:00", "--speed", "600", "--fps", "5",
		"--width", "100", "--height", "30"}
	for _, out := range []string{a, b} {
		if code, _, errs := runCLI(t, append(args, "-o", out)...); code != 0 {
			t.Fatalf("export: exit %d: %s", code, errs)
		}
	}
	ab, _ := os.ReadFile(a)
	bb, _ := os.ReadFile(b)
	if len(ab) == 0 || !bytes.Equal(ab, bb) {
		t.Fatalf("two exports differ (%d and %d bytes)", len(ab), len(bb))
	}

	h, evs := readCast(t, a)
	d, err := loadReplayData("", "", false)
	if err != nil {
		t.Fatal(err)
	}
	from, _ := d.at("2025-01-27T14:00")
	to, _ := d.at("15:00")
	if h.Version != 2 || h.Width != 100 || h.Height != 30 || h.Timestamp != from.Unix() || h.Duration != 6 ||
		!strings.Contains(h.Title, d.ds.Title()) || !strings.Contains(h.Title, "14:00") {
		t.Errorf("header %+v", h)
	}
	last, outputs := -1.0, 0
	for _, e := range evs {
		if e.t < last {
			t.Fatalf("time goes back: %v after %v", e.t, last)
		}
		last = e.t
		if e.code == "o" {
			outputs++
		}
	}
	if evs[0].t != 0 || last != 6 || outputs < 20 {
		t.Errorf("events from %v to %v (%d outputs), want 0 to 6 s (3600 s at 600x), 5 fps", evs[0].t, last, outputs)
	}

	// a marker per event placed in [from, to], at its time, with its title
	want := map[string]float64{}
	for _, e := range d.ds.Events() {
		p := snapshots.Placement(e, d.ds.Sessions())
		if !p.Before(from) && !p.After(to) {
			want[e.Title] = p.Sub(from).Seconds() / 600
		}
	}
	got := map[string]float64{}
	for _, e := range evs {
		if e.code == "m" {
			got[e.data] = e.t
		}
	}
	if len(want) == 0 || len(got) != len(want) {
		t.Errorf("markers %v, want %v", got, want)
	}
	for title, at := range want {
		if g, ok := got[title]; !ok || g != at {
			t.Errorf("marker %q at %v, want %v", title, g, at)
		}
	}

	// the screen at the end is render's frame at TO (at the cast's speed)
	term := celldifftest.NewTerm(100, 30)
	defer term.Close()
	for _, e := range evs {
		if e.code == "o" {
			_, _ = term.Write([]byte(e.data))
		}
	}
	u, err := d.castEnd(castSpec{to: to, speed: 600})
	if err != nil {
		t.Fatal(err)
	}
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.TrueColor)
	frame := tui.Render(u, 100, 30, r, common.GlyphsBraille)
	if diff := term.Diff(frame); diff != "" {
		t.Errorf("final screen differs from render --at 15:00: %s", diff)
	}
	// and that frame is render's, but for the speed it plays at
	code, text, _ := runCLI(t, "render", "--at", "15:00", "--width", "100", "--height", "30", "--format", "text")
	plain := tui.Render(u, 100, 30, lipgloss.NewRenderer(io.Discard, termenv.WithProfile(termenv.Ascii)), common.GlyphsBraille)
	if code != 0 || strings.Replace(text, "120×", "600×", 1) != plain+"\n" {
		t.Errorf("render --at 15:00 is not the cast's last frame:\n%s\n---\n%s", text, plain)
	}
}

// TestExportCastDefaults: without --from and --to the cast covers the main
// day's open to close at 600x: 23 400 s / 600 = 39 s.
func TestExportCastDefaults(t *testing.T) {
	if testing.Short() {
		t.Skip("a whole session")
	}
	out := filepath.Join(t.TempDir(), "day.cast")
	if code, _, errs := runCLI(t, "export", "cast", "-o", out, "--fps", "2"); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	h, evs := readCast(t, out)
	if h.Duration != 39 || evs[len(evs)-1].t != 39 || h.Width != 120 || h.Height != 36 {
		t.Errorf("header %+v, last event at %v", h, evs[len(evs)-1].t)
	}
	var titles []string
	for _, e := range evs {
		if e.code == "m" {
			titles = append(titles, e.data)
		}
	}
	if len(titles) < 5 || !strings.Contains(strings.Join(titles, "|"), "The close: NVDA 118.42") {
		t.Errorf("markers %q", titles)
	}
}

func TestExportCastFlagErrors(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "x.cast")
	for _, args := range [][]string{
		{"export", "cast"},
		{"export", "cast", "-o", out, "--fps", "0"},
		{"export", "cast", "-o", out, "--fps", "61"},
		{"export", "cast", "-o", out, "--speed", "0"},
		{"export", "cast", "-o", out, "--speed", "NaN"},
		{"export", "cast", "-o", out, "--from", "15:00", "--to", "14:00"},
		{"export", "cast", "-o", out, "--from", "2031-01-01T10:00"},
		{"export", "cast", "-o", out, "--to", "yesterday"},
		{"export", "cast", "-o", out, "--width", "0"},
		{"export", "cast", "-o", out, "--glyphs", "emoji"},
		{"export", "cast", "-o", out, "--bogus"},
		{"export", "cast", "-o", out, "--speed", "0.25", "--fps", "60", "--from", "2025-01-24T09:30", "--to", "2025-01-28T16:00"},
		{"export", "cast", "-o", out, "a", "b"},
		{"export", "bogus"},
		{"render", "--format", "png"},
	} {
		code, _, errs := runCLI(t, args...)
		if code != exitUsage || errs == "" {
			t.Errorf("%v: exit %d, stderr %q; want 2 and a message", args, code, errs)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a refused export left a file")
	}
	if m, _ := filepath.Glob(filepath.Join(dir, ".*")); len(m) > 0 {
		t.Errorf("temporary files left: %v", m)
	}
}

func TestRenderFormats(t *testing.T) {
	base := []string{"render", "--at", "close", "--width", "100", "--height", "30"}
	code, text, _ := runCLI(t, append(base, "--format", "text")...)
	if code != 0 || strings.Contains(text, "\x1b") || !strings.Contains(text, "118.42") {
		t.Errorf("text: exit %d\n%s", code, text)
	}
	code, ansi, _ := runCLI(t, append(base, "--format", "ansi")...)
	if code != 0 || !strings.Contains(ansi, "\x1b[") {
		t.Errorf("ansi: exit %d, no colour", code)
	}
	code, svg, _ := runCLI(t, append(base, "--format", "svg")...)
	if code != 0 || !strings.Contains(svg, "118.42") {
		t.Fatalf("svg: exit %d", code)
	}
	if err := xml.Unmarshal([]byte(svg), new(struct{})); err != nil {
		t.Errorf("svg is not XML: %v", err)
	}
	code, js, _ := runCLI(t, append(base, "--format", "json")...)
	var d frameout.Frame
	if code != 0 || json.Unmarshal([]byte(js), &d) != nil || len(d.Symbols) == 0 || *d.Symbols[0].Last != 118.42 {
		t.Errorf("json: exit %d\n%s", code, clipS(js))
	}
	if !d.Time.Equal(time.Date(2025, 1, 27, 21, 0, 0, 0, time.UTC)) {
		t.Errorf("json time %v", d.Time)
	}
	code, csv, _ := runCLI(t, append(base, "--format", "csv")...)
	if code != 0 || len(strings.Split(strings.TrimSpace(csv), "\n")) != 1+len(d.Symbols) {
		t.Errorf("csv: exit %d\n%s", code, csv)
	}
}

func TestProgressBar(t *testing.T) {
	var b bytes.Buffer
	p := progressBar(&b)
	for i := 1; i <= 400; i++ {
		p(i, 400)
	}
	out := b.String()
	if strings.Count(out, "\r") != 101 || !strings.HasSuffix(out, "100% 400/400 frames\n") || !strings.Contains(out, " 50% 200/400") {
		t.Errorf("progress: %d redraws, ends %q", strings.Count(out, "\r"), out[len(out)-40:])
	}
	// not a terminal (a test's buffer): no bar
	dir := t.TempDir()
	var errb bytes.Buffer
	a := newApp(strings.NewReader(""), io.Discard, &errb, func(string) string { return "" })
	if code := a.run(t.Context(), []string{"export", "cast", "-o", filepath.Join(dir, "x.cast"), "--from", "15:50", "--to", "close", "--fps", "1"}); code != 0 || errb.Len() != 0 {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
}
