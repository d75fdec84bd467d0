package yahoo_test

import (
	"context"
	"fmt"
	"time"

	"github.com/selloff/selloff/feeds/feedstest"
	"github.com/selloff/selloff/feeds/yahoo"
	"github.com/selloff/selloff/feeds/yahoo/fakeyahoo"
	"github.com/selloff/selloff/snapshots"
)

// How cmd wires the doctor: one base URL (SELLOFF_YAHOO_URL or
// --yahoo-url; empty for the real Yahoo), the wall clock in the program.
func ExampleDoctor() {
	fake := fakeyahoo.Start()
	defer fake.Close()
	fake.SetQuote(fakeyahoo.Quote{Symbol: "NVDA", Price: 118.42, PrevClose: 142.62})
	clock := feedstest.NewFakeClock(time.Date(2025, 1, 27, 10, 30, 0, 0, snapshots.Location()))

	for _, s := range yahoo.Doctor(context.Background(), yahoo.Options{BaseURL: fake.URL, Clock: clock}, "NVDA") {
		fmt.Println(s.Name, s.OK)
	}
	// Output:
	// cookie true
	// crumb true
	// quote true
	// chart true
}

// How cmd wires the live source: a backend, a client, the source; Run in a
// goroutine, the TUI subscribes.
func ExampleNewLive() {
	fake := fakeyahoo.Start()
	defer fake.Close()
	fake.SetQuote(fakeyahoo.Quote{Symbol: "NVDA", Price: 118.42, PrevClose: 142.62, Shares: 24490000000})
	clock := feedstest.NewFakeClock(time.Date(2025, 1, 27, 10, 30, 0, 0, snapshots.Location()))

	b := yahoo.NewBackend(yahoo.Options{BaseURL: fake.URL, Clock: clock})
	live, err := yahoo.NewLive(yahoo.NewClient(b), clock, yahoo.LiveOptions{
		Symbols: []snapshots.Symbol{{Symbol: "NVDA"}},
	})
	if err != nil {
		panic(err)
	}
	live.Poll(context.Background()) // Run(ctx) polls forever; one poll here
	u := <-live.Subscribe(context.Background())
	q := u.Frame.Quotes[0]
	abs, pct, _ := q.Change()
	fmt.Printf("%s %.2f %+.2f (%+.1f%%) %s\n", q.Symbol, q.Price, abs, pct, u.Health.State)
	// Output:
	// NVDA 118.42 -24.20 (-17.0%) ok
}
