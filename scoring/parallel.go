package scoring

import (
	"runtime"
	"sync"
)

// parallel runs fn over [0, n) split into contiguous chunks, one per CPU.
// Callers write only to their own chunk's slots, so the result never depends
// on scheduling.
func parallel(n int, fn func(lo, hi int)) {
	p := min(runtime.GOMAXPROCS(0), n/1024+1)
	if p <= 1 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	for c := range p {
		lo, hi := n*c/p, n*(c+1)/p
		wg.Go(func() { fn(lo, hi) })
	}
	wg.Wait()
}
