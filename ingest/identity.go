package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"sort"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// idHashLength is the number of hex digits kept from the SHA-256: 96 bits,
// far beyond any collision risk for the items of one source.
const idHashLength = 24

// ItemID is the stable identity of an item: "<source>:" followed by a hash
// of the feed GUID if there is one, else of the canonical link, else of the
// normalised title and content. The same article polled twice, or reached
// through a link with different tracking parameters, gets the same id.
func ItemID(sourceID, guid, link, title, content string) string {
	var basis string
	switch {
	case strings.TrimSpace(guid) != "":
		basis = "guid:" + strings.TrimSpace(guid)
	case strings.TrimSpace(link) != "":
		basis = "url:" + CanonicalURL(link)
	default:
		basis = "text:" + normaliseText(title) + "\n" + normaliseText(content)
	}
	sum := sha256.Sum256([]byte(basis))
	return sourceID + ":" + hex.EncodeToString(sum[:])[:idHashLength]
}

// CanonicalURL returns the form of a link used for identity: scheme and
// host lower-cased, default port, fragment and tracking parameters removed,
// the remaining query sorted. A link that does not parse as an absolute URL
// is returned trimmed, unchanged otherwise.
func CanonicalURL(link string) string {
	link = strings.TrimSpace(link)
	u, err := url.Parse(link)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return link
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = strings.ToLower(u.Host)
	if port := u.Port(); (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		u.Host = u.Hostname()
		if strings.Contains(u.Host, ":") { // IPv6 literal
			u.Host = "[" + u.Host + "]"
		}
	}
	u.Host = strings.TrimSuffix(u.Host, ".")
	u.Fragment, u.RawFragment = "", ""
	if u.Path == "" {
		u.Path = "/"
	}
	u.RawQuery = canonicalQuery(u.RawQuery)
	u.ForceQuery = false
	return u.String()
}

func canonicalQuery(raw string) string {
	if raw == "" {
		return ""
	}
	values, err := url.ParseQuery(raw)
	if err != nil {
		// Keep an unparseable query as it is: dropping it could merge
		// distinct articles (?id=1 and ?id=2 behind a broken parameter).
		return raw
	}
	for key := range values {
		if isTrackingParam(key) {
			delete(values, key)
		}
	}
	for _, vs := range values {
		sort.Strings(vs)
	}
	return values.Encode() // sorted by key
}

// isTrackingParam lists the parameters that say how a reader arrived, not
// which article it is:
//   - utm_*: Google Analytics campaign tags, added by newsletters and shares.
//   - spm: Alibaba's page-position tracking, common on Chinese portals.
//   - from, isappinstalled, scene: added by WeChat and Weibo when a link is
//     shared ("from=timeline", "isappinstalled=0", "scene=1").
//   - share_token, share_source, share_medium: share-button tags of Chinese
//     news apps.
//   - fbclid, gclid: click ids of Facebook and Google ads.
func isTrackingParam(key string) bool {
	k := strings.ToLower(key)
	if strings.HasPrefix(k, "utm_") {
		return true
	}
	switch k {
	case "spm", "from", "isappinstalled", "scene", "share_token", "share_source", "share_medium", "fbclid", "gclid":
		return true
	}
	return false
}

// normaliseText folds what differs between two renderings of the same
// text: Unicode compatibility forms (full-width letters), case, and
// whitespace.
func normaliseText(s string) string {
	s = norm.NFKC.String(s)
	return strings.Join(strings.Fields(strings.ToLower(s)), " ")
}
