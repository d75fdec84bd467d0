package stream

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"google.golang.org/protobuf/encoding/protowire"
)

// Decoding bounds: a frame bigger than MaxFrame is refused before it is
// read in full (the websocket read limit), and a symbol longer than
// MaxSymbolLen is refused. Yahoo's frames are a few hundred bytes.
const (
	MaxFrame     = 16 << 10
	MaxSymbolLen = 32
	// MaxSymbols is the most symbols one connection subscribes to.
	MaxSymbols = 1000
)

// Hours is PricingData's market_hours.
type Hours int

const (
	HoursPre      Hours = 0
	HoursRegular  Hours = 1
	HoursPost     Hours = 2
	HoursExtended Hours = 3 // overnight
)

func (h Hours) String() string {
	switch h {
	case HoursPre:
		return "pre"
	case HoursRegular:
		return "regular"
	case HoursPost:
		return "post"
	case HoursExtended:
		return "extended"
	}
	return fmt.Sprintf("hours(%d)", int(h))
}

// Tick is one decoded PricingData message. Fields Yahoo left out are zero;
// a price is always present (a message without one is an error).
type Tick struct {
	Symbol    string
	Price     float64
	Time      time.Time // the trade time Yahoo sends (zero when absent)
	Hours     Hours
	ChangePct float64
	Change    float64
	DayVolume int64
	DayHigh   float64
	DayLow    float64
	Open      float64
	PrevClose float64
}

// Errors a frame can give; all are counted, none ends the stream.
var (
	ErrTooBig    = errors.New("stream frame too big")
	ErrNotPrice  = errors.New("stream frame carries no pricing message")
	ErrBadFrame  = errors.New("stream frame is not valid")
	ErrBadSymbol = errors.New("stream frame has no usable symbol")
)

// envelope is the JSON frame of version=2: {"type":"pricing","message":"<base64>"}.
type envelope struct {
	Type    string `json:"type"`
	Message string `json:"message"`
}

// Decode reads one websocket frame: the JSON envelope (or, as version 1
// sent, the bare base64 text), then the protobuf PricingData in it.
func Decode(frame []byte) (Tick, error) {
	if len(frame) > MaxFrame {
		return Tick{}, ErrTooBig
	}
	msg := frame
	if len(frame) > 0 && frame[0] == '{' {
		var e envelope
		if err := json.Unmarshal(frame, &e); err != nil {
			return Tick{}, fmt.Errorf("%w: %v", ErrBadFrame, err)
		}
		if e.Type != "" && e.Type != "pricing" || e.Message == "" {
			return Tick{}, ErrNotPrice
		}
		msg = []byte(e.Message)
	}
	buf := make([]byte, base64.StdEncoding.DecodedLen(len(msg)))
	n, err := base64.StdEncoding.Decode(buf, msg)
	if err != nil {
		return Tick{}, fmt.Errorf("%w: base64: %v", ErrBadFrame, err)
	}
	return DecodePricing(buf[:n])
}

