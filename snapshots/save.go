package snapshots

import "time"

// WriteSnapshot writes every bar, quote and event of s to w, merged in time
// order (bars before quotes before events at equal times). It does not close
// w. The header is the one w was created with (normally s.Header).
func WriteSnapshot(w *Writer, s *Snapshot) error {
	bi, qi, ei := 0, 0, 0
	for bi < len(s.Bars) || qi < len(s.Quotes) || ei < len(s.Events) {
		var rec Record
		kind := 0 // 1 bar, 2 quote, 3 event
		var t time.Time
		if bi < len(s.Bars) {
			kind, t = 1, s.Bars[bi].Time
		}
		if qi < len(s.Quotes) && (kind == 0 || s.Quotes[qi].Time.Before(t)) {
			kind, t = 2, s.Quotes[qi].Time
		}
		if ei < len(s.Events) && (kind == 0 || s.Events[ei].Time.Before(t)) {
			kind = 3
		}
		switch kind {
		case 1:
			rec = BarRecord(s.Bars[bi])
			bi++
		case 2:
			rec = QuoteRecord(s.Quotes[qi])
			qi++
		default:
			rec = EventRecord(s.Events[ei])
			ei++
		}
		if err := w.Write(rec); err != nil {
			return err
		}
	}
	return nil
}

// SaveSnapshot writes s to a new file at path (gzip if opt.Gzip) and closes
// it.
func SaveSnapshot(path string, s *Snapshot, opt WriteOptions) error {
	w, err := Create(path, s.Header, opt)
	if err != nil {
		return err
	}
	if err := WriteSnapshot(w, s); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}
