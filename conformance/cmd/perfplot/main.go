// Command perfplot draws docs/performance.png: the median connect of each
// mode through the bare driver, the bare driver with a session cache, and
// dbtls (from BenchmarkConnectPaired's output), and beside them the
// mssql-jdbc comparison (from conformance/cmd/jdbcbench's -json):
//
//	go run ./conformance/cmd/perfplot -paired paired.txt -jdbc jdbc.json -o docs/performance.png
//
// It writes the PNG with image/png and draws its own letters (a 5×7 pixel
// font), so it needs nothing outside the standard library. When -paired
// holds several runs of a benchmark, each figure is the median of the runs'.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
)

func main() {
	paired := flag.String("paired", "", "go test -bench ConnectPaired output (one or more runs)")
	jdbcFile := flag.String("jdbc", "", "conformance/cmd/jdbcbench -json output (optional)")
	out := flag.String("o", "docs/performance.png", "the PNG to write")
	markdown := flag.Bool("markdown", false, "also print the figures as Markdown tables on standard output")
	flag.Parse()
	if err := run(*paired, *jdbcFile, *out, *markdown); err != nil {
		fmt.Fprintln(os.Stderr, "perfplot:", err)
		os.Exit(1)
	}
}

// group is one cluster of bars.
type group struct {
	label string
	bars  []bar
}

type bar struct {
	series string
	ms     float64
}

var seriesColor = map[string]color.RGBA{
	"bare":       {150, 150, 150, 255},
	"bare-cache": {66, 110, 196, 255},
	"dbtls":      {38, 150, 84, 255},
	"mssql-jdbc": {224, 122, 38, 255},
}

var seriesLabel = map[string]string{
	"bare":       "bare driver",
	"bare-cache": "bare + session cache",
	"dbtls":      "dbtls",
	"mssql-jdbc": "mssql-jdbc (warm JVM)",
}

