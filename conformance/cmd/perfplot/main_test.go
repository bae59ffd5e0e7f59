package main

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// TestPlot: BenchmarkConnectPaired's lines (two runs of one mode, one of
// another) and a jdbcbench report make a PNG whose bars follow the medians.
func TestPlot(t *testing.T) {
	dir := t.TempDir()
	paired := filepath.Join(dir, "paired.txt")
	lines := "goos: linux\n" +
		"BenchmarkConnectPaired/db=mysql/mode=REQUIRED-2 \t 10 \t 4000000 ns/op \t 1000000 bare-cache-ns/conn \t 2000000 bare-ns/conn \t 1100000 bare-samecfg-ns/conn \t 1200000 dbtls-ns/conn \t 0.6 dbtls/bare \t 1.2 dbtls/bare-cache\n" +
		"BenchmarkConnectPaired/db=mysql/mode=REQUIRED-2 \t 10 \t 4000000 ns/op \t 1000000 bare-cache-ns/conn \t 2000000 bare-ns/conn \t 1100000 bare-samecfg-ns/conn \t 1000000 dbtls-ns/conn \t 0.5 dbtls/bare \t 1.0 dbtls/bare-cache\n" +
		"BenchmarkConnectPaired/db=sqlserver/mode=ca-2 \t 10 \t 4000000 ns/op \t 1000000 bare-cache-ns/conn \t 3000000 bare-ns/conn \t 1100000 bare-samecfg-ns/conn \t 1000000 dbtls-ns/conn \t 0.33 dbtls/bare \t 1.0 dbtls/bare-cache\n"
	if err := os.WriteFile(paired, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	fams, err := readPaired(paired)
	if err != nil {
		t.Fatal(err)
	}
	if len(fams) != 2 || fams[0].name != "mysql" || fams[1].name != "sqlserver" {
		t.Fatalf("families %+v", fams)
	}
	g := fams[0].groups[0]
	if g.label != "REQUIRED" || len(g.bars) != 3 || g.bars[2].series != "dbtls" || g.bars[2].ms != 1.1 {
		t.Fatalf("REQUIRED: %+v (dbtls: the median of 1.2 and 1.0 ms)", g)
	}
	jdbcFile := filepath.Join(dir, "jdbc.json")
	report := `{"trustStoreCertificates": 145, "dbtlsOverMssqlJdbc": 0.1, "clients": [
		{"name": "mssql-jdbc", "n": 10, "medianNs": 10000000}, {"name": "dbtls", "n": 10, "medianNs": 1000000},
		{"name": "bare", "n": 10, "medianNs": 3000000}, {"name": "bare-cache", "n": 10, "medianNs": 1000000}]}`
	if err := os.WriteFile(jdbcFile, []byte(report), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "plot.png")
	if err := run(paired, jdbcFile, out, false); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() < 900 || b.Dy() != height {
		t.Fatalf("size %v", b)
	}
}
