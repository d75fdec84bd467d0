package snapshots

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxLine is the longest line a reader accepts (1 MiB, newline excluded).
const MaxLine = 1 << 20

// ErrTruncated is matched (errors.Is) by the error a Reader returns when the
// file ends in the middle of a record or of its gzip stream: every record
// before the cut has been returned already. See TruncatedError.
var ErrTruncated = errors.New("truncated")

// TruncatedError says where a file was cut short.
type TruncatedError struct {
	File   string
	Line   int // the line that was cut (or would have come next)
	Reason string
}

func (e *TruncatedError) Error() string {
	return Problem{File: e.File, Line: e.Line, Reason: "truncated: " + e.Reason}.Error()
}

// Is makes errors.Is(err, ErrTruncated) true.
func (e *TruncatedError) Is(target error) bool { return target == ErrTruncated }

// ReadOptions controls a Reader.
type ReadOptions struct {
	// Name is the file name used in FILE:LINE messages.
	Name string
	// Strict stops at the first bad line. Otherwise bad lines are skipped,
	// counted and listed in Problems.
	Strict bool
	// maxProblems replaces MaxProblems when > 0, so the fuzz target
	// reaches the cap with small inputs.
	maxProblems int
}

// Reader streams records from a snapshot, plain or gzip (detected from the
// magic bytes). It is not safe for concurrent use.
type Reader struct {
	opt      ReadOptions
	br       *bufio.Reader
	gz       *gzip.Reader
	ahead    *gunzipAhead
	line     int
	header   Header
	chk      checker
	in       interner
	problems []Problem
	more     int // problems counted past MaxProblems, not kept
	warnings []Problem
	unknown  int
	cleaned  bool // control characters were removed from some text
	err      error
	long     []byte
	obj      flatObj
}

// NewReader reads and checks the header line. Header problems are returned
// as a Problem (line 1) in both strict and lenient mode.
func NewReader(r io.Reader, opt ReadOptions) (*Reader, error) {
	return newReader(r, opt, false)
}

// readBuf is the read buffer's size.
const readBuf = 64 << 10

// aheadMin is the least compressed size worth decompressing on a second
// goroutine: below it, starting the goroutine and its 128 KiB of buffers
// costs more than the decompression it would overlap.
const aheadMin = 256 << 10

// sourceLen is how many bytes r holds when it says so (an in-memory
// source: bytes.Reader, strings.Reader, bytes.Buffer), else -1.
func sourceLen(r io.Reader) int {
	if l, ok := r.(interface{ Len() int }); ok {
		return l.Len()
	}
	return -1
}

// newReader is NewReader; ahead decompresses gzip on a second goroutine,
// which the caller must end with rd.stop.
func newReader(r io.Reader, opt ReadOptions, ahead bool) (*Reader, error) {
	size := readBuf
	n := sourceLen(r)
	if n >= 0 {
		// a small file in memory gets a buffer its size, not 64 KiB
		// (a line longer than the buffer is still read whole, in rd.long)
		size = min(readBuf, max(n+1, 4<<10))
		ahead = ahead && n >= aheadMin
	}
	br := bufio.NewReaderSize(r, size)
	rd := &Reader{opt: opt, in: interner{}}
	magic, _ := br.Peek(2)
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
				return nil, &TruncatedError{File: rd.name(), Line: 1, Reason: "gzip stream ends inside its header"}
			}
			return nil, rd.problem(1, "corrupt gzip stream: "+err.Error())
		}
		rd.gz = gz
		if ahead {
			rd.ahead = newGunzipAhead(gz)
			br = bufio.NewReaderSize(rd.ahead, readBuf)
		} else {
			br = bufio.NewReaderSize(gz, readBuf)
		}
	}
	rd.br = br
	line, complete, long, err := rd.readLine()
	if err != nil {
		rd.stop()
		if errors.Is(err, io.EOF) {
			return nil, rd.problem(1, "empty file: no header line")
		}
		return nil, err
	}
	if long {
		rd.stop()
		return nil, rd.problem(1, fmt.Sprintf("header: line longer than %d bytes (1 MiB)", MaxLine))
	}
	line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf")) // a UTF-8 byte-order mark
	if err := json.Unmarshal(line, &rd.header); err != nil {
		rd.stop()
		if !complete && isSyntaxError(err) {
			return nil, &TruncatedError{File: rd.name(), Line: 1, Reason: "the header line is incomplete"}
		}
		return nil, rd.problem(1, "header: "+jsonReason(err))
	}
	if reason := checkHeader(&rd.header); reason != "" {
		rd.stop()
		return nil, rd.problem(1, reason)
	}
	normalizeHeader(&rd.header)
	if cleanHeader(&rd.header) {
		rd.noteCleaned(1)
	}
	rd.chk = newChecker(&rd.header)
	for _, s := range rd.header.Symbols {
		rd.in[s.Symbol] = s.Symbol
	}
	return rd, nil
}

