package snapshots

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestRoundTrip(t *testing.T) {
	for _, gz := range []bool{false, true} {
		name := map[bool]string{false: "plain", true: "gzip"}[gz]
		t.Run(name, func(t *testing.T) {
			h := testHeader()
			recs := testRecords()
			data := encode(t, h, recs, gz)
			if gz != (data[0] == 0x1f && data[1] == 0x8b) {
				t.Fatalf("gzip=%v but magic is % x", gz, data[:2])
			}
			s, err := Decode(bytes.NewReader(data), ReadOptions{Name: "rt", Strict: true})
			if err != nil {
				t.Fatal(err)
			}
			want := h
			want.Record, want.Format, want.Version = RecHeader, FormatName, FormatVersion
			normalizeHeader(&want)
			if !reflect.DeepEqual(s.Header, want) {
				t.Errorf("header:\n got %+v\nwant %+v", s.Header, want)
			}
			var bars []Bar
			var quotes []Quote
			var events []Event
			for _, r := range recs {
				switch r.Kind {
				case RecBar:
					r.Bar.Time = exchangeTime(r.Bar.Time)
					bars = append(bars, r.Bar)
				case RecQuote:
					r.Quote.Time = exchangeTime(r.Quote.Time)
					quotes = append(quotes, r.Quote)
				case RecEvent:
					r.Event.Time = exchangeTime(r.Event.Time)
					events = append(events, r.Event)
				}
			}
			if !reflect.DeepEqual(s.Bars, bars) {
				t.Errorf("bars:\n got %+v\nwant %+v", s.Bars, bars)
			}
			if !reflect.DeepEqual(s.Quotes, quotes) {
				t.Errorf("quotes:\n got %+v\nwant %+v", s.Quotes, quotes)
			}
			if !reflect.DeepEqual(s.Events, events) {
				t.Errorf("events:\n got %+v\nwant %+v", s.Events, events)
			}
			if len(s.Problems) != 0 || s.Unknown != 0 || len(s.Warnings) != 0 {
				t.Errorf("problems %v unknown %d warnings %v", s.Problems, s.Unknown, s.Warnings)
			}
			// Deterministic: the same input gives the same bytes.
			if again := encode(t, h, recs, gz); !bytes.Equal(again, data) {
				t.Error("second encoding differs from the first")
			}
		})
	}
}

func TestWriterTimesInExchangeTime(t *testing.T) {
	h := testHeader()
	rec := BarRecord(Bar{Time: time.Date(2025, 1, 27, 14, 30, 0, 0, time.UTC), Symbol: "NVDA", Interval: "1m", Open: 1, High: 2, Low: 0.5, Close: 1.5, Volume: 7})
	data := string(encode(t, h, []Record{rec}, false))
	want := `{"record":"bar","time":"2025-01-27T09:30:00-05:00","symbol":"NVDA","interval":"1m","open":1,"high":2,"low":0.5,"close":1.5,"volume":7}`
	if !strings.Contains(data, want+"\n") {
		t.Errorf("bar line not found; file:\n%s", data)
	}
	if !strings.Contains(data, `"open":"2025-01-27T09:30:00-05:00"`) || !strings.Contains(data, `"created":"2025-02-01T07:00:00-05:00"`) {
		t.Errorf("header times not in exchange time:\n%s", data)
	}
}

// lines builds a plain snapshot from the test header and the given lines.
func lines(t *testing.T, ls ...string) []byte {
	return []byte(headerLine(t) + "\n" + strings.Join(ls, "\n") + "\n")
}

