package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Errors of Links.Verify.
var (
	ErrLinkInvalid = errors.New("link signature is invalid")
	ErrLinkExpired = errors.New("link has expired")
)

// minLinkKey is the shortest HMAC key accepted.
const minLinkKey = 32

// linkDomain separates these signatures from any other use of the key.
const linkDomain = "yuqing-action-link-v1"

// Links makes and checks the signed action links of messages: a link names
// a case, an action and an expiry, and carries HMAC-SHA256 over the three,
// so that an officer can act on a case from a chat message without an
// account, and nobody can forge a link for another case or action, or use
// one after it expired.
type Links struct {
	key  []byte
	ttl  time.Duration
	base func() string
}

// NewLinks returns a signer. base returns the public URL of the console
// (e.g. https://yuqing.example.gov.cn); it is read whenever a link is made,
// so that it may become known only once the server listens. ttl is how
// long a link is valid.
func NewLinks(key []byte, ttl time.Duration, base func() string) (*Links, error) {
	if len(key) < minLinkKey {
		return nil, fmt.Errorf("web: new links: key of %d bytes, want at least %d", len(key), minLinkKey)
	}
	if ttl <= 0 {
		return nil, errors.New("web: new links: ttl must be positive")
	}
	return &Links{key: append([]byte(nil), key...), ttl: ttl, base: base}, nil
}

// ActionURL returns the signed link for an action on a case, valid for the
// ttl from now; "" when the console's address is not known.
func (l *Links) ActionURL(caseID int64, action string, now time.Time) string {
	base := strings.TrimRight(l.base(), "/")
	if base == "" {
		return ""
	}
	exp := now.Add(l.ttl).Unix()
	q := url.Values{"e": {strconv.FormatInt(exp, 10)}, "s": {l.sign(caseID, action, exp)}}
	return fmt.Sprintf("%s/act/%d/%s?%s", base, caseID, url.PathEscape(action), q.Encode())
}

// Verify checks a link's signature, then its expiry.
func (l *Links) Verify(caseID int64, action, exp, sig string, now time.Time) error {
	e, err := strconv.ParseInt(exp, 10, 64)
	if err != nil {
		return ErrLinkInvalid
	}
	want := l.sign(caseID, action, e)
	if !hmac.Equal([]byte(want), []byte(sig)) {
		return ErrLinkInvalid
	}
	if now.Unix() > e {
		return ErrLinkExpired
	}
	return nil
}

func (l *Links) sign(caseID int64, action string, exp int64) string {
	m := hmac.New(sha256.New, l.key)
	fmt.Fprintf(m, "%s\n%d\n%s\n%d", linkDomain, caseID, action, exp)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}
