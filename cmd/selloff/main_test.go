package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/selloff/selloff/snapshots"
)

// runCLI runs the command line in-process and returns exit code and output.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := map[string]string{"NO_COLOR": "1"}
	a := newApp(strings.NewReader(""), &out, &errb, func(k string) string { return env[k] })
	code := a.run(context.Background(), args)
	return code, out.String(), errb.String()
}

func TestHelpOnEveryCommand(t *testing.T) {
	var walk func(c *command, path []string)
	walk = func(c *command, path []string) {
		path = append(path, c.name)
		args := append(append([]string{}, path[1:]...), "--help")
		t.Run(strings.Join(path, "_"), func(t *testing.T) {
			code, out, errs := runCLI(t, args...)
			if code != exitOK {
				t.Fatalf("%v: exit %d, stderr %q", args, code, errs)
			}
			if !strings.Contains(out, "Usage:") || !strings.Contains(out, strings.Join(path, " ")) {
				t.Fatalf("%v: help does not show usage:\n%s", args, out)
			}
			if c.run != nil && c.example == "" {
				t.Errorf("%v has no example", path)
			}
		})
		for _, s := range c.subs {
			walk(s, path)
		}
	}
	walk(newApp(nil, nil, nil, nil).root(), nil)
}

func TestVersionAndUsageErrors(t *testing.T) {
	code, out, _ := runCLI(t, "--version")
	if code != exitOK || !strings.HasPrefix(out, "selloff ") {
		t.Fatalf("--version: %d %q", code, out)
	}
	for _, args := range [][]string{
		{"frobnicate"},
		{"snapshot", "frobnicate"},
		{"snapshot"},
		{"replay", "--speed", "fast"},
		{"replay", "--speed", "9000"},
		{"render", "--width", "0"},
		{"render", "--color", "sometimes"},
		{"render", "--glyphs", "emoji"},
		{"snapshot", "inspect"},
		{"snapshot", "validate", "a", "b"},
		{"replay", "a.jsonl", "b.jsonl"},
		{"--nope"},
	} {
		code, _, errs := runCLI(t, args...)
		if code != exitUsage {
			t.Errorf("%v: exit %d, want %d (stderr %q)", args, code, exitUsage, errs)
		}
		if !strings.HasPrefix(errs, "selloff: ") {
			t.Errorf("%v: stderr %q lacks a message", args, errs)
		}
	}
}

// A command group called without its command ("selloff snapshot") is a
// usage error: its usage goes to stderr with the message, nothing to
// stdout (it went to stdout with exit 2). --help still prints to stdout.
func TestGroupWithoutCommandUsageOnStderr(t *testing.T) {
	var walk func(c *command, path []string)
	walk = func(c *command, path []string) {
		path = append(path, c.name)
		if c.run == nil {
			args := path[1:]
			code, out, errs := runCLI(t, args...)
			if code != exitUsage || out != "" {
				t.Errorf("%v: exit %d, stdout %q", args, code, out)
			}
			if !strings.HasPrefix(errs, "selloff: "+strings.Join(path, " ")+" needs a command") || !strings.Contains(errs, "Commands:") {
				t.Errorf("%v: stderr %q", args, errs)
			}
		}
		for _, s := range c.subs {
			walk(s, path)
		}
	}
	walk(newApp(nil, nil, nil, nil).root(), nil)
	if code, out, errs := runCLI(t, "snapshot", "--help"); code != exitOK || !strings.Contains(out, "Commands:") || errs != "" {
		t.Errorf("snapshot --help: exit %d, stdout %q, stderr %q", code, out, errs)
	}
}

// The root's example "--at HH:MM  # start at the low of 27 Jan" is where
// NVDA's day low is first on the frame in the embedded snapshot (it said
// 14:45, five minutes before the low).
func TestExampleAtTheLowIsTheLow(t *testing.T) {
	var at string
	for _, l := range strings.Split(newApp(nil, nil, nil, nil).root().example, "\n") {
		if strings.Contains(l, "the low") {
			if _, rest, ok := strings.Cut(l, "--at "); ok {
				at, _, _ = strings.Cut(rest, " ")
			}
		}
	}
	if at == "" {
		t.Fatal("no example starts at the low")
	}
	low := func(when string) (last, low float64) {
		t.Helper()
		code, out, errs := runCLI(t, "render", "--at", when, "--format", "json")
		if code != exitOK {
			t.Fatalf("render --at %s: exit %d: %s", when, code, errs)
		}
		var f struct {
			Symbols []struct {
				Symbol    string
				Last, Low float64
			}
		}
		if err := json.Unmarshal([]byte(out), &f); err != nil {
			t.Fatal(err)
		}
		for _, s := range f.Symbols {
			if s.Symbol == "NVDA" {
				return s.Last, s.Low
			}
		}
		t.Fatalf("render --at %s: no NVDA", when)
		return 0, 0
	}
	_, dayLow := low("close")
	if _, l := low(at); l != dayLow {
		t.Errorf("the example starts at %s, where NVDA's low so far is %v; the day's low is %v", at, l, dayLow)
	}
}

