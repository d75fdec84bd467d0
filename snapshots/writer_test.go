package snapshots

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func TestWriterRefusesBadRecords(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewWriter(&buf, testHeader(), WriteOptions{FlushEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	t0 := et(2025, 1, 27, 9, 30)
	ok := BarRecord(Bar{Time: t0, Symbol: "NVDA", Interval: "1m", Open: 10, High: 11, Low: 9, Close: 10, Volume: 1})
	if err := w.Write(ok); err != nil {
		t.Fatal(err)
	}
	bad := []struct {
		rec  Record
		want string
	}{
		{BarRecord(Bar{Time: t0.Add(-time.Minute), Symbol: "NVDA", Interval: "1m", Open: 10, High: 11, Low: 9, Close: 10}), "time goes backwards"},
		{BarRecord(Bar{Time: t0, Symbol: "AAPL", Interval: "1m", Open: 10, High: 11, Low: 9, Close: 10}), `unknown symbol "AAPL"`},
		{BarRecord(Bar{Time: t0, Symbol: "NVDA", Interval: "1m", High: 11, Low: 9, Close: 10}), "not positive"},
		{QuoteRecord(Quote{Time: t0, Symbol: "SPY"}), "not positive"},
		{EventRecord(Event{Time: t0, ID: "x"}), "needs id and title"},
		{Record{Kind: "trade"}, "unknown record kind"},
		{BarRecord(Bar{}), `missing "time"`},
	}
	for _, b := range bad {
		if err := w.Write(b.rec); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%+v: got %v, want %q", b.rec, err, b.want)
		}
	}
	// a refused record does not move the time watermark or poison the writer
	ok2 := ok
	ok2.Bar.Symbol = "SPY"
	if err := w.Write(ok2); err != nil {
		t.Fatal(err)
	}
	// a repeated bar is dropped (the reader would keep only the first),
	// not an error that would stop a recording
	if err := w.Write(ok); err != nil || w.Duplicates() != 1 {
		t.Fatalf("repeated bar: %v, %d duplicates", err, w.Duplicates())
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Write(ok); !errors.Is(err, ErrClosed) {
		t.Errorf("write after close: %v", err)
	}
	if err := w.Close(); err != nil {
		t.Errorf("second close: %v", err)
	}
	s, err := Decode(&buf, ReadOptions{Strict: true})
	if err != nil || len(s.Bars) != 2 {
		t.Fatalf("%v, %d bars", err, len(s.Bars))
	}
}

func TestWriterRefusesBadHeader(t *testing.T) {
	h := testHeader()
	h.Provenance = "made-up"
	if _, err := NewWriter(io.Discard, h, WriteOptions{}); err == nil {
		t.Error("bad provenance accepted")
	}
}

type failWriter struct{ n int }

func (f *failWriter) Write(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errors.New("disk full")
	}
	f.n--
	return len(p), nil
}

func TestWriterErrorsAreSticky(t *testing.T) {
	w, err := NewWriter(&failWriter{n: 1}, testHeader(), WriteOptions{FlushEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	t0 := et(2025, 1, 27, 9, 30)
	for i := 0; i < 3; i++ {
		w.Write(BarRecord(Bar{Time: t0, Symbol: "NVDA", Interval: "1m", Open: 10, High: 11, Low: 9, Close: 10}))
	}
	if err := w.Flush(); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("flush: %v", err)
	}
	if err := w.Write(BarRecord(Bar{Time: t0, Symbol: "NVDA", Interval: "1m", Open: 10, High: 11, Low: 9, Close: 10})); err == nil {
		t.Error("write after I/O error succeeded")
	}
	if err := w.Close(); err == nil {
		t.Error("close after I/O error succeeded")
	}
}

func TestWriterConcurrent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.jsonl.gz")
	w, err := Create(path, testHeader(), WriteOptions{Gzip: true, FlushEvery: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t0 := et(2025, 1, 27, 9, 30)
	var wg sync.WaitGroup
	syms := []string{"NVDA", "SPY", "^IXIC"}
	for g := 0; g < 3; g++ {
		wg.Add(1)
		go func(sym string) {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				// every writer uses the same time so order never fails
				// (and a different interval, so no bar repeats another)
				if err := w.Write(BarRecord(Bar{Time: t0, Symbol: sym, Interval: fmt.Sprintf("%dm", i+1), Open: 10, High: 11, Low: 9, Close: 10, Volume: int64(i)})); err != nil {
					t.Error(err)
					return
				}
				if i%100 == 0 {
					if err := w.Flush(); err != nil {
						t.Error(err)
						return
					}
				}
			}
		}(syms[g])
	}
	wg.Wait()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	s, err := ReadFile(path, ReadOptions{Strict: true})
	if err != nil || len(s.Bars) != 1500 {
		t.Fatalf("%v, %d bars", err, len(s.Bars))
	}
}

// The background flusher makes records readable without Flush or Close.
func TestWriterFlushesInBackground(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bg.jsonl.gz")
	w, err := Create(path, testHeader(), WriteOptions{Gzip: true, FlushEvery: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.Write(BarRecord(Bar{Time: et(2025, 1, 27, 9, 30), Symbol: "NVDA", Interval: "1m", Open: 10, High: 11, Low: 9, Close: 10})); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		data, _ := os.ReadFile(path)
		s, _ := Decode(bytes.NewReader(data), ReadOptions{})
		if s != nil && len(s.Bars) == 1 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("record never reached the file")
		}
		time.Sleep(5 * time.Millisecond) // polling a condition, bounded by the deadline
	}
}

const childEnv = "SELLOFF_SNAPSHOTS_KILL_CHILD"

// TestWriterChild is the process TestWriterSurvivesSIGKILL kills. It does
// nothing in a normal run.
func TestWriterChild(t *testing.T) {
	spec := os.Getenv(childEnv)
	if spec == "" {
		t.Skip("helper process for TestWriterSurvivesSIGKILL")
	}
	path, mode, _ := strings.Cut(spec, "|")
	w, err := Create(path, testHeader(), WriteOptions{Gzip: mode == "gzip", FlushEvery: 10 * time.Millisecond})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	t0 := et(2025, 1, 27, 9, 30)
	stop := time.Now().Add(time.Minute) // never outlive a lost parent
	for i := 0; time.Now().Before(stop); i++ {
		px := 100 + float64(i%1000)/100
		if err := w.Write(BarRecord(Bar{Time: t0.Add(time.Duration(i) * time.Second), Symbol: "NVDA", Interval: "1m",
			Open: px, High: px + 1, Low: px - 1, Close: px, Volume: int64(i)})); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(4)
		}
		if i%50 == 49 {
			time.Sleep(time.Millisecond) // pace the writes
		}
	}
	os.Exit(0)
}

func TestWriterSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	for _, mode := range []string{"plain", "gzip"} {
		t.Run(mode, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "killed.jsonl")
			cmd := exec.Command(os.Args[0], "-test.run=^TestWriterChild$", "-test.count=1")
			cmd.Env = append(os.Environ(), childEnv+"="+path+"|"+mode)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			t.Cleanup(func() {
				cmd.Process.Kill()
				<-exited
			})
			// Wait (bounded) until the file has grown past the header
			// several times, i.e. the child is writing steadily.
			deadline := time.Now().Add(30 * time.Second)
			var last int64
			grew := 0
			for grew < 5 {
				select {
				case err := <-exited:
					t.Fatalf("child exited early: %v\n%s", err, stderr.String())
				default:
				}
				if time.Now().After(deadline) {
					t.Fatalf("file did not grow in time (size %d)", last)
				}
				if fi, err := os.Stat(path); err == nil && fi.Size() > last {
					if last > 0 {
						grew++
					}
					last = fi.Size()
				}
				time.Sleep(2 * time.Millisecond) // polling, bounded by the deadline
			}
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			err := <-exited
			exited <- err // for the cleanup
			if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
				t.Fatalf("child not killed by SIGKILL: %v\n%s", err, stderr.String())
			}

			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			s, err := Decode(bytes.NewReader(data), ReadOptions{Name: "killed", Strict: true})
			if s == nil {
				t.Fatalf("header unreadable: %v", err)
			}
			if s.Header.Title != testHeader().Title || len(s.Header.Symbols) != 3 {
				t.Fatalf("header damaged: %+v", s.Header)
			}
			if err != nil && !errors.Is(err, ErrTruncated) {
				t.Fatalf("not a truncation error: %v", err)
			}
			if len(s.Bars) == 0 {
				t.Fatal("no records survived")
			}
			for i, b := range s.Bars {
				if b.Volume != int64(i) {
					t.Fatalf("record %d has volume %d: a gap or reorder", i, b.Volume)
				}
			}
			// Every complete line in the file came back.
			complete := completeLines(t, data) - 1
			if len(s.Bars) != complete {
				t.Fatalf("%d records read, %d complete record lines in the file (err %v)", len(s.Bars), complete, err)
			}
			t.Logf("%s: %d bytes, %d records, err=%v", mode, len(data), len(s.Bars), err)
		})
	}
}

// completeLines counts newline-terminated lines in a plain or gzip file,
// decompressing as far as the data goes.
func completeLines(t *testing.T, data []byte) int {
	var r io.Reader = bytes.NewReader(data)
	if bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(r)
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	}
	br := bufio.NewReader(r)
	n := 0
	for {
		_, err := br.ReadSlice('\n')
		if err == nil {
			n++
			continue
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return n
	}
}
