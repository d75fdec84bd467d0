package panetest

import (
	"sync"
	"time"

	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/snapshots"
)

// RealName is the embedded snapshot the real-data tests replay.
const RealName = "deepseek-week"

var real = sync.OnceValues(func() (*market.Dataset, error) {
	s, err := snapshots.Load(RealName, snapshots.ReadOptions{})
	if err != nil {
		return nil, err
	}
	return market.NewDataset(s)
})

// Real returns the frame of the embedded deepseek-week snapshot at t. The
// dataset is decoded once per test binary and only read afterwards.
func Real(t time.Time) (*market.Frame, error) {
	d, err := real()
	if err != nil {
		return nil, err
	}
	return d.At(t), nil
}