func TestSnapshotListInspectValidate(t *testing.T) {
	code, out, errs := runCLI(t, "snapshot", "list")
	if code != exitOK || !strings.Contains(out, "deepseek-week") || !strings.Contains(out, "RECONSTRUCTED") {
		t.Fatalf("list: %d %q %q", code, out, errs)
	}
	code, out, errs = runCLI(t, "snapshot", "inspect", "deepseek-week")
	if code != exitOK || !strings.Contains(out, "NVDA") || !strings.Contains(out, "reconstructed") {
		t.Fatalf("inspect: %d %q", code, errs)
	}
	code, out, _ = runCLI(t, "snapshot", "validate", "deepseek-week")
	if code != exitOK || !strings.Contains(out, "ok") {
		t.Fatalf("validate embedded: %d %q", code, out)
	}

	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.jsonl")
	os.WriteFile(bad, []byte(`{"record":"header","format":"selloff-snapshot","version":1,"title":"t","provenance":"recorded","source":"test","timezone":"America/New_York","created":"2025-01-27T09:00:00-05:00","symbols":[{"symbol":"NVDA","name":"NVIDIA","kind":"equity","currency":"USD","price_basis":"printed"}],"sessions":[]}
{"record":"bar","time":"2025-01-27T09:30:00-05:00","symbol":"NVDA","interval":"1m","open":124.8,"high":125,"low":124,"close":124.5,"volume":100}
{"record":"bar","time":"2025-01-27T09:31:00-05:00","symbol":"XXXX","interval":"1m","open":124.8,"high":125,"low":124,"close":124.5,"volume":100}
not json
`), 0o644)
	code, out, _ = runCLI(t, "snapshot", "validate", bad)
	if code != exitFail {
		t.Fatalf("validate bad: exit %d", code)
	}
	for _, want := range []string{bad + ":3: ", bad + ":4: "} {
		if !strings.Contains(out, want) {
			t.Errorf("validate output lacks %q:\n%s", want, out)
		}
	}
	code, _, errs = runCLI(t, "snapshot", "inspect", filepath.Join(dir, "missing.jsonl"))
	if code != exitFail || !strings.Contains(errs, "deepseek-week") {
		t.Fatalf("inspect missing: %d %q", code, errs)
	}
}

func TestRenderAtCloseShowsNvidiasLoss(t *testing.T) {
	code, out, errs := runCLI(t, "render", "--at", "16:00", "--color", "never", "--width", "160", "--height", "45")
	if code != exitOK {
		t.Fatalf("render: %d %s", code, errs)
	}
	for _, want := range []string{"NVDA", "118.42", "16.97%", "592.7B", "RECONSTRUCTED"} {
		if !strings.Contains(out, want) {
			t.Errorf("frame lacks %q", want)
		}
	}
	if strings.Contains(out, "\x1b[") {
		t.Error("--color never printed escape sequences")
	}
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) > 45 {
		t.Errorf("frame has %d lines, want at most 45", len(lines))
	}
}

