package tui

import (
	"strings"
	"testing"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/snapshots"
	"github.com/selloff/selloff/tui/chart"
	"github.com/selloff/selloff/tui/common"
)

// dailyOnlyUpdate is the replay update at s with every intraday bar taken
// away: what an import of daily downloads replays.
func dailyOnlyUpdate(t *testing.T, s string) feeds.Update {
	t.Helper()
	u := replayUpdate(t, s, 1)
	f := *u.Frame
	f.Intraday = make([][]snapshots.Bar, len(f.Symbols))
	u.Frame = &f
	return u
}

// A daily-only day shows the week (its day chart was empty) with a hint,
// until d asks for the day; n and p step close to close (p landed on the
// open, showing the day's open as the last price).
func TestDailyOnlyOpensOnTheWeek(t *testing.T) {
	ctrl := &fakeController{}
	m := newTestModel(t, 120, 30, ctrl, common.GlyphsBraille)
	m = withUpdate(t, m, dailyOnlyUpdate(t, "2025-01-28 16:00"))
	if m.panes.chart.Range() != chart.RangeWeek {
		t.Fatal("a daily-only day opens on the day chart")
	}
	if v := m.View(); !strings.Contains(v, "daily bars only") {
		t.Errorf("no hint that the data is daily:\n%s", v)
	}
	m, cmd := step(t, m, keyMsg("p"))
	m = runCmd(t, m, cmd)
	got, n := ctrl.last()
	want := et(t, "2025-01-27 16:00")
	if n != 1 || got.Op != feeds.OpSeek || !got.At.Equal(want) {
		t.Fatalf("p sent %+v, want a seek to Mon 27 Jan 16:00", got)
	}
	u := dailyOnlyUpdate(t, "2025-01-27 16:00")
	u.Seq = 2
	m = withUpdate(t, m, u)
	m, cmd = step(t, m, keyMsg("n"))
	m = runCmd(t, m, cmd)
	if got, _ := ctrl.last(); got.Op != feeds.OpSeek || !got.At.Equal(et(t, "2025-01-28 16:00")) {
		t.Fatalf("n sent %+v, want a seek to Tue 28 Jan 16:00", got)
	}
	m, _ = step(t, m, keyMsg("d"))
	if m.panes.chart.Range() != chart.RangeDay {
		t.Fatal("d did not show the day")
	}
	// with intraday data, n and p are the replay's day steps as before
	m2 := withUpdate(t, newTestModel(t, 120, 30, &fakeController{}, common.GlyphsBraille), replayUpdate(t, "2025-01-28 16:00", 1))
	if m2.panes.chart.Range() != chart.RangeDay {
		t.Fatal("a day with intraday bars opens on the week")
	}
	if c, ok := m2.replayCommand(keyMsg("p")); !ok || c.Op != feeds.OpPrevDay {
		t.Fatalf("p with intraday data: %+v", c)
	}
}
