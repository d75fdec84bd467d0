package watchlist

import "testing"

// A number too wide for its column loses its grouping, then decimals
// (rounded), then shows '#'s: never a figure with digits cut off.
func TestFitNumber(t *testing.T) {
	tests := []struct {
		in    string
		width int
		want  string
	}{
		{"699,999.99", 9, "699999.99"},
		{"699,999.99", 8, "700000.0"},
		{"699,999.99", 6, "700000"},
		{"699,999.99", 5, "#####"},
		{"−12,345.68", 8, "−12345.7"},
		{"−12,345.68", 6, "−12346"},
		{"+1,234.56%", 7, "+1235%"},
		{"−$1634381.0B", 8, "########"},
		{"118.42", 4, "118"},
		{"118.42", 2, "##"},
		{"−0.0000034", 8, "########"}, // never rounded to a zero
		{"0.000034", 7, "0.00003"},    // fewer digits, never zero
		{"3.4e-07", 6, "######"},
	}
	for _, tc := range tests {
		if got := fitNumber(tc.in, tc.width); got != tc.want {
			t.Errorf("fitNumber(%q, %d) = %q, want %q", tc.in, tc.width, got, tc.want)
		}
	}
}
