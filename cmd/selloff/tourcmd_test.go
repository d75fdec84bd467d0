package main

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/feedstest"
	"github.com/selloff/selloff/feeds/party"
	"github.com/selloff/selloff/feeds/replay"
	"github.com/selloff/selloff/snapshots/tour"
)

// A bad tour stops the command with FILE:LINE: reason before anything
// starts (here: before the terminal check, which would fail next).
func TestTourBadFileFailsFirst(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"replay", "--tour", write("bad.yaml", "steps:\n  - hold: 1s\n  - chart: pie\n")}, "bad.yaml:3: chart \"pie\": want line, candles, compare"},
		{[]string{"tour", write("sym.yaml", "steps:\n  - select: ZZZZ\n")}, "sym.yaml:2: select \"ZZZZ\": not a symbol of the snapshot"},
		{[]string{"tour", write("late.yaml", "steps:\n  - at: 2025-03-03T10:00\n")}, "late.yaml:2: time \"2025-03-03T10:00\" is outside the data"},
		{[]string{"tour", write("q.yaml", "steps:\n  - question: {text: x, kind: number, symbol: ZZZZ}\n")}, `q.yaml:2: question: symbol "ZZZZ": not a symbol of the snapshot`},
		{[]string{"serve", "--listen", "127.0.0.1:0", "--host-key", filepath.Join(dir, "k"), "--tour", write("s.yaml", "steps:\n  - reveal: true\n")}, "s.yaml:2: lock and reveal need a question open"},
		{[]string{"tour", "no-such-tour"}, `tour "no-such-tour": no such file and no embedded tour of that name (embedded: deepseek)`},
		{[]string{"tour", "--tour", "deepseek"}, "selloff tour takes the tour as its argument"},
	} {
		code, _, errs := runCLI(t, c.args...)
		if code == exitOK || !strings.Contains(errs, c.want) || strings.Contains(errs, "terminal") || strings.Contains(errs, "serving") {
			t.Errorf("%v: exit %d, stderr %q\nwant %q", c.args[0], code, errs, c.want)
		}
	}
	// A good tour gets as far as the terminal check.
	code, _, errs := runCLI(t, "tour")
	if code == exitOK || !strings.Contains(errs, "needs a terminal") {
		t.Fatalf("selloff tour: exit %d, %q", code, errs)
	}
}

// serve --tour presents a replay watch party: it needs a replay source,
// and with one the tour starts presenting as serve listens.
func TestServeTour(t *testing.T) {
	key := filepath.Join(t.TempDir(), "k")
	code, _, errs := runCLI(t, "serve", "--listen", "127.0.0.1:0", "--host-key", key, "--source", "live", "--tour", "deepseek")
	if code != exitUsage || !strings.Contains(errs, "--tour presents a replay") {
		t.Fatalf("exit %d, %q", code, errs)
	}
	_, _, errs = runCLIWithin(t, 3*time.Second, "serve", "--listen", "127.0.0.1:0", "--host-key", key, "--tour", "deepseek")
	if !strings.Contains(errs, "serving") || !strings.Contains(errs, "tour presenting") || !strings.Contains(errs, "watch-party=true") {
		t.Fatalf("stderr %q", errs)
	}
}

