package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// Speeds are checked as the flag is parsed, on every command that takes
// one: NaN and Inf (which passed, and drew "NaN×") are usage errors, and
// nothing else runs first (the missing config would fail otherwise).
func TestSpeedIsFiniteAndInRange(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope.yaml")
	for _, cmd := range [][]string{{}, {"replay"}, {"serve", "--listen", "127.0.0.1:0"}} {
		for _, v := range []string{"NaN", "nan", "Inf", "+Inf", "-Inf", "0.1", "0", "-1", "3601", "1e309", "fast"} {
			args := append(append([]string{}, cmd...), "--config", missing, "--speed", v)
			code, _, errs := runCLIWithin(t, 5*time.Second, args...)
			if code != exitUsage || !strings.Contains(errs, "--speed: want a number from 0.25 to 3600") {
				t.Errorf("%v: exit %d, stderr %q", args, code, errs)
			}
		}
	}
	for _, v := range []string{"0.25", "3600", "60"} {
		code, _, errs := runCLI(t, "replay", "--speed", v)
		if code != exitFail || !strings.Contains(errs, "needs a terminal") {
			t.Errorf("--speed %s: exit %d, stderr %q", v, code, errs)
		}
	}
}

// --interval 0s and 100ms are refused alike, with the config's minimum.
func TestIntervalMinimumIsOneSecond(t *testing.T) {
	out := filepath.Join(t.TempDir(), "x.jsonl")
	// a closed loopback port and a deadline: a command that wrongly went
	// on would fail fast, never poll the network or serve forever
	yahoo := []string{"--yahoo-url", "http://127.0.0.1:1"}
	for _, cmd := range [][]string{{"live"}, {"snapshot", "record", "-o", out}, {"serve", "--source", "live", "--listen", "127.0.0.1:0"}} {
		for _, v := range []string{"0s", "0", "100ms", "999ms", "-5s"} {
			args := append(append(append([]string{}, cmd...), yahoo...), "--interval", v)
			code, _, errs := runCLIWithin(t, 5*time.Second, args...)
			if code != exitUsage || !strings.Contains(errs, `invalid value "`+v+`" for --interval: at least 1s`) {
				t.Errorf("%v: exit %d, stderr %q", args, code, errs)
			}
		}
	}
}

// --color is on every command that draws the dashboard; --at now means
// where the replay starts, locally as over SSH.
func TestColorAndAtNowEverywhere(t *testing.T) {
	for _, args := range [][]string{
		{"--color", "never"}, {"replay", "--color", "always"}, {"live", "--symbols", "NVDA", "--color", "auto"},
		{"replay", "--at", "now"}, {"--at", "NOW", "--paused"},
	} {
		code, _, errs := runCLI(t, args...)
		if code != exitFail || !strings.Contains(errs, "needs a terminal") {
			t.Errorf("%v: exit %d, stderr %q (want only the terminal missing)", args, code, errs)
		}
	}
	for _, args := range [][]string{{"--color", "sometimes"}, {"replay", "--color", ""}, {"live", "--color", "yes"}} {
		if code, _, errs := runCLI(t, args...); code != exitUsage || !strings.Contains(errs, "want auto, always or never") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errs)
		}
	}
	code, out, errs := runCLI(t, "render", "--at", "now", "--color", "never")
	if code != exitOK || !strings.Contains(out, "Mon 27 Jan 2025 09:30 ET") {
		t.Errorf("render --at now: exit %d, stderr %q\n%s", code, errs, out)
	}
}

// runCLIWithin is runCLI with a deadline: a command that should have been
// refused at once but runs (serve, record) ends with the context.
func runCLIWithin(t *testing.T, d time.Duration, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	a := newApp(strings.NewReader(""), &out, &errb, func(string) string { return "" })
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	code := a.run(ctx, args)
	return code, out.String(), errb.String()
}

