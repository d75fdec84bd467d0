package snapshots

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"
)

// Each line after the header is one flat JSON object whose "record" field
// names its kind; the other fields are those of Bar, Quote or Event.
//
// Bars and quotes are by far the most common lines, so both directions have
// a fast path: the writer appends their bytes by hand and the reader scans
// flat objects of plain strings and numbers itself. Anything unusual (escapes,
// non-ASCII, unknown or differently-cased keys, null, nested values, numbers
// strconv would not take as-is) goes through encoding/json instead, so the
// fast paths only ever change speed, never results. The tests and FuzzFastPath
// check that the two paths agree.

type barLine struct {
	Record string `json:"record"`
	Bar
}

type quoteLine struct {
	Record string `json:"record"`
	Quote
}

type eventLine struct {
	Record string `json:"record"`
	Event
}

// MarshalRecord encodes r as one line (without the newline). Times are
// written in exchange time (2025-01-27T09:30:00-05:00). The output is the
// same bytes encoding/json would produce for the same record, and the same
// on every run.
func MarshalRecord(r Record) ([]byte, error) {
	return AppendRecord(nil, r)
}

// AppendRecord appends the encoding of r (without the newline) to dst.
func AppendRecord(dst []byte, r Record) ([]byte, error) {
	switch r.Kind {
	case RecBar:
		return appendBar(dst, r.Bar)
	case RecQuote:
		return appendQuote(dst, r.Quote)
	case RecEvent:
		e := r.Event
		e.Time = exchangeTime(e.Time)
		b, err := json.Marshal(eventLine{RecEvent, e})
		if err != nil {
			return dst, err
		}
		return append(dst, b...), nil
	}
	return dst, fmt.Errorf("unknown record kind %q", r.Kind)
}

// MarshalHeader encodes h as line 1 (without the newline), filling in the
// record kind, format name and version. Session and creation times are
// written in exchange time.
func MarshalHeader(h Header) ([]byte, error) {
	h.Record = RecHeader
	h.Format = FormatName
	h.Version = FormatVersion
	if !h.Created.IsZero() {
		h.Created = exchangeTime(h.Created)
	}
	if len(h.Sessions) > 0 {
		ss := make([]Session, len(h.Sessions))
		copy(ss, h.Sessions)
		for i := range ss {
			if !ss[i].Open.IsZero() {
				ss[i].Open = exchangeTime(ss[i].Open)
			}
			if !ss[i].Close.IsZero() {
				ss[i].Close = exchangeTime(ss[i].Close)
			}
		}
		h.Sessions = ss
	}
	return json.Marshal(h)
}

// BarRecord, QuoteRecord and EventRecord wrap a value as a Record.
func BarRecord(b Bar) Record     { return Record{Kind: RecBar, Bar: b} }
func QuoteRecord(q Quote) Record { return Record{Kind: RecQuote, Quote: q} }
func EventRecord(e Event) Record { return Record{Kind: RecEvent, Event: e} }

// exchangeTime renders t in exchange time so files read naturally.
func exchangeTime(t time.Time) time.Time { return t.In(Location()) }

// ---- writing ----

func appendBar(dst []byte, b Bar) ([]byte, error) {
	for _, f := range [...]float64{b.Open, b.High, b.Low, b.Close} {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return dst, fmt.Errorf("bar %s %s: unsupported price %v", b.Symbol, b.Time.Format(time.RFC3339), f)
		}
	}
	dst = append(dst, `{"record":"bar","time":`...)
	dst = appendTime(dst, b.Time)
	dst = append(dst, `,"symbol":`...)
	dst = appendString(dst, b.Symbol)
	dst = append(dst, `,"interval":`...)
	dst = appendString(dst, b.Interval)
	dst = append(dst, `,"open":`...)
	dst = appendFloat(dst, b.Open)
	dst = append(dst, `,"high":`...)
	dst = appendFloat(dst, b.High)
	dst = append(dst, `,"low":`...)
	dst = appendFloat(dst, b.Low)
	dst = append(dst, `,"close":`...)
	dst = appendFloat(dst, b.Close)
	dst = append(dst, `,"volume":`...)
	dst = strconv.AppendInt(dst, b.Volume, 10)
	return append(dst, '}'), nil
}

