package snapshots

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand"
	"reflect"
	"sort"
	"strconv"
	"testing"
	"time"
)

// The hand-written bar and quote encoders must produce exactly what
// encoding/json produces.
func TestMarshalMatchesEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	prices := []float64{0, 1, -0.5, 0.1, 124.5, 118.42, 1e-7, 3.5e-9, 1e21, 2.5e22, 123456789.123456, math.SmallestNonzeroFloat64, math.MaxFloat64}
	for i := 0; i < 300; i++ {
		prices = append(prices, math.Round(rng.Float64()*100000)/100, rng.Float64()*1000, rng.ExpFloat64())
	}
	times := []time.Time{
		et(2025, 1, 27, 9, 30),
		time.Date(2025, 7, 1, 13, 30, 0, 0, time.UTC),
		time.Date(2025, 1, 27, 14, 30, 15, 123456000, time.UTC),
		time.Date(2025, 1, 27, 14, 30, 15, 1, time.FixedZone("X", 3600)),
	}
	syms := []string{"NVDA", "^IXIC", "BRK.B", "A&B", `q"x`, "é", "<x>"}
	for i, p := range prices {
		b := Bar{Time: times[i%len(times)], Symbol: syms[i%len(syms)], Interval: "1m", Open: p, High: -p, Low: p / 3, Close: p / 7, Volume: int64(i * 1000)}
		got, err := MarshalRecord(BarRecord(b))
		if err != nil {
			t.Fatal(err)
		}
		bb := b
		bb.Time = exchangeTime(b.Time)
		want, _ := json.Marshal(barLine{RecBar, bb})
		if !bytes.Equal(got, want) {
			t.Fatalf("bar\n got %s\nwant %s", got, want)
		}
		q := Quote{Time: times[i%len(times)], Symbol: syms[i%len(syms)], Price: p, Volume: int64(i), State: StateRegular, Bid: float64(i % 2), Ask: p * float64(i%3)}
		got, err = MarshalRecord(QuoteRecord(q))
		if err != nil {
			t.Fatal(err)
		}
		q.Time = exchangeTime(q.Time)
		want, _ = json.Marshal(quoteLine{RecQuote, q})
		if !bytes.Equal(got, want) {
			t.Fatalf("quote\n got %s\nwant %s", got, want)
		}
	}
	if _, err := MarshalRecord(BarRecord(Bar{Open: math.NaN()})); err == nil {
		t.Error("NaN price encoded")
	}
	if _, err := MarshalRecord(Record{Kind: "trade"}); err == nil {
		t.Error("unknown kind encoded")
	}
}

// slowParse decodes a line with encoding/json only.
func slowParse(rd *Reader, line []byte) (Record, string) {
	var rec Record
	var probe struct {
		Record string `json:"record"`
	}
	if err := json.Unmarshal(line, &probe); err != nil {
		return rec, jsonReason(err)
	}
	rec.Kind = probe.Record
	var err error
	switch probe.Record {
	case RecBar:
		err = json.Unmarshal(line, &rec.Bar)
		rec.Bar.Time = zoneOf(rec.Bar.Time)
	case RecQuote:
		err = json.Unmarshal(line, &rec.Quote)
		rec.Quote.Time = zoneOf(rec.Quote.Time)
	default:
		return Record{}, "other"
	}
	if err != nil {
		return Record{}, jsonReason(err)
	}
	return rec, ""
}

// checkFastPath compares the fast scanner with encoding/json on one line:
// whenever the fast path accepts a line, encoding/json must decode the same
// record from it.
func checkFastPath(t testing.TB, line []byte) (fast bool) {
	t.Helper()
	var o flatObj
	if !scanFlat(line, &o) {
		return false
	}
	kind, ok := o.recordKind()
	if !ok {
		return false
	}
	var rec Record
	rec.Kind = kind
	in := interner{}
	if kind == RecBar {
		fast = fastBar(&o, &rec.Bar, in)
	} else {
		fast = fastQuote(&o, &rec.Quote, in)
	}
	if !fast {
		return false
	}
	want, reason := slowParse(nil, line)
	if reason != "" {
		t.Fatalf("fast path accepted %q but encoding/json says %s", line, reason)
	}
	if !reflect.DeepEqual(rec, want) || !rec.Time().Equal(want.Time()) {
		t.Fatalf("fast path differs on %q\nfast %+v\njson %+v", line, rec, want)
	}
	return true
}

