package web

import (
	_ "embed"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/yuqing/yuqing/model"
)

//go:embed templates/action.html
var actionHTML string

// pageSecurity are the headers of every action page: nothing loads from
// elsewhere, the page is never framed, and the signed link in its address
// never leaks through a Referer.
var pageSecurity = map[string]string{
	"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
	"X-Frame-Options":         "DENY",
	"Referrer-Policy":         "no-referrer",
	"X-Content-Type-Options":  "nosniff",
	"Cache-Control":           "no-store",
}

// actionPage serves GET and POST /act/{id}/{action}: GET shows the case
// and, while the action can still be done, its form; POST does it. Both
// check the link's signature and expiry first, so a forged or expired link
// shows nothing. Doing an action twice is harmless: the second time says
// it is done already.
func (c *Console) actionPage() http.Handler {
	tmpl := template.Must(template.New("action").Parse(actionHTML))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, status := c.serveAction(r)
		for k, val := range pageSecurity {
			w.Header().Set(k, val)
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		if err := tmpl.Execute(w, v); err != nil {
			c.log.Error("render action page", "error", err)
		}
	})
}

func (c *Console) serveAction(r *http.Request) (pageView, int) {
	now := c.now()
	action := r.PathValue("action")
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	q := r.URL.Query()
	if err == nil {
		err = c.links.Verify(id, action, q.Get("e"), q.Get("s"), now)
	}
	switch {
	case errors.Is(err, ErrLinkExpired):
		return failed("链接已过期", "此链接已过期。请使用最新消息中的链接，或联系政务公开办。"), http.StatusGone
	case err != nil || linkHeadings[action] == "":
		return failed("链接无效", "此链接无效。请使用消息中的原始链接，不要修改链接内容。"), http.StatusForbidden
	}
	cs, err := c.ledger.Case(r.Context(), id)
	if errors.Is(err, model.ErrNotFound) {
		return failed("案件不存在", "找不到此案件。"), http.StatusNotFound
	}
	if err != nil {
		c.log.Error("action page: read case", "case_id", id, "error", err)
		return failed("系统错误", "系统暂时无法处理，请稍后再试。"), http.StatusInternalServerError
	}
	v := pageView{Heading: linkHeadings[action], PostURL: r.URL.RequestURI()}
	status := http.StatusOK
	if r.Method == http.MethodPost {
		if action == model.LinkView {
			return failed("不支持的操作", "查看链接不能提交。"), http.StatusMethodNotAllowed
		}
		cs, status = c.performAction(r, cs, action, &v)
	} else {
		v.Form, v.Message = formFor(action, cs)
	}
	c.fillCase(r, cs, action, now, &v)
	return v, status
}

func failed(heading, msg string) pageView {
	return pageView{Heading: heading, Message: msg, Failed: true}
}

func (c *Console) fillCase(r *http.Request, cs model.Case, action string, now time.Time, v *pageView) {
	links, err := c.ledger.CaseLinks(r.Context(), cs.ID, caseLinksShown)
	if err != nil {
		c.log.Warn("action page: read case links", "case_id", cs.ID, "error", err)
	}
	v.Case = c.caseView(cs, links, now)
	if action != model.LinkView {
		return
	}
	events, err := c.ledger.CaseEvents(r.Context(), cs.ID)
	if err != nil {
		c.log.Warn("action page: read case events", "case_id", cs.ID, "error", err)
	}
	v.Events = c.eventViews(events)
}

// linkTransition is the ledger action a link stands for ("" for view;
// dismiss is decided by the form).
var linkTransition = map[string]string{
	model.LinkSign: model.ActionSign, model.LinkRespond: model.ActionRespond,
	model.LinkPress: model.ActionPress, model.LinkDismiss: model.ActionFalseAlarm,
}