// DecodePricing reads the protobuf PricingData message. Unknown fields
// are skipped; a known field with the wrong wire type is an error.
func DecodePricing(b []byte) (Tick, error) {
	var t Tick
	hasPrice := false
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return Tick{}, fmt.Errorf("%w: %v", ErrBadFrame, protowire.ParseError(n))
		}
		b = b[n:]
		want, known := fieldTypes[num]
		if !known {
			n = protowire.ConsumeFieldValue(num, typ, b)
			if n < 0 {
				return Tick{}, fmt.Errorf("%w: field %d: %v", ErrBadFrame, num, protowire.ParseError(n))
			}
			b = b[n:]
			continue
		}
		if typ != want {
			return Tick{}, fmt.Errorf("%w: field %d has wire type %d", ErrBadFrame, num, typ)
		}
		switch typ {
		case protowire.BytesType:
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return Tick{}, fmt.Errorf("%w: field %d: %v", ErrBadFrame, num, protowire.ParseError(n))
			}
			b = b[n:]
			if len(v) == 0 || len(v) > MaxSymbolLen {
				return Tick{}, ErrBadSymbol
			}
			for _, c := range v {
				if c <= ' ' || c > '~' {
					return Tick{}, ErrBadSymbol
				}
			}
			t.Symbol = string(v)
		case protowire.Fixed32Type:
			v, n := protowire.ConsumeFixed32(b)
			if n < 0 {
				return Tick{}, fmt.Errorf("%w: field %d: %v", ErrBadFrame, num, protowire.ParseError(n))
			}
			b = b[n:]
			f := float32to64(math.Float32frombits(v))
			if math.IsNaN(f) || math.IsInf(f, 0) {
				return Tick{}, fmt.Errorf("%w: field %d is not a number", ErrBadFrame, num)
			}
			switch num {
			case 2:
				t.Price, hasPrice = f, true
			case 8:
				t.ChangePct = f
			case 10:
				t.DayHigh = f
			case 11:
				t.DayLow = f
			case 12:
				t.Change = f
			case 15:
				t.Open = f
			case 16:
				t.PrevClose = f
			}
		case protowire.VarintType:
			v, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return Tick{}, fmt.Errorf("%w: field %d: %v", ErrBadFrame, num, protowire.ParseError(n))
			}
			b = b[n:]
			switch num {
			case 3:
				ms := protowire.DecodeZigZag(v)
				if ms < 0 || ms > 1<<50 { // beyond year 37000: nonsense
					return Tick{}, fmt.Errorf("%w: time %d", ErrBadFrame, ms)
				}
				t.Time = time.UnixMilli(ms).UTC()
			case 7:
				if v > 3 {
					return Tick{}, fmt.Errorf("%w: market_hours %d", ErrBadFrame, v)
				}
				t.Hours = Hours(v)
			case 9:
				t.DayVolume = max(protowire.DecodeZigZag(v), 0)
			}
		}
	}
	if t.Symbol == "" {
		return Tick{}, ErrBadSymbol
	}
	if !hasPrice || !(t.Price > 0) {
		return Tick{}, fmt.Errorf("%w: no positive price", ErrBadFrame)
	}
	return t, nil
}

// float32to64 widens a float32 to the shortest decimal that reads back as
// it (130.28, not 130.27999877929688): the price Yahoo meant.
func float32to64(f float32) float64 {
	var buf [32]byte
	v, err := strconv.ParseFloat(string(strconv.AppendFloat(buf[:0], float64(f), 'g', -1, 32)), 64)
	if err != nil {
		return float64(f)
	}
	return v
}

// fieldTypes are the PricingData fields selloff reads, with their wire
// types (pricing.proto: id string, price float, time sint64, market_hours
// enum, change_percent float, day_volume sint64, day_high, day_low,
// change, open, previous_close float).
var fieldTypes = map[protowire.Number]protowire.Type{
	1: protowire.BytesType, 2: protowire.Fixed32Type, 3: protowire.VarintType,
	7: protowire.VarintType, 8: protowire.Fixed32Type, 9: protowire.VarintType,
	10: protowire.Fixed32Type, 11: protowire.Fixed32Type, 12: protowire.Fixed32Type,
	15: protowire.Fixed32Type, 16: protowire.Fixed32Type,
}

// Encode is the inverse of Decode, for fakes and tests: a version=2 JSON
// frame carrying t as base64 protobuf.
func Encode(t Tick) []byte {
	b := EncodePricing(t)
	out, _ := json.Marshal(envelope{Type: "pricing", Message: base64.StdEncoding.EncodeToString(b)})
	return out
}

// EncodePricing writes t as a protobuf PricingData message.
func EncodePricing(t Tick) []byte {
	var b []byte
	b = protowire.AppendTag(b, 1, protowire.BytesType)
	b = protowire.AppendString(b, t.Symbol)
	f32 := func(num protowire.Number, v float64) {
		if v != 0 || num == 2 {
			b = protowire.AppendTag(b, num, protowire.Fixed32Type)
			b = protowire.AppendFixed32(b, math.Float32bits(float32(v)))
		}
	}
	f32(2, t.Price)
	if !t.Time.IsZero() {
		b = protowire.AppendTag(b, 3, protowire.VarintType)
		b = protowire.AppendVarint(b, protowire.EncodeZigZag(t.Time.UnixMilli()))
	}
	b = protowire.AppendTag(b, 7, protowire.VarintType)
	b = protowire.AppendVarint(b, uint64(t.Hours))
	f32(8, t.ChangePct)
	if t.DayVolume != 0 {
		b = protowire.AppendTag(b, 9, protowire.VarintType)
		b = protowire.AppendVarint(b, protowire.EncodeZigZag(t.DayVolume))
	}
	f32(10, t.DayHigh)
	f32(11, t.DayLow)
	f32(12, t.Change)
	f32(15, t.Open)
	f32(16, t.PrevClose)
	return b
}
