package snapshots

import (
	"bytes"
	"fmt"
	"testing"
	"time"
)

// et is an exchange-time instant for tests.
func et(y int, mo time.Month, d, h, mi int) time.Time {
	return time.Date(y, mo, d, h, mi, 0, 0, Location())
}

func testHeader() Header {
	return Header{
		Title:       "Test window",
		Description: "Two symbols, two sessions, for tests.",
		Provenance:  Reconstructed,
		Source:      "made up in helpers_test.go",
		TimeZone:    ExchangeZone,
		MainDay:     "2025-01-27",
		Created:     time.Date(2025, 2, 1, 12, 0, 0, 0, time.UTC),
		Symbols: []Symbol{
			{Symbol: "NVDA", Name: "NVIDIA", Kind: KindEquity, Currency: "USD", Groups: []string{"chips"}, PriceBasis: BasisPrinted,
				Company: "NVIDIA", Shares: &Shares{Count: 24_490_000_000, AsOf: "2025-01-24", Source: "10-Q"}},
			{Symbol: "SPY", Name: "SPDR S&P 500 ETF", Kind: KindETF, Currency: "USD", Groups: []string{"benchmarks"}, PriceBasis: BasisPrinted},
			{Symbol: "^IXIC", Name: "Nasdaq Composite", Kind: KindIndex, Currency: "USD", Groups: []string{"benchmarks"}, PriceBasis: BasisPrinted, NoVolume: true},
		},
		Sessions: []Session{
			{Date: "2025-01-24", Open: et(2025, 1, 24, 9, 30), Close: et(2025, 1, 24, 16, 0), PrevClose: map[string]float64{"NVDA": 147.22, "SPY": 609.75}},
			{Date: "2025-01-27", Open: et(2025, 1, 27, 9, 30), Close: et(2025, 1, 27, 16, 0), PrevClose: map[string]float64{"NVDA": 142.62, "SPY": 607.97}},
		},
	}
}

// testRecords is a small valid record sequence covering every kind.
func testRecords() []Record {
	var out []Record
	out = append(out, EventRecord(Event{Time: et(2025, 1, 20, 0, 0), ID: "r1", Title: "DeepSeek releases R1", Outlet: "DeepSeek", Link: "https://example.com/r1", Precision: PrecisionDate}))
	out = append(out, BarRecord(Bar{Time: et(2025, 1, 24, 0, 0), Symbol: "NVDA", Interval: "1d", Open: 148.87, High: 149.8, Low: 141.84, Close: 142.62, Volume: 234_657_600}))
	t := et(2025, 1, 27, 9, 30)
	px := 124.8
	for i := 0; i < 5; i++ {
		out = append(out, BarRecord(Bar{Time: t, Symbol: "NVDA", Interval: "1m", Open: px, High: px + 0.5, Low: px - 0.25, Close: px + 0.1, Volume: int64(1_000_000 + i)}))
		out = append(out, BarRecord(Bar{Time: t, Symbol: "^IXIC", Interval: "1m", Open: 19234.5, High: 19240.25, Low: 19230, Close: 19235.125}))
		out = append(out, QuoteRecord(Quote{Time: t.Add(59 * time.Second), Symbol: "SPY", Price: 600.01 + float64(i)/100, Volume: int64(5000 * (i + 1)), State: StateRegular, Bid: 600, Ask: 600.02}))
		t = t.Add(time.Minute)
		px -= 0.37
	}
	out = append(out, EventRecord(Event{Time: et(2025, 1, 27, 12, 0), ID: "noon", Title: "Afternoon note", Detail: "Something in the afternoon.", Symbols: []string{"NVDA", "SPY"}, Precision: PrecisionAfternoon}))
	out = append(out, EventRecord(Event{Time: et(2025, 1, 27, 16, 0), ID: "close", Title: "Close <&> \"quoted\" é", Symbols: []string{"NVDA"}}))
	return out
}

// encode writes h and recs to bytes (FlushEvery off, so deterministic).
func encode(t testing.TB, h Header, recs []Record, gz bool) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, h, WriteOptions{Gzip: gz, FlushEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// headerLine is the encoded test header.
func headerLine(t testing.TB) string {
	t.Helper()
	b, err := MarshalHeader(testHeader())
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func barLineAt(sym string, t time.Time, px float64, vol int64) string {
	return fmt.Sprintf(`{"record":"bar","time":%q,"symbol":%q,"interval":"1m","open":%v,"high":%v,"low":%v,"close":%v,"volume":%d}`,
		t.Format(time.RFC3339), sym, px, px+1, px-1, px, vol)
}
