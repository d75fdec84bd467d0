package snapshots

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"
)

// DefaultFlushEvery bounds what a killed process can lose.
const DefaultFlushEvery = 2 * time.Second

// ErrClosed is returned by Write and Flush after Close.
var ErrClosed = errors.New("snapshot writer is closed")

// WriteOptions controls a Writer.
type WriteOptions struct {
	Gzip bool
	// GzipLevel is the compression level (gzip.DefaultCompression when 0).
	GzipLevel int
	// FlushEvery is how often buffered records are flushed (gzip flush
	// included) and synced to disk. Zero means DefaultFlushEvery; negative
	// turns the background flusher off (flush on Flush and Close only).
	//
	// A gzip file's bytes depend on where flushes fall, so a writer that must
	// produce byte-identical files run after run (the snapshot generator)
	// sets FlushEvery < 0. Plain files are the same bytes either way.
	FlushEvery time.Duration
}

type syncer interface{ Sync() error }

// Writer appends records to a snapshot. It is safe for concurrent use.
//
// Every record is checked against the same rules the reader applies (known
// symbol, sane prices, time order...), so a Writer never writes a line a
// Reader would reject; a bad record is refused with an error and the Writer
// stays usable. A bar repeating one already written (same symbol, interval
// and time) is the exception: it is dropped without an error, as a reader
// would keep only the first, and counted by Duplicates.
//
// I/O errors (a full disk, a file-size limit) are sticky: once one
// happens, every later call returns it, Failed is closed and Err says why,
// so a long-running recorder can stop at once rather than run on writing
// nothing.
type Writer struct {
	mu     sync.Mutex
	dst    io.Writer
	closer io.Closer
	buf    *bufio.Writer
	gz     *gzip.Writer
	chk    checker
	line   []byte
	dirty  bool
	err    error
	failed chan struct{} // closed when err is set
	dups   int
	closed bool
	stop   chan struct{}
	done   chan struct{}
}

// NewWriter writes the header to w, flushes and syncs it, and returns a
// Writer for the records.
func NewWriter(w io.Writer, h Header, opt WriteOptions) (*Writer, error) {
	hc := h
	hc.Record, hc.Format, hc.Version = RecHeader, FormatName, FormatVersion
	if hc.TimeZone == "" {
		hc.TimeZone = ExchangeZone
	}
	if reason := checkHeader(&hc); reason != "" {
		return nil, fmt.Errorf("snapshot header: %s", reason)
	}
	line, err := MarshalHeader(hc)
	if err != nil {
		return nil, fmt.Errorf("snapshot header: %w", err)
	}
	wr := &Writer{dst: w, chk: newChecker(&hc), failed: make(chan struct{})}
	var out io.Writer = w
	if opt.Gzip {
		level := opt.GzipLevel
		if level == 0 {
			level = gzip.DefaultCompression
		}
		gz, err := gzip.NewWriterLevel(w, level)
		if err != nil {
			return nil, err
		}
		wr.gz = gz
		out = gz
	}
	wr.buf = bufio.NewWriterSize(out, 64<<10)
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
				w.setErr(w.flushLocked())
			}
			w.mu.Unlock()
		}
	}
}

// Write appends one record. Records must come in time order (equal times
// are fine) and pass the format's rules; a refused record is not written.
func (w *Writer) Write(r Record) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return ErrClosed
	}
	if w.err != nil {
		return w.err
	}
	switch r.Kind {
	case RecBar, RecQuote, RecEvent:
	default:
		return fmt.Errorf("snapshot writer: unknown record kind %q", r.Kind)
	}
	// Check a copy so the watermark only moves for records we write.
	chk := w.chk
	if reason := chk.check(&r); reason != "" {
		if strings.HasPrefix(reason, duplicateBarPrefix) {
			w.dups++
			return nil
		}
		return fmt.Errorf("snapshot writer: %s record at %s: %s", r.Kind, r.Time().Format(time.RFC3339), reason)
	}
	line, err := AppendRecord(w.line[:0], r)
	if err != nil {
		return fmt.Errorf("snapshot writer: %w", err)
	}
	w.line = append(line, '\n')
	if _, err := w.buf.Write(w.line); err != nil {
		w.setErr(err)
		return err
	}
	w.chk = chk
	w.dirty = true
	return nil
}

// Flush pushes buffered records to the file (ending a gzip block so a
// reader can decode them) and syncs it.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return ErrClosed
	}
	if w.err != nil {
		return w.err
	}
	w.setErr(w.flushLocked())
	return w.err
}

// setErr records the first I/O error and closes Failed. Called with mu held.
func (w *Writer) setErr(err error) {
	if err == nil || w.err != nil {
		return
	}
	w.err = err
	close(w.failed)
}

// Failed is closed when the Writer meets an I/O error (written records can
// no longer reach the file): a recorder selects on it to stop at once.
func (w *Writer) Failed() <-chan struct{} { return w.failed }

// Err is the I/O error that closed Failed, or nil.
func (w *Writer) Err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// Duplicates counts the bars dropped because they repeated a bar already
// written (same symbol, interval and time).
func (w *Writer) Duplicates() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.dups
}

func (w *Writer) flushLocked() error {
	if err := w.buf.Flush(); err != nil {
		return err
	}
	if w.gz != nil {
		// End the gzip member, not just a block: a file cut after this
		// point (SIGKILL) is a whole multi-member gzip stream that reads
		// and validates with no truncation.
		if err := w.gz.Close(); err != nil {
			return err
		}
		w.gz.Reset(w.dst)
	}
	w.dirty = false
	return w.sync()
}

func (w *Writer) sync() error {
	if s, ok := w.dst.(syncer); ok {
		// Pipes, terminals and the like cannot sync; that is not an error.
		if err := s.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) && !isNotSyncable(err) {
			return err
		}
	}
	return nil
}

// Close flushes, ends the gzip stream, syncs, and closes the file if Create
// made it. Calling Close again returns nil.
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
	if w.gz != nil && err == nil {
		err = w.gz.Close()
	}
	if err == nil {
		err = w.sync()
	}
	if w.closer != nil {
		if cerr := w.closer.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

func isNotSyncable(err error) bool {
	return errors.Is(err, syscall.EINVAL) || errors.Is(err, errors.ErrUnsupported)
}