func run(pairedFile, jdbcFile, out string, markdown bool) error {
	if pairedFile == "" {
		return errors.New("-paired is required")
	}
	families, err := readPaired(pairedFile)
	if err != nil {
		return err
	}
	var jdbcGroup *group
	var jdbcNote string
	var rep jdbcReport
	if jdbcFile != "" {
		b, err := os.ReadFile(jdbcFile)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(b, &rep); err != nil {
			return fmt.Errorf("%s: %v", jdbcFile, err)
		}
		g := group{label: "ca, JKS store"}
		for _, s := range []string{"bare", "bare-cache", "dbtls", "mssql-jdbc"} {
			for _, c := range rep.Clients {
				if c.Name == s {
					g.bars = append(g.bars, bar{s, c.Median / 1e6})
				}
			}
		}
		jdbcGroup = &g
		jdbcNote = fmt.Sprintf("JKS OF %d CERTIFICATES", rep.StoreCerts)
	}
	if markdown {
		printMarkdown(families, jdbcGroup != nil, rep)
	}
	img := draw(families, jdbcGroup, jdbcNote)
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// jdbcReport is what conformance/cmd/jdbcbench -json writes.
type jdbcReport struct {
	StoreCerts int     `json:"trustStoreCertificates"`
	Ratio      float64 `json:"dbtlsOverMssqlJdbc"`
	Clients    []struct {
		Name   string  `json:"name"`
		N      int     `json:"n"`
		Median float64 `json:"medianNs"`
		P10    float64 `json:"p10Ns"`
		P90    float64 `json:"p90Ns"`
	} `json:"clients"`
}

// printMarkdown prints the medians and the ratios of every mode (the median
// over the runs, and their range when there are several), then the JDBC
// comparison.
func printMarkdown(fams []family, withJDBC bool, rep jdbcReport) {
	ms := func(v []float64) string {
		if len(v) == 0 {
			return "–"
		}
		return strconv.FormatFloat(median(v)/1e6, 'f', 3, 64)
	}
	ratio := func(v []float64) string {
		if len(v) == 0 {
			return "–"
		}
		s := strconv.FormatFloat(median(v), 'f', 3, 64)
		if len(v) > 1 {
			s += " (" + strconv.FormatFloat(slices.Min(v), 'f', 2, 64) + "–" + strconv.FormatFloat(slices.Max(v), 'f', 2, 64) + ")"
		}
		return s
	}
	fmt.Println("| db | mode | bare ms | bare + cache ms | bare + dbtls's config ms | dbtls ms | dbtls / bare + cache | dbtls / bare |")
	fmt.Println("|---|---|---|---|---|---|---|---|")
	for _, f := range fams {
		for _, g := range f.groups {
			m := f.metrics[g.label]
			fmt.Printf("| %s | %s | %s | %s | %s | %s | %s | %s |\n", f.name, g.label, ms(m["bare"]), ms(m["bare-cache"]), ms(m["bare-samecfg"]), ms(m["dbtls"]),
				ratio(m["dbtls/bare-cache"]), ratio(m["dbtls/bare"]))
		}
	}
	if !withJDBC {
		return
	}
	fmt.Println()
	fmt.Println("| client | median ms | p10 ms | p90 ms | connects |")
	fmt.Println("|---|---|---|---|---|")
	for _, c := range rep.Clients {
		fmt.Printf("| %s | %.2f | %.2f | %.2f | %d |\n", c.Name, c.Median/1e6, c.P10/1e6, c.P90/1e6, c.N)
	}
	fmt.Printf("\ndbtls / mssql-jdbc (medians): %.3f; trust store: %d certificates\n", rep.Ratio, rep.StoreCerts)
}

// family is the groups of one database family, in the benchmark's order.
type family struct {
	name   string
	groups []group
	// metrics holds every figure of each mode (its label), every run's:
	// <variant> in ns, and the ratios dbtls/bare-cache and dbtls/bare.
	metrics map[string]map[string][]float64
}

// readPaired reads BenchmarkConnectPaired/db=…/mode=… lines and their
// <variant>-ns/conn metrics.
func readPaired(path string) ([]family, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	type key struct{ db, mode string }
	var order []key
	vals := map[key]map[string][]float64{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 4 || !strings.HasPrefix(fields[0], "BenchmarkConnectPaired/") {
			continue
		}
		var k key
		for _, part := range strings.Split(fields[0], "/")[1:] {
			name, value, _ := strings.Cut(part, "=")
			if i := strings.LastIndexByte(value, '-'); i > 0 && name == "mode" {
				if _, err := strconv.Atoi(value[i+1:]); err == nil {
					value = value[:i] // the -GOMAXPROCS suffix
				}
			}
			switch name {
			case "db":
				k.db = value
			case "mode":
				k.mode = value
			}
		}
		if vals[k] == nil {
			vals[k] = map[string][]float64{}
			order = append(order, k)
		}
		for i := 2; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				continue
			}
			if s, ok := strings.CutSuffix(fields[i+1], "-ns/conn"); ok {
				vals[k][s] = append(vals[k][s], v)
			} else if strings.HasPrefix(fields[i+1], "dbtls/") {
				vals[k][fields[i+1]] = append(vals[k][fields[i+1]], v)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(order) == 0 {
		return nil, fmt.Errorf("%s: no BenchmarkConnectPaired line", path)
	}
	var fams []family
	for _, k := range order {
		if len(fams) == 0 || fams[len(fams)-1].name != k.db {
			fams = append(fams, family{name: k.db, metrics: map[string]map[string][]float64{}})
		}
		fams[len(fams)-1].metrics[k.mode] = vals[k]
		g := group{label: k.mode}
		for _, s := range []string{"bare", "bare-cache", "dbtls"} {
			if v := vals[k][s]; len(v) > 0 {
				g.bars = append(g.bars, bar{s, median(v) / 1e6})
			}
		}
		fams[len(fams)-1].groups = append(fams[len(fams)-1].groups, g)
	}
	return fams, nil
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// The layout, in pixels.
const (
	height   = 560
	top      = 110 // title and legend above
	bottom   = 90  // labels below
	left     = 70  // the y axis of the first panel
	barW     = 24
	barGap   = 4
	groupGap = 30
	panelGap = 110
)

var (
	white = color.RGBA{255, 255, 255, 255}
	black = color.RGBA{30, 30, 30, 255}
	grid  = color.RGBA{225, 225, 225, 255}
)

func draw(fams []family, jdbcGroup *group, jdbcNote string) *image.RGBA {
	groupW := func(g group) int { return len(g.bars)*(barW+barGap) - barGap }
	var goGroups []group
	for _, f := range fams {
		goGroups = append(goGroups, f.groups...)
	}
	panel1W := 0
	for _, g := range goGroups {
		panel1W += groupW(g) + groupGap
	}
	panel2W := 0
	if jdbcGroup != nil {
		panel2W = groupW(*jdbcGroup) + 2*groupGap + 40
	}
	width := left + panel1W + 30
	if jdbcGroup != nil {
		width += panelGap + panel2W
	}
	width = max(width, 900)
	img := image.NewRGBA(image.Rect(0, 0, width, height))
	fill(img, img.Rect, white)

	text(img, 20, 16, "CONNECT LATENCY PER MODE: MEDIAN OF ONE CONNECT (DIAL, TLS, LOGIN, ONE ROUND TRIP, CLOSE), MS", 2, black)
	lx := 20
	for _, s := range []string{"bare", "bare-cache", "dbtls", "mssql-jdbc"} {
		if s == "mssql-jdbc" && jdbcGroup == nil {
			continue
		}
		fill(img, image.Rect(lx, 50, lx+18, 68), seriesColor[s])
		lx += 24
		text(img, lx, 52, seriesLabel[s], 2, black)
		lx += textWidth(seriesLabel[s], 2) + 30
	}
	text(img, 20, 80, "INTERLEAVED (BENCHMARKCONNECTPAIRED, CONFORMANCE/CMD/JDBCBENCH); 2 SHARED CORES; SEE DOCS/PERFORMANCE.MD", 1, black)

	// Panel 1: the Go drivers, every mode.
	maxMS := 0.0
	for _, g := range goGroups {
		for _, b := range g.bars {
			maxMS = math.Max(maxMS, b.ms)
		}
	}
	x0 := left
	panel(img, x0, panel1W, maxMS, func(scale func(float64) int) {
		x := x0 + groupGap/2
		for _, f := range fams {
			start := x
			for _, g := range f.groups {
				bars(img, x, g, scale)
				label := g.label
				text(img, x+groupW(g)/2-textWidth(label, 1)/2, height-bottom+8, label, 1, black)
				x += groupW(g) + groupGap
			}
			name := map[string]string{"mysql": "MYSQL: GO-SQL-DRIVER, MARIADB 10.11", "sqlserver": "SQL SERVER: GO-MSSQLDB, OUR TDS SERVER"}[f.name]
			if name == "" {
				name = f.name
			}
			mid := (start + x - groupGap) / 2
			text(img, mid-textWidth(name, 2)/2, height-bottom+30, name, 2, black)
			line(img, start, height-bottom+24, x-groupGap, height-bottom+24, black)
		}
	})

	// Panel 2: the JDBC comparison, on its own scale.
	if jdbcGroup != nil {
		x1 := x0 + panel1W + panelGap
		m := 0.0
		for _, b := range jdbcGroup.bars {
			m = math.Max(m, b.ms)
		}
		panel(img, x1, panel2W, m, func(scale func(float64) int) {
			x := x1 + groupGap + 20
			bars(img, x, *jdbcGroup, scale)
			text(img, x+groupW(*jdbcGroup)/2-textWidth(jdbcGroup.label, 1)/2, height-bottom+8, jdbcGroup.label, 1, black)
			name := "SQL SERVER VS JDBC"
			text(img, x1+panel2W/2-textWidth(name, 2)/2, height-bottom+30, name, 2, black)
			text(img, x1+panel2W/2-textWidth(jdbcNote, 1)/2, height-bottom+52, jdbcNote, 1, black)
		})
	}
	return img
}

// panel draws a y axis from 0 to a nice value above maxMS at x0 and a grid
// across width, then calls body with the scale from ms to y.
func panel(img *image.RGBA, x0, width int, maxMS float64, body func(scale func(float64) int)) {
	step := niceStep(maxMS)
	top2 := math.Ceil(maxMS/step) * step
	if top2 == 0 {
		top2 = 1
	}
	plotH := height - top - bottom
	scale := func(ms float64) int { return height - bottom - int(math.Round(ms/top2*float64(plotH))) }
	for v := 0.0; v <= top2+step/2; v += step {
		y := scale(v)
		line(img, x0, y, x0+width, y, grid)
		s := strconv.FormatFloat(v, 'f', decimals(step), 64)
		text(img, x0-8-textWidth(s, 1), y-3, s, 1, black)
	}
	text(img, x0-textWidth("MS", 1)/2, top-22, "MS", 1, black)
	line(img, x0, top-10, x0, height-bottom, black)
	line(img, x0, height-bottom, x0+width, height-bottom, black)
	body(scale)
}

func bars(img *image.RGBA, x int, g group, scale func(float64) int) {
	for _, b := range g.bars {
		y := scale(b.ms)
		fill(img, image.Rect(x, y, x+barW, height-bottom), seriesColor[b.series])
		s := strconv.FormatFloat(b.ms, 'f', 2, 64)
		if b.ms >= 10 {
			s = strconv.FormatFloat(b.ms, 'f', 1, 64)
		}
		text(img, x+barW/2-textWidth(s, 1)/2, y-10, s, 1, black)
		x += barW + barGap
	}
}

func niceStep(maxMS float64) float64 {
	for _, s := range []float64{0.1, 0.25, 0.5, 1, 2, 2.5, 5, 10, 20, 25, 50, 100} {
		if maxMS/s <= 8 {
			return s
		}
	}
	return math.Pow(10, math.Ceil(math.Log10(maxMS)))
}

func decimals(step float64) int {
	switch {
	case step < 0.5 && step != math.Trunc(step*10)/10:
		return 2
	case step < 1:
		return 1
	}
	return 0
}

func fill(img *image.RGBA, r image.Rectangle, c color.RGBA) {
	r = r.Intersect(img.Rect)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			img.SetRGBA(x, y, c)
		}
	}
}

// line draws a horizontal or vertical line.
func line(img *image.RGBA, x0, y0, x1, y1 int, c color.RGBA) {
	if y0 == y1 {
		fill(img, image.Rect(min(x0, x1), y0, max(x0, x1)+1, y0+1), c)
	} else {
		fill(img, image.Rect(x0, min(y0, y1), x0+1, max(y0, y1)+1), c)
	}
}

func textWidth(s string, scale int) int { return len(s) * 6 * scale }

// text draws s (upper-cased) with its top-left corner at x, y.
func text(img *image.RGBA, x, y int, s string, scale int, c color.RGBA) {
	for _, r := range strings.ToUpper(s) {
		g, ok := glyphs[r]
		if !ok {
			g = glyphs['?']
		}
		for row, bits := range g {
			for col := 0; col < 5; col++ {
				if bits[col] == '#' {
					fill(img, image.Rect(x+col*scale, y+row*scale, x+(col+1)*scale, y+(row+1)*scale), c)
				}
			}
		}
		x += 6 * scale
	}
}

// glyphs is a 5×7 pixel font of the letters the plot uses.
var glyphs = map[rune][7]string{
	' ': {".....", ".....", ".....", ".....", ".....", ".....", "....."},
	'A': {".###.", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"},
	'B': {"####.", "#...#", "#...#", "####.", "#...#", "#...#", "####."},
	'C': {".###.", "#...#", "#....", "#....", "#....", "#...#", ".###."},
	'D': {"####.", "#...#", "#...#", "#...#", "#...#", "#...#", "####."},
	'E': {"#####", "#....", "#....", "####.", "#....", "#....", "#####"},
	'F': {"#####", "#....", "#....", "####.", "#....", "#....", "#...."},
	'G': {".###.", "#...#", "#....", "#.###", "#...#", "#...#", ".####"},
	'H': {"#...#", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"},
	'I': {".###.", "..#..", "..#..", "..#..", "..#..", "..#..", ".###."},
	'J': {"..###", "...#.", "...#.", "...#.", "...#.", "#..#.", ".##.."},
	'K': {"#...#", "#..#.", "#.#..", "##...", "#.#..", "#..#.", "#...#"},
	'L': {"#....", "#....", "#....", "#....", "#....", "#....", "#####"},
	'M': {"#...#", "##.##", "#.#.#", "#.#.#", "#...#", "#...#", "#...#"},
	'N': {"#...#", "#...#", "##..#", "#.#.#", "#..##", "#...#", "#...#"},
	'O': {".###.", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."},
	'P': {"####.", "#...#", "#...#", "####.", "#....", "#....", "#...."},
	'Q': {".###.", "#...#", "#...#", "#...#", "#.#.#", "#..#.", ".##.#"},
	'R': {"####.", "#...#", "#...#", "####.", "#.#..", "#..#.", "#...#"},
	'S': {".####", "#....", "#....", ".###.", "....#", "....#", "####."},
	'T': {"#####", "..#..", "..#..", "..#..", "..#..", "..#..", "..#.."},
	'U': {"#...#", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."},
	'V': {"#...#", "#...#", "#...#", "#...#", "#...#", ".#.#.", "..#.."},
	'W': {"#...#", "#...#", "#...#", "#.#.#", "#.#.#", "#.#.#", ".#.#."},
	'X': {"#...#", "#...#", ".#.#.", "..#..", ".#.#.", "#...#", "#...#"},
	'Y': {"#...#", "#...#", ".#.#.", "..#..", "..#..", "..#..", "..#.."},
	'Z': {"#####", "....#", "...#.", "..#..", ".#...", "#....", "#####"},
	'0': {".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###."},
	'1': {"..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."},
	'2': {".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"},
	'3': {"#####", "...#.", "..#..", "...#.", "....#", "#...#", ".###."},
	'4': {"...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."},
	'5': {"#####", "#....", "####.", "....#", "....#", "#...#", ".###."},
	'6': {"..##.", ".#...", "#....", "####.", "#...#", "#...#", ".###."},
	'7': {"#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."},
	'8': {".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###."},
	'9': {".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##.."},
	'-': {".....", ".....", ".....", "#####", ".....", ".....", "....."},
	'_': {".....", ".....", ".....", ".....", ".....", ".....", "#####"},
	'.': {".....", ".....", ".....", ".....", ".....", ".##..", ".##.."},
	',': {".....", ".....", ".....", ".....", ".##..", "..#..", ".#..."},
	':': {".....", ".##..", ".##..", ".....", ".##..", ".##..", "....."},
	';': {".....", ".##..", ".##..", ".....", ".##..", "..#..", ".#..."},
	'+': {".....", "..#..", "..#..", "#####", "..#..", "..#..", "....."},
	'/': {".....", "....#", "...#.", "..#..", ".#...", "#....", "....."},
	'(': {"...#.", "..#..", ".#...", ".#...", ".#...", "..#..", "...#."},
	')': {".#...", "..#..", "...#.", "...#.", "...#.", "..#..", ".#..."},
	'=': {".....", ".....", "#####", ".....", "#####", ".....", "....."},
	'?': {".###.", "#...#", "....#", "...#.", "..#..", ".....", "..#.."},
}
