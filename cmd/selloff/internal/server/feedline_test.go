package server

import (
	"strings"
	"testing"
	"time"

	"github.com/selloff/selloff/feeds"
)

// `summary` and `render` on a live source that has no data yet say why:
// the feed's state, detail and last error in full, not "-" everywhere.
func TestSummarySaysTheFeedState(t *testing.T) {
	f := &feedsFrame{Title: "Live", Time: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)}
	at := time.Date(2026, 11, 27, 10, 0, 5, 0, time.UTC)
	u := feedsUpdate{Mode: feeds.ModeLive, Frame: f, Health: feeds.Health{State: feeds.HealthOffline, Detail: "no data yet",
		LastErr: "cannot reach Yahoo: cannot resolve query1.finance.yahoo.com (no network or no DNS?)", ErrAt: at}}
	got := Summary(u)
	want := "feed: offline (no data yet); error at 05:00:05: cannot reach Yahoo: cannot resolve query1.finance.yahoo.com (no network or no DNS?)"
	if !strings.Contains(got, want) {
		t.Fatalf("summary:\n%s\nwant the line %q", got, want)
	}
	if line := FeedLine(feedsUpdate{Mode: feeds.ModeReplay, Frame: f}); line != "" {
		t.Errorf("a healthy replay got %q", line)
	}
}