// A snapshot cut mid-line (a recorder killed) still renders what it holds
// and says a record was skipped; validate reports the cut with its line.
func TestTruncatedSnapshotStillReplays(t *testing.T) {
	dir := t.TempDir()
	src, err := snapshots.Load("deepseek-week", snapshots.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	full := filepath.Join(dir, "full.jsonl")
	if err := snapshots.SaveSnapshot(full, src, snapshots.WriteOptions{FlushEvery: -1}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(full)
	cut := filepath.Join(dir, "cut.jsonl")
	// Keep two thirds of the file, ending inside a line.
	n := len(data) * 2 / 3
	for data[n-1] == '\n' {
		n--
	}
	os.WriteFile(cut, data[:n], 0o644)

	code, out, errs := runCLI(t, "render", cut, "--at", "2025-01-27T10:00", "--color", "never")
	if code != exitOK {
		t.Fatalf("render of a cut file: exit %d: %s", code, errs)
	}
	// it says the file is cut short, not that a record was bad
	if !strings.Contains(out, "file cut short after line") || strings.Contains(out, "bad record") {
		t.Errorf("the frame does not say the file is cut short:\n%s", out)
	}
	code, out, _ = runCLI(t, "snapshot", "validate", cut)
	if code != exitFail || !strings.Contains(out, "truncated") || !strings.Contains(out, cut+":") {
		t.Fatalf("validate of a cut file: exit %d:\n%s", code, out)
	}
}

// A gzip cut short (the embedded snapshot's bytes, two thirds kept) says so
// on the status bar at 100 columns too: the note used to be dropped with
// "feed ok" below ~160 columns.
func TestTruncatedGzipSaysSoWhenNarrow(t *testing.T) {
	r, err := snapshots.OpenEmbedded("deepseek-week")
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(r)
	r.Close()
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(t.TempDir(), "cut.jsonl.gz")
	if err := os.WriteFile(cut, data[:len(data)*2/3], 0o644); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"100", "160"} {
		code, out, errs := runCLI(t, "render", cut, "--at", "2025-01-27T10:00", "--color", "never", "--width", w, "--height", "30")
		if code != exitOK {
			t.Fatalf("render of a cut gzip at %s columns: exit %d: %s", w, code, errs)
		}
		lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
		if bar := lines[len(lines)-1]; !strings.Contains(bar, "file cut short after line") {
			t.Errorf("%s columns: the status bar does not say the file is cut short: %q", w, bar)
		}
	}
}

// A record of a kind this version does not know (a newer file) is skipped,
// and the frame says so instead of hiding it.
func TestUnknownRecordKindsAreNamedOnScreen(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "newer.jsonl")
	os.WriteFile(p, []byte(`{"record":"header","format":"selloff-snapshot","version":1,"title":"newer","provenance":"recorded","source":"test","timezone":"America/New_York","main_day":"2025-01-27","created":"2025-01-27T09:00:00-05:00","symbols":[{"symbol":"NVDA","name":"NVIDIA","kind":"equity","currency":"USD","price_basis":"printed"}],"sessions":[{"date":"2025-01-27","open":"2025-01-27T09:30:00-05:00","close":"2025-01-27T16:00:00-05:00","prev_close":{"NVDA":142.62}}]}
{"record":"bar","time":"2025-01-27T09:30:00-05:00","symbol":"NVDA","interval":"1m","open":124.8,"high":125,"low":124,"close":124.5,"volume":100}
{"record":"trade","time":"2025-01-27T09:30:30-05:00","symbol":"NVDA","price":124.6}
{"record":"trade","time":"2025-01-27T09:30:40-05:00","symbol":"NVDA","price":124.7}
`), 0o644)
	code, out, errs := runCLI(t, "render", p, "--at", "09:35", "--color", "never", "--width", "200", "--height", "45")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "2 records of unknown kinds skipped") {
		t.Errorf("the frame does not say records were skipped:\n%s", out)
	}
	if !strings.Contains(out, "124.50") {
		t.Errorf("the known bar is not shown:\n%s", out)
	}
}

// An events file whose text holds escape sequences (a clipboard write, a
// screen clear, a bell) reaches the screen as plain text: the frame, with
// colour on or off, carries no control character but the renderer's own.
func TestHostileEventTextNeverDrivesTheTerminal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "events.json")
	ev := `[{"time":"2025-01-27T10:00:00-05:00","id":"x","title":"EVIL\u001b]52;c;SGVsbG8=\u0007\u001b[2JEND",` +
		`"detail":"d\u009b2J","outlet":"o\u001bP","link":"https://x.y/\u001b[5m","symbols":["NVDA"]}]`
	if err := os.WriteFile(path, []byte(ev), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, color := range []string{"never", "always"} {
		code, out, errs := runCLI(t, "render", "--events", path, "--at", "10:05", "--color", color, "--width", "160", "--height", "45")
		if code != exitOK {
			t.Fatalf("render: %d %s", code, errs)
		}
		if !strings.Contains(out, "EVIL]52;c;SGVsbG8=[2JEND") {
			t.Errorf("--color %s: the cleaned title is not on screen", color)
		}
		for _, bad := range []string{"\x1b]52", "\x1b[2J", "\a", "\u009b", "\x1bP"} {
			if strings.Contains(out, bad) {
				t.Errorf("--color %s: the frame holds %q", color, bad)
			}
		}
	}
}

