package snapshots

import (
	"bytes"
	"testing"
)

func TestWriteSnapshotMergesKinds(t *testing.T) {
	var s Snapshot
	s.Header = testHeader()
	for _, r := range testRecords() {
		switch r.Kind {
		case RecBar:
			s.Bars = append(s.Bars, r.Bar)
		case RecQuote:
			s.Quotes = append(s.Quotes, r.Quote)
		case RecEvent:
			s.Events = append(s.Events, r.Event)
		}
	}
	var buf bytes.Buffer
	w, err := NewWriter(&buf, s.Header, WriteOptions{FlushEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteSnapshot(w, &s); err != nil {
		t.Fatal(err)
	}
	w.Close()
	back, err := Decode(&buf, ReadOptions{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Bars) != len(s.Bars) || len(back.Quotes) != len(s.Quotes) || len(back.Events) != len(s.Events) {
		t.Errorf("counts %d/%d/%d, want %d/%d/%d", len(back.Bars), len(back.Quotes), len(back.Events), len(s.Bars), len(s.Quotes), len(s.Events))
	}
}
