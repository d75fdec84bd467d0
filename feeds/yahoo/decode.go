package yahoo

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"

	finance "github.com/piquette/finance-go"

	"github.com/selloff/selloff/snapshots"
)

// decode checks a 200 body and unmarshals it into finance-go's value v.
// finance-go cannot tell an empty or mis-shaped answer from "no symbols" and
// panics on an empty chart result or short arrays, so the shape is checked
// here first.
func decode(path string, body []byte, v any) error {
	_, err := decodeBad(path, body, v)
	return err
}

// decodeBad is decode that also names the quote fields it dropped
// ("NVDA marketCap"): one field Yahoo sends in a shape finance-go cannot
// take (a marketCap with a fraction into an int) is a missing value for
// that symbol, not a lost poll for every symbol.
func decodeBad(path string, body []byte, v any) (bad []string, err error) {
	trim := bytes.TrimSpace(body)
	if len(trim) == 0 {
		return nil, &Error{Kind: KindMalformed, Status: 200, Path: path, Detail: "empty body"}
	}
	if trim[0] == '<' {
		return nil, &Error{Kind: KindMalformed, Status: 200, Path: path, Detail: "an HTML page instead of JSON"}
	}
	switch {
	case strings.HasPrefix(path, "v7/finance/quote"):
		// Decode first, then look at what finance-go's value holds: a
		// second pass over the body just to check the envelope would cost
		// about 40% more.
		if v != nil {
			if err := json.Unmarshal(trim, v); err != nil {
				var te *json.UnmarshalTypeError
				if !errors.As(err, &te) {
					return nil, &Error{Kind: KindMalformed, Status: 200, Path: path, Detail: jsonWords(err)}
				}
				if bad, err = decodeRows(trim, v); err != nil {
					return nil, &Error{Kind: KindMalformed, Status: 200, Path: path, Detail: err.Error()}
				}
			}
			if err, ok := quoteShape(v); ok {
				if err != nil {
					return nil, &Error{Kind: KindMalformed, Status: 200, Path: path, Detail: err.Error()}
				}
				return bad, nil
			}
		}
		if err := checkQuote(trim); err != nil {
			return nil, &Error{Kind: KindMalformed, Status: 200, Path: path, Detail: err.Error()}
		}
	case strings.HasPrefix(path, "v8/finance/chart/"):
		if err := checkChart(trim); err != nil {
			var ye *yahooErr
			if errors.As(err, &ye) {
				return nil, &Error{Kind: KindRemote, Status: 200, Path: path, Detail: ye.desc}
			}
			return nil, &Error{Kind: KindMalformed, Status: 200, Path: path, Detail: err.Error()}
		}
	}
	if v == nil {
		return nil, nil
	}
	if err := json.Unmarshal(trim, v); err != nil {
		return nil, &Error{Kind: KindMalformed, Status: 200, Path: path, Detail: jsonWords(err)}
	}
	return nil, nil
}

type yahooErr struct{ desc string }

func (e *yahooErr) Error() string { return e.desc }

func jsonWords(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return "bad JSON: " + se.Error()
	case errors.As(err, &te):
		return fmt.Sprintf("unexpected %s for field %q", te.Value, te.Field)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "truncated JSON"
	}
	return "bad JSON: " + err.Error()
}

// quoteShape checks the envelope inside finance-go's decoded quote response
// (struct{ Inner struct{ Result []*T; Error *YfinError } }). ok is false
// when v does not have that shape; then checkQuote must run on the body.
func quoteShape(v any) (err error, ok bool) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct || rv.Elem().NumField() != 1 {
		return nil, false
	}
	inner := rv.Elem().Field(0)
	if inner.Kind() != reflect.Struct {
		return nil, false
	}
	res, yerr := inner.FieldByName("Result"), inner.FieldByName("Error")
	if !res.IsValid() || res.Kind() != reflect.Slice || !yerr.IsValid() || yerr.Type() != reflect.TypeFor[*finance.YfinError]() {
		return nil, false
	}
	if e := yerr.Interface().(*finance.YfinError); e != nil {
		return fmt.Errorf("Yahoo reported %s: %s", e.Code, e.Description), true
	}
	if res.IsNil() {
		return errors.New("the quote answer has no result list"), true
	}
	return nil, true
}

