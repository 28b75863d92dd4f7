package message

import (
	"bytes"
	"fmt"
	"html/template"
)

// Email clients strip <style> blocks and external sheets: every style is
// inline.
var htmlTemplate = template.Must(template.New("alert").Parse(`<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body style="margin:0;padding:16px;font-family:'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif;font-size:14px;color:#222;">
{{- range .Messages}}
<div style="max-width:680px;border:1px solid #ddd;border-left:6px solid {{.Color}};padding:12px 16px;margin:0 0 16px 0;">
<div style="font-size:16px;font-weight:bold;">{{.M.Heading}}{{if .M.Tier}} · <span style="color:{{.Color}};">{{.M.Tier}}</span>{{end}}</div>
{{- if .M.Note}}
<p style="background:#fff8e1;padding:6px 8px;margin:8px 0;">{{.M.Note}}</p>
{{- end}}
<p style="font-size:15px;font-weight:bold;margin:8px 0;">{{if .M.URL}}<a href="{{.M.URL}}">{{.M.Title}}</a>{{else}}{{.M.Title}}{{end}}</p>
<table style="border-collapse:collapse;margin:4px 0;">
{{- range .M.Fields}}
<tr><td style="color:#666;padding:2px 12px 2px 0;white-space:nowrap;vertical-align:top;">{{.Label}}</td><td style="padding:2px 0;">{{.Value}}</td></tr>
{{- end}}
</table>
{{- if .M.Excerpt}}
<p style="color:#444;margin:8px 0;">{{.M.Excerpt}}</p>
{{- end}}
{{- if .M.Links}}
<p style="margin:8px 0 2px 0;font-weight:bold;">相关报道</p>
<ol style="margin:0;padding-left:20px;">
{{- range .M.Links}}
<li>{{if .URL}}<a href="{{.URL}}">{{.Title}}</a>{{else}}{{.Title}}{{end}}{{with or .SourceName .Source}}（{{.}}）{{end}}</li>
{{- end}}
</ol>
{{- end}}
{{- if .M.Deadlines}}
<p style="margin:8px 0 2px 0;font-weight:bold;">处置时限</p>
<ul style="margin:0;padding-left:20px;">
{{- range .M.Deadlines}}
<li>{{.}}</li>
{{- end}}
</ul>
{{- end}}
{{- if .M.Actions}}
<p style="margin:12px 0 4px 0;">
{{- range .M.Actions}}{{if .URL}}<a href="{{.URL}}" style="display:inline-block;padding:4px 12px;margin-right:8px;border:1px solid #1565C0;border-radius:4px;color:#1565C0;text-decoration:none;">{{or .Label .Name}}</a>{{end}}{{end}}
</p>
{{- end}}
{{- if gt .M.CaseID 0}}
<p style="color:#888;font-size:12px;margin:8px 0 0 0;">舆情案件编号 {{.M.CaseID}}</p>
{{- end}}
</div>
{{- end}}
{{- if .More}}
<p style="color:#666;">{{.More}}</p>
{{- end}}
</body></html>
`))

type htmlMessage struct {
	M     Message
	Color string
}

// HTML renders messages as one email body; heading is the subject (the
// <title>) and more, when set, a closing line.
func HTML(subject string, ms []Message, more string) (string, error) {
	data := struct {
		Subject  string
		Messages []htmlMessage
		More     string
	}{Subject: subject, More: more}
	for _, m := range ms {
		c := HexColor(m.Severity)
		if c == "" {
			c = "#9E9E9E"
		}
		data.Messages = append(data.Messages, htmlMessage{M: m, Color: c})
	}
	var buf bytes.Buffer
	if err := htmlTemplate.Execute(&buf, data); err != nil {
		return "", fmt.Errorf("message: render html: %w", err)
	}
	return buf.String(), nil
}
