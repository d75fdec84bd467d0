package snapshots

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// DefaultFlushEvery bounds what a killed process can lose.
const DefaultFlushEvery = 2 * time.Second

// WriteOptions controls a Writer.
type WriteOptions struct {
	Gzip bool
	// FlushEvery is how often buffered records are flushed (gzip flush
	// included) and synced to disk. Zero means DefaultFlushEvery; negative
	// turns the background flusher off (flush on Close or Flush only).
	FlushEvery time.Duration
}

type syncer interface{ Sync() error }

// Writer appends records to a snapshot. It is safe for concurrent use.
type Writer struct {
	mu     sync.Mutex
	dst    io.Writer
	closer io.Closer
	buf    *bufio.Writer
	gz     *gzip.Writer
	dirty  bool
	err    error
	closed bool
	last   time.Time
	stop   chan struct{}
	done   chan struct{}
}

// NewWriter writes the header to w and returns a Writer for the records.
func NewWriter(w io.Writer, h Header, opt WriteOptions) (*Writer, error) {
	wr := &Writer{dst: w}
	var out io.Writer = w
	if opt.Gzip {
		wr.gz = gzip.NewWriter(w)
		out = wr.gz
	}
	wr.buf = bufio.NewWriterSize(out, 64<<10)
	line, err := MarshalHeader(h)
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	wr.buf.Write(line)
	wr.buf.WriteByte('\n')
	if err := wr.flushLocked(); err != nil {
		return nil, err
	}
	every := opt.FlushEvery
	if every == 0 {
		every = DefaultFlushEvery
	}
	if every > 0 {
		wr.stop = make(chan struct{})
		wr.done = make(chan struct{})
		go wr.flusher(every)
	}
	return wr, nil
}

// Create makes (or truncates) the file at path and writes the header.
func Create(path string, h Header, opt WriteOptions) (*Writer, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, err
	}
	w, err := NewWriter(f, h, opt)
	if err != nil {
		f.Close()
		return nil, err
	}
	w.closer = f
	return w, nil
}

func (w *Writer) flusher(every time.Duration) {
	defer close(w.done)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-w.stop:
			return
		case <-t.C:
			w.mu.Lock()
			if w.dirty && w.err == nil {
				w.err = w.flushLocked()
			}
			w.mu.Unlock()
		}
	}
}

// Write appends one record. Records must come in time order.
func (w *Writer) Write(r Record) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return errors.New("snapshot writer is closed")
	}
	if w.err != nil {
		return w.err
	}
	if t := r.Time(); t.Before(w.last) {
		return fmt.Errorf("record at %s is before the previous one (%s)", t.Format(time.RFC3339), w.last.Format(time.RFC3339))
	} else {
		w.last = t
	}
	line, err := MarshalRecord(r)
	if err != nil {
		return err
	}
	w.buf.Write(line)
	if err := w.buf.WriteByte('\n'); err != nil {
		w.err = err
		return err
	}
	w.dirty = true
	return nil
}

// Flush pushes buffered records to the file and syncs it.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return w.err
	}
	w.err = w.flushLocked()
	return w.err
}

func (w *Writer) flushLocked() error {
	if err := w.buf.Flush(); err != nil {
		return err
	}
	if w.gz != nil {
		if err := w.gz.Flush(); err != nil {
			return err
		}
	}
	w.dirty = false
	if s, ok := w.dst.(syncer); ok {
		if err := s.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
			return err
		}
	}
	return nil
}

// Close flushes, ends the gzip stream and closes the file if Create made it.
func (w *Writer) Close() error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return nil
	}
	w.closed = true
	w.mu.Unlock()
	if w.stop != nil {
		close(w.stop)
		<-w.done
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	err := w.err
	if err == nil {
		err = w.buf.Flush()
	}
	if w.gz != nil {
		if cerr := w.gz.Close(); err == nil {
			err = cerr
		}
	}
	if s, ok := w.dst.(syncer); ok && err == nil {
		if serr := s.Sync(); serr != nil && !errors.Is(serr, os.ErrInvalid) {
			err = serr
		}
	}
	if w.closer != nil {
		if cerr := w.closer.Close(); err == nil {
			err = cerr
		}
	}
	return err
}
