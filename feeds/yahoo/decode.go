package yahoo

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	finance "github.com/piquette/finance-go"
)

// decode checks a 200 body and unmarshals it into finance-go's value v.
// finance-go cannot tell an empty or mis-shaped answer from "no symbols" and
// panics on an empty chart result or short arrays, so the shape is checked
// here first.
func decode(path string, body []byte, v any) error {
	trim := bytes.TrimSpace(body)
	if len(trim) == 0 {
		return &Error{Kind: KindMalformed, Status: 200, Path: path, Detail: "empty body"}
	}
	if trim[0] == '<' {
		return &Error{Kind: KindMalformed, Status: 200, Path: path, Detail: "an HTML page instead of JSON"}
	}
	switch {
	case strings.HasPrefix(path, "v7/finance/quote"):
		// Decode first, then look at what finance-go's value holds: a
		// second pass over the body just to check the envelope would cost
		// about 40% more.
		if v != nil {
			if err := json.Unmarshal(trim, v); err != nil {
				return &Error{Kind: KindMalformed, Status: 200, Path: path, Detail: jsonWords(err)}
			}
			if err, ok := quoteShape(v); ok {
				if err != nil {
					return &Error{Kind: KindMalformed, Status: 200, Path: path, Detail: err.Error()}
				}
				return nil
			}
		}
		if err := checkQuote(trim); err != nil {
			return &Error{Kind: KindMalformed, Status: 200, Path: path, Detail: err.Error()}
		}
	case strings.HasPrefix(path, "v8/finance/chart/"):
		if err := checkChart(trim); err != nil {
			var ye *yahooErr
			if errors.As(err, &ye) {
				return &Error{Kind: KindRemote, Status: 200, Path: path, Detail: ye.desc}
			}
			return &Error{Kind: KindMalformed, Status: 200, Path: path, Detail: err.Error()}
		}
	}
	if v == nil {
		return nil
	}
	if err := json.Unmarshal(trim, v); err != nil {
		return &Error{Kind: KindMalformed, Status: 200, Path: path, Detail: jsonWords(err)}
	}
	return nil
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
