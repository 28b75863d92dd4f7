package feishu

import "github.com/yuqing/yuqing/model"

// card is an interactive message card (the JSON 1.0 card format that
// custom bots accept).
type card struct {
	Config   cardConfig `json:"config"`
	Header   cardHeader `json:"header"`
	Elements []any      `json:"elements"`
}

type cardConfig struct {
	WideScreenMode bool `json:"wide_screen_mode"`
}

type cardHeader struct {
	Template string    `json:"template"`
	Title    plainText `json:"title"`
}

type plainText struct {
	Tag     string `json:"tag"`
	Content string `json:"content"`
}

type div struct {
	Tag  string    `json:"tag"`
	Text plainText `json:"text"`
}

type actionBlock struct {
	Tag     string   `json:"tag"`
	Actions []button `json:"actions"`
}

type button struct {
	Tag  string    `json:"tag"`
	Text plainText `json:"text"`
	Type string    `json:"type"`
	URL  string    `json:"url"`
}

// newCard builds a card with a coloured header, a lark_md body and a row
// of link buttons.
func newCard(title, template, body string, bs []button) card {
	c := card{
		Config:   cardConfig{WideScreenMode: true},
		Header:   cardHeader{Template: template, Title: plainText{Tag: "plain_text", Content: title}},
		Elements: []any{div{Tag: "div", Text: plainText{Tag: "lark_md", Content: body}}},
	}
	if len(bs) > 0 {
		c.Elements = append(c.Elements, actionBlock{Tag: "action", Actions: bs})
	}
	return c
}

// buttonTypes colour the actions: signing for a case is what is wanted
// first; dismissing it is the one to think twice about.
var buttonTypes = map[string]string{"sign": "primary", "dismiss": "danger"}

func buttons(as []model.Action) []button {
	var out []button
	for _, a := range as {
		if a.URL == "" {
			continue
		}
		typ := buttonTypes[a.Name]
		if typ == "" {
			typ = "default"
		}
		label := a.Label
		if label == "" {
			label = a.Name
		}
		out = append(out, button{Tag: "button", Text: plainText{Tag: "plain_text", Content: label}, Type: typ, URL: a.URL})
	}
	return out
}
