package snapshots_test

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/selloff/selloff/snapshots"
)

func Example() {
	ny := snapshots.Location()
	h := snapshots.Header{
		Title:      "NVDA, one minute",
		Provenance: snapshots.Reconstructed,
		Source:     "an example",
		MainDay:    "2025-01-27",
		Created:    time.Date(2025, 2, 1, 12, 0, 0, 0, time.UTC),
		Symbols:    []snapshots.Symbol{{Symbol: "NVDA", Name: "NVIDIA", Kind: snapshots.KindEquity, Currency: "USD", PriceBasis: snapshots.BasisPrinted}},
	}
	var buf bytes.Buffer
	w, err := snapshots.NewWriter(&buf, h, snapshots.WriteOptions{FlushEvery: -1})
	if err != nil {
		panic(err)
	}
	w.Write(snapshots.BarRecord(snapshots.Bar{Time: time.Date(2025, 1, 27, 9, 30, 0, 0, ny), Symbol: "NVDA", Interval: "1m",
		Open: 124.8, High: 125.3, Low: 124.55, Close: 124.9, Volume: 5120000}))
	w.Close()
	fmt.Println(strings.SplitN(buf.String(), "\n", 3)[1])

	s, err := snapshots.Decode(&buf, snapshots.ReadOptions{Name: "example", Strict: true})
	if err != nil {
		panic(err)
	}
	at, _ := snapshots.ParseTime("09:30", s.Header)
	fmt.Println(len(s.Bars), s.Bars[0].Time.Equal(at), s.Bars[0].End().Format("15:04"))
	// Output:
	// {"record":"bar","time":"2025-01-27T09:30:00-05:00","symbol":"NVDA","interval":"1m","open":124.8,"high":125.3,"low":124.55,"close":124.9,"volume":5120000}
	// 1 true 09:31
}
