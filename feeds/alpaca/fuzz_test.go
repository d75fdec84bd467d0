package alpaca

import (
	"testing"
)

func FuzzDecodeFrame(f *testing.F) {
	f.Add([]byte(`[{"T":"t","S":"NVDA","i":1,"x":"V","p":118.42,"s":100,"t":"2025-01-27T15:30:00.123456789Z","c":["@"],"z":"C"}]`))
	f.Add([]byte(`[{"T":"success","msg":"authenticated"}]`))
	f.Add([]byte(`[{"T":"error","code":402,"msg":"auth failed"}]`))
	f.Add([]byte(`[{"T":"q"},1,"x",null]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		trades, ctl, bad, err := decodeFrame(data)
		if err != nil {
			return
		}
		if bad < 0 || len(trades)+len(ctl)+bad > MaxMessages {
			t.Fatalf("counts %d %d %d", len(trades), len(ctl), bad)
		}
		for _, tr := range trades {
			if !validSymbol(tr.Symbol) || !price(tr.Price) || tr.Time.IsZero() || tr.Size < 0 {
				t.Fatalf("accepted a bad trade %+v", tr)
			}
		}
		for _, m := range ctl {
			if len(m.Msg) > 200 {
				t.Fatalf("long control message kept")
			}
		}
	})
}

func FuzzDecodeSnapshots(f *testing.F) {
	f.Add([]byte(`{"NVDA":{"latestTrade":{"t":"2025-01-27T15:30:00Z","p":118.42,"s":1},"dailyBar":{"t":"2025-01-27T05:00:00Z","o":1,"h":2,"l":1,"c":118.42,"v":5},"prevDailyBar":{"t":"2025-01-24T05:00:00Z","c":142.62}}}`))
	f.Add([]byte(`{"snapshots":{"A":null}}`))
	f.Add([]byte(`{"A":{"latestTrade":{"p":-1}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		snaps, err := decodeSnapshots(data)
		if err != nil {
			return
		}
		for sym, s := range snaps {
			if !validSymbol(sym) || s.Symbol != sym {
				t.Fatalf("bad symbol %q", sym)
			}
			if s.Latest != nil && (!price(s.Latest.Price) || s.Latest.Time.IsZero()) {
				t.Fatalf("bad trade %+v", s.Latest)
			}
			for _, b := range []*Bar{s.Daily, s.PrevDaily} {
				if b != nil && !price(b.Close) {
					t.Fatalf("bad bar %+v", b)
				}
			}
		}
	})
}

func BenchmarkDecodeFrame(b *testing.B) {
	frame := []byte(`[{"T":"t","S":"NVDA","i":1,"x":"V","p":118.42,"s":100,"t":"2025-01-27T15:30:00.123456789Z","c":["@"],"z":"C"}]`)
	b.SetBytes(int64(len(frame)))
	b.ReportAllocs()
	for b.Loop() {
		if tr, _, _, _ := decodeFrame(frame); len(tr) != 1 {
			b.Fatal("no trade")
		}
	}
}
