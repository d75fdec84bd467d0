package fakeyahoo

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
	"time"

	"github.com/selloff/selloff/snapshots"
)

const ua = "Mozilla/5.0 Chrome/142.0.0.0"

func get(t *testing.T, c *http.Client, u, agent string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	if agent != "" {
		req.Header.Set("User-Agent", agent)
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestProtocol(t *testing.T) {
	s := Start()
	defer s.Close()
	day := time.Date(2025, 1, 27, 0, 0, 0, 0, snapshots.Location())
	s.SetNow(func() time.Time { return day.Add(36 * time.Hour) })
	s.SetQuote(Quote{Symbol: "ACME", Price: 101.25, PrevClose: 100, Shares: 10, PrePrice: 101.9, State: "PRE"})
	s.SetQuote(Quote{Symbol: "^GSPC", Type: "INDEX", Price: 5000.5, PrePrice: 1})
	s.SetChart("ACME", Chart{PrevClose: 100, Bars: []Bar{
		{Time: day.Add(9*time.Hour + 30*time.Minute), Open: 1, High: 1, Low: 1, Close: 1},
		{Time: day.Add(9*time.Hour + 31*time.Minute), Null: true},
		{Time: day.Add(17 * time.Hour), Open: 2, High: 2, Low: 2, Close: 2},
	}})
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}

	// crumb without cookie, then with a Go UA, then the real thing
	if code, body := get(t, c, s.URL+PathCrumb, ua); code != 401 || !strings.Contains(body, "Invalid Cookie") {
		t.Fatalf("getcrumb without cookie: %d %s", code, body)
	}
	if code, _ := get(t, c, s.URL+"/", ua); code != 404 {
		t.Fatalf("cookie host: %d", code)
	}
	if code, body := get(t, c, s.URL+PathCrumb, "Go-http-client/1.1"); code != 429 || !strings.HasPrefix(body, "Too Many Requests") {
		t.Fatalf("Go UA: %d %q", code, body)
	}
	_, crumb := get(t, c, s.URL+PathCrumb, ua)
	if crumb != DefaultCrumb {
		t.Fatalf("crumb %q", crumb)
	}
	// quote: bad crumb, v6, good
	if code, body := get(t, c, s.URL+PathQuote+"?symbols=ACME&crumb=nope", ua); code != 401 || !strings.Contains(body, "Invalid Crumb") {
		t.Fatalf("bad crumb: %d %s", code, body)
	}
	if code, _ := get(t, c, s.URL+PathQuoteV6+"?symbols=ACME", ua); code != 404 {
		t.Fatalf("v6: %d", code)
	}
	code, body := get(t, c, s.URL+PathQuote+"?symbols=ACME,%5EGSPC,NOPE&crumb="+strings.ReplaceAll(crumb, "/", "%2F"), ua)
	var qr struct {
		QR struct {
			Result []map[string]any `json:"result"`
		} `json:"quoteResponse"`
	}
	if code != 200 || json.Unmarshal([]byte(body), &qr) != nil || len(qr.QR.Result) != 2 {
		t.Fatalf("quote: %d %s", code, body)
	}
	eq, ix := qr.QR.Result[0], qr.QR.Result[1]
	if eq["marketCap"] == nil || eq["preMarketPrice"] == nil || eq["marketState"] != "PRE" {
		t.Errorf("equity row %v", eq)
	}
	if ix["marketCap"] != nil || ix["preMarketPrice"] != nil || ix["quoteType"] != "INDEX" {
		t.Errorf("index row %v", ix)
	}
	// chart: regular only, with the null; 404 unknown; 422 outside the window
	p1, p2 := day.Unix(), day.Add(24*time.Hour).Unix()
	code, body = get(t, c, fmt.Sprintf("%s%sACME?interval=1m&period1=%d&period2=%d", s.URL, PathChart, p1, p2), ua)
	if code != 200 || !strings.Contains(body, `"close":[1,null]`) || !strings.Contains(body, `"chartPreviousClose":100`) {
		t.Fatalf("chart: %d %s", code, body)
	}
	if code, _ = get(t, c, fmt.Sprintf("%s%sNOPE?interval=1m&period1=%d&period2=%d", s.URL, PathChart, p1, p2), ua); code != 404 {
		t.Errorf("unknown chart: %d", code)
	}
	old := day.Add(-40 * 24 * time.Hour).Unix()
	if code, body = get(t, c, fmt.Sprintf("%s%sACME?interval=1m&period1=%d&period2=%d", s.URL, PathChart, old, old+3600), ua); code != 422 || !strings.Contains(body, "30 days") {
		t.Errorf("old 1m chart: %d %s", code, body)
	}
	s.SetEmptyCharts(true)
	if _, body = get(t, c, fmt.Sprintf("%s%sACME?interval=1m&period1=%d&period2=%d", s.URL, PathChart, p1, p2), ua); strings.Contains(body, "timestamp") || !strings.Contains(body, `"quote":[{}]`) {
		t.Errorf("empty chart: %s", body)
	}
	// the log
	reqs := s.Requests()
	if len(reqs) != s.Count("/") || reqs[len(reqs)-1].Status != 200 || !reqs[len(reqs)-1].Cookie {
		t.Errorf("log: %+v", reqs[len(reqs)-1])
	}
}
