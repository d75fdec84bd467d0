package common

import (
	"math"
	"testing"

	"github.com/selloff/selloff/snapshots"
)

func TestFormat(t *testing.T) {
	cases := []struct{ got, want string }{
		{Price(118.42), "118.42"},
		{Price(21127.484), "21,127.48"},
		{Price(1234567.891), "1,234,567.89"},
		{Price(0.004), "0.0040"}, // a real price never reads as 0.00
		{Price(0.0034), "0.0034"},
		{Price(0.5123), "0.5123"},
		{Price(0.000034), "0.000034"},
		{Price(1e-300), "1.0e-300"},
		{Price(0), "0.00"},
		{Price(-5.5), Minus + "5.50"},
		{Change(-24.2, 118.42), Minus + "24.20"},
		{Number(19300, 0), "19,300"},
		{Number(-2.5, 1), Minus + "2.5"},
		{Number(-0.001, 1), "0.0"},
		{Change(1.234, 118.42), "+1.23"},
		{Change(0.001, 0.0034), "+0.0010"}, // a penny stock's move
		{Change(-0.0008, 0.0042), Minus + "0.00080"},
		{Change(0, 0.0034), "0.00"},
		{Change(118.42-118.41999816894531, 118.42), "0.00"}, // float noise at a normal price
		{Change(1e-13, 50), "0.00"},
		{Pct(-16.97), Minus + "16.97%"},
		{Pct(0.52), "+0.52%"},
		{Pct(0), "0.00%"},
		{Dollars(-592.7e9), Minus + "$592.7B"},
		{Dollars(-1.1749e12), Minus + "$1.17T"},
		{Dollars(3.14e9), "+$3.1B"},
		{Dollars(999.96e9), "+$1.00T"},
		{Dollars(0), "$0.0B"},
		{Dollars(0.01e9), "$0.0B"},
		{DollarsAbs(-3.41e12), "$3.41T"},
		{Volume(845), "845"},
		{Volume(12345), "12.3K"},
		{Volume(4_560_000), "4.56M"},
		{Volume(1_200_000_000), "1.20B"},
		{ASCII("NVDA ▼ " + Dollars(-592.7e9)), "NVDA v -$592.7B"},
		{Arrow(-1, GlyphsASCII), "v"},
		{Arrow(1, GlyphsBraille), "▲"},
	}
	for i, c := range cases {
		if c.got != c.want {
			t.Errorf("%d: got %q, want %q", i, c.got, c.want)
		}
	}
}

// Values no pane can print as a number: NaN and ±Inf are missing, huge
// finite ones (a 1e300 price, a market value past $10,000T) overflow; no
// formatter prints hundreds of digits, "NaN" or "+Inf".
func TestNonFiniteAndHugeValues(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	for name, got := range map[string]string{
		"Price NaN": Price(nan), "Price Inf": Price(-inf), "Change NaN": Change(nan, 1), "Pct Inf": Pct(inf),
		"Dollars NaN": Dollars(nan), "DollarsAbs Inf": DollarsAbs(-inf), "Number NaN": Number(nan, 2),
	} {
		if got != Missing {
			t.Errorf("%s = %q, want %q", name, got, Missing)
		}
	}
	for name, got := range map[string]string{
		"Price 1e300": Price(1e300), "Price -1e300": Price(-1e300), "Change 1e300": Change(1e300, 1e300),
		"Pct 1e300": Pct(1e300), "Dollars 1e300": Dollars(1e300), "Number MaxFloat64": Number(math.MaxFloat64, 0),
		"Volume MaxInt64": Volume(math.MaxInt64),
	} {
		if got != Overflow {
			t.Errorf("%s = %q, want %q", name, got, Overflow)
		}
	}
	if got := Price(999_999.5); got != "999,999.50" {
		t.Errorf("a large real price: %q", got)
	}
}

// TestReportedMove: a bound reads as the source named it, never as the
// centre of the range it is stored as.
func TestReportedMove(t *testing.T) {
	for _, c := range []struct {
		v, tol float64
		bound  string
		want   string
	}{
		{-11.5, 0.5, snapshots.BoundOver, "<−11%"},
		{-14.5, 0.5, snapshots.BoundOver, "<−14%"},
		{-7.5, 0.5, snapshots.BoundUnder, ">−8%"},
		{15.5, 0.5, snapshots.BoundOver, ">+15%"},
		{7.5, 0.5, snapshots.BoundUnder, "<+8%"},
		{-6.9, 0.05, "", "−6.9%"},
		{-9, 0.5, "", "−9%"},
	} {
		if got := ReportedMove(c.v, c.tol, c.bound); got != c.want {
			t.Errorf("ReportedMove(%v, %v, %q) = %q, want %q", c.v, c.tol, c.bound, got, c.want)
		}
	}
}