// stop ends the read-ahead goroutine, if any.
func (rd *Reader) stop() {
	if rd.ahead != nil {
		rd.ahead.stop()
		rd.ahead = nil
	}
}

// Header is the file's header.
func (rd *Reader) Header() Header { return rd.header }

// Problems lists the lines skipped so far in lenient mode: the first
// MaxProblems of them (MoreProblems counts the rest).
func (rd *Reader) Problems() []Problem { return rd.problems }

// MoreProblems counts the problems found past the first MaxProblems, which
// are not kept: a file of millions of bad lines is reported in bounded
// memory.
func (rd *Reader) MoreProblems() int { return rd.more }

// addProblem keeps p if fewer than MaxProblems are kept, else counts it.
func (rd *Reader) addProblem(p Problem) {
	if len(rd.problems) < rd.maxProblems() {
		rd.problems = append(rd.problems, p)
		return
	}
	rd.more++
}

// Warnings lists things worth telling the user that are not errors. Today
// that is at most one entry: the first record of a kind this version does
// not know (later ones are skipped silently and counted by Unknown).
func (rd *Reader) Warnings() []Problem { return rd.warnings }

// Unknown counts records of kinds this version does not know.
func (rd *Reader) Unknown() int { return rd.unknown }

// Line is the number of the last line read (1 is the header).
func (rd *Reader) Line() int { return rd.line }

func (rd *Reader) problem(line int, reason string) Problem {
	return Problem{File: rd.opt.Name, Line: line, Reason: clipReason(reason)}
}

// MaxReason bounds the length of a problem's reason: one that quotes a long
// value from the file (a symbol or id of almost 1 MiB) keeps its start and
// its end and loses its middle, so the MaxProblems problems a lenient read
// keeps take at most about half a megabyte, not a gigabyte.
const MaxReason = 512

// clipReason cuts the middle out of a reason longer than MaxReason, at
// UTF-8 boundaries, saying how many bytes it cut.
func clipReason(s string) string {
	if len(s) <= MaxReason {
		return s
	}
	head, tail := MaxReason/2-32, len(s)-(MaxReason/2-32)
	for head > 0 && !utf8.RuneStart(s[head]) {
		head--
	}
	for tail < len(s) && !utf8.RuneStart(s[tail]) {
		tail++
	}
	return fmt.Sprintf("%s…(%d bytes cut)…%s", s[:head], tail-head, s[tail:])
}

func (rd *Reader) name() string { return rd.opt.Name }

func (rd *Reader) maxProblems() int {
	if rd.opt.maxProblems > 0 {
		return rd.opt.maxProblems
	}
	return MaxProblems
}

// readLine returns the next line without its line ending. complete is false
// when the line ended at end of file without a newline; long is true (and
// line nil) when the line was over MaxLine and has been skipped. A broken
// stream gives an error.
func (rd *Reader) readLine() (line []byte, complete, long bool, err error) {
	rd.line++
	rd.long = rd.long[:0]
	size := 0
	for {
		chunk, err := rd.br.ReadSlice('\n')
		size += len(chunk)
		if errors.Is(err, bufio.ErrBufferFull) {
			if !long {
				if size > MaxLine+2 {
					long = true
					rd.long = rd.long[:0]
					if rd.line == 1 {
						// a header this long is not a header: stop here
						// rather than read on to a newline that may never
						// come (/dev/zero, a stalled pipe)
						return nil, false, true, nil
					}
				} else {
					rd.long = append(rd.long, chunk...)
				}
			}
			continue
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, false, false, rd.streamError(err)
		}
		complete = err == nil
		if err != nil && size == 0 {
			return nil, false, false, io.EOF
		}
		if long {
			return nil, complete, true, nil
		}
		buf := chunk
		if len(rd.long) > 0 {
			rd.long = append(rd.long, chunk...)
			buf = rd.long
		}
		if complete {
			buf = buf[:len(buf)-1]
		}
		buf = bytes.TrimSuffix(buf, []byte("\r"))
		if len(buf) > MaxLine {
			return nil, complete, true, nil
		}
		return buf, complete, false, nil
	}
}

