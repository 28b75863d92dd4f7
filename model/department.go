package model

// Department is an office that answers for some hot-topic areas or places.
type Department struct {
	// Code is ASCII (used in subjects, URLs and tokens); Name is Chinese.
	Code      string   `json:"code"`
	Name      string   `json:"name"`
	Receivers []string `json:"receivers"`
}
