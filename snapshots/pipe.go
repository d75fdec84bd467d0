package snapshots

import "io"

// gunzipAhead runs decompression on its own goroutine, a few chunks ahead of
// the parser, so Decode uses two cores on gzip files. Only Decode uses it:
// it always calls stop, which waits for the goroutine, so nothing touches
// the caller's reader after Decode returns.
type gunzipAhead struct {
	full   chan aheadChunk
	free   chan []byte
	done   chan struct{}
	exited chan struct{}
	cur    []byte
	buf    []byte
	err    error
}

type aheadChunk struct {
	b   []byte
	err error
}

const (
	aheadChunks = 4
	aheadSize   = 32 << 10
)

func newGunzipAhead(src io.Reader) *gunzipAhead {
	a := &gunzipAhead{
		full:   make(chan aheadChunk, aheadChunks),
		free:   make(chan []byte, aheadChunks),
		done:   make(chan struct{}),
		exited: make(chan struct{}),
	}
	for i := 0; i < aheadChunks; i++ {
		a.free <- make([]byte, aheadSize)
	}
	go a.run(src)
	return a
}

func (a *gunzipAhead) run(src io.Reader) {
	defer close(a.exited)
	for {
		var buf []byte
		select {
		case buf = <-a.free:
		case <-a.done:
			return
		}
		n := 0
		var err error
		for n < len(buf) && err == nil {
			var m int
			m, err = src.Read(buf[n:])
			n += m
		}
		select {
		case a.full <- aheadChunk{buf[:n], err}:
		case <-a.done:
			return
		}
		if err != nil {
			return
		}
	}
}

// Read hands out the decompressed bytes in order, then the source's error.
func (a *gunzipAhead) Read(p []byte) (int, error) {
	for len(a.cur) == 0 {
		if a.err != nil {
			return 0, a.err
		}
		if a.buf != nil {
			a.free <- a.buf[:cap(a.buf)]
			a.buf = nil
		}
		c := <-a.full
		a.buf, a.cur, a.err = c.b, c.b, c.err
	}
	n := copy(p, a.cur)
	a.cur = a.cur[n:]
	return n, nil
}

// stop ends the goroutine and waits for it (at most until its current Read
// returns); the reader must not be used afterwards.
func (a *gunzipAhead) stop() {
	close(a.done)
	<-a.exited
}
