package natsfeed

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/selloff/selloff/snapshots"
)

// SnapshotRecords returns a decoded snapshot's records in time order (bars,
// quotes and events merged; records of one kind keep their file order).
func SnapshotRecords(s *snapshots.Snapshot) []snapshots.Record {
	recs := make([]snapshots.Record, 0, len(s.Bars)+len(s.Quotes)+len(s.Events))
	for _, b := range s.Bars {
		recs = append(recs, snapshots.BarRecord(b))
	}
	for _, q := range s.Quotes {
		recs = append(recs, snapshots.QuoteRecord(q))
	}
	for _, e := range s.Events {
		recs = append(recs, snapshots.EventRecord(e))
	}
	slices.SortStableFunc(recs, func(a, b snapshots.Record) int { return a.Time().Compare(b.Time()) })
	return recs
}

// batches encodes records as JSON Lines, cut into bodies of at most
// MaxBatchBytes (a single record longer than that is an error: the file
// format allows 1 MiB lines, NATS messages are smaller).
func batches(recs []snapshots.Record) ([][]byte, error) {
	var out [][]byte
	var cur, line []byte
	for _, r := range recs {
		var err error
		line, err = snapshots.AppendRecord(line[:0], r)
		if err != nil {
			return nil, err
		}
		line = append(line, '\n')
		if len(line) > MaxBatchBytes {
			return nil, fmt.Errorf("a %s record of %d bytes is too big to send", r.Kind, len(line))
		}
		if len(cur)+len(line) > MaxBatchBytes {
			out = append(out, cur)
			cur = nil
		}
		cur = append(cur, line...)
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out, nil
}

// decodeBatch reads one record message against the header line it
// belongs to, with the snapshot reader's checks (lenient: bad lines are
// skipped and counted). It returns the records and the number skipped.
func decodeBatch(head, body []byte) (recs []snapshots.Record, skipped int, err error) {
	if len(body) > MaxBatchBytes+1024 {
		return nil, 0, fmt.Errorf("record message of %d bytes (limit %d)", len(body), MaxBatchBytes)
	}
	in := io.MultiReader(bytes.NewReader(head), bytes.NewReader([]byte{'\n'}), bytes.NewReader(body))
	rd, err := snapshots.NewReader(in, snapshots.ReadOptions{Name: "nats"})
	if err != nil {
		return nil, 0, err
	}
	for {
		r, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return recs, len(rd.Problems()) + rd.MoreProblems() + rd.Unknown(), err
		}
		recs = append(recs, r)
	}
	return recs, len(rd.Problems()) + rd.MoreProblems() + rd.Unknown(), nil
}

// decodeHead reads a head message.
func decodeHead(b []byte) (snapshots.Header, error) {
	if len(b) > 1<<20 {
		return snapshots.Header{}, fmt.Errorf("head message of %d bytes (limit 1 MiB)", len(b))
	}
	rd, err := snapshots.NewReader(bytes.NewReader(b), snapshots.ReadOptions{Name: "nats head", Strict: true})
	if err != nil {
		return snapshots.Header{}, err
	}
	return rd.Header(), nil
}
