package sources

import (
	"errors"
	"fmt"
	"io"
	"testing"
)

// countRows yields n rows, then err (io.EOF for a clean end); it records whether it was closed.
type countRows struct {
	n, i   int
	err    error
	closed bool
}

func (c *countRows) next() ([]string, int, error) {
	if c.i == c.n {
		return nil, c.i + 1, c.err
	}
	c.i++
	return []string{fmt.Sprint(c.i)}, c.i, nil
}

func (c *countRows) close() { c.closed = true }

func TestPrefetchYieldsEveryRowThenTheEnd(t *testing.T) {
	for _, n := range []int{0, 1, prefetchBatch - 1, prefetchBatch, prefetchBatch*prefetchDepth*3 + 7} {
		for _, end := range []error{io.EOF, errors.New("cut off")} {
			src := &countRows{n: n, err: end}
			p := prefetch(src)
			for want := 1; want <= n; want++ {
				cells, rowNo, err := p.next()
				if err != nil || rowNo != want || cells[0] != fmt.Sprint(want) {
					t.Fatalf("n=%d: row %d: %q %d %v", n, want, cells, rowNo, err)
				}
			}
			for range 2 { // the end is sticky
				if _, rowNo, err := p.next(); err != end || (end != io.EOF && rowNo != n+1) {
					t.Fatalf("n=%d: end %d %v, want %v", n, rowNo, err, end)
				}
			}
			p.close()
			if !src.closed {
				t.Errorf("n=%d: the underlying iterator was not closed", n)
			}
		}
	}
}

// TestPrefetchCloseEarly: closing before the end stops the reader, which then closes the iterator.
func TestPrefetchCloseEarly(t *testing.T) {
	src := &countRows{n: 1 << 20, err: io.EOF}
	p := prefetch(src)
	if _, _, err := p.next(); err != nil {
		t.Fatal(err)
	}
	p.close()
	if !src.closed {
		t.Error("the underlying iterator was not closed")
	}
	if src.i >= src.n {
		t.Errorf("the reader read all %d rows after close", src.i)
	}
}
