package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
		{[]string{"tour", write("q.yaml", "steps:\n  - question: where does NVDA close?\n")}, "q.yaml:2: question: questions are not supported in tours yet"},
		{[]string{"tour", "no-such-tour"}, `tour "no-such-tour": no such file and no embedded tour of that name (embedded: deepseek)`},
		{[]string{"tour", "--tour", "deepseek"}, "selloff tour takes the tour as its argument"},
	} {
		code, _, errs := runCLI(t, c.args...)
		if code == exitOK || !strings.Contains(errs, c.want) || strings.Contains(errs, "terminal") {
			t.Errorf("%v: exit %d, stderr %q\nwant %q", c.args[0], code, errs, c.want)
		}
	}
	// A good tour gets as far as the terminal check.
	code, _, errs := runCLI(t, "tour")
	if code == exitOK || !strings.Contains(errs, "needs a terminal") {
		t.Fatalf("selloff tour: exit %d, %q", code, errs)
	}
}