func TestReaderBadLines(t *testing.T) {
	t0 := et(2025, 1, 27, 9, 30)
	good := barLineAt("NVDA", t0, 120, 10)
	good2 := barLineAt("NVDA", t0.Add(time.Minute), 121, 11)
	tests := []struct {
		name string
		line string
		want string // the problem reported for line 3
	}{
		{"bad_json", `{"record":"bar",`, `snap.jsonl:3: bad JSON: unexpected end of JSON input`},
		{"not_json", `hello`, `snap.jsonl:3: bad JSON: invalid character 'h' looking for beginning of value`},
		{"array", `[1,2]`, `snap.jsonl:3: bad JSON: a record must be an object, not array`},
		{"missing_record", `{"time":"2025-01-27T09:31:00-05:00"}`, `snap.jsonl:3: missing "record" field`},
		{"second_header", headerLine(t), `snap.jsonl:3: a second header line`},
		{"bad_field_type", `{"record":"bar","time":"2025-01-27T09:31:00-05:00","symbol":"NVDA","interval":"1m","open":"120","high":121,"low":119,"close":120,"volume":1}`,
			`snap.jsonl:3: bad field "open": string is not a valid float64`},
		{"bad_volume", `{"record":"bar","time":"2025-01-27T09:31:00-05:00","symbol":"NVDA","interval":"1m","open":120,"high":121,"low":119,"close":120,"volume":1.5}`,
			`snap.jsonl:3: bad field "volume": number 1.5 is not a valid int64`},
		{"bad_time", `{"record":"bar","time":"27/01/2025 09:31","symbol":"NVDA","interval":"1m","open":120,"high":121,"low":119,"close":120,"volume":1}`,
			`snap.jsonl:3: bad field "time": "27/01/2025 09:31" is not an RFC 3339 time`},
		{"missing_time", `{"record":"bar","symbol":"NVDA","interval":"1m","open":120,"high":121,"low":119,"close":120,"volume":1}`,
			`snap.jsonl:3: missing "time"`},
		{"field_case", `{"record":"bar","time":"2025-01-27T09:31:00-05:00","symbol":"NVDA","interval":"1m","open":120,"high":121,"low":119,"close":120,"volume":1000,"Close":119.5,"VOLUME":7}`,
			`snap.jsonl:3: field "Close": field names are lower case ("close")`},
		{"year_typo", `{"record":"bar","time":"3025-01-27T09:31:00-05:00","symbol":"NVDA","interval":"1m","open":120,"high":121,"low":119,"close":120,"volume":1}`,
			`snap.jsonl:3: time 3025-01-27T09:31:00-05:00 is outside the years 1900-2150`},
		{"bad_interval", `{"record":"bar","time":"2025-01-27T09:31:00-05:00","symbol":"NVDA","interval":"1x","open":120,"high":121,"low":119,"close":120,"volume":1}`,
			`snap.jsonl:3: bad field "interval": bad interval "1x"`},
		{"zero_price", `{"record":"bar","time":"2025-01-27T09:31:00-05:00","symbol":"NVDA","interval":"1m","open":0,"high":121,"low":119,"close":120,"volume":1}`,
			`snap.jsonl:3: bar price missing or not positive`},
		{"outside_range", `{"record":"bar","time":"2025-01-27T09:31:00-05:00","symbol":"NVDA","interval":"1m","open":125,"high":121,"low":119,"close":120,"volume":1}`,
			`snap.jsonl:3: bar prices outside [low, high]`},
		{"negative_volume", `{"record":"bar","time":"2025-01-27T09:31:00-05:00","symbol":"NVDA","interval":"1m","open":120,"high":121,"low":119,"close":120,"volume":-1}`,
			`snap.jsonl:3: negative volume`},
		{"daily_not_midnight", `{"record":"bar","time":"2025-01-27T09:31:00-05:00","symbol":"NVDA","interval":"1d","open":120,"high":121,"low":119,"close":120,"volume":1}`,
			`snap.jsonl:3: daily bar time must be 00:00 exchange time, not 09:31:00`},
		{"unknown_symbol", barLineAt("XYZ", t0.Add(time.Minute), 10, 1),
			`snap.jsonl:3: unknown symbol "XYZ" (not in header)`},
		{"backwards", barLineAt("NVDA", t0.Add(-time.Minute), 120, 1),
			`snap.jsonl:3: time goes backwards (2025-01-27T09:29:00-05:00 after 2025-01-27T09:30:00-05:00)`},
		{"quote_price", `{"record":"quote","time":"2025-01-27T09:31:00-05:00","symbol":"SPY","price":0,"volume":1,"state":"regular"}`,
			`snap.jsonl:3: quote price missing or not positive`},
		{"quote_state", `{"record":"quote","time":"2025-01-27T09:31:00-05:00","symbol":"SPY","price":600,"volume":1,"state":"lunch"}`,
			`snap.jsonl:3: bad field "state": "lunch" (want pre, regular, post or closed)`},
		{"event_no_title", `{"record":"event","time":"2025-01-27T09:31:00-05:00","id":"x"}`,
			`snap.jsonl:3: event needs id and title`},
		{"event_symbol", `{"record":"event","time":"2025-01-27T09:31:00-05:00","id":"x","title":"X","symbols":["NVDA","AAPL"]}`,
			`snap.jsonl:3: unknown symbol "AAPL" (not in header)`},
		{"event_precision", `{"record":"event","time":"2025-01-27T09:31:00-05:00","id":"x","title":"X","precision":"evening"}`,
			`snap.jsonl:3: precision "evening" needs time 18:00 exchange time, not 09:31:00`},
		{"event_precision_word", `{"record":"event","time":"2025-01-27T12:00:00-05:00","id":"x","title":"X","precision":"noonish"}`,
			`snap.jsonl:3: bad field "precision": "noonish" (want date, morning, afternoon, evening or none)`},
		{"event_session", `{"record":"event","time":"2025-01-27T09:00:00-05:00","id":"x","title":"X","precision":"morning","session":"lunch"}`,
			`snap.jsonl:3: bad field "session": "lunch" (want pre, post or none)`},
		{"event_quote_symbol", `{"record":"event","time":"2025-01-27T09:31:00-05:00","id":"x","title":"X","quotes":[{"symbol":"AAPL","price":1}]}`,
			`snap.jsonl:3: quote: unknown symbol "AAPL" (not in header)`},
		{"event_quote_empty", `{"record":"event","time":"2025-01-27T09:31:00-05:00","id":"x","title":"X","quotes":[{"symbol":"NVDA"}]}`,
			`snap.jsonl:3: quote for NVDA has neither price nor change_pct`},
		{"event_quote_extent", `{"record":"event","time":"2025-01-27T09:31:00-05:00","id":"x","title":"X","quotes":[{"symbol":"NVDA","change_pct":-13,"extent":"lowest"}]}`,
			`snap.jsonl:3: quote for NVDA: bad extent "lowest" (want low, high, report or none)`},
		{"event_quote_bound", `{"record":"event","time":"2025-01-27T09:31:00-05:00","id":"x","title":"X","quotes":[{"symbol":"NVDA","change_pct":-11.5,"tolerance_pct":0.5,"bound":"above"}]}`,
			`snap.jsonl:3: quote for NVDA: bad bound "above" (want over, under or none)`},
		{"event_quote_bound_price", `{"record":"event","time":"2025-01-27T09:31:00-05:00","id":"x","title":"X","quotes":[{"symbol":"NVDA","price":120,"bound":"over"}]}`,
			`snap.jsonl:3: quote for NVDA: a bound needs change_pct and tolerance_pct`},
		{"event_quote_session", `{"record":"event","time":"2025-01-27T09:31:00-05:00","id":"x","title":"X","quotes":[{"symbol":"NVDA","price":120,"session":"night"}]}`,
			`snap.jsonl:3: quote for NVDA: bad session "night" (want pre, post or none)`},
		{"event_quote_tolerance", `{"record":"event","time":"2025-01-27T09:31:00-05:00","id":"x","title":"X","quotes":[{"symbol":"NVDA","price":120,"tolerance":-1}]}`,
			`snap.jsonl:3: quote for NVDA: negative tolerance`},
		{"event_quote_price", `{"record":"event","time":"2025-01-27T09:31:00-05:00","id":"x","title":"X","quotes":[{"symbol":"NVDA","price":0}]}`,
			`snap.jsonl:3: quote for NVDA: price 0 is not positive`},
		{"event_dup_id", `{"record":"event","time":"2025-01-27T09:31:00-05:00","id":"x","title":"X"}` + "\n" + `{"record":"event","time":"2025-01-27T09:31:00-05:00","id":"x","title":"Y"}`,
			`snap.jsonl:4: duplicate event id "x" (first at line 3)`},
		{"long_line", `{"record":"bar","pad":"` + strings.Repeat("x", MaxLine) + `"}`,
			`snap.jsonl:3: line longer than 1048576 bytes (1 MiB)`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := lines(t, good, tc.line, good2)
			// strict: the good line, then the error, then the same error again
			rd, err := NewReader(bytes.NewReader(data), ReadOptions{Name: "snap.jsonl", Strict: true})
			if err != nil {
				t.Fatal(err)
			}
			for {
				_, err = rd.Next()
				if err != nil {
					break
				}
			}
			var p Problem
			if !errors.As(err, &p) || err.Error() != tc.want {
				t.Fatalf("strict error\n got %v\nwant %s", err, tc.want)
			}
			if _, again := rd.Next(); again == nil || again.Error() != tc.want {
				t.Errorf("strict reader did not stay stopped: %v", again)
			}
			// lenient: both good records, one problem
			s, err := Decode(bytes.NewReader(data), ReadOptions{Name: "snap.jsonl"})
			if err != nil {
				t.Fatal(err)
			}
			if len(s.Bars) != 2 || len(s.Problems) != 1 || len(s.Events) > 1 || s.Problems[0].Error() != tc.want {
				t.Errorf("lenient: %d bars, problems %v", len(s.Bars), s.Problems)
			}
		})
	}
}

