package watson

import (
	"fmt"
	"html/template"
	"strings"
	"time"
)

// The collector's pages carry everything inline (style and chart): an
// administrator opens them on a server without Internet access.

const pageStyle = `<style>
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1b1f24;background:#fff}
h1{font-size:22px;margin:0 0 4px} h2{font-size:17px;margin:24px 0 8px}
.sub{color:#57606a;margin:0 0 16px}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #d0d7de;vertical-align:top}
th{background:#f6f8fa;white-space:nowrap} td.nw{white-space:nowrap} td.bk{word-break:break-all} td.n{text-align:right;font-variant-numeric:tabular-nums}
h1.mono{font-size:17px} code,.mono{font-family:ui-monospace,"Cascadia Mono",Consolas,monospace;font-size:13px}
a{color:#0969da;text-decoration:none} a:hover{text-decoration:underline}
.chart{border:1px solid #d0d7de;border-radius:6px;padding:8px;background:#fbfcfd}
.bar{fill:#d1242f} .axis{stroke:#8c959f;stroke-width:1} .lbl{font-size:11px;fill:#57606a}
</style>`

var funcs = template.FuncMap{
	"when": func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return t.UTC().Format("2006-01-02 15:04Z")
	},
	"short": func(id string) string { return id[:12] },
	"inc":   func(i int) int { return i + 1 },
}

var pageTemplate = template.Must(template.New("page").Funcs(funcs).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>ohotfix failure reports</title>` + pageStyle + `</head>
<body>
<h1>ohotfix failure reports</h1>
<p class="sub">{{.Total}} report{{if ne .Total 1}}s{{end}} in {{len .Buckets}} bucket{{if ne (len .Buckets) 1}}s{{end}}</p>
<h2>Reports per day</h2>
<div class="chart">{{.Chart}}</div>
<h2>Buckets by count</h2>
<table>
<thead><tr><th>#</th><th>bucket</th><th>count</th><th>patch (P2)</th><th>phase (P5)</th><th>step (P6)</th><th>code (P7)</th><th>installer error (P8)</th><th>last seen</th></tr></thead>
<tbody>
{{range $i, $b := .Buckets}}<tr class="bucket"><td class="n">{{inc $i}}</td><td class="mono bk"><a href="/buckets/{{$b.Bucket}}">{{$b.Bucket}}</a></td><td class="n">{{$b.Count}}</td><td class="mono">{{$b.Parameters.P2}}</td><td>{{$b.Parameters.P5}}</td><td class="nw">{{$b.Parameters.P6}}</td><td class="n">{{$b.Parameters.P7}}</td><td>{{$b.Parameters.P8}}</td><td>{{when $b.LastSeen}}</td></tr>
{{else}}<tr><td colspan="9">No reports yet.</td></tr>
{{end}}</tbody></table>
<p class="sub">JSON: <a href="/buckets">/buckets</a></p>
</body></html>
`))

var bucketTemplate = template.Must(template.New("bucket").Funcs(funcs).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{.B.Bucket}}</title>` + pageStyle + `</head>
<body>
<p><a href="/">&larr; all buckets</a></p>
<h1 class="mono">{{.B.Bucket}}</h1>
<p class="sub">{{.B.EventType}} · {{.B.Count}} report{{if ne .B.Count 1}}s{{end}} · first {{when .B.FirstSeen}} · last {{when .B.LastSeen}}</p>
<h2>Parameters</h2>
<table><tbody>
{{range .Params}}<tr><th>{{.Key}}</th><td>{{.Name}}</td><td class="mono">{{.Value}}</td></tr>
{{end}}</tbody></table>
<h2>Reports</h2>
<table><thead><tr><th>report</th><th>received</th><th>failure at</th><th>logs</th></tr></thead><tbody>
{{range .Reports}}<tr><td class="mono"><a href="/reports/{{.ID}}">{{short .ID}}</a></td><td>{{when .Received}}</td><td>{{when .Created}}</td><td>{{$id := .ID}}{{range .Members}}<a href="/reports/{{$id}}/{{.}}">{{.}}</a> · {{end}}<a href="/reports/{{.ID}}.cab">cabinet</a></td></tr>
{{end}}</tbody></table>
</body></html>
`))

