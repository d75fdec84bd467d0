package market_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/snapshots"
)

const realName = "deepseek-week"

// realSnapshot decodes the embedded snapshot, or skips when this build has
// none yet.
func realSnapshot(t testing.TB) *snapshots.Snapshot {
	t.Helper()
	if !slices.Contains(snapshots.Embedded(), realName) {
		t.Skipf("no embedded %s snapshot in this build", realName)
	}
	s, err := snapshots.Load(realName, snapshots.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSeekEqualsPlayRealData(t *testing.T) {
	d, err := market.NewDataset(realSnapshot(t))
	if err != nil {
		t.Fatal(err)
	}
	n := 300
	if testing.Short() {
		n = 50
	}
	checkSeekEqualsPlay(t, d, 99, n)
}

// TestInspectNumbersAreTheTimelines: `snapshot inspect` numbers the
// embedded events as the replay's timeline does (the dataset's placement
// order): #21 is the date-only DDoS note, #22 Nvidia's afternoon statement.
func TestInspectNumbersAreTheTimelines(t *testing.T) {
	s := realSnapshot(t)
	d, err := market.NewDataset(s)
	if err != nil {
		t.Fatal(err)
	}
	var buf strings.Builder
	if err := snapshots.Inspect(&buf, s, realName); err != nil {
		t.Fatal(err)
	}
	evs := d.Events()
	n := 0
	for _, l := range strings.Split(buf.String(), "\n") {
		f := strings.Fields(l)
		if len(f) < 4 || !strings.HasPrefix(f[0], "#") {
			continue
		}
		k, err := strconv.Atoi(f[0][1:])
		if err != nil || k < 1 || k > len(evs) || !strings.Contains(l, evs[k-1].Title) {
			t.Errorf("inspect line %q is not the timeline's event %s", l, f[0])
			continue
		}
		n++
	}
	if n != len(evs) {
		t.Errorf("inspect lists %d numbered events, the timeline %d", n, len(evs))
	}
}
