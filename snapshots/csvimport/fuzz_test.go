package csvimport

import (
	"bytes"
	"strings"
	"testing"
)

func FuzzImportCSV(f *testing.F) {
	seeds := []string{
		"Date,Open,High,Low,Close,Adj Close,Volume\n2024-03-04,10,11,9,10.5,10.4,100\n2024-03-05,null,,-,–,NaN,\n",
		"ticker,interval_start_utc,open,high,low,close,volume\nAAA,2025-01-27 14:30:00+00:00,10,11,9,10.5,1.0\nAAA,2025-01-27 14:35:00+00:00,10,11,9,10.5,1.0\n",
		"Date,Symbol,Open,High,Low,Close\n2024-03-05,AAA,1,2,0.5,1\n2024-03-04,AAA,1,2,0.5,1\n2024-03-04,AAA,1,2,0.5,1\n",
		"Price,Close,High,Low,Open,Volume\nTicker,AAA,AAA,AAA,AAA,AAA\nDate,,,,,\n2024-03-04,10.5,11,9,10,100\n",
		"Datetime;Open;High;Low;Close\n1737988200;1;2;0.5;1\n1737988260000;1;2;0.5;1\n",
		"Date,Time,Open,High,Low,Close\n1/27/2025,9:30,1,2,0.5,1\n\"1/27/2025\",\"9:31\",1,2,0.5,\"1\"\"\n",
		"date,open,high,low,close\n",
		"\x1f\x8b\x08\x00",
		// past the fuzz bounds (rows of 256 bytes, 3 problems kept)
		"Date,Open,High,Low,Close\n2024-03-04,\"1" + strings.Repeat("0", 300) + "\n2024-03-05,1,2,0.5,1\n",
		"Date,Open,High,Low,Close\n2024-03-04," + strings.Repeat("9", 300) + ",1,1,1\n",
		"Date,Open,High,Low,Close\n" + strings.Repeat("2024-03-04,1,2,0.5,1\n", 6) + strings.Repeat("2024-03-05,x,2,0.5,1\n", 5),
		"Date,Open,High,Low,Close,Volume\n2024-03-04,1e300,1e300,1e300,1e300,1\n2024-03-05,1,2,0.5,1,1e15\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s), "AAA.csv")
	}
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		s, probs, err := Import(Options{Created: created, maxRow: 256, maxProblems: 3}, NamedReader{Name: name, R: bytes.NewReader(data)})
		if len(probs.List) > 3 {
			t.Fatalf("%d problems kept, cap 3", len(probs.List))
		}
		// messages quote a short prefix of bad input, never all of it
		if len(name) < 100 {
			for _, p := range probs.List {
				if len(p.Reason) > 400 {
					t.Fatalf("problem %d bytes long: %.500s", len(p.Reason), p.Reason)
				}
			}
			if err != nil && len(err.Error()) > 800 {
				t.Fatalf("error %d bytes long: %.900s", len(err.Error()), err)
			}
		}
		for _, p := range probs.List {
			if p.Reason == "" {
				t.Fatalf("empty problem reason")
			}
		}
		if err != nil {
			if s != nil {
				t.Fatalf("snapshot with error %v", err)
			}
			return
		}
		checkInvariants(t, s)
	})
}
