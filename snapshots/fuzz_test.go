package snapshots

import (
	"bytes"
	"compress/gzip"
	"errors"
	"strings"
	"testing"
	"time"
)

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

func readerSeeds(f *testing.F) {
	for _, s := range readerSeedInputs(f) {
		f.Add(s)
	}
}

// readerSeedInputs are FuzzReader's seeds, for the fuzz target and for
// BenchmarkFuzzReaderSeeds.
func readerSeedInputs(tb testing.TB) [][]byte {
	var seeds [][]byte
	add := func(b []byte) { seeds = append(seeds, b) }
	good := encode(tb, testHeader(), testRecords(), false)
	add(good)
	add(encode(tb, testHeader(), testRecords(), true))
	add(good[:len(good)-10])
	gz := encode(tb, testHeader(), testRecords(), true)
	add(gz[:len(gz)/2])
	hdr := []byte(strings.SplitN(string(good), "\n", 2)[0] + "\n")
	t0 := et(2025, 1, 27, 9, 30)
	for _, l := range []string{
		barLineAt("NVDA", t0, 120, 1),
		barLineAt("XYZ", t0, 120, 1),
		`{"record":"bar","time":"2025-01-27T09:31:00-05:00","symbol":"NVDA","interval":"1m","open":"x"}`,
		`{"record":"quote","time":"2025-01-27T09:31:00Z","symbol":"SPY","price":1e400}`,
		`{"record":"event","time":"2025-01-27T12:00:00-05:00","id":"a","title":"b","precision":"afternoon","symbols":["NVDA"]}`,
		`{"record":"trade"}`,
		`{"record":"bar",`,
		`[]`, `null`, `"x"`, `{}`, "\x00\xff",
	} {
		add(append(append([]byte{}, hdr...), l+"\n"+barLineAt("NVDA", t0.Add(time.Hour), 121, 2)+"\n"...))
		add(gzipBytes(append(append([]byte{}, hdr...), l...)))
	}
	dup := barLineAt("NVDA", t0, 120, 1) + "\n"
	add([]byte(string(hdr) + dup + dup + barLineAt("SPY", t0, 600, 1) + "\n" + dup))
	add(append(append([]byte{}, hdr...), strings.Repeat(`{"record":"bar","open":1e300}`+"\n", 50)...))
	add([]byte{})
	add([]byte{0x1f, 0x8b})
	add([]byte("{}\n"))
	return seeds
}

// FuzzReader: the reader never panics or hangs, strict and lenient agree on
// what is good, and every line the fast path takes decodes the same as with
// encoding/json.
func FuzzReader(f *testing.F) {
	readerSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) { checkReader(t, data) })
}

// checkReader is FuzzReader's body.
func checkReader(t testing.TB, data []byte) {
	{
		lenient, lerr := Decode(bytes.NewReader(data), ReadOptions{Name: "fuzz"})
		strict, serr := Decode(bytes.NewReader(data), ReadOptions{Name: "fuzz", Strict: true})
		if (lenient == nil) != (strict == nil) {
			t.Fatalf("header accepted in one mode only: %v / %v", lerr, serr)
		}
		if lenient == nil {
			return
		}
		if lerr != nil && !errors.Is(lerr, ErrTruncated) && !strings.Contains(lerr.Error(), "gzip") && !strings.Contains(lerr.Error(), "read error") {
			t.Fatalf("lenient stopped on %v", lerr)
		}
		if serr == nil && (len(lenient.Problems) != 0 || lerr != nil) {
			t.Fatalf("strict read everything but lenient found problems %v / %v", lenient.Problems, lerr)
		}
		n := func(s *Snapshot) int { return len(s.Bars) + len(s.Quotes) + len(s.Events) }
		if n(strict) > n(lenient) {
			t.Fatalf("strict read more records (%d) than lenient (%d)", n(strict), n(lenient))
		}
		if len(lenient.Problems) > MaxProblems {
			t.Fatalf("%d problems kept, cap %d", len(lenient.Problems), MaxProblems)
		}
		// With a cap of 2 the same problems are found: the first two kept
		// as they were, the rest counted.
		capped, _ := Decode(bytes.NewReader(data), ReadOptions{Name: "fuzz", maxProblems: 2})
		if capped.ProblemCount() != lenient.ProblemCount() || len(capped.Problems) > 2 ||
			len(capped.Bars) != len(lenient.Bars) || len(capped.Quotes) != len(lenient.Quotes) || len(capped.Events) != len(lenient.Events) {
			t.Fatalf("capped read differs: %d problems (%d kept), %d bars; uncapped %d problems, %d bars",
				capped.ProblemCount(), len(capped.Problems), len(capped.Bars), lenient.ProblemCount(), len(lenient.Bars))
		}
		for i, p := range capped.Problems {
			if p != lenient.Problems[i] {
				t.Fatalf("capped problem %d is %v, uncapped %v", i, p, lenient.Problems[i])
			}
		}
		type key struct {
			sym, iv string
			at      int64
		}
		seen := map[key]bool{}
		for _, b := range lenient.Bars {
			if !(b.Low > 0 && b.Low <= b.High && b.High <= MaxPrice && b.Volume <= MaxVolume) {
				t.Fatalf("bad bar accepted: %+v", b)
			}
			k := key{b.Symbol, b.Interval, b.Time.UnixNano()}
			if seen[k] {
				t.Fatalf("duplicate bar accepted: %+v", b)
			}
			seen[k] = true
		}
		// Re-encode what was read: the writer must accept it and the
		// reader must read it back identically.
		var buf bytes.Buffer
		w, err := NewWriter(&buf, lenient.Header, WriteOptions{FlushEvery: -1})
		if err != nil {
			t.Fatalf("writer refused a header the reader accepted: %v", err)
		}
		var recs []Record
		rd, _ := NewReader(bytes.NewReader(data), ReadOptions{})
		for rd != nil {
			rec, err := rd.Next()
			if err != nil {
				break
			}
			recs = append(recs, rec)
			if err := w.Write(rec); err != nil {
				t.Fatalf("writer refused a record the reader accepted: %v\n%+v", err, rec)
			}
		}
		w.Close()
		again, err := Decode(&buf, ReadOptions{Strict: true})
		if err != nil {
			t.Fatalf("re-encoded file unreadable: %v", err)
		}
		if n(again) != len(recs) {
			t.Fatalf("re-read %d records, wrote %d", n(again), len(recs))
		}
		// Differential check of the fast path on every line.
		if !bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
			for _, line := range bytes.Split(data, []byte("\n")) {
				checkFastPath(t, line)
			}
		}
	}
}