func appendQuote(dst []byte, q Quote) ([]byte, error) {
	for _, f := range [...]float64{q.Price, q.Bid, q.Ask} {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return dst, fmt.Errorf("quote %s %s: unsupported price %v", q.Symbol, q.Time.Format(time.RFC3339), f)
		}
	}
	dst = append(dst, `{"record":"quote","time":`...)
	dst = appendTime(dst, q.Time)
	dst = append(dst, `,"symbol":`...)
	dst = appendString(dst, q.Symbol)
	dst = append(dst, `,"price":`...)
	dst = appendFloat(dst, q.Price)
	dst = append(dst, `,"volume":`...)
	dst = strconv.AppendInt(dst, q.Volume, 10)
	dst = append(dst, `,"state":`...)
	dst = appendString(dst, q.State)
	if q.Bid != 0 {
		dst = append(dst, `,"bid":`...)
		dst = appendFloat(dst, q.Bid)
	}
	if q.Ask != 0 {
		dst = append(dst, `,"ask":`...)
		dst = appendFloat(dst, q.Ask)
	}
	return append(dst, '}'), nil
}

// appendTime writes t as a JSON string in exchange time, as
// time.Time.MarshalJSON would after In(Location()).
func appendTime(dst []byte, t time.Time) []byte {
	dst = append(dst, '"')
	dst = exchangeTime(t).AppendFormat(dst, time.RFC3339Nano)
	return append(dst, '"')
}

// appendFloat formats f exactly as encoding/json does: the shortest decimal
// that reads back to the same float64, in 'f' form for ordinary magnitudes.
func appendFloat(dst []byte, f float64) []byte {
	abs := math.Abs(f)
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		n := len(dst)
		dst = strconv.AppendFloat(dst, f, 'e', -1, 64)
		// clean up e-09 to e-9, as encoding/json does
		if m := len(dst) - n; m >= 4 && dst[len(dst)-4] == 'e' && dst[len(dst)-3] == '-' && dst[len(dst)-2] == '0' {
			dst[len(dst)-2] = dst[len(dst)-1]
			dst = dst[:len(dst)-1]
		}
		return dst
	}
	return strconv.AppendFloat(dst, f, 'f', -1, 64)
}

// appendString writes s as a JSON string; plain ASCII is copied, anything
// needing escapes goes through encoding/json (which also escapes <, > and &).
func appendString(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			b, _ := json.Marshal(s) // a string always marshals
			return append(dst, b...)
		}
	}
	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"')
}

// ---- reading ----

// maxFlatFields bounds the fast scanner; longer objects take the slow path.
const maxFlatFields = 16

// flatField locates one key and value in the scanned line by offsets (not
// slices: storing pointers per field would cost GC write barriers).
type flatField struct {
	ks, ke int32 // key
	vs, ve int32 // string contents without quotes, or the number literal
	str    bool
}

type flatObj struct {
	line []byte
	n    int
	f    [maxFlatFields]flatField
}

func (o *flatObj) key(f *flatField) []byte { return o.line[f.ks:f.ke] }
func (o *flatObj) val(f *flatField) []byte { return o.line[f.vs:f.ve] }

