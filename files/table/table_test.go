package table

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

var headers = []string{"编号", "项目名称", "Score", "Judges", "Submitted", "Note"}

func sampleRows() [][]any {
	at := time.Date(2026, 6, 1, 9, 30, 5, 0, time.FixedZone("CST", 8*3600))
	return [][]any{
		{"A001", "智能光伏逆变器", Decimal("87.35"), 5, at, nil},
		{"A002", "=HYPERLINK(\"x\")", Decimal("-3"), int64(0), time.Time{}, "逗号, \"引号\"\n换行"},
	}
}

func write(t testing.TB, f Format, rows [][]any) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := New(&buf, f, "排名/Ranking", headers)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := w.WriteRow(r...); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestCSVReadsBackWithBOM(t *testing.T) {
	data := write(t, CSV, sampleRows())
	if !bytes.HasPrefix(data, []byte(BOM)) {
		t.Fatalf("no BOM: %q", data[:8])
	}
	got, err := csv.NewReader(bytes.NewReader(data[len(BOM):])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		headers,
		{"A001", "智能光伏逆变器", "87.35", "5", "2026-06-01 09:30:05", ""},
		{"A002", "'=HYPERLINK(\"x\")", "-3", "0", "", "逗号, \"引号\"\n换行"},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
}

func TestXLSXReadsBackTyped(t *testing.T) {
	data := write(t, XLSX, sampleRows())
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); len(got) != 1 || got[0] != "排名_Ranking" {
		t.Fatalf("sheets %v", got)
	}
	sheet := "排名_Ranking"
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], "|") != strings.Join(headers, "|") {
		t.Fatalf("header %v", rows[0])
	}
	if rows[1][2] != "87.35" || rows[2][2] != "-3" || rows[1][3] != "5" {
		t.Fatalf("numbers %v %v", rows[1], rows[2])
	}
	if rows[2][1] != `=HYPERLINK("x")` { // a typed string, never a formula: no prefix
		t.Fatalf("text %q", rows[2][1])
	}
	for _, c := range []struct {
		cell string
		want excelize.CellType
	}{{"A2", excelize.CellTypeInlineString}, {"C2", excelize.CellTypeUnset}, {"D2", excelize.CellTypeUnset}} {
		// Unset is how excelize reports a plain number cell (no t attribute).
		if ct, _ := f.GetCellType(sheet, c.cell); ct != c.want {
			t.Errorf("%s type %v, want %v", c.cell, ct, c.want)
		}
	}
	if v, _ := f.GetCellValue(sheet, "E2"); v != "2026-06-01 09:30:05" {
		t.Errorf("time shown as %q", v)
	}
	if v, _ := f.GetCellValue(sheet, "C2"); v != "87.35" {
		t.Errorf("decimal shown as %q", v)
	}
	panes, err := f.GetPanes(sheet)
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("header not frozen: %+v %v", panes, err)
	}
	style, _ := f.GetCellStyle(sheet, "A1")
	if st, err := f.GetStyle(style); err != nil || st.Font == nil || !st.Font.Bold {
		t.Errorf("header not bold: %+v %v", st, err)
	}
	if w, _ := f.GetColWidth(sheet, "B"); w < 10 {
		t.Errorf("column B width %v", w)
	}
}

func TestRowWidthAndTypesChecked(t *testing.T) {
	for _, f := range []Format{CSV, XLSX} {
		w, err := New(io.Discard, f, "s", []string{"a", "b"})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.WriteRow("x"); err == nil {
			t.Errorf("%s: short row accepted", f)
		}
		if err := w.WriteRow("x", 1.5); err == nil {
			t.Errorf("%s: float accepted (exact decimals only)", f)
		}
		if err := w.WriteRow("x", Decimal("1,5")); err == nil {
			t.Errorf("%s: bad decimal accepted", f)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if err := w.WriteRow("x", 1); err != ErrClosed {
			t.Errorf("%s: write after close: %v", f, err)
		}
	}
}

// peakHeap writes n rows to a discarding writer and returns the largest live
// heap above the starting point, sampled (after a collection, so that garbage
// waiting for the collector does not count) every 1,000 rows and before Close
// returns its buffers.
func peakHeap(t testing.TB, f Format, n int) uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base, peak := ms.HeapInuse, ms.HeapInuse
	sample := func() {
		runtime.GC()
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapInuse)
	}
	w, err := New(io.Discard, f, "entries", headers)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 6, 1, 9, 30, 0, 0, time.UTC)
	for i := range n {
		if err := w.WriteRow(fmt.Sprintf("A%06d", i), "一个相当长的中文项目名称，用来模拟真实的参赛项目标题", Decimal("87.35"), i, at, "某某科技有限公司"); err != nil {
			t.Fatal(err)
		}
		if i%1000 == 999 {
			sample()
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	sample()
	return peak - base
}

// Memory does not grow with rows. The bound, 64 MiB: XLSX holds excelize's
// sheet buffer, which spills to a temporary file once it holds
// StreamChunkSize (16 MiB) of XML but is a bytes.Buffer grown by doubling
// (up to 32 MiB allocated, with the old 16 MiB array live while it grows:
// 48 MiB at worst, then reused), plus the zip writer's compressor; CSV holds
// one bufio buffer. Measured: XLSX about 1 MiB at 1,000 rows and 20 MiB at
// both 50,000 and 200,000; CSV 32 KiB at every size.
func TestMemoryDoesNotGrowWithRows(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 250,000 rows")
	}
	const bound = 64 << 20
	for _, f := range []Format{CSV, XLSX} {
		small := peakHeap(t, f, 1_000)
		large := peakHeap(t, f, 50_000)
		t.Logf("%s peak live heap above baseline: 1,000 rows %d KiB; 50,000 rows %d KiB", f, small>>10, large>>10)
		huge := large
		if !raceEnabled {
			huge = peakHeap(t, f, 200_000)
			t.Logf("%s peak live heap above baseline: 200,000 rows %d KiB", f, huge>>10)
		}
		if large > bound || huge > bound {
			t.Errorf("%s: peak heap %d / %d bytes above the %d bound", f, large, huge, bound)
		}
		if f == CSV && huge > 2<<20 {
			t.Errorf("CSV: peak heap %d bytes: CSV should hold one buffer", huge)
		}
	}
}

// BenchmarkWrite50k reports bytes allocated per 50,000-row file (allocs, not
// what is retained: see TestMemoryDoesNotGrowWithRows for the peak).
func BenchmarkWrite50k(b *testing.B) {
	for _, f := range []Format{CSV, XLSX} {
		b.Run(string(f), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				b.ReportMetric(float64(peakHeap(b, f, 50_000))/(1<<20), "peak-MiB")
			}
		})
	}
}