func TestReaderBadHeader(t *testing.T) {
	tests := []struct{ name, data, want string }{
		{"empty", "", "h.jsonl:1: empty file: no header line"},
		{"not_json", "nope\n", "h.jsonl:1: header: bad JSON: invalid character 'o' in literal null (expecting 'u')"},
		{"not_header", `{"record":"bar"}` + "\n", `h.jsonl:1: first line is not a header (record "bar")`},
		{"other_format", `{"record":"header","format":"x","version":1}` + "\n", `h.jsonl:1: not a selloff snapshot (format "x")`},
		{"newer", `{"record":"header","format":"selloff-snapshot","version":2,"provenance":"recorded"}` + "\n",
			`h.jsonl:1: format version 2 is newer than this selloff reads (1)`},
		{"provenance", `{"record":"header","format":"selloff-snapshot","version":1,"provenance":"guessed"}` + "\n",
			`h.jsonl:1: bad provenance "guessed" (want recorded, reconstructed or imported)`},
		{"dup_symbol", `{"record":"header","format":"selloff-snapshot","version":1,"provenance":"recorded","symbols":[{"symbol":"A"},{"symbol":"A"}]}` + "\n",
			`h.jsonl:1: symbol "A" listed twice`},
		{"symbol_escape", `{"record":"header","format":"selloff-snapshot","version":1,"provenance":"recorded","symbols":[{"symbol":"A\u001b[2J"}]}` + "\n",
			`h.jsonl:1: symbol "A\x1b[2J" has a space or a control character`},
		{"symbol_space", `{"record":"header","format":"selloff-snapshot","version":1,"provenance":"recorded","symbols":[{"symbol":"BRK B"}]}` + "\n",
			`h.jsonl:1: symbol "BRK B" has a space or a control character`},
		{"session_order", `{"record":"header","format":"selloff-snapshot","version":1,"provenance":"recorded","sessions":[{"date":"2025-01-27"},{"date":"2025-01-24"}]}` + "\n",
			`h.jsonl:1: session 2025-01-24 is listed after 2025-01-27: sessions go in date order, once each`},
		{"session_dup", `{"record":"header","format":"selloff-snapshot","version":1,"provenance":"recorded","sessions":[{"date":"2025-01-27"},{"date":"2025-01-27"}]}` + "\n",
			`h.jsonl:1: session 2025-01-27 is listed after 2025-01-27: sessions go in date order, once each`},
		{"session_other_day", `{"record":"header","format":"selloff-snapshot","version":1,"provenance":"recorded","sessions":[{"date":"2025-01-27","open":"2025-01-28T09:30:00-05:00","close":"2025-01-28T16:00:00-05:00"}]}` + "\n",
			`h.jsonl:1: session 2025-01-27 opens on another day (2025-01-28T09:30:00-05:00)`},
		{"created_year", `{"record":"header","format":"selloff-snapshot","version":1,"provenance":"recorded","created":"0000-01-01T00:00:00+00:00"}` + "\n",
			`h.jsonl:1: created 0000-01-01T00:00:00Z is outside the years 1900-2150`},
		{"cut", `{"record":"header","format":"selloff-snap`, `h.jsonl:1: truncated: the header line is incomplete`},
		{"gzip_cut_in_header", "\x1f\x8b\x08\x00", `h.jsonl:1: truncated: gzip stream ends inside its header`},
		{"gzip_bad_header", "\x1f\x8b\x09\x00\x00\x00\x00\x00\x00\xff", `h.jsonl:1: corrupt gzip stream: gzip: invalid header`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewReader(strings.NewReader(tc.data), ReadOptions{Name: "h.jsonl"})
			if err == nil || err.Error() != tc.want {
				t.Errorf("got %v\nwant %s", err, tc.want)
			}
		})
	}
}

