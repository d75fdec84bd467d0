package yahoo

// Live's recording: the file and its header at the end of the first poll,
// the records once the backfill is in, in time order.

import (
	"time"

	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/snapshots"
)

// openFileLocked creates the recording and writes its header, once.
func (l *Live) openFileLocked(now time.Time) {
	if l.opt.Record == nil || l.rec != nil || l.recErr != nil {
		return
	}
	rec, err := l.opt.Record(l.headerLocked(now))
	if err != nil {
		l.recErr = err
		return
	}
	l.rec = rec
}

// openRecorderLocked starts writing records (once the session is final
// and the backfill is in), the file first if it is not open yet.
func (l *Live) openRecorderLocked(now time.Time) {
	l.openFileLocked(now)
	if l.rec == nil || l.recording || l.recErr != nil {
		return
	}
	l.recording = true
	early := l.early
	l.early = nil
	l.recordLocked(early)
}

// recordLocked writes records to the recorder in time order. A record
// earlier than one already written (only a clock stepping back makes one)
// is kept live but not recorded.
func (l *Live) recordLocked(recs []snapshots.Record) {
	sortRecords(recs)
	for _, r := range recs {
		if r.Time().Before(l.written) {
			l.stats.Late++
			continue
		}
		if err := l.rec.Write(r); err != nil {
			l.recErr = err
			l.recording = false
			return
		}
		l.written = r.Time()
		l.stats.Recorded++
	}
}

// annotateLocked writes the events Annotate finds in f into the
// recording (before the recorder opens: when it opens), not into the
// dataset.
func (l *Live) annotateLocked(f *market.Frame) {
	if l.opt.Annotate == nil || l.opt.Record == nil || l.recErr != nil {
		return
	}
	evs := l.opt.Annotate(f)
	if len(evs) == 0 {
		return
	}
	recs := make([]snapshots.Record, len(evs))
	for i, e := range evs {
		recs[i] = snapshots.EventRecord(e)
	}
	if l.recording {
		l.recordLocked(recs)
		return
	}
	l.early = append(l.early, recs...)
}