// A --at on a day the snapshot does not cover is refused with what it
// covers, not moved silently to its last frame.
func TestAtOutsideTheSnapshotIsRefused(t *testing.T) {
	for _, at := range []string{"2025-01-31T16:00", "2025-02-03T10:00", "2025-01-17T10:00"} {
		code, _, errs := runCLI(t, "render", "--at", at, "--color", "never")
		if code != exitUsage || !strings.Contains(errs, "is outside the snapshot, which covers Fri 24 Jan 2025 00:00 to Tue 28 Jan 2025 23:59 ET") {
			t.Errorf("--at %s: exit %d, %q", at, code, errs)
		}
	}
	if code, out, errs := runCLI(t, "render", "--at", "2025-01-28T16:00", "--color", "never"); code != exitOK || !strings.Contains(out, "Tue 28 Jan 2025 16:00 ET") {
		t.Errorf("the last close: exit %d %q", code, errs)
	}
}

// A file with a header and no data names itself in the error; an empty
// name is refused rather than read as "the embedded snapshot".
func TestNoDataAndEmptyName(t *testing.T) {
	path := filepath.Join(t.TempDir(), "h.jsonl")
	hdr := `{"record":"header","format":"selloff-snapshot","version":1,"provenance":"recorded","timezone":"America/New_York","symbols":[{"symbol":"A","name":"A","kind":"equity"}],"sessions":[{"date":"2025-01-27"}]}` + "\n"
	if err := os.WriteFile(path, []byte(hdr), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := runCLI(t, "render", path); code != exitFail || !strings.Contains(errs, path+": no bars or quotes to replay") {
		t.Errorf("header only: exit %d %q", code, errs)
	}
	for _, args := range [][]string{{"snapshot", "inspect", ""}, {"render", ""}} {
		if code, out, errs := runCLI(t, args...); code != exitUsage || strings.Contains(out, "DeepSeek") {
			t.Errorf("%q: exit %d %q", args, code, errs)
		}
	}
}

// A panic in the dashboard is a failure (exit 1), not a clean exit: bubbletea
// wraps ErrProgramPanic in ErrProgramKilled.
func TestDashboardPanicIsAFailure(t *testing.T) {
	panicked := fmt.Errorf("%w: %w", tea.ErrProgramKilled, tea.ErrProgramPanic)
	if err := dashboardErr(panicked); err == nil {
		t.Error("a panic read as a clean exit")
	}
	if err := dashboardErr(tea.ErrProgramKilled); err != nil {
		t.Errorf("a signal: %v", err)
	}
	if err := dashboardErr(nil); err != nil {
		t.Errorf("q: %v", err)
	}
}

// render reads the config as the dashboard does: its glyphs (and events)
// apply, and a flag still wins.
func TestRenderTakesTheConfig(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(cfg, []byte("glyphs: ascii\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI(t, "render", "--config", cfg, "--at", "close", "--color", "never", "--width", "120", "--height", "30")
	if code != exitOK {
		t.Fatalf("render --config: %d %s", code, errs)
	}
	for _, r := range out {
		if r > 127 {
			t.Fatalf("glyphs: ascii from the config, but the frame has %q", r)
		}
	}
	code, out, _ = runCLI(t, "render", "--config", cfg, "--glyphs", "braille", "--at", "close", "--color", "never", "--width", "120", "--height", "30")
	if code != exitOK || !strings.ContainsAny(out, "⠁⠂⠄⡀⠈⠐⠠⢀") {
		t.Errorf("--glyphs braille did not win over the config")
	}
}

// TestRenderSpoilers: render hides the text of events the instant has not
// reached (the 28 Jan rebound before that day's close); --spoilers shows it.
func TestRenderSpoilers(t *testing.T) {
	args := []string{"render", "--at", "2025-01-28T10:02", "--color", "never", "--width", "120", "--height", "40"}
	code, out, errs := runCLI(t, args...)
	if code != 0 || strings.Contains(out, "128.99") || strings.Contains(out, "+8.9%") || !strings.Contains(out, "not yet") {
		t.Fatalf("render without --spoilers: exit %d, stderr %q\n%s", code, errs, out)
	}
	code, out, errs = runCLI(t, append(args, "--spoilers")...)
	if code != 0 || !strings.Contains(out, "128.99") {
		t.Fatalf("render --spoilers: exit %d, stderr %q\n%s", code, errs, out)
	}
}