func TestReaderUnknownKindsWarnOnce(t *testing.T) {
	t0 := et(2025, 1, 27, 9, 30)
	data := lines(t,
		barLineAt("NVDA", t0, 120, 1),
		`{"record":"trade","time":"2025-01-27T09:30:01-05:00","price":1}`,
		`{"record":"halt","time":"2025-01-27T09:30:02-05:00"}`,
		`{"record":"trade","time":"2025-01-27T09:30:03-05:00","price":2}`,
		barLineAt("NVDA", t0.Add(time.Minute), 121, 2),
	)
	for _, strict := range []bool{true, false} {
		rd, err := NewReader(bytes.NewReader(data), ReadOptions{Name: "u.jsonl", Strict: strict})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for {
			_, err := rd.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			n++
		}
		if n != 2 || rd.Unknown() != 3 || len(rd.Problems()) != 0 {
			t.Errorf("strict=%v: %d records, %d unknown, problems %v", strict, n, rd.Unknown(), rd.Problems())
		}
		want := `u.jsonl:3: skipping records of unknown kind "trade" (format v1 does not know it; later unknown records are skipped silently)`
		if w := rd.Warnings(); len(w) != 1 || w[0].Error() != want {
			t.Errorf("warnings %v", w)
		}
	}
}

func TestReaderTolerates(t *testing.T) {
	t0 := et(2025, 1, 27, 9, 30)
	// CRLF line ends, blank lines, a BOM, extra whitespace, a last line
	// without newline that is complete, and keys in another order.
	data := "\xef\xbb\xbf" + headerLine(t) + "\r\n\r\n" +
		barLineAt("NVDA", t0, 120, 1) + "\r\n" +
		"   \n" +
		` { "volume" : 5 , "close":121, "low":120.5,"high":121.5, "open":121, "interval":"1m","symbol":"NVDA","time":"2025-01-27T14:31:00Z", "record":"bar" } ` + "\n" +
		barLineAt("NVDA", t0.Add(2*time.Minute), 122, 3)
	s, err := Decode(strings.NewReader(data), ReadOptions{Name: "ok", Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Bars) != 3 || s.Bars[1].Close != 121 || s.Bars[1].Volume != 5 || !s.Bars[1].Time.Equal(t0.Add(time.Minute)) {
		t.Fatalf("bars %+v", s.Bars)
	}
	if s.Bars[1].Time.Location() != Location() {
		t.Errorf("time not in exchange time: %v", s.Bars[1].Time)
	}
}

func TestReaderTruncatedPlain(t *testing.T) {
	full := encode(t, testHeader(), testRecords(), false)
	for cut := len(full) - 1; cut > 0; cut -= 7 {
		data := full[:cut]
		complete := bytes.Count(data, []byte("\n"))
		for _, strict := range []bool{true, false} {
			s, err := Decode(bytes.NewReader(data), ReadOptions{Name: "cut.jsonl", Strict: strict})
			if complete == 0 { // cut inside the header
				if !errors.Is(err, ErrTruncated) {
					t.Fatalf("cut %d: header cut gave %v", cut, err)
				}
				continue
			}
			n := len(s.Bars) + len(s.Quotes) + len(s.Events)
			partial := data[len(data)-1] != '\n'
			if n != complete-1 {
				// A cut that leaves a whole JSON object (e.g. just before
				// the newline) reads that record too.
				if !(n == complete && partial && err == nil) {
					t.Fatalf("cut %d/%d strict=%v: %d records, %d complete lines, err %v", cut, len(full), strict, n, complete, err)
				}
				continue
			}
			if partial {
				want := "cut.jsonl:" + strconv.Itoa(complete+1) + ": truncated: the last line is incomplete (the file ends mid-record, without a newline)"
				if !errors.Is(err, ErrTruncated) || err.Error() != want {
					t.Fatalf("cut %d: err %v\nwant %s", cut, err, want)
				}
			} else if err != nil {
				t.Fatalf("cut %d at line end: %v", cut, err)
			}
		}
	}
}

func TestReaderTruncatedGzip(t *testing.T) {
	h := testHeader()
	recs := testRecords()
	// Flush after every record, like a live recorder, so a cut leaves whole
	// records readable.
	var buf bytes.Buffer
	w, err := NewWriter(&buf, h, WriteOptions{Gzip: true, FlushEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	ends := []int{buf.Len()} // compressed size after the header's flush and each record's
	for _, r := range recs {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		ends = append(ends, buf.Len())
	}
	full := append([]byte(nil), buf.Bytes()...) // no Close
	w.Close()
	// Each flush ends a gzip member: a cut exactly there is a whole file.
	whole := map[int]bool{}
	for _, e := range ends {
		whole[e] = true
	}
	for cut := 1; cut <= len(full); cut++ {
		s, err := Decode(bytes.NewReader(full[:cut]), ReadOptions{Name: "cut.jsonl.gz"})
		if whole[cut] {
			if err != nil {
				t.Fatalf("cut %d at a flush: %v", cut, err)
			}
			continue
		}
		if !errors.Is(err, ErrTruncated) {
			t.Fatalf("cut %d: want a truncation error, got %v", cut, err)
		}
		if !strings.HasPrefix(err.Error(), "cut.jsonl.gz:") || !strings.Contains(err.Error(), "truncated") {
			t.Fatalf("cut %d: unclear error %q", cut, err)
		}
		if s == nil {
			continue // cut inside the header
		}
		// every record flushed before the cut is there
		want := 0
		for _, e := range ends[1:] {
			if e <= cut {
				want++
			}
		}
		got := len(s.Bars) + len(s.Quotes) + len(s.Events)
		if got < want {
			t.Fatalf("cut %d: %d records, want at least %d", cut, got, want)
		}
		// the streaming reader (no read-ahead) agrees
		rd, err := NewReader(bytes.NewReader(full[:cut]), ReadOptions{Name: "cut.jsonl.gz"})
		if err != nil {
			t.Fatalf("cut %d: %v", cut, err)
		}
		n := 0
		for {
			_, err = rd.Next()
			if err != nil {
				break
			}
			n++
		}
		if n != got || !errors.Is(err, ErrTruncated) {
			t.Fatalf("cut %d: streaming read %d records and %v; Decode %d", cut, n, err, got)
		}
	}
	s, err := Decode(bytes.NewReader(buf.Bytes()), ReadOptions{})
	if err != nil || len(s.Bars)+len(s.Quotes)+len(s.Events) != len(recs) {
		t.Fatalf("closed file: %v", err)
	}
}

func TestReaderCorruptGzip(t *testing.T) {
	data := encode(t, testHeader(), testRecords(), true)
	bad := append([]byte(nil), data...)
	bad[len(bad)-6] ^= 0xff // the CRC
	_, err := Decode(bytes.NewReader(bad), ReadOptions{Name: "bad.gz"})
	if err == nil || errors.Is(err, ErrTruncated) || !strings.Contains(err.Error(), "corrupt gzip stream") {
		t.Errorf("got %v", err)
	}
}

func TestDecodeReturnsRecordsSoFar(t *testing.T) {
	t0 := et(2025, 1, 27, 9, 30)
	data := lines(t, barLineAt("NVDA", t0, 120, 1), barLineAt("NVDA", t0.Add(time.Minute), 120, 1), "oops", barLineAt("NVDA", t0.Add(2*time.Minute), 120, 1))
	s, err := Decode(bytes.NewReader(data), ReadOptions{Name: "x", Strict: true})
	if err == nil || len(s.Bars) != 2 {
		t.Fatalf("got %v, %d bars", err, len(s.Bars))
	}
}

func TestGzipDetectedByMagic(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(lines(t, barLineAt("NVDA", et(2025, 1, 27, 9, 30), 10, 1)))
	zw.Close()
	s, err := Decode(&buf, ReadOptions{Name: "no-extension", Strict: true})
	if err != nil || len(s.Bars) != 1 {
		t.Fatalf("%v %v", s, err)
	}
}

// Junk appended to a gzip file is named as such, after every record of the
// stream was read; it is not "truncated".
func TestReaderJunkAfterGzip(t *testing.T) {
	data := append(encode(t, testHeader(), testRecords(), true), []byte("JUNKJUNKJUNK")...)
	s, err := Decode(bytes.NewReader(data), ReadOptions{Name: "j.jsonl.gz"})
	if err == nil || !strings.Contains(err.Error(), "bytes after the end of the gzip stream (not gzip)") || errors.Is(err, ErrTruncated) {
		t.Fatalf("err = %v", err)
	}
	if s == nil || len(s.Bars)+len(s.Quotes)+len(s.Events) != len(testRecords()) {
		t.Errorf("records before the junk were lost")
	}
}
