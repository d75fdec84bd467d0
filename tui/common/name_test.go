package common

import "testing"

func TestShortName(t *testing.T) {
	for _, c := range []struct {
		name string
		w    int
		want string
	}{
		{"NVIDIA Corporation", 30, "NVIDIA"},
		{"Alphabet Inc. (Class A)", 30, "Alphabet (Class A)"},
		{"Alphabet Inc. (Class A)", 12, "Alphabet"},
		{"Arm Holdings (ADR)", 12, "Arm Holdings"},
		{"Arm Holdings (ADR)", 8, "Arm"},
		{"Taiwan Semiconductor Manufacturing", 12, "Taiwan Semi…"},
		{"Apple Inc.", 12, "Apple"},
	} {
		if got := ShortName(c.name, c.w, "…"); got != c.want {
			t.Errorf("ShortName(%q, %d) = %q, want %q", c.name, c.w, got, c.want)
		}
	}
}
