package sources

import "io"

// prefetchBatch is how many rows the reading goroutine hands over at a time, and prefetchDepth how many
// batches it may read ahead: enough to keep both cores busy, little enough that memory stays flat.
const (
	prefetchBatch = 256
	prefetchDepth = 4
)

// prefetched reads a rowIter on its own goroutine, so that parsing a workbook's XML (excelize) and
// normalising and appending the rows already read run side by side. The underlying iterator must return
// a fresh cells slice per row.
type prefetched struct {
	batches chan []prefetchedRow
	stop    chan struct{}
	done    chan struct{}
	cur     []prefetchedRow
	end     *prefetchedRow // the final io.EOF or error, once reached
}

type prefetchedRow struct {
	cells []string
	rowNo int
	err   error
}

func prefetch(it rowIter) *prefetched {
	p := &prefetched{
		batches: make(chan []prefetchedRow, prefetchDepth),
		stop:    make(chan struct{}),
		done:    make(chan struct{}),
	}
	go func() {
		defer close(p.done)
		defer close(p.batches)
		defer it.close()
		batch := make([]prefetchedRow, 0, prefetchBatch)
		for {
			cells, rowNo, err := it.next()
			batch = append(batch, prefetchedRow{cells, rowNo, err})
			if err != nil || len(batch) == prefetchBatch {
				select {
				case p.batches <- batch:
				case <-p.stop:
					return
				}
				if err != nil {
					return
				}
				batch = make([]prefetchedRow, 0, prefetchBatch)
			}
		}
	}()
	return p
}

func (p *prefetched) next() ([]string, int, error) {
	if p.end != nil {
		return nil, p.end.rowNo, p.end.err
	}
	if len(p.cur) == 0 {
		batch, ok := <-p.batches
		if !ok {
			// Only after close: the reader always ends with an error row.
			p.end = &prefetchedRow{err: io.EOF}
			return nil, 0, io.EOF
		}
		p.cur = batch
	}
	r := p.cur[0]
	p.cur = p.cur[1:]
	if r.err != nil {
		p.end = &r
	}
	return r.cells, r.rowNo, r.err
}

// close stops the reading goroutine and waits for it, so the workbook is not read after it is closed.
func (p *prefetched) close() {
	close(p.stop)
	<-p.done
}