// serve --tour-loop starts the tour again when it ends (a booth's screen
// never stops telling the story); without --tour it is a usage error.
func TestServeTourLoop(t *testing.T) {
	key := filepath.Join(t.TempDir(), "k")
	code, _, errs := runCLI(t, "serve", "--listen", "127.0.0.1:0", "--host-key", key, "--tour-loop")
	if code != exitUsage || !strings.Contains(errs, "--tour-loop repeats a tour") {
		t.Fatalf("exit %d, %q", code, errs)
	}
	short := filepath.Join(t.TempDir(), "short.yaml")
	if err := os.WriteFile(short, []byte("steps:\n  - at: \"10:00\"\n    caption: one\n  - caption: two\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, errs = runCLIWithin(t, 3*time.Second, "serve", "--listen", "127.0.0.1:0", "--host-key", key, "--tour", short, "--tour-loop")
	if n := strings.Count(errs, "tour starting again"); n < 1 || n > 2 {
		t.Fatalf("the tour started again %d times in 3 s (a pause of %v between runs): %q", n, tourLoopGap, errs)
	}
}

// The embedded tour presents a party over the real replay (fake clocks):
// it holds the presenter's seat while it runs, asks where NVDA closes,
// locks it at 16:00 by the party's ticks, reveals the snapshot's close,
// and gives the seat up at the end.
func TestPresentEmbeddedTour(t *testing.T) {
	d, err := loadReplayData("deepseek-week", "", false)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := d.loadTour("deepseek")
	if err != nil {
		t.Fatal(err)
	}
	clk := feedstest.NewFakeClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	opt := d.options()
	opt.Paused = true
	rp, err := replay.New(d.ds, clk, opt)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rp.Start(ctx)
	l := party.NewLocal(rp, party.FrameTruth(d.ds.At))
	go func() { // what the server does for its party
		for u := range rp.Subscribe(ctx) {
			l.Tick(u.Frame.Time)
		}
	}()
	done := make(chan error, 1)
	go func() {
		done <- party.Present(ctx, party.Presentation{Tour: tr, Backend: l, Source: rp, After: clk.After,
			Warn: func(s tour.Step, err error) { t.Errorf("line %d: %v", s.Line, err) }})
	}()
	answered, seated := false, 0
	for i := 0; ; i++ {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		default:
			if i > 2000 {
				t.Fatal("the tour did not end in 2000 s of fake time")
			}
			if l.Presenter() == party.TourName {
				seated++
			}
			if q := l.Status("v").Question; q != nil && !q.Locked && !answered {
				if err := l.Apply(feeds.LessonOp{Kind: feeds.LessonAnswer, Viewer: "v", Anon: "viewer 1", Answer: "119"}); err != nil {
					t.Fatal(err)
				}
				answered = true
			}
			clk.BlockUntil(1, time.Second)
			clk.Advance(time.Second)
			time.Sleep(2 * time.Millisecond)
			continue
		}
		break
	}
	took := clk.Now().Sub(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	t.Logf("the embedded tour presented in %v of wall time", took)
	if took > 5*time.Minute {
		t.Fatalf("took %v", took)
	}
	lesson := l.Status("v")
	if !answered || lesson.Result == nil || lesson.Result.Truth != "$118.42" || lesson.MyAnswer != "$119.00" ||
		!strings.HasPrefix(lesson.Caption, "16:00 ET: The close") || lesson.View.Symbol != "NVDA" || lesson.View.Range != "week" {
		t.Fatalf("lesson at the end: %+v %+v", lesson, lesson.Result)
	}
	truth := party.FrameTruth(d.ds.At)
	closeAt := time.Date(2025, 1, 27, 21, 0, 0, 0, time.UTC)
	if v, ok := truth("NVDA", feeds.MeasureChange, closeAt); !ok || math.Round(v*100) != -1697 {
		t.Fatalf("NVDA's change at the close: %v %v", v, ok)
	}
	if _, ok := truth("ZZZZ", feeds.MeasurePrice, closeAt); ok {
		t.Fatal("a truth for a symbol the snapshot lacks")
	}
	if seated < 100 || l.Presenter() != "" || !rp.Now().Equal(time.Date(2025, 1, 27, 21, 0, 0, 0, time.UTC)) {
		t.Fatalf("seated %d s, seat %q at the end, clock %v", seated, l.Presenter(), rp.Now())
	}
}

// render --tour draws a moment of a tour (make docs' docs/tour.svg).
func TestRenderTourStep(t *testing.T) {
	code, out, errs := runCLI(t, "render", "--tour", "deepseek", "--tour-step", "18", "--format", "text", "--glyphs", "ascii", "--events", "", "--width", "120", "--height", "40")
	if code != exitOK || !strings.Contains(out, "> tour 18/") || !strings.Contains(out, "14:50 ET: NVDA hits the day's low") || !strings.Contains(out, "Mon 27 Jan 2025 14:50 ET") ||
		!strings.Contains(out, "? Where does NVDA close today? ($)") {
		t.Fatalf("exit %d, %q\n%s", code, errs, out)
	}
	for _, c := range [][]string{{"--tour-step", "99"}, {"--at", "10:00"}} {
		code, _, errs := runCLI(t, append([]string{"render", "--tour", "deepseek"}, c...)...)
		if code != exitUsage || !strings.Contains(errs, "--tour") {
			t.Errorf("%v: exit %d, %q", c, code, errs)
		}
	}
}