// streamError turns a read error into a FILE:LINE error, a TruncatedError
// when the gzip stream simply stops.
func (rd *Reader) streamError(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return &TruncatedError{File: rd.name(), Line: rd.line,
			Reason: fmt.Sprintf("gzip stream ends mid-file; the %d lines before this one were read", rd.line-1)}
	}
	if rd.gz != nil && errors.Is(err, gzip.ErrHeader) && rd.line > 1 {
		// a whole gzip member was read, then bytes that are not another one
		return rd.problem(rd.line, fmt.Sprintf("bytes after the end of the gzip stream (not gzip); the %d lines before were read", rd.line-1))
	}
	if rd.gz != nil && !isIOError(err) {
		return rd.problem(rd.line, "corrupt gzip stream: "+err.Error())
	}
	return fmt.Errorf("%s: read error at line %d: %w", rd.name(), rd.line, err)
}

// isIOError tells a failing source (disk, network) from bad gzip data.
func isIOError(err error) bool {
	var pe *fs.PathError
	return errors.As(err, &pe) || errors.Is(err, os.ErrClosed)
}

// Next returns the next record, io.EOF at the end, a Problem in strict mode
// for a bad line, a *TruncatedError (errors.Is ErrTruncated) when the file
// was cut short, or another error for a broken stream. After an error other
// than a lenient-mode problem, Next keeps returning that error.
func (rd *Reader) Next() (Record, error) {
	var rec Record
	err := rd.next(&rec)
	return rec, err
}

