package server

import (
	"strings"
	"sync"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/portfolio"
	"github.com/selloff/selloff/tui"
	"github.com/selloff/selloff/tui/common"
)

// render and summary take --position for that command only; a bad one is
// refused with the parser's words and exit 2.
func TestCommandPositions(t *testing.T) {
	var got []string
	var mu sync.Mutex
	ts := startRealServer(t, false, func(c *Config) {
		c.RenderPositions = func(u feeds.Update, w, h int, r *lipgloss.Renderer, g common.Glyphs, added []portfolio.Position) string {
			return tui.RenderWith(u, w, h, r, g, tui.WithMoney(tui.Money{Positions: added}))
		}
		c.SummaryExtra = func(u feeds.Update, added []portfolio.Position) string {
			mu.Lock()
			defer mu.Unlock()
			for _, p := range added {
				got = append(got, p.String())
			}
			return ""
		}
	})
	c := mustDial(t, ts.addr)
	out, errOut, code := run(t, c, "render --at close --width 160 --height 45 --color never --position NVDA:100@140 --position AVGO:-50@220")
	if code != 0 {
		t.Fatalf("render: %d %s", code, errOut)
	}
	for _, want := range []string{"DAY P&L", "−$2,420", "+$2,128", "Your portfolio"} {
		if !strings.Contains(out, want) {
			t.Errorf("render --position: no %q in\n%s", want, out)
		}
	}
	if out, _, _ := run(t, c, "render --at close --width 160 --height 45 --color never"); strings.Contains(out, "DAY P&L") {
		t.Error("a later render without --position shows the earlier command's positions")
	}
	if _, errOut, code := run(t, c, "summary --at close --position nvda:10@100"); code != 0 {
		t.Fatalf("summary: %d %s", code, errOut)
	}
	mu.Lock()
	if strings.Join(got, " ") != "NVDA:10@100" {
		t.Errorf("summary's positions: %q", got)
	}
	mu.Unlock()
	for _, cmd := range []string{"render --position NVDA:abc@1", "summary --position NVDA100"} {
		_, errOut, code := run(t, c, cmd)
		if code != 2 || !strings.Contains(errOut, "-position") {
			t.Errorf("%s: exit %d, %q", cmd, code, errOut)
		}
	}
	if _, errOut, _ := run(t, c, "render --position NVDA:abc@1"); !strings.Contains(errOut, `shares "abc"`) {
		t.Errorf("the refusal does not say what is wrong: %q", errOut)
	}
}

// Each viewer's model gets that viewer's environment and TERM, and what it
// writes through its renderer (the bell, a notification) reaches that
// viewer's channel only.
func TestViewerEnvAndOutputArePerSession(t *testing.T) {
	var mu sync.Mutex
	deps := map[string]SessionDeps{}
	ts := startRealServer(t, false, func(c *Config) {
		c.Model = func(d SessionDeps) tea.Model {
			mu.Lock()
			deps[d.Env("VIEWER")] = d
			mu.Unlock()
			return TUIModel(d)
		}
	})
	a := openTerm(t, mustDial(t, ts.addr), 120, 40, map[string]string{"VIEWER": "a", "TERM_PROGRAM": "WezTerm", "TERM": "xterm-256color"})
	b := openTerm(t, mustDial(t, ts.addr), 120, 40, map[string]string{"VIEWER": "b", "TERM": "foot"})
	a.waitText(t, "NVDA")
	b.waitText(t, "NVDA")
	mu.Lock()
	da, db := deps["a"], deps["b"]
	mu.Unlock()
	if da.Env == nil || db.Env == nil {
		t.Fatalf("no env: %v", deps)
	}
	if da.Env("TERM_PROGRAM") != "WezTerm" || da.Env("TERM") != "xterm-256color" || db.Env("TERM") != "foot" || db.Env("TERM_PROGRAM") != "" {
		t.Errorf("env: a %q %q, b %q %q", da.Env("TERM_PROGRAM"), da.Env("TERM"), db.Env("TERM_PROGRAM"), db.Env("TERM"))
	}
	_, _ = da.Renderer.Output().WriteString("\a\x1b]9;only-for-a\a")
	a.waitText(t, "only-for-a")
	_, _ = db.Renderer.Output().WriteString("\x1b]777;notify;selloff;only-for-b\a")
	b.waitText(t, "only-for-b")
	a.mu.Lock()
	aOut := string(a.out)
	a.mu.Unlock()
	b.mu.Lock()
	bOut := string(b.out)
	b.mu.Unlock()
	if strings.Contains(aOut, "only-for-b") || strings.Contains(bOut, "only-for-a") {
		t.Error("one viewer's notification reached the other")
	}
}
