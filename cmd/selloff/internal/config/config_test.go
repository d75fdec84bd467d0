package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseGood(t *testing.T) {
	src := `
watchlist: mag7
watchlists:
  - name: mag7
    symbols: [AAPL, MSFT, GOOGL, AMZN, META, NVDA, TSLA]
  - name: power
    groups:
      - name: power
        symbols: [VST, CEG]
shares:
  ARM: 1060000000
interval: 10s
theme: light
glyphs: ascii
`
	c, err := Parse(strings.NewReader(src), "c.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if time.Duration(c.Interval) != 10*time.Second || c.Theme != "light" || c.Glyphs != "ascii" {
		t.Fatalf("got %+v", c)
	}
	w, err := c.Find("")
	if err != nil || len(w.AllSymbols()) != 7 {
		t.Fatalf("find: %v %v", w, err)
	}
	if c.Shares["ARM"] != 1060000000 {
		t.Fatal("shares")
	}
	if d, err := c.Find("ai-basket"); err != nil || len(d.AllSymbols()) != 22 {
		t.Fatalf("default basket: %d %v", len(d.AllSymbols()), err)
	}
	if _, err := c.Find("nope"); err == nil || !strings.Contains(err.Error(), "mag7") {
		t.Fatalf("want error naming the watchlists, got %v", err)
	}
}