// A mistyped command or flag gets the nearest name.
func TestDidYouMean(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"repaly"}, `did you mean "replay"?`},
		{[]string{"rendr"}, `did you mean "render"?`},
		{[]string{"sevre"}, `did you mean "serve"?`},
		{[]string{"snap"}, `did you mean "snapshot"?`},
		{[]string{"snapshot", "valdate", "x"}, `did you mean "validate"?`},
		{[]string{"snapshot", "improt"}, `did you mean "import"?`},
		{[]string{"render", "--colour", "never"}, "unknown flag --colour; did you mean --color?"},
		{[]string{"--sped", "2"}, "unknown flag --sped; did you mean --speed?"},
	} {
		code, _, errs := runCLI(t, tc.args...)
		if code != exitUsage || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, stderr %q, want %q", tc.args, code, errs, tc.want)
		}
	}
	for _, args := range [][]string{{"frobnicate"}, {"x"}, {"snapshot", "zzzzzz"}} {
		if _, _, errs := runCLI(t, args...); strings.Contains(errs, "did you mean") {
			t.Errorf("%v: a far-fetched suggestion: %q", args, errs)
		}
	}
}

// Without a terminal, a mistake in the command line is reported (exit 2)
// before "the dashboard needs a terminal", and live asks Yahoo nothing.
func TestUsageErrorBeforeNeedsATerminal(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Error(w, "no", http.StatusTeapot)
	}))
	defer srv.Close()
	for _, args := range [][]string{
		{"replay", "--at", "25:99"},
		{"replay", "--glyphs", "emoji"},
		{"live", "--symbols", "NV DA", "--yahoo-url", srv.URL},
		{"live", "--symbols", "NVDA", "--interval", "0s", "--yahoo-url", srv.URL},
		{"live", "--symbols", "NVDA", "--glyphs", "x", "--yahoo-url", srv.URL},
	} {
		code, _, errs := runCLI(t, args...)
		if code != exitUsage || strings.Contains(errs, "terminal") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errs)
		}
	}
	code, _, errs := runCLI(t, "live", "--symbols", "NVDA", "--yahoo-url", srv.URL)
	if code != exitFail || !strings.Contains(errs, "needs a terminal") {
		t.Errorf("live without a terminal: exit %d, stderr %q", code, errs)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("live without a terminal sent %d requests to Yahoo", n)
	}
}

func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		d    int
	}{{"", "", 0}, {"a", "", 1}, {"repaly", "replay", 1}, {"kitten", "sitting", 3}, {"render", "render", 0}} {
		if d := editDistance(tc.a, tc.b); d != tc.d {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, d, tc.d)
		}
	}
}

// A daily-only import (a Yahoo daily download) opens on its last close,
// paused, in the week view with a hint; it played from the open of the
// last day into "end of data" on an empty day chart.
func TestDailyOnlyImportOpensOnTheLastClose(t *testing.T) {
	dir := t.TempDir()
	csv := filepath.Join(dir, "NVDA.csv")
	rows := "Date,Open,High,Low,Close,Adj Close,Volume\n" +
		"2025-01-23,145.05,147.23,143.72,147.22,147.22,155915500\n" +
		"2025-01-24,148.37,148.97,141.88,142.62,142.62,234657600\n" +
		"2025-01-27,124.80,128.40,116.70,118.42,118.42,818830900\n" +
		"2025-01-28,121.81,129.00,116.25,128.99,128.99,579666400\n"
	if err := os.WriteFile(csv, []byte(rows), 0o600); err != nil {
		t.Fatal(err)
	}
	snap := filepath.Join(dir, "nv.jsonl")
	if code, _, errs := runCLI(t, "snapshot", "import", "-o", snap, csv); code != exitOK {
		t.Fatalf("import: %d %s", code, errs)
	}
	d, err := loadReplayData(snap, "", false)
	if err != nil {
		t.Fatal(err)
	}
	opt := d.options()
	if !opt.Paused || opt.Start.IsZero() || opt.Start.Hour() != 16 || opt.Start.Day() != 28 {
		t.Errorf("daily-only replay starts at %v paused %v, want Tue 28 Jan 16:00 paused", opt.Start, opt.Paused)
	}
	code, out, errs := runCLI(t, "render", snap, "--at", "now", "--color", "never", "--width", "120", "--height", "30")
	if code != exitOK {
		t.Fatalf("render: %d %s", code, errs)
	}
	for _, want := range []string{"Tue 28 Jan 2025 16:00 ET", "128.99", "daily bars only"} {
		if !strings.Contains(out, want) {
			t.Errorf("the frame lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "end of data") {
		t.Errorf("the frame says end of data:\n%s", out)
	}
	// a snapshot with intraday bars starts at its main session's open
	if d, _ := loadReplayData("", "", false); !d.options().Start.IsZero() {
		t.Error("the embedded snapshot no longer starts where the replay starts by itself")
	}
}