// formFor returns the form to show for the link's action, or a message
// saying why there is none.
func formFor(action string, cs model.Case) (form, msg string) {
	tr, ok := linkTransition[action]
	if !ok {
		return "", ""
	}
	if action == model.LinkPress && !cs.PressAt.IsZero() {
		return "", "新闻发布会已登记，无需重复操作。"
	}
	_, done, err := model.NextState(cs.State, tr)
	switch {
	case done:
		return "", "此案件当前为「" + model.StateName(cs.State) + "」，无需重复操作。"
	case err != nil:
		return "", "此案件当前为「" + model.StateName(cs.State) + "」，不能" + model.ActionName(tr) + "。"
	}
	return action, ""
}

var doneMessages = map[string]string{
	model.ActionSign: "签收成功。", model.ActionRespond: "回应已登记。", model.ActionPress: "新闻发布会已登记。",
	model.ActionFalseAlarm: "已标记为误报。", model.ActionReject: "已驳回。",
}

// performAction does the link's action with what the form says.
func (c *Console) performAction(r *http.Request, cs model.Case, action string, v *pageView) (model.Case, int) {
	r.Body = http.MaxBytesReader(nil, r.Body, maxRequestBody)
	if err := r.ParseForm(); err != nil {
		v.Message, v.Failed = "提交的内容无法读取。", true
		return cs, http.StatusBadRequest
	}
	in := formInput{Name: strings.TrimSpace(r.PostFormValue("name")), URL: strings.TrimSpace(r.PostFormValue("url")),
		Text: strings.TrimSpace(r.PostFormValue("text")), At: r.PostFormValue("at"), Kind: r.PostFormValue("kind"),
		Reason: strings.TrimSpace(r.PostFormValue("reason"))}
	v.Input = in
	tr, problem := c.linkTransition(action, in)
	if problem != "" {
		v.Form, v.Message, v.Failed = action, problem, true
		return cs, http.StatusBadRequest
	}
	tr.Via, tr.RemoteAddr = "link", remoteAddr(r)
	updated, changed, err := c.ledger.TransitionCase(r.Context(), cs.ID, tr, c.now())
	switch {
	case errors.Is(err, model.ErrTransition):
		v.Message, v.Failed = "此案件当前为「"+model.StateName(cs.State)+"」，不能"+model.ActionName(tr.Action)+"。", true
		return cs, http.StatusConflict
	case err != nil:
		c.log.Error("action page: transition", "case_id", cs.ID, "action", tr.Action, "error", err)
		v.Form, v.Message, v.Failed = action, "系统暂时无法处理，请稍后再试。", true
		return cs, http.StatusInternalServerError
	case !changed:
		v.Message = "此案件当前为「" + model.StateName(updated.State) + "」，无需重复提交。"
		return updated, http.StatusOK
	}
	c.log.Info("case transition", "case_id", cs.ID, "action", tr.Action, "actor", tr.Actor, "via", "link",
		"state", updated.State, "remote_addr", tr.RemoteAddr)
	v.Message = doneMessages[tr.Action]
	return updated, http.StatusOK
}

// linkTransition reads the form into a ledger action, or says in Chinese
// what is missing.
func (c *Console) linkTransition(action string, in formInput) (model.Transition, string) {
	tr := model.Transition{Action: linkTransition[action], Actor: in.Name}
	if in.Name == "" {
		return tr, "请填写经办人姓名。"
	}
	if in.At != "" {
		at, err := time.ParseInLocation("2006-01-02T15:04", in.At, c.loc)
		if err != nil {
			return tr, "时间格式不正确。"
		}
		tr.At = at
	}
	switch action {
	case model.LinkRespond:
		if in.URL == "" && in.Text == "" {
			return tr, "请填写回应链接或回应内容。"
		}
		if u, err := url.Parse(in.URL); in.URL != "" && (err != nil || u.Scheme != "http" && u.Scheme != "https") {
			return tr, "回应链接须以 http:// 或 https:// 开头。"
		}
		tr.ResponseURL, tr.ResponseText = in.URL, in.Text
	case model.LinkDismiss:
		if in.Kind == model.ActionReject {
			tr.Action = model.ActionReject
		}
		if in.Reason == "" {
			return tr, "请填写原因。"
		}
		tr.Reason = in.Reason
	}
	return tr, ""
}
