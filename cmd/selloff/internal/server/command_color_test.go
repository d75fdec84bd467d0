package server

import (
	"strings"
	"testing"
)

// render takes --color as the local command does: always gives colour
// even without a terminal, never and auto without a terminal give plain
// text, anything else is a usage error.
func TestRenderColorFlag(t *testing.T) {
	ts := startServer(t, nil)
	c := mustDial(t, ts.addr)
	for _, tc := range []struct {
		cmd    string
		code   int
		escape bool
	}{
		{"render --color always", 0, true},
		{"render --color never", 0, false},
		{"render --color auto", 0, false},
		{"render", 0, false},
		{"render --color sometimes", 2, false},
	} {
		out, errOut, code := run(t, c, tc.cmd)
		if code != tc.code {
			t.Errorf("%q: exit %d, want %d (stderr %q)", tc.cmd, code, tc.code, errOut)
			continue
		}
		if got := strings.Contains(out, "\x1b["); got != tc.escape {
			t.Errorf("%q: escape sequences %v, want %v: %q", tc.cmd, got, tc.escape, out)
		}
		if tc.code == 2 && !strings.Contains(errOut, "want auto, always or never") {
			t.Errorf("%q: stderr %q does not say what --color takes", tc.cmd, errOut)
		}
	}
}
