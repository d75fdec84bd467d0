package snapshots

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// MaxLine is the longest line a reader accepts.
const MaxLine = 1 << 20

// ReadOptions controls a Reader.
type ReadOptions struct {
	// Name is the file name used in FILE:LINE messages.
	Name string
	// Strict stops at the first bad line. Otherwise bad lines are skipped,
	// counted and listed in Problems.
	Strict bool
}

// Reader streams records from a snapshot, plain or gzip (detected from the
// magic bytes).
type Reader struct {
	opt      ReadOptions
	sc       *bufio.Reader
	gz       *gzip.Reader
	line     int
	header   Header
	known    map[string]bool
	last     time.Time
	problems []Problem
	unknown  int
	warned   bool
	err      error
}

// NewReader reads and checks the header line.
func NewReader(r io.Reader, opt ReadOptions) (*Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	rd := &Reader{opt: opt}
	magic, _ := br.Peek(2)
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, rd.problem(0, "gzip: "+err.Error())
		}
		rd.gz = gz
		br = bufio.NewReaderSize(gz, 64<<10)
	}
	rd.sc = br
	line, err := rd.readLine()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, rd.problem(1, "empty file: no header line")
		}
		return nil, err
	}
	if err := json.Unmarshal(line, &rd.header); err != nil {
		return nil, rd.problem(1, "header: "+jsonReason(err))
	}
	if err := rd.checkHeader(); err != nil {
		return nil, err
	}
	rd.known = make(map[string]bool, len(rd.header.Symbols))
	for _, s := range rd.header.Symbols {
		rd.known[s.Symbol] = true
	}
	return rd, nil
}

func (rd *Reader) checkHeader() error {
	h := rd.header
	switch {
	case h.Record != RecHeader:
		return rd.problem(1, fmt.Sprintf("first line is not a header (record %q)", h.Record))
	case h.Format != FormatName:
		return rd.problem(1, fmt.Sprintf("not a selloff snapshot (format %q)", h.Format))
	case h.Version < 1:
		return rd.problem(1, fmt.Sprintf("bad version %d", h.Version))
	case h.Version > FormatVersion:
		return rd.problem(1, fmt.Sprintf("format version %d is newer than this selloff reads (%d)", h.Version, FormatVersion))
	case !h.Provenance.Valid():
		return rd.problem(1, fmt.Sprintf("bad provenance %q", h.Provenance))
	}
	return nil
}

// Header is the file's header.
func (rd *Reader) Header() Header { return rd.header }

// Problems lists the lines skipped so far in lenient mode.
func (rd *Reader) Problems() []Problem { return rd.problems }

// Unknown counts records of kinds this version does not know.
func (rd *Reader) Unknown() int { return rd.unknown }

func (rd *Reader) problem(line int, reason string) Problem {
	return Problem{File: rd.opt.Name, Line: line, Reason: reason}
}

// readLine returns the next line without its newline. It reports lines over
// MaxLine as a Problem after skipping them.
func (rd *Reader) readLine() ([]byte, error) {
	var buf []byte
	rd.line++
	for {
		chunk, err := rd.sc.ReadSlice('\n')
		if len(buf)+len(chunk) > MaxLine+1 {
			// Drain the rest of the long line so reading can go on.
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = rd.sc.ReadSlice('\n')
			}
			if err != nil && !errors.Is(err, io.EOF) {
				return nil, rd.ioError(err)
			}
			return nil, rd.problem(rd.line, fmt.Sprintf("line longer than %d bytes", MaxLine))
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			buf = append(buf, chunk...)
			continue
		}
		if buf != nil {
			buf = append(buf, chunk...)
		} else {
			buf = chunk
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				if len(buf) == 0 {
					return nil, io.EOF
				}
				return bytes.TrimRight(buf, "\r\n"), nil
			}
			return nil, rd.ioError(err)
		}
		return bytes.TrimRight(buf, "\r\n"), nil
	}
}

func (rd *Reader) ioError(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, gzip.ErrChecksum) {
		return fmt.Errorf("%s: truncated or corrupt after line %d: %w", rd.name(), rd.line-1, err)
	}
	return fmt.Errorf("%s: read error after line %d: %w", rd.name(), rd.line-1, err)
}

func (rd *Reader) name() string {
	if rd.opt.Name == "" {
		return "snapshot"
	}
	return rd.opt.Name
}

