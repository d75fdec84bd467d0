package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBadPositionExitsTwoNamingThePart(t *testing.T) {
	cases := map[string]string{
		"NVDA:abc@140": `--position "NVDA:abc@140": shares "abc"`,
		"NVDA:100":     `--position "NVDA:100": no "@"`,
		"NVDA:100@0":   `--position "NVDA:100@0": cost 0`,
	}
	for _, cmd := range []string{"replay", "live", "render", "serve"} {
		for in, want := range cases {
			code, _, errs := runCLI(t, cmd, "--config", emptyConfig(t), "--position", "AVGO:1@1", "--position", in)
			if code != exitUsage || !strings.Contains(errs, want) {
				t.Errorf("%s --position %s: exit %d, stderr %q; want 2 and %s", cmd, in, code, errs, want)
			}
		}
	}
}

func TestBadConfigPositionNamesFileAndLine(t *testing.T) {
	p := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(p, []byte("positions:\n  - symbol: NVDA\n    shares: ten\n    cost: 140\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs := runCLI(t, "render", "--config", p)
	if code == exitOK || !strings.Contains(errs, "c.yaml:3: positions: shares \"ten\" is not a number") {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
}

func TestBadAlertExitsTwoNamingTheColumn(t *testing.T) {
	for _, cmd := range []string{"replay", "live", "render", "serve"} {
		code, _, errs := runCLI(t, cmd, "--config", emptyConfig(t), "--alert", "NVDA < 120", "--alert", "NVDA = 120")
		want := "selloff: --alert \"NVDA = 120\": column 6: \"=\" is not an operator: want <, <=, > or >=\n  NVDA = 120\n       ^\n"
		if code != exitUsage || errs != want {
			t.Errorf("%s: exit %d, stderr %q; want 2 and %q", cmd, code, errs, want)
		}
	}
	for args, want := range map[[2]string]string{
		{"portfolio pnl < -5000", ""}:        `alert "portfolio pnl < -5000" is about your positions, and none are given`,
		{"AVGO total < 0", "NVDA:100@140"}:   `alert "AVGO total < 0" is about your position in AVGO, and you have none`,
		{"NVDA < 120", "NVDA:100@140:extra"}: `--position "NVDA:100@140:extra": cost "140:extra"`,
	} {
		argv := []string{"render", "--config", emptyConfig(t), "--alert", args[0]}
		if args[1] != "" {
			argv = append(argv, "--position", args[1])
		}
		code, _, errs := runCLI(t, argv...)
		if code != exitUsage || !strings.Contains(errs, want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %s", argv, code, errs, want)
		}
	}
}
