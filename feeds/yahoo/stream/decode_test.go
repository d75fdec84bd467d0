package stream

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protowire"
)

func sample() Tick {
	return Tick{
		Symbol: "NVDA", Price: 118.42, Time: time.UnixMilli(1737988200000).UTC(), Hours: HoursRegular,
		ChangePct: -16.97, Change: -24.2, DayVolume: 818_830_900, DayHigh: 128.4, DayLow: 116.7,
		Open: 124.8, PrevClose: 142.62,
	}
}

func TestDecodeRoundTrip(t *testing.T) {
	want := sample()
	got, err := Decode(Encode(want))
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
	// version 1 sent the bare base64 text
	got, err = Decode([]byte(base64.StdEncoding.EncodeToString(EncodePricing(want))))
	if err != nil || got != want {
		t.Fatalf("bare base64: %+v, %v", got, err)
	}
}

func TestDecodeSkipsUnknownFields(t *testing.T) {
	b := EncodePricing(sample())
	b = protowire.AppendTag(b, 4, protowire.BytesType) // currency
	b = protowire.AppendString(b, "USD")
	b = protowire.AppendTag(b, 6, protowire.VarintType) // quoteType
	b = protowire.AppendVarint(b, 8)
	b = protowire.AppendTag(b, 99, protowire.Fixed64Type)
	b = protowire.AppendFixed64(b, 7)
	got, err := DecodePricing(b)
	if err != nil || got != sample() {
		t.Fatalf("got %+v, %v", got, err)
	}
}

func TestDecodeRefuses(t *testing.T) {
	noPrice := sample()
	noPrice.Price = 0
	wrongType := protowire.AppendTag(nil, 2, protowire.VarintType)
	wrongType = protowire.AppendVarint(wrongType, 5)
	b64 := func(b []byte) string {
		return `{"type":"pricing","message":"` + base64.StdEncoding.EncodeToString(b) + `"}`
	}
	longSym := sample()
	longSym.Symbol = strings.Repeat("A", MaxSymbolLen+1)
	ctrlSym := sample()
	ctrlSym.Symbol = "NV\x1bDA"
	for name, tc := range map[string]struct {
		frame string
		want  error
	}{
		"empty":          {"", ErrBadSymbol},
		"not_json":       {"{nope", ErrBadFrame},
		"other_type":     {`{"type":"heartbeat","message":"x"}`, ErrNotPrice},
		"no_message":     {`{"type":"pricing"}`, ErrNotPrice},
		"bad_base64":     {`{"message":"!!!"}`, ErrBadFrame},
		"truncated":      {b64(EncodePricing(sample())[:9]), ErrBadFrame},
		"no_price":       {b64(EncodePricing(noPrice)), ErrBadFrame},
		"wrong_wiretype": {b64(wrongType), ErrBadFrame},
		"long_symbol":    {b64(EncodePricing(longSym)), ErrBadSymbol},
		"control_symbol": {b64(EncodePricing(ctrlSym)), ErrBadSymbol},
		"too_big":        {`{"message":"` + strings.Repeat("A", MaxFrame) + `"}`, ErrTooBig},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Decode([]byte(tc.frame))
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}

func TestFloat32Widening(t *testing.T) {
	for _, p := range []float64{130.28, 0.01, 6083.57, 19341.83} {
		tk := sample()
		tk.Price = p
		got, err := Decode(Encode(tk))
		if err != nil || got.Price != p {
			t.Fatalf("%v: got %v, %v", p, got.Price, err)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(Encode(sample()))
	f.Add(EncodePricing(sample()))
	f.Add([]byte(`{"type":"pricing","message":"CgROVkRB"}`))
	f.Add([]byte("{}"))
	f.Fuzz(func(t *testing.T, frame []byte) {
		tk, err := Decode(frame)
		if err != nil {
			return
		}
		if tk.Symbol == "" || len(tk.Symbol) > MaxSymbolLen || !(tk.Price > 0) || tk.DayVolume < 0 || tk.Hours > HoursExtended {
			t.Fatalf("accepted a bad tick %+v", tk)
		}
		// what was accepted encodes and decodes to the same
		again, err := DecodePricing(EncodePricing(tk))
		if err != nil || again.Symbol != tk.Symbol || again.Price != tk.Price {
			t.Fatalf("round trip %+v -> %+v, %v", tk, again, err)
		}
	})
}

func BenchmarkDecode(b *testing.B) {
	frame := Encode(sample())
	b.SetBytes(int64(len(frame)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(frame); err != nil {
			b.Fatal(err)
		}
	}
}