func (rd *Reader) next(rec *Record) error {
	if rd.err != nil {
		return rd.err
	}
	for {
		line, complete, long, err := rd.readLine()
		if err != nil {
			rd.err = err
			return err
		}
		if long {
			p := rd.problem(rd.line, fmt.Sprintf("line longer than %d bytes (1 MiB)", MaxLine))
			if rd.opt.Strict {
				rd.err = p
				return p
			}
			rd.addProblem(p)
			continue
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		*rec = Record{}
		// past the cap a lenient reader only counts problems: skip
		// formatting the reasons it would drop
		rd.chk.terse = !rd.opt.Strict && len(rd.problems) >= rd.maxProblems()
		reason, syntax := rd.parse(line, rec)
		if reason != "" {
			if !complete && syntax {
				rd.err = &TruncatedError{File: rd.name(), Line: rd.line,
					Reason: "the last line is incomplete (the file ends mid-record, without a newline)"}
				return rd.err
			}
			p := rd.problem(rd.line, reason)
			if rd.opt.Strict {
				rd.err = p
				return p
			}
			rd.addProblem(p)
			continue
		}
		if rec.Kind == "" { // unknown kind, skipped
			continue
		}
		return nil
	}
}

// parse decodes one record line into rec. It returns a reason when the line
// is bad (syntax is true for JSON syntax errors), and leaves rec.Kind empty
// for a record kind this version does not know.
func (rd *Reader) parse(line []byte, rec *Record) (reason string, syntax bool) {
	rec.Line = rd.line
	if scanFlat(line, &rd.obj) {
		if kind, ok := rd.obj.recordKind(); ok {
			rec.Kind = kind
			fast := false
			if kind == RecBar {
				fast = fastBar(&rd.obj, &rec.Bar, rd.in)
			} else {
				fast = fastQuote(&rd.obj, &rec.Quote, rd.in)
			}
			if fast {
				return rd.chk.check(rec), false
			}
			*rec = Record{Line: rd.line}
		}
	}
	var probe struct {
		Record string `json:"record"`
	}
	if err := json.Unmarshal(line, &probe); err != nil {
		return jsonReason(err), isSyntaxError(err)
	}
	rec.Kind = probe.Record
	if reason := caseClash(probe.Record, line); reason != "" {
		rec.Kind = ""
		return reason, false
	}
	var err error
	switch probe.Record {
	case RecBar:
		err = json.Unmarshal(line, &rec.Bar)
		rec.Bar.Symbol = rd.in.get([]byte(rec.Bar.Symbol))
		rec.Bar.Interval = rd.in.get([]byte(rec.Bar.Interval))
	case RecQuote:
		err = json.Unmarshal(line, &rec.Quote)
	case RecEvent:
		err = json.Unmarshal(line, &rec.Event)
	case RecHeader:
		rec.Kind = ""
		return "a second header line", false
	case "":
		return `missing "record" field`, false
	default:
		rec.Kind = ""
		rd.unknown++
		if rd.unknown == 1 {
			rd.warnings = append(rd.warnings, rd.problem(rd.line, fmt.Sprintf(
				"skipping records of unknown kind %q (format v%d does not know it; later unknown records are skipped silently)",
				probe.Record, FormatVersion)))
		}
		return "", false
	}
	if err != nil {
		rec.Kind = ""
		return jsonReason(err), false
	}
	switch rec.Kind {
	case RecBar:
		rec.Bar.Time = zoneOf(rec.Bar.Time)
	case RecQuote:
		rec.Quote.Time = zoneOf(rec.Quote.Time)
	case RecEvent:
		rec.Event.Time = zoneOf(rec.Event.Time)
		if cleanEvent(&rec.Event) {
			rd.noteCleaned(rd.line)
		}
	}
	return rd.chk.check(rec), false
}

// noteCleaned warns, once, that text held characters a terminal would
// take as commands.
func (rd *Reader) noteCleaned(line int) {
	if rd.cleaned {
		return
	}
	rd.cleaned = true
	rd.warnings = append(rd.warnings, rd.problem(line,
		"control characters removed from text (they could drive the terminal); later ones are removed silently"))
}

// zoneOf puts a decoded time in exchange time; the zero time stays the
// plain zero value whatever zone it was written in.
func zoneOf(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return exchangeTime(t)
}

func isSyntaxError(err error) bool {
	var se *json.SyntaxError
	return errors.As(err, &se) || errors.Is(err, io.ErrUnexpectedEOF)
}

func jsonReason(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	var pe *time.ParseError
	switch {
	case errors.As(err, &se):
		return "bad JSON: " + se.Error()
	case errors.As(err, &te):
		field := te.Field
		if i := strings.LastIndexByte(field, '.'); i >= 0 {
			field = field[i+1:]
		}
		if field == "" {
			return fmt.Sprintf("bad JSON: a record must be an object, not %s", te.Value)
		}
		return fmt.Sprintf("bad field %q: %s is not a valid %s", field, te.Value, te.Type)
	case errors.As(err, &pe):
		return fmt.Sprintf("bad field %q: %s is not an RFC 3339 time", "time", QuoteShort(pe.Value))
	}
	msg := err.Error()
	if strings.Contains(msg, "Time.UnmarshalJSON") || strings.Contains(msg, "parsing time") {
		return `bad field "time": ` + strings.TrimPrefix(msg, "json: ")
	}
	return "bad JSON: " + strings.TrimPrefix(msg, "json: ")
}

// Decode reads a whole snapshot into memory. On an error it returns the
// records read so far as well as the error (in lenient mode only a broken or
// truncated stream stops it; errors.Is(err, ErrTruncated) says the records
// before the cut are all there).
func Decode(r io.Reader, opt ReadOptions) (*Snapshot, error) {
	rd, err := newReader(r, opt, true)
	if err != nil {
		return nil, err
	}
	defer rd.stop()
	s := &Snapshot{Header: rd.Header()}
	var rec Record
	for {
		err := rd.next(&rec)
		if err != nil {
			s.Problems = rd.Problems()
			s.MoreProblems = rd.MoreProblems()
			s.Warnings = rd.Warnings()
			s.Unknown = rd.Unknown()
			if errors.Is(err, io.EOF) {
				return s, nil
			}
			return s, err
		}
		switch rec.Kind {
		case RecBar:
			s.Bars = appendDoubling(s.Bars, rec.Bar)
		case RecQuote:
			s.Quotes = appendDoubling(s.Quotes, rec.Quote)
		case RecEvent:
			s.Events = append(s.Events, rec.Event)
		}
	}
}

// appendDoubling appends like append but doubles the capacity when full:
// append grows big slices by only 1.25x, which for tens of thousands of bars
// costs five times their size in copying and garbage.
func appendDoubling[T any](s []T, v T) []T {
	if len(s) == cap(s) {
		n := make([]T, len(s), max(64, 2*cap(s)))
		copy(n, s)
		s = n
	}
	return append(s, v)
}

// ReadFile decodes the snapshot at path (see Decode).
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
