package main

import (
	"bytes"
	"testing"

	"github.com/charmbracelet/lipgloss"

	"github.com/selloff/selloff/cmd/selloff/internal/server"
	"github.com/selloff/selloff/feeds/alert"
	"github.com/selloff/selloff/feeds/portfolio"
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

// Over SSH a viewer's bell and notification go to that viewer's renderer
// (their channel), in the form their terminal takes; --quiet keeps the
// bell silent.
func TestViewerMoneySpeaksToTheViewer(t *testing.T) {
	a, err := alert.Parse("NVDA < 120")
	if err != nil {
		t.Fatal(err)
	}
	m := money{alerts: []alert.Alert{a}}
	var wez, plain bytes.Buffer
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	tw := m.viewer(server.SessionDeps{Renderer: lipgloss.NewRenderer(&wez), Env: env(map[string]string{"TERM_PROGRAM": "WezTerm"})})
	tp := m.viewer(server.SessionDeps{Renderer: lipgloss.NewRenderer(&plain), Env: env(map[string]string{"TERM": "xterm-256color"})})
	if tw.Bell == nil || tw.Notify == nil || tp.Bell == nil || tp.Notify != nil {
		t.Fatalf("bell/notify: wezterm %v %v, xterm %v %v", tw.Bell != nil, tw.Notify != nil, tp.Bell != nil, tp.Notify != nil)
	}
	tw.Bell()
	tw.Notify("NVDA < 120 at 11:20")
	tp.Bell()
	if wez.String() != "\a\x1b]9;NVDA < 120 at 11:20\a" || plain.String() != "\a" {
		t.Errorf("wezterm got %q, xterm got %q", wez.String(), plain.String())
	}
	m.quiet = true
	if q := m.viewer(server.SessionDeps{Renderer: lipgloss.NewRenderer(&plain), Env: env(nil)}); q.Bell != nil {
		t.Error("--quiet still rings a viewer's bell")
	}
}

func TestSummaryTakesTheViewersPositions(t *testing.T) {
	m := money{positions: []portfolio.Position{{Symbol: "NVDA", Shares: 100, Cost: 140}}}
	got := m.adding([]portfolio.Position{{Symbol: "AVGO", Shares: -50, Cost: 220}})
	if len(got.positions) != 2 || len(m.positions) != 1 || got.positions[1].Symbol != "AVGO" {
		t.Errorf("adding: %v (serve's: %v)", got.positions, m.positions)
	}
}
