package webhook

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/yuqing/yuqing/alert"
	"github.com/yuqing/yuqing/alert/notify/message"
	"github.com/yuqing/yuqing/model"
)

// Kinds of our own payloads besides PayloadKind.
const (
	DigestKind = "yuqing.digest"
	ReportKind = "yuqing.report"
)

// DigestPayload is the body of a digest: the deliveries merged because the
// receiver was over its rate limit, each with its delivery id (drop the
// ones already seen).
type DigestPayload struct {
	Version    string              `json:"version"`
	Kind       string              `json:"kind"`
	Deliveries []alert.DigestEntry `json:"deliveries"`
	SentAt     time.Time           `json:"sent_at"`
}

// ReportPayload announces a finished report.
type ReportPayload struct {
	Version string             `json:"version"`
	Kind    string             `json:"kind"`
	Report  model.ReportNotice `json:"report"`
	SentAt  time.Time          `json:"sent_at"`
}

// AlertmanagerVersion is the version of Alertmanager's webhook payload we
// produce.
const AlertmanagerVersion = "4"

// AlertmanagerPayload is Alertmanager's webhook body (version 4), which
// many existing bridges (to SMS, 政务微信 gateways, ticket systems) read.
type AlertmanagerPayload struct {
	Version           string              `json:"version"`
	GroupKey          string              `json:"groupKey"`
	TruncatedAlerts   int                 `json:"truncatedAlerts"`
	Status            string              `json:"status"`
	Receiver          string              `json:"receiver"`
	GroupLabels       map[string]string   `json:"groupLabels"`
	CommonLabels      map[string]string   `json:"commonLabels"`
	CommonAnnotations map[string]string   `json:"commonAnnotations"`
	ExternalURL       string              `json:"externalURL"`
	Alerts            []AlertmanagerAlert `json:"alerts"`
}

// AlertmanagerAlert is one alert of an AlertmanagerPayload. A case stays
// firing until it is closed in the console; endsAt is the zero time, as
// Alertmanager sends for firing alerts.
type AlertmanagerAlert struct {
	Status       string            `json:"status"`
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations"`
	StartsAt     time.Time         `json:"startsAt"`
	EndsAt       time.Time         `json:"endsAt"`
	GeneratorURL string            `json:"generatorURL"`
	Fingerprint  string            `json:"fingerprint"`
}

// Alert names in Alertmanager payloads.
const (
	AlertnameCase   = "YuqingCase"
	AlertnameReport = "YuqingReport"
)

// groupOf is the grouping of a single alert: its case.
func groupOf(a model.Alert) map[string]string {
	return map[string]string{"case_id": strconv.FormatInt(a.CaseID, 10)}
}

func (n *Notifier) alertmanager(entries []alert.DigestEntry, group map[string]string) AlertmanagerPayload {
	p := AlertmanagerPayload{
		Version: AlertmanagerVersion, Status: "firing", Receiver: n.name,
		GroupLabels: group, ExternalURL: n.externalURL, GroupKey: groupKey(n.name, group),
	}
	for _, e := range entries {
		p.Alerts = append(p.Alerts, n.amAlert(e.Alert))
	}
	p.CommonLabels = common(p.Alerts, func(a AlertmanagerAlert) map[string]string { return a.Labels })
	p.CommonAnnotations = common(p.Alerts, func(a AlertmanagerAlert) map[string]string { return a.Annotations })
	return p
}

func (n *Notifier) amAlert(a model.Alert) AlertmanagerAlert {
	m := message.Build(a, n.now(), nil)
	labels := map[string]string{
		"alertname":  AlertnameCase,
		"kind":       orNew(a.Kind),
		"case_id":    strconv.FormatInt(a.CaseID, 10),
		"department": a.Department,
		"topic":      strings.Join(a.Analysis.TopicIDs(), ","),
		"region":     strings.Join(a.Analysis.Regions, ","),
		"source":     a.Item.SourceID,
		"story":      a.StoryID,
	}
	if s := a.Analysis.Severity; s != model.SeverityNone {
		labels["severity"] = s.String()
	}
	maps.DeleteFunc(labels, func(_, v string) bool { return v == "" })
	ann := map[string]string{
		"summary":     m.HeadLine() + "：" + m.Title,
		"description": message.Text(m),
		"department":  m.Department,
		"url":         a.Item.URL,
	}
	if a.Note != "" {
		ann["note"] = a.Note
	}
	for _, d := range a.Deadlines {
		ann["deadline_"+d.Kind] = d.Due.UTC().Format(time.RFC3339)
	}
	maps.DeleteFunc(ann, func(_, v string) bool { return v == "" })
	generator := a.Item.URL
	for _, act := range a.Actions {
		if act.Name == "view" && act.URL != "" {
			generator = act.URL
		}
	}
	start := a.OpenedAt
	if t := a.Item.EarliestTime(); !t.IsZero() {
		start = t
	}
	return AlertmanagerAlert{Status: "firing", Labels: labels, Annotations: ann, StartsAt: start.UTC(),
		GeneratorURL: generator, Fingerprint: fingerprint(map[string]string{"alertname": AlertnameCase,
			"case_id": labels["case_id"], "department": a.Department})}
}

func (n *Notifier) reportAlert(r model.ReportNotice, now time.Time) AlertmanagerPayload {
	labels := map[string]string{"alertname": AlertnameReport}
	ann := map[string]string{"summary": r.Title, "description": r.Summary, "url": r.URL}
	maps.DeleteFunc(ann, func(_, v string) bool { return v == "" })
	a := AlertmanagerAlert{Status: "firing", Labels: labels, Annotations: ann, StartsAt: now.UTC(),
		GeneratorURL: r.URL, Fingerprint: fingerprint(map[string]string{"alertname": AlertnameReport, "title": r.Title})}
	group := map[string]string{"alertname": AlertnameReport}
	return AlertmanagerPayload{Version: AlertmanagerVersion, Status: "firing", Receiver: n.name,
		GroupLabels: group, GroupKey: groupKey(n.name, group), ExternalURL: n.externalURL,
		CommonLabels: labels, CommonAnnotations: ann, Alerts: []AlertmanagerAlert{a}}
}

func orNew(kind string) string {
	if kind == "" {
		return model.AlertNew
	}
	return kind
}

// common returns the pairs every alert has.
func common(as []AlertmanagerAlert, of func(AlertmanagerAlert) map[string]string) map[string]string {
	out := map[string]string{}
	if len(as) == 0 {
		return out
	}
	maps.Copy(out, of(as[0]))
	for _, a := range as[1:] {
		m := of(a)
		maps.DeleteFunc(out, func(k, v string) bool { return m[k] != v })
	}
	return out
}

// groupKey is written like Alertmanager's: the receiver's route and the
// group labels.
func groupKey(receiver string, group map[string]string) string {
	return fmt.Sprintf("{}/{receiver=%q}:%s", receiver, labelString(group))
}

func labelString(m map[string]string) string {
	keys := slices.Sorted(maps.Keys(m))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%q", k, m[k])
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// fingerprint identifies an alert by its identifying labels, as
// Alertmanager's 16 hex digits.
func fingerprint(labels map[string]string) string {
	sum := sha256.Sum256([]byte(labelString(labels)))
	return hex.EncodeToString(sum[:8])
}