// Next returns the next record, io.EOF at the end, a Problem in strict mode
// for a bad line, or another error for a broken stream (a truncated gzip
// stream yields every record before the cut first).
func (rd *Reader) Next() (Record, error) {
	if rd.err != nil {
		return Record{}, rd.err
	}
	for {
		line, err := rd.readLine()
		if err != nil {
			var p Problem
			if errors.As(err, &p) {
				if rd.opt.Strict {
					rd.err = p
					return Record{}, p
				}
				rd.problems = append(rd.problems, p)
				continue
			}
			rd.err = err
			return Record{}, err
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		rec, perr := rd.parse(line)
		if perr != "" {
			p := rd.problem(rd.line, perr)
			if rd.opt.Strict {
				rd.err = p
				return Record{}, p
			}
			rd.problems = append(rd.problems, p)
			continue
		}
		if rec.Kind == "" { // unknown kind, skipped
			continue
		}
		return rec, nil
	}
}

func (rd *Reader) parse(line []byte) (Record, string) {
	var probe struct {
		Record string `json:"record"`
	}
	if err := json.Unmarshal(line, &probe); err != nil {
		return Record{}, jsonReason(err)
	}
	rec := Record{Kind: probe.Record, Line: rd.line}
	var err error
	switch probe.Record {
	case RecBar:
		err = json.Unmarshal(line, &rec.Bar)
	case RecQuote:
		err = json.Unmarshal(line, &rec.Quote)
	case RecEvent:
		err = json.Unmarshal(line, &rec.Event)
	case RecHeader:
		return Record{}, "a second header line"
	case "":
		return Record{}, `missing "record" field`
	default:
		rd.unknown++
		return Record{}, ""
	}
	if err != nil {
		return Record{}, jsonReason(err)
	}
	if reason := rd.check(&rec); reason != "" {
		return Record{}, reason
	}
	return rec, ""
}

func (rd *Reader) check(rec *Record) string {
	t := rec.Time()
	if t.IsZero() {
		return "missing time"
	}
	switch rec.Kind {
	case RecBar:
		b := rec.Bar
		if !rd.known[b.Symbol] {
			return fmt.Sprintf("unknown symbol %q (not in header)", b.Symbol)
		}
		if _, err := ParseInterval(b.Interval); err != nil {
			return err.Error()
		}
		if !(b.Open > 0 && b.High > 0 && b.Low > 0 && b.Close > 0) {
			return "bar price missing or not positive"
		}
		if b.Low > b.High || b.Open > b.High || b.Open < b.Low || b.Close > b.High || b.Close < b.Low {
			return "bar prices outside [low, high]"
		}
		if b.Volume < 0 {
			return "negative volume"
		}
	case RecQuote:
		q := rec.Quote
		if !rd.known[q.Symbol] {
			return fmt.Sprintf("unknown symbol %q (not in header)", q.Symbol)
		}
		if !(q.Price > 0) {
			return "quote price missing or not positive"
		}
	case RecEvent:
		if rec.Event.ID == "" || rec.Event.Title == "" {
			return "event needs id and title"
		}
		for _, s := range rec.Event.Symbols {
			if !rd.known[s] {
				return fmt.Sprintf("unknown symbol %q (not in header)", s)
			}
		}
	}
	if t.Before(rd.last) {
		return fmt.Sprintf("time goes backwards (%s after %s)", t.Format(time.RFC3339), rd.last.Format(time.RFC3339))
	}
	rd.last = t
	return ""
}

func jsonReason(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return "bad JSON: " + se.Error()
	case errors.As(err, &te):
		return fmt.Sprintf("bad field %q: %v", te.Field, te.Error())
	}
	return "bad JSON: " + err.Error()
}

// Decode reads a whole snapshot into memory.
func Decode(r io.Reader, opt ReadOptions) (*Snapshot, error) {
	rd, err := NewReader(r, opt)
	if err != nil {
		return nil, err
	}
	s := &Snapshot{Header: rd.Header()}
	for {
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			s.Problems = rd.Problems()
			s.Unknown = rd.Unknown()
			return s, err
		}
		switch rec.Kind {
		case RecBar:
			s.Bars = append(s.Bars, rec.Bar)
		case RecQuote:
			s.Quotes = append(s.Quotes, rec.Quote)
		case RecEvent:
			s.Events = append(s.Events, rec.Event)
		}
	}
	s.Problems = rd.Problems()
	s.Unknown = rd.Unknown()
	return s, nil
}

// ReadFile decodes the snapshot at path.
func ReadFile(path string, opt ReadOptions) (*Snapshot, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if opt.Name == "" {
		opt.Name = path
	}
	return Decode(f, opt)
}
