package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/tui/common"
)

// e opens the last errors in full, each with its time and how many times
// it came (repeats folded); esc closes the view; the key is in the help.
func TestErrorsViewShowsErrorsInFull(t *testing.T) {
	m := newTestModel(t, 120, 30, nil, common.GlyphsBraille)
	long := "cannot reach Yahoo: cannot resolve query1.finance.yahoo.com (no network or no DNS?)"
	base := et(t, "2025-01-27 14:50")
	seq := uint64(0)
	push := func(err string, at time.Time) {
		seq++
		u := replayUpdate(t, "2025-01-27 14:50", seq)
		u.Source, u.Mode, u.Clock = "yahoo", feeds.ModeLive, nil
		u.Health = feeds.Health{State: feeds.HealthOffline, LastErr: err, ErrAt: at}
		m = withUpdate(t, m, u)
	}
	push(long, base)
	push(long, base) // the same failure published twice: counted once
	push(long, base.Add(10*time.Second))
	push("rate limited by Yahoo (429 Too Many Requests); next try at 14:51:10", base.Add(20*time.Second))
	push(long, base.Add(30*time.Second))
	if v := lastLines(m.View(), 1); strings.Contains(v, "(no…") || !strings.Contains(v, "error: cannot reach Yahoo") {
		t.Fatalf("status bar:\n%s", v)
	}
	m, _ = step(t, m, keyMsg("e"))
	v := m.View()
	for _, want := range []string{long, "14:50:00 to 14:50:30, 3 times", "14:50:20", "rate limited by Yahoo (429 Too Many Requests); next try at 14:51:10"} {
		if !strings.Contains(v, want) {
			t.Errorf("errors view lacks %q:\n%s", want, v)
		}
	}
	golden.RequireEqual(t, []byte(v))
	m, _ = step(t, m, keyMsg("esc"))
	if strings.Contains(m.View(), "Errors (newest last") {
		t.Fatal("esc did not close the errors view")
	}
	m, _ = step(t, m, keyMsg("?"))
	if !strings.Contains(m.View(), "errors") {
		t.Fatal("help does not list the errors key")
	}
}

// The price stream's failures reach the errors view as well (the status
// bar only says "stream down, polling"), once per failed connection.
func TestErrorsViewHasStreamFailures(t *testing.T) {
	m := newTestModel(t, 120, 30, nil, common.GlyphsBraille)
	base := et(t, "2025-01-27 14:50")
	seq := uint64(0)
	push := func(state string, retry time.Time) {
		seq++
		u := replayUpdate(t, "2025-01-27 14:50", seq)
		u.Source, u.Mode, u.Clock = "yahoo", feeds.ModeLive, nil
		u.Health = feeds.Health{State: feeds.HealthOK, Stream: feeds.StreamHealth{State: state, RetryAt: retry,
			LastErr: "stream: connect: connection refused"}}
		m = withUpdate(t, m, u)
	}
	push("down", base.Add(2*time.Second))
	push("down", base.Add(2*time.Second)) // the same failure published again
	push("connecting", time.Time{})       // trying again: the last error is still set
	push("down", base.Add(9*time.Second)) // the retry failed too
	m, _ = step(t, m, keyMsg("e"))
	v := m.View()
	for _, want := range []string{"stream: connect: connection refused", "2 times"} {
		if !strings.Contains(v, want) {
			t.Errorf("errors view lacks %q:\n%s", want, v)
		}
	}
}
