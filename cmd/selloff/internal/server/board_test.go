package server

import (
	"regexp"
	"strings"
	"testing"

	"github.com/selloff/selloff/feeds/replay"
	"github.com/selloff/selloff/snapshots"
)

var (
	boardYou   = regexp.MustCompile(`(\d)\. (\w+)\s+([+−]?[\d,]+\.\d\d)\s+(\d+) trades?\s+← you`)
	blotterPnL = regexp.MustCompile(`P&L ([+−]?[\d,]+\.\d\d)\s+realised`)
)

// The watch party's leaderboard: bob buys at 10:00, carol at 14:45; a
// viewer's L is refused; the presenter's L shows every viewer the board
// at the party's time, ranked, each viewer's own row marked, its figure
// the one their blotter shows; the presenter's L again closes it for all.
func TestPartyLeaderboard(t *testing.T) {
	ts := startRealServer(t, true, func(c *Config) { c.LeaderboardNames = "user" })
	env := map[string]string{"NO_COLOR": "1"}
	p := openTerm(t, dialAs(t, ts.addr, "alice"), 160, 40, env)
	p.waitText(t, "PRESENTING")
	bob := openTerm(t, dialAs(t, ts.addr, "bob"), 160, 40, env)
	bob.waitText(t, "(following alice)")
	carol := openTerm(t, dialAs(t, ts.addr, "carol"), 160, 40, env)
	carol.waitText(t, "(following alice)")
	p.waitText(t, "2 watching")

	shared := ts.cfg.Sources.Shared.(*replay.Replay)
	at := func(hhmm string) {
		t.Helper()
		p.send(t, "g")
		p.waitText(t, "go to")
		p.send(t, hhmm+"\r")
		waitUntil(t, "the party at "+hhmm, func() bool {
			return shared.Now().In(snapshots.Location()).Format("15:04") == hhmm
		})
	}
	p.send(t, " ")
	waitUntil(t, "the party paused", func() bool { return shared.Status().Paused })
	at("10:00")
	trade := func(v *term) {
		t.Helper()
		v.send(t, "b")
		v.waitText(t, "enter fill")
		v.send(t, "\r")
		v.waitText(t, "paper buy")
	}
	bob.waitText(t, "10:00")
	trade(bob)
	at("14:45")
	carol.waitText(t, "14:45")
	trade(carol)

	carol.send(t, "L")
	carol.waitText(t, "only the presenter can show the leaderboard")

	p.send(t, "L")
	for _, v := range []*term{p, bob, carol} {
		v.waitText(t, "Leaderboard · paper P&L at 14:45")
	}
	rank := map[string]string{}
	for name, v := range map[string]*term{"bob": bob, "carol": carol} {
		var row []string
		v.waitFor(t, name+"'s own row", func(string, string, bool) bool {
			row = boardYou.FindStringSubmatch(v.screenText())
			return row != nil && row[4] == "1"
		})
		if row[2] != name {
			t.Errorf("%s's own row names %q", name, row[2])
		}
		rank[name] = row[1]
		v.send(t, "B")
		var blot []string
		v.waitFor(t, name+"'s blotter", func(string, string, bool) bool {
			blot = blotterPnL.FindStringSubmatch(v.screenText())
			return blot != nil
		})
		if blot[1] != row[3] {
			t.Errorf("%s: the board says %s, the blotter %s\n%s", name, row[3], blot[1], v.screenTextLocked())
		}
		if name == "carol" && blot[1] != "0.00" {
			t.Errorf("carol bought at the party's time: P&L %s, want 0.00", blot[1])
		}
	}
	// bob's gain or loss since 10:00 ranks him against carol's 0.00 and
	// alice's (no trades) 0.00
	screen := bob.screenTextLocked()
	if !strings.Contains(screen, "alice") || !strings.Contains(screen, "0 trades") {
		t.Errorf("the board misses alice (no trades):\n%s", screen)
	}
	bobPnL := boardYou.FindStringSubmatch(screen)[3]
	switch {
	case strings.HasPrefix(bobPnL, "+") && rank["bob"] != "1":
		t.Errorf("bob gained %s but ranks %s", bobPnL, rank["bob"])
	case strings.HasPrefix(bobPnL, "−") && rank["bob"] != "3":
		t.Errorf("bob lost %s but ranks %s", bobPnL, rank["bob"])
	}

	p.send(t, "L")
	p.waitText(t, "leaderboard closed")
	bob.waitFor(t, "the board closed", func(string, string, bool) bool {
		return !strings.Contains(bob.screenText(), "Leaderboard ·")
	})
	// shown again, it closes when the presenter leaves
	p.send(t, "L")
	carol.waitText(t, "Leaderboard ·")
	p.send(t, "q")
	p.waitDone(t)
	carol.waitFor(t, "the board closed with the presenter gone", func(string, string, bool) bool {
		return !strings.Contains(carol.screenText(), "Leaderboard ·")
	})
}
