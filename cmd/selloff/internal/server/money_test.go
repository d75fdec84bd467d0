package server

import (
	"strings"
	"testing"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/portfolio"
)

func TestSummaryExtraFollowsTheTable(t *testing.T) {
	ts := startRealServer(t, false, func(c *Config) {
		c.SummaryExtra = func(u feeds.Update, _ []portfolio.Position) string {
			return "portfolio at " + u.Frame.Time.Format("15:04") + "\n"
		}
	})
	out, errOut, code := run(t, mustDial(t, ts.addr), "summary --at close")
	if code != 0 || !strings.HasSuffix(out, "portfolio at 16:00\n") || !strings.Contains(out, "NVDA") {
		t.Errorf("summary: %d %q\n%s", code, errOut, out)
	}
}