func TestFastPathMatchesEncodingJSON(t *testing.T) {
	fastLines := []string{
		barLineAt("NVDA", et(2025, 1, 27, 9, 30), 120.5, 100),
		`{"record":"bar","time":"2025-01-27T14:30:00Z","symbol":"NVDA","interval":"1m","open":1e2,"high":1.5E+2,"low":0.5,"close":-0,"volume":0}`,
		`{"record":"bar","time":"2025-01-27T09:30:00.123456789-05:00","symbol":"X","interval":"1d","open":0.1,"high":0.2,"low":0.3,"close":0.4,"volume":-7}`,
		`{"record":"bar","time":"2024-02-29T23:59:59+14:00"}`,
		`{"record":"bar","time":"0001-01-01T00:00:00Z"}`,
		`{"record":"bar","time":"1969-12-31T23:59:59.5-23:59"}`,
		`{"record":"bar","record":"bar","volume":1,"volume":2}`,
		`{"record":"quote","time":"2025-01-27T09:30:59-05:00","symbol":"SPY","price":600.01,"volume":5000,"state":"regular","bid":600,"ask":600.02}`,
		`{"record":"quote"}`,
		"\t{ \"record\" : \"quote\" , \"price\" : 12345678901234567890 }\r\n",
	}
	for _, l := range fastLines {
		if !checkFastPath(t, []byte(l)) {
			t.Errorf("expected the fast path to take %q", l)
		}
	}
	slowLines := []string{
		`{"record":"bar","Open":1}`,                       // key case
		`{"record":"bar","extra":1}`,                      // unknown key
		`{"record":"bar","open":"1"}`,                     // type
		`{"record":"bar","open":01}`,                      // bad number
		`{"record":"bar","volume":1.0}`,                   // not an int
		`{"record":"bar","open":1e999}`,                   // out of range
		`{"record":"bar","open":null}`,                    // null
		`{"record":"bar","symbol":"N\u0056DA"}`,           // escape
		`{"record":"bar","symbol":"é"}`,                   // non-ASCII
		`{"record":"bar","time":"2025-02-29T00:00:00Z"}`,  // bad day
		`{"record":"bar","time":"2025-01-27T24:00:00Z"}`,  // bad hour
		`{"record":"bar","time":"2025-01-27T09:30:00"}`,   // no zone
		`{"record":"bar","time":"2025-01-27t09:30:00z"}`,  // lower case
		`{"record":"bar","time":"2025-01-27T09:30:60Z"}`,  // leap second
		`{"record":"bar","time":"2025-01-27T09:30:00.Z"}`, // empty fraction
		`{"record":"bar","time":"2025-01-27T09:30:00+24:00"}`,
		`{"record":"bar"} x`,
		`{"record":"bar",}`,
		`{"record":"event"}`,
		`{"record":"bar","a":[1]}`,
	}
	for _, l := range slowLines {
		if checkFastPath(t, []byte(l)) {
			t.Errorf("fast path should not take %q", l)
		}
	}
}

func TestParseRFC3339MatchesTime(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	for i := 0; i < 20000; i++ {
		sec := rng.Int63n(400*365*86400) - 200*365*86400
		ns := int64(0)
		if i%3 == 0 {
			ns = rng.Int63n(1e9)
		}
		off := (rng.Intn(48*60-1) - 24*60 + 1) * 60
		tt := time.Unix(sec, ns).In(time.FixedZone("", off))
		s := tt.Format(time.RFC3339Nano)
		got, ok := parseRFC3339([]byte(s))
		if !ok || !got.Equal(tt) {
			t.Fatalf("%s: got %v %v", s, got, ok)
		}
	}
}