// plainChar marks the bytes a fast-path string may contain: printable ASCII
// except '"' and '\\'.
var plainChar = func() (t [256]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// scanFlat parses line as a flat JSON object whose values are all plain
// strings (printable ASCII, no escapes) or numbers in strict JSON syntax.
// It returns false for anything else, including valid JSON it does not
// handle; the caller then uses encoding/json.
func scanFlat(line []byte, o *flatObj) bool {
	o.n = 0
	o.line = line
	n := len(line)
	if n > 1<<30 {
		return false
	}
	i := 0
	for i < n && isSpace(line[i]) {
		i++
	}
	if i >= n || line[i] != '{' {
		return false
	}
	i++
	for i < n && isSpace(line[i]) {
		i++
	}
	if i < n && line[i] == '}' {
		i++
		goto end
	}
	for {
		// key
		if i >= n || line[i] != '"' || o.n == maxFlatFields {
			return false
		}
		i++
		ks := i
		for i < n && plainChar[line[i]] {
			i++
		}
		if i >= n || line[i] != '"' {
			return false
		}
		f := &o.f[o.n]
		o.n++
		f.ks, f.ke = int32(ks), int32(i)
		i++
		for i < n && isSpace(line[i]) {
			i++
		}
		if i >= n || line[i] != ':' {
			return false
		}
		i++
		for i < n && isSpace(line[i]) {
			i++
		}
		if i >= n {
			return false
		}
		// value
		if line[i] == '"' {
			i++
			vs := i
			for i < n && plainChar[line[i]] {
				i++
			}
			if i >= n || line[i] != '"' {
				return false
			}
			f.vs, f.ve, f.str = int32(vs), int32(i), true
			i++
		} else {
			vs := i
			j := scanNumber(line, i)
			if j < 0 {
				return false
			}
			f.vs, f.ve, f.str = int32(vs), int32(j), false
			i = j
		}
		for i < n && isSpace(line[i]) {
			i++
		}
		if i >= n {
			return false
		}
		if line[i] == ',' {
			i++
			for i < n && isSpace(line[i]) {
				i++
			}
			continue
		}
		if line[i] == '}' {
			i++
			break
		}
		return false
	}
end:
	for i < n && isSpace(line[i]) {
		i++
	}
	return i == n
}

// scanNumber checks a JSON number starting at i and returns the index after
// it, or -1.
func scanNumber(b []byte, i int) int {
	n := len(b)
	if i < n && b[i] == '-' {
		i++
	}
	if i >= n {
		return -1
	}
	switch {
	case b[i] == '0':
		i++
	case b[i] >= '1' && b[i] <= '9':
		for i < n && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		return -1
	}
	if i < n && b[i] == '.' {
		i++
		s := i
		for i < n && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == s {
			return -1
		}
	}
	if i < n && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < n && (b[i] == '+' || b[i] == '-') {
			i++
		}
		s := i
		for i < n && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == s {
			return -1
		}
	}
	return i
}

// recordKind returns the value of the "record" field of a scanned object.
func (o *flatObj) recordKind() (string, bool) {
	for k := o.n - 1; k >= 0; k-- { // last one wins, as in encoding/json
		f := &o.f[k]
		if string(o.key(f)) == "record" {
			if !f.str {
				return "", false
			}
			switch string(o.val(f)) {
			case RecBar:
				return RecBar, true
			case RecQuote:
				return RecQuote, true
			}
			return "", false
		}
	}
	return "", false
}

// interner hands out one string per distinct symbol or interval so decoded
// records share them instead of allocating per line.
type interner map[string]string

// maxInterned is the longest string the interner keeps: symbols, intervals
// and states are short, and a line may hold a value of almost 1 MiB (4,096
// of them kept would be 4 GiB from a few MB of gzip).
const maxInterned = 64

