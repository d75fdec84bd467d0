package natsfeed

import (
	"testing"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/snapshots"
)

// FuzzDecodeState: a hostile state message is refused or read, in
// bounded time and memory, never a panic.
func FuzzDecodeState(f *testing.F) {
	f.Add([]byte(`{"run":"ab","seq":3,"mode":"replay","time":"2025-01-27T10:00:00-05:00","rec_seq":7,"health":{"State":"ok"},"clock":{"Speed":120}}`))
	f.Add([]byte(`{"run":"ab","time":"9999-01-01T00:00:00Z"}`))
	f.Add([]byte(`{`))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := decodeState(b)
		if err == nil && (s.Run == "" || s.Time.IsZero()) {
			t.Fatalf("accepted a state without run or time: %+v", s)
		}
	})
}

// FuzzDecodeBatch: a hostile record message against a good header.
func FuzzDecodeBatch(f *testing.F) {
	h := snapshots.Header{Record: "header", Format: "selloff-snapshot", Version: 1, Title: "t", Provenance: "recorded", Source: "fuzz",
		Symbols:  []snapshots.Symbol{{Symbol: "NVDA", Name: "NVIDIA", Kind: "equity", Currency: "USD", PriceBasis: "printed"}},
		Sessions: []snapshots.Session{}}
	head, err := snapshots.MarshalHeader(h)
	if err != nil {
		f.Fatal(err)
	}
	if _, err := decodeHead(head); err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(`{"record":"quote","symbol":"NVDA","time":"2025-01-27T10:00:00-05:00","price":120.5}` + "\n"))
	f.Add([]byte(`{"record":"bar","symbol":"NVDA","interval":"1m","time":"2025-01-27T10:00:00-05:00","open":1,"high":2,"low":1,"close":2,"volume":3}`))
	f.Add([]byte("\x1f\x8b garbage"))
	f.Fuzz(func(t *testing.T, b []byte) {
		recs, skipped, _ := decodeBatch(head, b)
		if len(recs) > len(b) || skipped < 0 {
			t.Fatalf("%d records from %d bytes", len(recs), len(b))
		}
	})
}

// FuzzPartyRequest: a hostile party request is refused or carried out by
// the relay's party, never a panic, and the party's state stays bounded.
func FuzzPartyRequest(f *testing.F) {
	f.Add([]byte(`{"op":"claim","node":"A","viewer":"1","name":"alice"}`))
	f.Add([]byte(`{"op":"lesson","node":"A","lesson":{"kind":"ask","question":{"text":"Q?","kind":"choice","choices":["a","b"]}}}`))
	f.Add([]byte(`{"op":"lesson","node":"B","lesson":{"kind":"answer","viewer":"2","answer":"1"}}`))
	f.Add([]byte(`{"op":"control","node":"A","command":{"Op":7,"At":"2025-01-27T10:00:00-05:00"}}`))
	f.Add([]byte(`{"op":"counts","node":"C","watching":3,"following":9}`))
	f.Add([]byte(`{"op":"claim","node":"D","viewer":"4"}`))
	h := newPartyHost(nil, feeds.RealClock{}, PartyOptions{}, nil)
	f.Fuzz(func(t *testing.T, b []byte) {
		rep := h.do(b)
		if rep.OK == (rep.Error != "") && rep.Holder == "" {
			t.Fatalf("reply %+v: ok and error together, or neither", rep)
		}
		var s State
		h.decorate(&s)
		if l := s.Clock.Lesson; l.Watching < 0 || l.Following > l.Watching || len(l.Caption) > 4*200 {
			t.Fatalf("lesson out of bounds: %+v", l)
		}
	})
}
