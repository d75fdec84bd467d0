package main

import (
	"bytes"
	"testing"
)

func TestNotifierSpeaksOnlyToTerminalsThatListen(t *testing.T) {
	cases := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"TERM_PROGRAM": "iTerm.app", "TERM": "xterm-256color"}, "\x1b]9;Alert: NVDA < 120 at 11:20\x07"},
		{map[string]string{"TERM": "foot"}, "\x1b]777;notify;selloff;Alert: NVDA < 120 at 11:20\x07"},
		{map[string]string{"TERM": "xterm-256color"}, ""},
		{map[string]string{"TERM_PROGRAM": "WezTerm", "TMUX": "/tmp/tmux-0/default,1,0"}, ""},
		{map[string]string{"TERM_PROGRAM": "ghostty", "TERM": "screen-256color"}, ""},
	}
	for _, c := range cases {
		var b bytes.Buffer
		n := notifier(&b, func(k string) string { return c.env[k] })
		if (n == nil) != (c.want == "") {
			t.Errorf("%v: notifier %v", c.env, n != nil)
			continue
		}
		if n != nil {
			n("Alert: NVDA < 120 at 11:20")
			if b.String() != c.want {
				t.Errorf("%v: wrote %q, want %q", c.env, b.String(), c.want)
			}
		}
	}
	// text cannot end the sequence early or run on
	if got := oscText("a\x07b\x1b]9;c" + string(make([]byte, 500))); len(got) > 201 || bytes.ContainsAny([]byte(got), "\x07\x1b") {
		t.Errorf("oscText let through %q", got)
	}
}
