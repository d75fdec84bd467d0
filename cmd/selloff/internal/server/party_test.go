package server

import (
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/selloff/selloff/feeds/replay"
	"github.com/selloff/selloff/snapshots"
)

func dialAs(t *testing.T, addr, user string) *gossh.Client {
	t.Helper()
	c, err := gossh.Dial("tcp", addr, &gossh.ClientConfig{
		User:            user,
		Auth:            []gossh.AuthMethod{gossh.PublicKeys(newKey(t))},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(),
		Timeout:         waitLimit,
	})
	if err != nil {
		t.Fatalf("dial as %s: %v", user, err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// One party clock: after the presenter goes to 14:50 and pauses, the
// one-shot commands print 14:50 (not the 09:30 a private replay starts
// at); every status says who presents, the presenter's says PRESENTING and
// how many watch, and when the presenter leaves the viewer's status (and
// its refusal) changes without a key.
func TestPartyClockAndSeat(t *testing.T) {
	ts := startRealServer(t, true, nil)
	env := map[string]string{"NO_COLOR": "1"}
	p := openTerm(t, dialAs(t, ts.addr, "alice"), 160, 40, env)
	p.waitText(t, "NVDA")
	p.waitText(t, "PRESENTING")
	p.waitText(t, "nobody watching yet")
	v := openTerm(t, dialAs(t, ts.addr, "bob"), 160, 40, env)
	v.waitText(t, "(following alice)")
	p.waitText(t, "1 watching")

	// The presenter goes to 14:50 and pauses.
	p.send(t, "g")
	p.waitText(t, "go to")
	p.send(t, "14:50\r")
	shared := ts.cfg.Sources.Shared.(*replay.Replay)
	waitUntil(t, "the party at 14:50", func() bool {
		return shared.Now().In(snapshots.Location()).Format("15:04") == "14:50"
	})
	p.send(t, " ")
	waitUntil(t, "the party paused", func() bool { return shared.Status().Paused })
	time.Sleep(300 * time.Millisecond) // a replay at 120x would be at 15:26 by the next check

	c := mustDial(t, ts.addr)
	for _, cmd := range []string{"summary", "summary --at now", "render --width 140 --height 30"} {
		out, errOut, code := run(t, c, cmd)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", cmd, code, errOut)
		}
		if !strings.Contains(out, "14:50") || strings.Contains(out, "09:30 ET") {
			t.Errorf("%s does not read the party's clock (14:50):\n%s", cmd, out)
		}
	}
	if got := shared.Now().In(snapshots.Location()).Format("15:04"); got != "14:50" || !shared.Status().Paused {
		t.Errorf("the commands moved the party's clock to %s", got)
	}

	// The viewer's key is refused while alice presents.
	v.send(t, " ")
	v.waitText(t, "the presenter drives")
	// Alice leaves: bob's status says so, and the refusal goes, with no key.
	m := v.mark()
	p.send(t, "q")
	p.waitDone(t)
	v.waitTextAfter(t, m, "(nobody presents)")
	v.waitFor(t, "the refusal gone", func(string, string, bool) bool {
		return !strings.Contains(v.screenText(), "the presenter drives")
	})
	// Bob takes the seat with a replay key; a newcomer follows bob.
	v.send(t, " ")
	v.waitText(t, "PRESENTING")
	w := openTerm(t, dialAs(t, ts.addr, "carol"), 160, 40, env)
	w.waitText(t, "(following bob)")
	v.waitText(t, "1 watching")
}