// checkQuote validates the quote envelope cheaply: result elements are
// skipped, not decoded.
func checkQuote(body []byte) error {
	var env struct {
		R *struct {
			Result *[]struct{}        `json:"result"`
			Error  *finance.YfinError `json:"error"`
		} `json:"quoteResponse"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return errors.New(jsonWords(err))
	}
	switch {
	case env.R == nil:
		return errors.New("no quoteResponse in the answer")
	case env.R.Error != nil:
		return fmt.Errorf("Yahoo reported %s: %s", env.R.Error.Code, env.R.Error.Description)
	case env.R.Result == nil:
		return errors.New("the quote answer has no result list")
	}
	return nil
}

// checkChart validates the chart envelope: one result, the quote arrays as
// long as the timestamps.
func checkChart(body []byte) error {
	var env struct {
		C *struct {
			Result []*struct {
				Timestamp  []int64 `json:"timestamp"`
				Indicators *struct {
					Quote []*struct {
						Open   []*float64 `json:"open"`
						High   []*float64 `json:"high"`
						Low    []*float64 `json:"low"`
						Close  []*float64 `json:"close"`
						Volume []*float64 `json:"volume"`
					} `json:"quote"`
					Adjclose *[]*struct {
						Adjclose []*float64 `json:"adjclose"`
					} `json:"adjclose"`
				} `json:"indicators"`
			} `json:"result"`
			Error *finance.YfinError `json:"error"`
		} `json:"chart"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return errors.New(jsonWords(err))
	}
	switch {
	case env.C == nil:
		return errors.New("no chart in the answer")
	case env.C.Error != nil:
		return &yahooErr{desc: env.C.Error.Description}
	case len(env.C.Result) == 0 || env.C.Result[0] == nil:
		return errors.New("the chart answer has no result")
	}
	r := env.C.Result[0]
	if r.Indicators == nil || len(r.Indicators.Quote) == 0 || r.Indicators.Quote[0] == nil {
		return errors.New("the chart answer has no price arrays")
	}
	n := len(r.Timestamp)
	if ac := r.Indicators.Adjclose; ac != nil && (len(*ac) == 0 || ((*ac)[0] != nil && len((*ac)[0].Adjclose) < n)) {
		return errors.New("the chart's adjusted closes do not match its timestamps")
	}
	if n == 0 {
		return nil // no data: Yahoo omits timestamp and sends quote [{}]
	}
	q := r.Indicators.Quote[0]
	if len(q.Open) != n || len(q.High) != n || len(q.Low) != n || len(q.Close) != n || len(q.Volume) != n {
		return fmt.Errorf("the chart's price arrays do not match its %d timestamps", n)
	}
	return nil
}

// maxBadNames bounds the list of dropped fields a poll reports.
const maxBadNames = 20

// decodeRows decodes a quote answer row by row and, in a row that does not
// decode, field by field: a field whose value does not fit finance-go's type
// is left out (reported as "SYMBOL field"), the rest of the row and every
// other row are kept. v is finance-go's quote response (see quoteShape).
// When no row keeps its price (every number sent in another shape), the
// answer as a whole is malformed.
func decodeRows(body []byte, v any) (bad []string, err error) {
	var env struct {
		R *struct {
			Result []json.RawMessage  `json:"result"`
			Error  *finance.YfinError `json:"error"`
		} `json:"quoteResponse"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, errors.New(jsonWords(err))
	}
	if env.R == nil {
		return nil, errors.New("no quoteResponse in the answer")
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct || rv.Elem().NumField() != 1 {
		return nil, errors.New("cannot decode the quote answer field by field")
	}
	inner := rv.Elem().Field(0)
	res, yerr := inner.FieldByName("Result"), inner.FieldByName("Error")
	if inner.Kind() != reflect.Struct || !res.IsValid() || res.Kind() != reflect.Slice || !yerr.IsValid() || yerr.Type() != reflect.TypeFor[*finance.YfinError]() {
		return nil, errors.New("cannot decode the quote answer field by field")
	}
	yerr.Set(reflect.ValueOf(env.R.Error))
	if env.R.Result == nil {
		res.Set(reflect.Zero(res.Type()))
		return nil, nil
	}
	elem := res.Type().Elem() // *finance.Equity and the like
	if elem.Kind() != reflect.Pointer {
		return nil, errors.New("cannot decode the quote answer field by field")
	}
	out := reflect.MakeSlice(res.Type(), 0, len(env.R.Result))
	priced, rows := 0, 0
	for _, raw := range env.R.Result {
		row := reflect.New(elem.Elem())
		if json.Unmarshal(raw, row.Interface()) == nil {
			out = reflect.Append(out, row)
			priced++
			rows++
			continue
		}
		var fields map[string]json.RawMessage
		if json.Unmarshal(raw, &fields) != nil {
			continue // not an object: no symbol to keep
		}
		rows++
		sym := ""
		if s, ok := fields["symbol"]; ok {
			_ = json.Unmarshal(s, &sym)
		}
		sym, _ = snapshots.CleanText(sym)
		if len(sym) > 20 {
			sym = sym[:20]
		}
		lostPrice := false
		for k, val := range fields {
			probe := reflect.New(elem.Elem())
			one, _ := json.Marshal(map[string]json.RawMessage{k: val})
			if json.Unmarshal(one, probe.Interface()) != nil {
				delete(fields, k)
				if len(bad) < maxBadNames {
					name, _ := snapshots.CleanText(k)
					if len(name) > 40 {
						name = name[:40]
					}
					bad = append(bad, strings.TrimSpace(sym+" "+name))
				}
				lostPrice = lostPrice || k == "regularMarketPrice"
			}
		}
		clean, _ := json.Marshal(fields)
		if json.Unmarshal(clean, row.Interface()) != nil {
			continue
		}
		out = reflect.Append(out, row)
		if !lostPrice {
			priced++
		}
	}
	if rows > 0 && priced == 0 {
		return nil, errors.New("no quote in the answer has a usable price (" + strings.Join(bad, ", ") + ")")
	}
	res.Set(out)
	slices.Sort(bad)
	return bad, nil
}
