//go:build race

package table

// raceEnabled: the race detector slows excelize about tenfold; the memory test
// then skips its largest size, which only shows the plateau again.
const raceEnabled = true