func TestParseErrorsNameFileAndLine(t *testing.T) {
	cases := map[string]struct {
		src  string
		want string
	}{
		"unknown key":     {"theme: dark\ncolour: red\n", `c.yaml:2: unknown key "colour"`},
		"bad interval":    {"theme: dark\ninterval: soon\n", "c.yaml:2: interval \"soon\""},
		"bad theme":       {"glyphs: ascii\ntheme: neon\n", "c.yaml:2: theme \"neon\""},
		"bad yaml":        {"watchlists: [\n", "c.yaml:"},
		"bad type":        {"shares:\n  ARM: many\n", "c.yaml:2: "},
		"empty list":      {"watchlists:\n  - name: x\n", "c.yaml:2: watchlist \"x\" has no symbols"},
		"bad symbol":      {"watchlists:\n  - name: x\n    symbols: [\"A B\"]\n", "c.yaml:3: watchlist \"x\": bad symbol"},
		"undefined list":  {"watchlist: nope\n", "c.yaml:1: watchlist \"nope\" is not defined"},
		"two documents":   {"glyphs: block\n---\nglyphs: nonsense\n", "c.yaml:2: a second YAML document"},
		"dup list line":   {"watchlists:\n  - name: a\n    symbols: [A]\n  - name: a\n    symbols: [B]\n", "c.yaml:4: watchlist \"a\" is defined twice"},
		"tiny interval":   {"glyphs: block\ninterval: 1ns\n", "c.yaml:2: interval 1ns: at least 1s"},
		"zero interval":   {"glyphs: block\ninterval: 0s\n", "c.yaml:2: interval 0s: at least 1s"},
		"escape in name":  {"watchlists:\n  - name: \"x\\e[2J\"\n    symbols: [A]\n", `c.yaml:2: watchlist "x\x1b[2J": the name has a control character`},
		"escape in group": {"watchlists:\n  - name: x\n    groups:\n      - name: \"g\\a\"\n        symbols: [A]\n", `c.yaml:4: watchlist "x": group "g\a" has a control character`},
		"negative share":  {"shares:\n  ARM: -1\n", "c.yaml:2: shares for ARM must be positive"},
	}
	for name, tc := range cases {
		t.Run(strings.ReplaceAll(name, " ", "_"), func(t *testing.T) {
			_, err := Parse(strings.NewReader(tc.src), "c.yaml")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

// A file that ends with an empty document ("---" last) is fine.
func TestTrailingDocumentMarker(t *testing.T) {
	c, err := Parse(strings.NewReader("glyphs: block\n---\n"), "c.yaml")
	if err != nil || c.Glyphs != "block" {
		t.Fatalf("got %+v, %v", c, err)
	}
}

func TestLoadMissing(t *testing.T) {
	dir := t.TempDir()
	c, err := Load(filepath.Join(dir, "none.yaml"), false)
	if err != nil || c == nil {
		t.Fatalf("implicit missing file: %v", err)
	}
	if _, err := Load(filepath.Join(dir, "none.yaml"), true); err == nil {
		t.Fatal("explicit missing file must fail")
	}
	p := filepath.Join(dir, "c.yaml")
	os.WriteFile(p, []byte("theme: dark\n"), 0o644)
	c, err = Load(p, true)
	if err != nil || c.Path != p || c.Theme != "dark" {
		t.Fatalf("%v %+v", err, c)
	}
}

func TestDefaultPathHonoursXDG(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", "/x")
	p, _ := DefaultPath()
	if p != filepath.Join("/x", "selloff", "config.yaml") {
		t.Fatal(p)
	}
}

func TestPositions(t *testing.T) {
	src := `theme: dark
positions:
  - symbol: nvda
    shares: 100
    cost: 140.00
  - {symbol: AVGO, shares: -20, cost: "$230.5", lot: 2025-01-27}
`
	c, err := Parse(strings.NewReader(src), "c.yaml")
	if err != nil {
		t.Fatal(err)
	}
	got := c.Portfolio()
	if len(got) != 2 || got[0].Symbol != "NVDA" || got[0].Shares != 100 || got[0].Cost != 140 ||
		got[1].Shares != -20 || got[1].Cost != 230.5 || got[1].Lot != "2025-01-27" || c.Positions[1].Line != 6 {
		t.Fatalf("got %+v %+v", got, c.Positions)
	}
	bad := map[string]string{
		"positions:\n  - symbol: NVDA\n    shares: lots\n    cost: 1\n":             `c.yaml:3: positions: shares "lots" is not a number`,
		"positions:\n  - symbol: NVDA\n    cost: 1\n":                               "c.yaml:2: positions: the entry has no shares",
		"positions:\n  - symbol: NVDA\n    shares: 0\n    cost: 1\n":                `c.yaml:2: positions: "NVDA": shares 0`,
		"positions:\n  - symbol: NVDA\n    shares: 1\n    cost: -1\n":               `c.yaml:2: positions: "NVDA": cost -1`,
		"positions:\n  - symbol: NVDA\n    shares: 1\n    cost: 1\n    lot: soon\n": `c.yaml:2: positions: "NVDA": lot date "soon"`,
		"positions:\n  - symbol: NVDA\n    shares: 1\n    cost: 1\n    price: 3\n":  `c.yaml:5: positions: unknown key "price"`,
		"positions:\n  - symbol: \"N D\"\n    shares: 1\n    cost: 1\n":             `c.yaml:2: positions: "N D": symbol "N D"`,
		"positions:\n  - NVDA\n": "c.yaml:2: positions: each entry is a mapping",
		"positions:\n  - symbol: [NVDA]\n    shares: 1\n    cost: 1\n":              "c.yaml:2: positions: symbol: want a single value",
		"positions:\n  - symbol: NVDA\n    shares: 1\n    shares: 2\n    cost: 1\n": `c.yaml:4: positions: "shares" is given twice`,
	}
	for src, want := range bad {
		_, err := Parse(strings.NewReader(src), "c.yaml")
		if err == nil || !strings.HasPrefix(err.Error(), want) || len(err.Error()) > 300 {
			t.Errorf("%.100q: got %.300v, want %s", src, err, want)
		}
	}
}

func TestAlerts(t *testing.T) {
	c, err := Parse(strings.NewReader("alerts:\n  - NVDA < 120\n  - \"basket < -1T\"\n"), "c.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got := c.AlertList(); len(got) != 2 || got[0].Symbol != "NVDA" || got[1].Threshold != -1e12 || c.Alerts[1].Line != 3 {
		t.Fatalf("got %+v", c.Alerts)
	}
	for src, want := range map[string]string{
		"alerts:\n  - " + strings.Repeat("N", 100_000) + "\n":                                  `c.yaml:2: alerts: "NNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNN"… (100000 bytes): column 200: too long`,
		"positions:\n  - {symbol: " + strings.Repeat("N", 100_000) + ", shares: 1, cost: 1}\n": `c.yaml:2: positions: "NNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNN"… (100000 bytes): symbol "NNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNN"…: want`,
		"alerts:\n  - NVDA < 120\n  - NVDA = 120\n":                                            `c.yaml:3: alerts: "NVDA = 120": column 6: "=" is not an operator`,
		"alerts:\n  - {NVDA: 120}\n":                                                           "c.yaml:2: alerts: each entry is an expression",
	} {
		_, err := Parse(strings.NewReader(src), "c.yaml")
		if err == nil || !strings.HasPrefix(err.Error(), want) || len(err.Error()) > 300 {
			t.Errorf("%.100q: got %.300v, want %s", src, err, want)
		}
	}
}

// A config over MaxSize is refused, never read in part: a truncated file
// could otherwise parse as something else.
func TestParseRefusesHugeFile(t *testing.T) {
	src := "watchlist: mag7\n# " + strings.Repeat("x", MaxSize) + "\n"
	_, err := Parse(strings.NewReader(src), "big.yaml")
	if err == nil || !strings.Contains(err.Error(), "big.yaml: larger than 4 MiB") {
		t.Fatalf("err = %v", err)
	}
	// just under the bound is read
	src = "theme: dark\n# " + strings.Repeat("x", MaxSize-40) + "\n"
	if c, err := Parse(strings.NewReader(src), "ok.yaml"); err != nil || c.Theme != "dark" {
		t.Fatalf("%v %+v", err, c)
	}
}

// Aliases that repeat a big value past MaxSize are refused before the
// config is decoded.
func TestParseRefusesAliasExpansion(t *testing.T) {
	var b strings.Builder
	b.WriteString("theme: &b \"" + strings.Repeat("A", 1<<20) + "\"\nwatchlists:\n  - name: w\n    symbols: [")
	for i := 0; i < 10; i++ {
		b.WriteString("*b, ")
	}
	b.WriteString("NVDA]\n")
	_, err := Parse(strings.NewReader(b.String()), "bomb.yaml")
	if err == nil || !strings.Contains(err.Error(), "aliases (*name) repeat values past 4 MiB") {
		t.Fatalf("err = %.300v", err)
	}
}

// A file that is not a config (a password file given by mistake) is
// refused without its text in the message.
func TestParseErrorsDoNotPrintTheFile(t *testing.T) {
	for _, doc := range []string{
		"root:$6$secretsalt$hash:19000:0:99999:7:::\n",
		"rootsecret$6$salthash\n",
		"watchlist: [rootsecret$6$salthash]\n",
	} {
		_, err := Parse(strings.NewReader(doc), "/etc/shadow")
		if err == nil || strings.Contains(err.Error(), "secret") || strings.Contains(err.Error(), "roots") {
			t.Errorf("%q: %v", doc, err)
		}
	}
}

// A value quoted back in an error is cut to a short prefix.
func TestParseQuotesShortPrefix(t *testing.T) {
	_, err := Parse(strings.NewReader("theme: "+strings.Repeat("d", 100_000)+"\n"), "c.yaml")
	if err == nil || len(err.Error()) > 200 || !strings.Contains(err.Error(), "(100000 bytes)") {
		t.Fatalf("err = %.300v", err)
	}
}

func TestUserAgent(t *testing.T) {
	c, err := Parse(strings.NewReader("user_agent: \"Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0\"\n"), "c.yaml")
	if err != nil || c.UserAgent != "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0" {
		t.Fatalf("%+v %v", c, err)
	}
	_, err = Parse(strings.NewReader("user_agent: \"a\\nb\"\n"), "c.yaml")
	if err == nil || !strings.Contains(err.Error(), "c.yaml:1") || !strings.Contains(err.Error(), "user_agent") {
		t.Fatalf("a User-Agent with a newline: %v", err)
	}
}
