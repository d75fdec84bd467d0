package snapshots

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
)

func TestInspect(t *testing.T) {
	h := testHeader()
	h.Symbols = append(h.Symbols,
		Symbol{Symbol: "GOOGL", Name: "Alphabet A", Kind: KindEquity, Currency: "USD", Groups: []string{"platforms"}, PriceBasis: BasisPrinted,
			Company: "Alphabet", Shares: &Shares{Count: 12_200_000_000, AsOf: "2025-01-24", Source: "10-K", Approximate: true},
			Notes: []FigureNote{{Figure: FigurePrice, Basis: BasisSourced, Source: "GW"},
				{Figure: FigureIntraday, Basis: BasisBorrowed, From: "GOOG (27 Jan)", Detail: "the shape of GOOG, mapped onto GOOGL's own daily range"},
				{Figure: FigureVolume, Basis: BasisModelled, Detail: "the day's volume spread over the minutes"}}},
		Symbol{Symbol: "GOOG", Name: "Alphabet C", Kind: KindEquity, Currency: "USD", Groups: []string{"platforms"}, PriceBasis: BasisAdjusted, Company: "Alphabet",
			Notes: []FigureNote{{Figure: FigureVolume, Basis: BasisModelled, Detail: "the day's volume spread over the minutes"}}},
	)
	recs := testRecords()
	price, pct, at := 118.42, -16.97, et(2025, 1, 27, 9, 35)
	for i, r := range recs {
		if r.Kind == RecEvent && r.Event.ID == "close" {
			recs[i].Event.Quotes = []EventQuote{{Symbol: "NVDA", Price: &price, ChangePct: &pct, Tolerance: 0.005, TolerancePct: 0.005},
				{Symbol: "NVDA", ChangePct: &pct, TolerancePct: 0.5, Extent: ExtentLow, At: &at}}
		}
	}
	// file (time) order is not the timeline's: a date-only item of 27 Jan
	// (placed at the close, after the afternoon note) and a pre-market
	// report with a bound ("over 11%", placed at the open); inspect lists
	// them in placement order with the timeline's numbers and words
	over := -11.5
	extra := []Record{
		EventRecord(Event{Time: et(2025, 1, 27, 0, 0), ID: "news", Title: "Date-only news", Precision: PrecisionDate}),
		EventRecord(Event{Time: et(2025, 1, 27, 9, 0), ID: "pre", Title: "Pre-market report", Precision: PrecisionMorning, Session: StatePre,
			Symbols: []string{"NVDA"}, Quotes: []EventQuote{{Symbol: "NVDA", ChangePct: &over, TolerancePct: 0.5, Extent: ExtentReport, Session: StatePre, Bound: BoundOver}}}),
	}
	for k := range recs {
		if recs[k].Kind != RecEvent && !recs[k].Time().Before(et(2025, 1, 27, 0, 0)) {
			recs = append(recs[:k], append(extra, recs[k:]...)...)
			break
		}
	}
	// add an unknown record kind and a bad line by hand
	plain := encode(t, h, recs, false)
	plain = append(plain, []byte(`{"record":"trade","time":"2025-01-27T16:00:00-05:00"}`+"\n"+`{"record":"bar"}`+"\n")...)
	s, err := Decode(bytes.NewReader(plain), ReadOptions{Name: "test.jsonl"})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Inspect(&buf, s, "test.jsonl"); err != nil {
		t.Fatal(err)
	}
	golden.RequireEqual(t, buf.Bytes())
}

func TestInspectEmpty(t *testing.T) {
	var buf bytes.Buffer
	if err := Inspect(&buf, &Snapshot{Header: Header{Provenance: Recorded}}, "empty"); err != nil {
		t.Fatal(err)
	}
	golden.RequireEqual(t, buf.Bytes())
}

type brokenWriter struct{}

func (brokenWriter) Write([]byte) (int, error) { return 0, errors.New("pipe closed") }

func TestInspectWriteError(t *testing.T) {
	s, _ := Decode(bytes.NewReader(encode(t, testHeader(), testRecords(), false)), ReadOptions{})
	if err := Inspect(brokenWriter{}, s, "x"); err == nil {
		t.Error("no error from a broken writer")
	}
}

func TestValidate(t *testing.T) {
	good := encode(t, testHeader(), testRecords(), false)
	if ps, _, err := Validate(bytes.NewReader(good), "good.jsonl"); err != nil || len(ps) != 0 {
		t.Fatalf("good file: %v %v", ps, err)
	}
	bad := string(good) + "oops\n" + `{"record":"bar","time":"2025-01-27T16:00:00-05:00","symbol":"ZZZ","interval":"1m","open":1,"high":1,"low":1,"close":1,"volume":1}` + "\n" + `{"record":"bar","time":"2025-01-27T16:0`
	ps, _, err := Validate(strings.NewReader(bad), "bad.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range ps {
		got = append(got, p.Error())
	}
	want := []string{
		"bad.jsonl:21: bad JSON: invalid character 'o' looking for beginning of value",
		`bad.jsonl:22: unknown symbol "ZZZ" (not in header)`,
		"bad.jsonl:23: truncated: the last line is incomplete (the file ends mid-record, without a newline)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	ps, _, err = Validate(strings.NewReader("not a snapshot\n"), "x")
	if err != nil || len(ps) != 1 || !strings.HasPrefix(ps[0].Error(), "x:1: header: bad JSON") {
		t.Errorf("header problem: %v %v", ps, err)
	}
	if _, _, err := Validate(io.MultiReader(strings.NewReader(headerLine(t)+"\n"), errReader{}), "io"); err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Errorf("I/O error: %v", err)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

// The example in FORMAT.md must be a valid snapshot.
func TestFormatDocExample(t *testing.T) {
	doc, err := os.ReadFile("FORMAT.md")
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(doc), "## 7. Example")
	if !ok {
		t.Fatal("no example section")
	}
	parts := strings.SplitN(after, "```", 3)
	if len(parts) < 3 {
		t.Fatal("no code block in the example section")
	}
	s, err := Decode(strings.NewReader(strings.TrimPrefix(parts[1], "\n")), ReadOptions{Name: "FORMAT.md example", Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Bars) != 2 || len(s.Quotes) != 1 || len(s.Events) != 3 {
		t.Errorf("example decoded to %d bars, %d quotes, %d events", len(s.Bars), len(s.Quotes), len(s.Events))
	}
	if q := s.Events[2].Quotes; len(q) != 1 || q[0].Price == nil || *q[0].Price != 118.42 || len(s.Header.Symbols[0].Notes) != 1 {
		t.Errorf("example's event quote %+v or notes %+v lost", q, s.Header.Symbols[0].Notes)
	}
}