var reportTemplate = template.Must(template.New("report").Funcs(funcs).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>report {{short .ID}}</title>` + pageStyle + `</head>
<body>
<p><a href="/">all buckets</a> › <a href="/buckets/{{.Bucket}}" class="mono">{{.Bucket}}</a></p>
<h1 class="mono">{{.ID}}</h1>
<p class="sub">received {{when .Received}} · {{.Size}} bytes · <a href="/reports/{{.ID}}.cab">download the cabinet</a></p>
<h2>Attachments</h2>
<table><thead><tr><th>member</th><th>bytes</th></tr></thead><tbody>
{{range .Members}}<tr><td class="mono"><a href="/reports/{{$.ID}}/{{.Name}}">{{.Name}}</a></td><td class="n">{{.Size}}</td></tr>
{{end}}</tbody></table>
<h2>Manifest</h2>
<table><tbody>
{{range .Manifest}}<tr><th class="mono">{{.Key}}</th><td class="mono">{{.Value}}</td></tr>
{{end}}</tbody></table>
</body></html>
`))

// Chart geometry (pixels).
const (
	chartW, chartH        = 1000, 220
	chartLeft, chartRight = 40, 10
	chartTop, chartBottom = 24, 40
)

// chartSVG draws reports per day as an inline SVG bar chart: one <rect
// class="bar"> per day (days without reports have a zero-height bar), a
// <title> on each for the exact count.
func chartSVG(days []DayCount) template.HTML {
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="100%%" viewBox="0 0 %d %d" role="img" aria-label="reports per day">`,
		chartW, chartH)
	plotW, plotH := chartW-chartLeft-chartRight, chartH-chartTop-chartBottom
	base := chartTop + plotH
	fmt.Fprintf(&b, `<line class="axis" x1="%d" y1="%d" x2="%d" y2="%d"/>`, chartLeft, base, chartW-chartRight, base)
	peak := 0
	for _, d := range days {
		peak = max(peak, d.Count)
	}
	if len(days) == 0 || peak == 0 {
		fmt.Fprintf(&b, `<text class="lbl" x="%d" y="%d">no reports yet</text></svg>`, chartLeft+8, base-8)
		return template.HTML(b.String())
	}
	fmt.Fprintf(&b, `<text class="lbl" x="%d" y="%d" text-anchor="end">%d</text>`, chartLeft-6, chartTop+10, peak)
	fmt.Fprintf(&b, `<text class="lbl" x="%d" y="%d" text-anchor="end">0</text>`, chartLeft-6, base)
	slot := float64(plotW) / float64(len(days))
	barW := min(max(slot*0.7, 1), 48)
	every := max(1, len(days)/10) // at most ~10 date labels
	for i, d := range days {
		h := float64(plotH) * float64(d.Count) / float64(peak)
		x := float64(chartLeft) + slot*float64(i) + (slot-barW)/2
		day := d.Day.Format("2006-01-02")
		fmt.Fprintf(&b, `<rect class="bar" data-day="%s" data-count="%d" x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%s: %d</title></rect>`,
			day, d.Count, x, float64(base)-h, barW, h, day, d.Count)
		if d.Count > 0 && slot >= 14 {
			fmt.Fprintf(&b, `<text class="lbl" x="%.1f" y="%.1f" text-anchor="middle">%d</text>`, x+barW/2, float64(base)-h-4, d.Count)
		}
		if i%every == 0 || i == len(days)-1 {
			fmt.Fprintf(&b, `<text class="lbl" x="%.1f" y="%d" text-anchor="middle">%s</text>`, x+barW/2, base+16, d.Day.Format("01-02"))
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
