package csvimport

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/selloff/selloff/snapshots"
)

type civil struct {
	y, mo, d, hh, mm, ss, ns int
}

func (c civil) midnight() bool { return c.hh == 0 && c.mm == 0 && c.ss == 0 && c.ns == 0 }
func (c civil) date() string   { return fmt.Sprintf("%04d-%02d-%02d", c.y, c.mo, c.d) }
func (c civil) String() string {
	if c.midnight() {
		return c.date()
	}
	return fmt.Sprintf("%s %02d:%02d", c.date(), c.hh, c.mm)
}

// parseTime reads the time formats listed in Import's comment. naive is
// the zone of values without an offset.
func parseTime(s string, naive *time.Location) (civil, time.Time, bool) {
	var c civil
	if allDigits(s) {
		switch len(s) {
		case 8: // YYYYMMDD
			c.y, _ = strconv.Atoi(s[:4])
			c.mo, _ = strconv.Atoi(s[4:6])
			c.d, _ = strconv.Atoi(s[6:])
			return finishCivil(c, naive, nil)
		case 10, 13:
			n, _ := strconv.ParseInt(s, 10, 64)
			var t time.Time
			if len(s) == 10 {
				t = time.Unix(n, 0)
			} else {
				t = time.UnixMilli(n)
			}
			t = t.In(snapshots.Location())
			if t.Year() < 1900 || t.Year() > 2200 {
				return c, time.Time{}, false
			}
			c = civil{t.Year(), int(t.Month()), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond()}
			return c, t, true
		}
		return c, time.Time{}, false
	}
	rest := s
	var ok bool
	if len(s) >= 8 && allDigits(s[:8]) && len(s) > 8 && s[8] == ' ' { // YYYYMMDD HH:MM:SS
		c.y, _ = strconv.Atoi(s[:4])
		c.mo, _ = strconv.Atoi(s[4:6])
		c.d, _ = strconv.Atoi(s[6:8])
		rest = s[8:]
	} else if i := strings.IndexByte(s, '/'); i > 0 && i <= 2 { // MM/DD/YYYY
		if c.mo, rest, ok = takeInt(s, 1, 2); !ok || !strings.HasPrefix(rest, "/") {
			return c, time.Time{}, false
		}
		if c.d, rest, ok = takeInt(rest[1:], 1, 2); !ok || !strings.HasPrefix(rest, "/") {
			return c, time.Time{}, false
		}
		if c.y, rest, ok = takeInt(rest[1:], 4, 4); !ok {
			return c, time.Time{}, false
		}
	} else {
		if c.y, rest, ok = takeInt(s, 4, 4); !ok || !strings.HasPrefix(rest, "-") {
			return c, time.Time{}, false
		}
		if c.mo, rest, ok = takeInt(rest[1:], 2, 2); !ok || !strings.HasPrefix(rest, "-") {
			return c, time.Time{}, false
		}
		if c.d, rest, ok = takeInt(rest[1:], 2, 2); !ok {
			return c, time.Time{}, false
		}
	}
	if rest == "" {
		return finishCivil(c, naive, nil)
	}
	if rest[0] != 'T' && rest[0] != ' ' {
		return c, time.Time{}, false
	}
	rest = strings.TrimLeft(rest[1:], " ")
	if c.hh, rest, ok = takeInt(rest, 1, 2); !ok || !strings.HasPrefix(rest, ":") {
		return c, time.Time{}, false
	}
	if c.mm, rest, ok = takeInt(rest[1:], 2, 2); !ok {
		return c, time.Time{}, false
	}
	if strings.HasPrefix(rest, ":") {
		if c.ss, rest, ok = takeInt(rest[1:], 2, 2); !ok {
			return c, time.Time{}, false
		}
		if strings.HasPrefix(rest, ".") || strings.HasPrefix(rest, ",") {
			frac, r2, ok := takeInt(rest[1:], 1, 9)
			if !ok {
				return c, time.Time{}, false
			}
			digits := len(rest) - 1 - len(r2)
			for i := digits; i < 9; i++ {
				frac *= 10
			}
			c.ns, rest = frac, r2
		}
	}
	rest = strings.TrimLeft(rest, " ")
	if rest == "" {
		return finishCivil(c, naive, nil)
	}
	switch strings.ToUpper(rest) {
	case "Z", "UTC", "GMT", "+00", "+0000", "+00:00":
		zero := 0
		return finishCivil(c, naive, &zero)
	}
	if rest[0] != '+' && rest[0] != '-' {
		return c, time.Time{}, false
	}
	sign := 1
	if rest[0] == '-' {
		sign = -1
	}
	oh, r2, ok := takeInt(rest[1:], 2, 2)
	if !ok {
		return c, time.Time{}, false
	}
	om := 0
	if r2 != "" {
		r2 = strings.TrimPrefix(r2, ":")
		if om, r2, ok = takeInt(r2, 2, 2); !ok || r2 != "" {
			return c, time.Time{}, false
		}
	}
	if oh > 14 || om > 59 {
		return c, time.Time{}, false
	}
	off := sign * (oh*3600 + om*60)
	return finishCivil(c, naive, &off)
}

func finishCivil(c civil, naive *time.Location, off *int) (civil, time.Time, bool) {
	if c.y < 1900 || c.y > 2200 || c.mo < 1 || c.mo > 12 || c.d < 1 || c.d > 31 ||
		c.hh > 23 || c.mm > 59 || c.ss > 60 {
		return c, time.Time{}, false
	}
	if c.d > daysIn(c.y, c.mo) {
		return c, time.Time{}, false
	}
	if c.ss == 60 {
		c.ss = 59 // leap second written by some feeds
	}
	loc := naive
	if off != nil {
		loc = time.FixedZone("", *off)
	}
	t := time.Date(c.y, time.Month(c.mo), c.d, c.hh, c.mm, c.ss, c.ns, loc)
	return c, t, true
}

func daysIn(y, m int) int {
	return time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// takeInt reads between min and max leading digits.
func takeInt(s string, min, max int) (int, string, bool) {
	n, i := 0, 0
	for i < len(s) && i < max && s[i] >= '0' && s[i] <= '9' {
		n = n*10 + int(s[i]-'0')
		i++
	}
	if i < min {
		return 0, s, false
	}
	return n, s[i:], true
}
