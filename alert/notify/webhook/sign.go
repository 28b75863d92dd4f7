package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Headers of a webhook request.
const (
	// HeaderDelivery carries the outbox delivery id: the same value on
	// every retry of one delivery, so a receiver can drop repeats.
	HeaderDelivery = "X-Yuqing-Delivery"
	// HeaderTimestamp is the send time in Unix seconds; it is signed.
	HeaderTimestamp = "X-Yuqing-Timestamp"
	// HeaderSignature is "sha256=" + hex(HMAC-SHA256(secret,
	// timestamp + "." + body)), present when the receiver has a secret.
	HeaderSignature = "X-Yuqing-Signature"
)

// DefaultTolerance is how far a signed timestamp may be from the receiver's
// clock when Verify is given no tolerance.
const DefaultTolerance = 5 * time.Minute

const signaturePrefix = "sha256="

// Errors of Verify; the returned error wraps one of them.
var (
	ErrNoSecret      = errors.New("webhook: no secret to verify with")
	ErrBadTimestamp  = errors.New("webhook: missing or malformed " + HeaderTimestamp)
	ErrStale         = errors.New("webhook: timestamp outside the tolerance")
	ErrNoSignature   = errors.New("webhook: missing " + HeaderSignature)
	ErrBadSignature  = errors.New("webhook: signature does not match")
	errSchemeUnknown = fmt.Errorf("%w: want %s<hex>", ErrBadSignature, signaturePrefix)
)

// Sign returns the X-Yuqing-Signature value for body sent at ts:
// "sha256=" + hex(HMAC-SHA256(secret, "<unix seconds>." + body)). Signing
// the timestamp with the body stops an old request from being replayed
// once it falls outside the receiver's tolerance.
func Sign(secret []byte, ts time.Time, body []byte) string {
	return signaturePrefix + hex.EncodeToString(mac(secret, ts.Unix(), body))
}

func mac(secret []byte, unix int64, body []byte) []byte {
	h := hmac.New(sha256.New, secret)
	h.Write(strconv.AppendInt(nil, unix, 10))
	h.Write([]byte{'.'})
	h.Write(body)
	return h.Sum(nil)
}

// Verify checks a webhook request as its receiver: the timestamp header must
// be within tolerance of now (DefaultTolerance when tolerance <= 0) and the
// signature header must be Sign(secret, timestamp, body). body is the raw
// request body, before any JSON decoding.
func Verify(secret []byte, header http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	if len(secret) == 0 {
		return ErrNoSecret
	}
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	unix, err := strconv.ParseInt(strings.TrimSpace(header.Get(HeaderTimestamp)), 10, 64)
	if err != nil {
		return ErrBadTimestamp
	}
	if skew := now.Sub(time.Unix(unix, 0)).Abs(); skew > tolerance {
		return fmt.Errorf("%w: %s away from now, tolerance %s", ErrStale, skew.Round(time.Second), tolerance)
	}
	sig := strings.TrimSpace(header.Get(HeaderSignature))
	if sig == "" {
		return ErrNoSignature
	}
	hexSum, ok := strings.CutPrefix(sig, signaturePrefix)
	if !ok {
		return errSchemeUnknown
	}
	got, err := hex.DecodeString(hexSum)
	if err != nil {
		return errSchemeUnknown
	}
	if !hmac.Equal(got, mac(secret, unix, body)) {
		return ErrBadSignature
	}
	return nil
}
