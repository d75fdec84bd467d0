package replay_test

import (
	"context"
	"fmt"
	"time"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/feedstest"
	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/feeds/replay"
)

// A replay over a shared dataset: cmd passes feeds.RealClock{}, tests a
// fake clock. Each viewer subscribes; any goroutine may send commands.
func Example() {
	ds, err := market.NewDataset(feedstest.Week(1)) // once, shared by every replay
	if err != nil {
		panic(err)
	}
	clock := feedstest.NewFakeClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	r, err := replay.New(ds, clock, replay.Options{Paused: true})
	if err != nil {
		panic(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r.Start(ctx)
	updates := r.Subscribe(ctx)

	u := <-updates // the current frame, at once
	fmt.Println(u.Seq, u.Frame.Time.Format("Mon Jan 2 15:04"), u.Clock.Speed, u.Clock.Paused)

	_ = r.Control(feeds.Command{Op: feeds.OpPrevDay})
	u = <-updates
	fmt.Println(u.Seq, u.Frame.Time.Format("Mon Jan 2 15:04"))

	_ = r.Control(feeds.Command{Op: feeds.OpStep, N: 5})
	u = <-updates
	i := u.Frame.Index("NVDA")
	fmt.Println(u.Seq, u.Frame.Time.Format("15:04"), len(u.Frame.Intraday[i]), "bars")
	// Output:
	// 1 Mon Jan 27 09:30 120 true
	// 2 Fri Jan 24 09:30
	// 3 09:35 5 bars
}