// FuzzFastPath compares the hand-written scanner with encoding/json on one
// bar or quote line.
func FuzzFastPath(f *testing.F) {
	t0 := et(2025, 1, 27, 9, 30)
	for _, l := range []string{
		barLineAt("NVDA", t0, 120.25, 1),
		`{"record":"quote","time":"2025-01-27T09:30:59.5-05:00","symbol":"SPY","price":600.01,"volume":5000,"state":"regular","bid":600,"ask":600.02}`,
		`{"record":"bar","open":-0.0000001,"high":1E22,"low":123456789012345678,"close":0.1e-1}`,
		`{"record":"bar","time":"2024-02-29T23:59:59+14:00","volume":9223372036854775807}`,
		`{"record":"bar","volume":-9223372036854775808}`,
	} {
		f.Add([]byte(l))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		checkFastPath(t, line)
	})
}

func TestFastFloatExact(t *testing.T) {
	for _, s := range []string{"0", "-0", "1", "0.1", "118.42", "99999999999999.9", "0.000000000000000000001", "123456.789012345", "5e-324"} {
		want, err := parseFloatStd(s)
		got, ok := fastFloat([]byte(s))
		if ok && (err != nil || got != want || (got == 0 && (1/got > 0) != (1/want > 0))) {
			t.Errorf("%s: fast %v, strconv %v", s, got, want)
		}
	}
}

// BenchmarkFuzzReaderSeeds runs FuzzReader's body over its seeds: what one
// fuzz execution costs. The fuzz engine minimizes every new interesting
// input by re-running the body on up to O(n²) candidates for an n-byte
// input (60 s at most by default, with no progress shown), so this figure
// sets how long the fuzz run seems to stall.
func BenchmarkFuzzReaderSeeds(b *testing.B) {
	seeds := readerSeedInputs(b)
	b.ReportAllocs()
	n := 0
	cpu0 := cpuTime()
	for b.Loop() {
		for _, s := range seeds {
			checkReader(b, s)
		}
		n += len(seeds)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "execs/s")
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(n)/cpu.Seconds(), "execs/cpu-s")
	}
}

// BenchmarkDecodeSmall: the fixed cost of reading a small file (an events
// file, a test fixture, a fuzz input), plain and gzip.
func BenchmarkDecodeSmall(b *testing.B) {
	for _, gz := range []bool{false, true} {
		data := encode(b, testHeader(), testRecords(), gz)
		b.Run(map[bool]string{false: "plain", true: "gzip"}[gz], func(b *testing.B) {
			b.ReportAllocs()
			cpu0 := cpuTime()
			for b.Loop() {
				if _, err := Decode(bytes.NewReader(data), ReadOptions{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/float64(b.N), "cpu-ns/op")
		})
	}
}
