package market_test

import (
	"slices"
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
