package csvimport

import (
	"testing"
)

func TestNormNumber(t *testing.T) {
	tests := []struct {
		in           string
		decimalComma bool
		integer      bool
		want         string // "" = refused
	}{
		{"142.50", false, false, "142.50"},
		{"1,241.50", false, false, "1241.50"},
		{"1,234,567", false, false, "1234567"},
		{"-1,234", false, false, "-1234"},
		{"141,5", false, false, ""},     // a decimal comma in a comma file: never 1415
		{"141,50", false, false, ""},    // same
		{"1,2345.6", false, false, ""},  // not whole groups of three
		{",123", false, false, ""},      // no first group
		{"141,5", true, false, "141.5"}, // ';' files: the comma is the decimal mark
		{"1.241,50", true, false, "1241.50"},
		{"1.234.567", true, false, "1234567"},
		{"142.50", true, false, "142.50"},
		{"1,2,3", true, false, ""},
		{"12.34,5", true, false, ""},
		{"123.456", true, true, "123456"}, // a count: the dot groups
		{"123.456", true, false, ""},      // a price: ambiguous, refused
		{"0.125", true, false, "0.125"},   // never a grouping
		{"1.5", true, true, "1.5"},        // 1.5M: the suffix is handled apart
	}
	for _, tc := range tests {
		got, ok := normNumber(tc.in, tc.decimalComma, tc.integer)
		if (tc.want == "") == ok || got != tc.want {
			t.Errorf("normNumber(%q, %v, %v) = %q, %v; want %q", tc.in, tc.decimalComma, tc.integer, got, ok, tc.want)
		}
	}
}
