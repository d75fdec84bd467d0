package celldiff

import (
	"testing"

	"github.com/selloff/selloff/tui/celldiff/celldifftest"
)

// TestFaintToBold: a faint cell followed by a bold one (the chart's past
// and current event markers) stays bold on the terminal. x/cellbuf's
// style diff wrote "1;22", and SGR 22 ends bold as well as faint.
func TestFaintToBold(t *testing.T) {
	for _, f := range []string{
		"a\x1b[2;38;2;1;2;3m┊\x1b[0m\x1b[1;38;2;1;2;3m┊\x1b[0mz",
		"a\x1b[1m┊\x1b[0m\x1b[2m┊\x1b[0mz",
		"a\x1b[1;2m┊\x1b[0m\x1b[2m┊\x1b[0m\x1b[1m┊\x1b[0mz",
	} {
		cw := New(10, 1, Options{})
		term := celldifftest.NewTerm(10, 1)
		_, _ = term.Write(cw.Frame(f))
		if d := term.Diff(f); d != "" {
			t.Errorf("%q: %s", f, d)
		}
		term.Close()
	}
}