func (in interner) get(b []byte) string {
	if s, ok := in[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(in) < 4096 && len(s) <= maxInterned {
		in[s] = s
	}
	return s
}

// fastBar fills b from a scanned bar line; false means "use encoding/json".
func fastBar(o *flatObj, b *Bar, in interner) bool {
	for k := 0; k < o.n; k++ {
		f := &o.f[k]
		var ok bool
		switch string(o.key(f)) {
		case "record":
			ok = f.str
		case "time":
			if f.str {
				b.Time, ok = parseRFC3339(o.val(f))
			}
		case "symbol":
			if ok = f.str; ok {
				b.Symbol = in.get(o.val(f))
			}
		case "interval":
			if ok = f.str; ok {
				b.Interval = in.get(o.val(f))
			}
		case "open":
			b.Open, ok = parseFloat(o, f)
		case "high":
			b.High, ok = parseFloat(o, f)
		case "low":
			b.Low, ok = parseFloat(o, f)
		case "close":
			b.Close, ok = parseFloat(o, f)
		case "volume":
			b.Volume, ok = parseInt(o, f)
		}
		if !ok {
			return false
		}
	}
	return true
}

// fastQuote fills q from a scanned quote line; false means "use encoding/json".
func fastQuote(o *flatObj, q *Quote, in interner) bool {
	for k := 0; k < o.n; k++ {
		f := &o.f[k]
		var ok bool
		switch string(o.key(f)) {
		case "record":
			ok = f.str
		case "time":
			if f.str {
				q.Time, ok = parseRFC3339(o.val(f))
			}
		case "symbol":
			if ok = f.str; ok {
				q.Symbol = in.get(o.val(f))
			}
		case "price":
			q.Price, ok = parseFloat(o, f)
		case "volume":
			q.Volume, ok = parseInt(o, f)
		case "state":
			if ok = f.str; ok {
				q.State = in.get(o.val(f))
			}
		case "bid":
			q.Bid, ok = parseFloat(o, f)
		case "ask":
			q.Ask, ok = parseFloat(o, f)
		}
		if !ok {
			return false
		}
	}
	return true
}

func parseFloat(o *flatObj, f *flatField) (float64, bool) {
	if f.str {
		return 0, false
	}
	b := o.val(f)
	if v, ok := fastFloat(b); ok {
		return v, true
	}
	v, err := strconv.ParseFloat(string(b), 64)
	return v, err == nil
}

// pow10 holds the powers of ten a float64 represents exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// fastFloat parses plain decimals such as 118.42 or -0.5 (no exponent, at
// most 15 significant digits). The mantissa and the power of ten are then
// both exact float64s, so one division gives the correctly rounded result,
// the same value strconv.ParseFloat returns (Clinger's fast path, which
// strconv also uses). It returns false for anything else.
func fastFloat(b []byte) (float64, bool) {
	i, neg := 0, false
	if len(b) > 0 && b[0] == '-' {
		neg, i = true, 1
	}
	var m uint64
	nd, frac, dot := 0, 0, false
	for ; i < len(b); i++ {
		c := b[i]
		switch {
		case c >= '0' && c <= '9':
			if nd > 0 || c != '0' {
				nd++
			}
			m = m*10 + uint64(c-'0')
			if dot {
				frac++
			}
		case c == '.' && !dot:
			dot = true
		default:
			return 0, false
		}
	}
	if nd > 15 || frac >= len(pow10) {
		return 0, false
	}
	v := float64(m) / pow10[frac]
	if neg {
		v = -v
	}
	return v, true
}

func parseInt(o *flatObj, f *flatField) (int64, bool) {
	if f.str {
		return 0, false
	}
	b := o.val(f)
	if n := len(b); n > 0 && n <= 18 && b[0] != '-' {
		var v int64
		for _, c := range b {
			if c < '0' || c > '9' {
				return 0, false
			}
			v = v*10 + int64(c-'0')
		}
		return v, true
	}
	v, err := strconv.ParseInt(string(b), 10, 64)
	return v, err == nil
}

// parseRFC3339 parses the common shape YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)
// and returns the instant in exchange time. It returns false for anything
// else (the caller falls back to time.Time's own JSON decoding, which gives
// the same instant for every input this accepts).
func parseRFC3339(b []byte) (time.Time, bool) {
	if len(b) < 20 || b[4] != '-' || b[7] != '-' || b[10] != 'T' || b[13] != ':' || b[16] != ':' {
		return time.Time{}, false
	}
	year, ok1 := digits(b[0:4])
	month, ok2 := digits(b[5:7])
	day, ok3 := digits(b[8:10])
	hour, ok4 := digits(b[11:13])
	min, ok5 := digits(b[14:16])
	sec, ok6 := digits(b[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) {
		return time.Time{}, false
	}
	if month < 1 || month > 12 || day < 1 || day > daysIn(month, year) || hour > 23 || min > 59 || sec > 59 {
		return time.Time{}, false
	}
	i := 19
	nsec := 0
	if b[i] == '.' {
		i++
		s := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		nd := i - s
		if nd == 0 || nd > 9 {
			return time.Time{}, false
		}
		v, _ := digits(b[s:i])
		for k := nd; k < 9; k++ {
			v *= 10
		}
		nsec = v
	}
	if i >= len(b) {
		return time.Time{}, false
	}
	offset := 0
	switch b[i] {
	case 'Z':
		i++
	case '+', '-':
		if len(b)-i != 6 || b[i+3] != ':' {
			return time.Time{}, false
		}
		oh, okh := digits(b[i+1 : i+3])
		om, okm := digits(b[i+4 : i+6])
		if !okh || !okm || oh > 23 || om > 59 {
			return time.Time{}, false
		}
		offset = (oh*60 + om) * 60
		if b[i] == '-' {
			offset = -offset
		}
		i += 6
	default:
		return time.Time{}, false
	}
	if i != len(b) {
		return time.Time{}, false
	}
	secs := daysFromCivil(year, month, day)*86400 + int64(hour*3600+min*60+sec) - int64(offset)
	return zoneOf(time.Unix(secs, int64(nsec))), true
}

func digits(b []byte) (int, bool) {
	v := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil counts days from 1970-01-01 to the proleptic Gregorian date
// (Howard Hinnant's algorithm).
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}