// synthetic builds a snapshot shaped like deepseek-week: 22 symbols, three
// sessions of 1-minute bars (about 26k), 10 daily bars each, and 20 events.
func synthetic(tb testing.TB, gz bool) ([]byte, int) {
	tb.Helper()
	h := testHeader()
	h.Symbols = nil
	for i := 0; i < 22; i++ {
		h.Symbols = append(h.Symbols, Symbol{Symbol: fmt.Sprintf("S%02d", i), Name: "Synthetic", Kind: KindEquity, Currency: "USD", PriceBasis: BasisPrinted})
	}
	h.Sessions = nil
	var recs []Record
	for d := 0; d < 10; d++ {
		day := et(2025, 1, 17+d, 0, 0)
		for _, s := range h.Symbols {
			recs = append(recs, BarRecord(Bar{Time: day, Symbol: s.Symbol, Interval: "1d", Open: 100, High: 110, Low: 90, Close: 105.25, Volume: 12345678}))
		}
	}
	rng := rand.New(rand.NewSource(3))
	for _, day := range []int{24, 27, 28} {
		t0 := et(2025, 1, day, 9, 30)
		for m := 0; m < 390; m++ {
			if m%20 == 0 && len(recs) < 26000 {
				recs = append(recs, EventRecord(Event{Time: t0.Add(time.Duration(m) * time.Minute), ID: fmt.Sprintf("e%d-%d", day, m), Title: "Something happened", Detail: "A sentence or two about it.", Outlet: "Wire", Link: "https://example.com/x", Symbols: []string{"S01"}}))
			}
			for _, s := range h.Symbols {
				p := math.Round((100+rng.Float64()*10)*100) / 100
				recs = append(recs, BarRecord(Bar{Time: t0.Add(time.Duration(m) * time.Minute), Symbol: s.Symbol, Interval: "1m", Open: p, High: p + 0.37, Low: p - 0.41, Close: p + 0.05, Volume: int64(rng.Intn(2_000_000))}))
			}
		}
	}
	sort.SliceStable(recs, func(i, j int) bool { return recs[i].Time().Before(recs[j].Time()) })
	return encode(tb, h, recs, gz), len(recs)
}

func BenchmarkReaderBars(b *testing.B) {
	data, n := synthetic(b, false)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		rd, err := NewReader(bytes.NewReader(data), ReadOptions{Strict: true})
		if err != nil {
			b.Fatal(err)
		}
		var rec Record
		got := 0
		for {
			err := rd.next(&rec)
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			got++
		}
		if got != n {
			b.Fatalf("%d records, want %d", got, n)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(n)*float64(b.N)/cpu.Seconds(), "records/cpu-s")
	}
}

func BenchmarkDecodeEmbedded(b *testing.B) {
	var data []byte
	name := "synthetic"
	if r, err := OpenEmbedded("deepseek-week"); err == nil {
		data, _ = io.ReadAll(r)
		r.Close()
		name = "deepseek-week"
	} else {
		data, _ = synthetic(b, true)
	}
	b.Logf("decoding %s (%d bytes gzip)", name, len(data))
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		s, err := Decode(bytes.NewReader(data), ReadOptions{Name: name})
		if err != nil {
			b.Fatal(err)
		}
		if len(s.Bars) == 0 {
			b.Fatal("no bars")
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/decode")
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/decode")
}

func BenchmarkWriter(b *testing.B) {
	h := testHeader()
	t0 := et(2025, 1, 27, 9, 30)
	const n = 10000
	bars := make([]Record, n)
	for i := range bars {
		p := 100 + float64(i%1000)/100
		bars[i] = BarRecord(Bar{Time: t0.Add(time.Duration(i) * time.Second), Symbol: "NVDA", Interval: "1m", Open: p, High: p + 0.5, Low: p - 0.5, Close: p + 0.25, Volume: int64(i * 100)})
	}
	for _, gz := range []bool{false, true} {
		b.Run(map[bool]string{false: "plain", true: "gzip"}[gz], func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				w, err := NewWriter(io.Discard, h, WriteOptions{Gzip: gz, FlushEvery: -1})
				if err != nil {
					b.Fatal(err)
				}
				for _, r := range bars {
					if err := w.Write(r); err != nil {
						b.Fatal(err)
					}
				}
				w.Close()
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}

func parseFloatStd(s string) (float64, error) { return strconv.ParseFloat(s, 64) }

func TestFastFloatRandom(t *testing.T) {
	rng := rand.New(rand.NewSource(4))
	for i := 0; i < 200000; i++ {
		var s string
		switch i % 3 {
		case 0:
			s = strconv.FormatFloat(math.Round(rng.Float64()*1e7)/100, 'f', -1, 64)
		case 1:
			s = strconv.FormatFloat(rng.Float64()*math.Pow(10, float64(rng.Intn(30)-15)), 'f', -1, 64)
		default:
			s = strconv.Itoa(rng.Intn(1e9)) + "." + strconv.Itoa(rng.Intn(1e6))
		}
		want, _ := strconv.ParseFloat(s, 64)
		if got, ok := fastFloat([]byte(s)); ok && got != want {
			t.Fatalf("%s: fast %v, strconv %v", s, got, want)
		}
	}
}
