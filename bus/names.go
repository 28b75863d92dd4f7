package bus

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yuqing/yuqing/config"
)

// Defaults applied to zero values of config.NATS.
const (
	DefaultNamespace       = "yuqing"
	DefaultMaxMemory       = 64 << 20
	DefaultMaxStore        = 1 << 30
	DefaultDuplicateWindow = time.Hour
	DefaultMaxAge          = 14 * 24 * time.Hour
	DefaultReplicas        = 1
	DefaultMaxDeliver      = 20
	DefaultAckWait         = 60 * time.Second
	// DefaultSyncInterval is far below nats-server's own 2 minutes: an item
	// acknowledged by JetStream but not yet on disk is lost in a power cut,
	// and ingest has moved past it by then.
	DefaultSyncInterval = time.Second
)

// Kinds of messages. Each kind has its own stream and subject prefix.
const (
	KindItems  = "items"
	KindTagged = "tagged"
	KindEvents = "events"
	KindAlerts = "alerts"
)

// Durable consumer names.
const (
	ConsumerAnalyze = "analyze"
	ConsumerAlert   = "alert"
)

var kinds = [...]string{KindItems, KindTagged, KindEvents, KindAlerts}

// maxTokenLen keeps subjects short; source ids and department codes are far
// shorter in practice.
const maxTokenLen = 128

// ErrInvalidToken is returned when a source id, department code, event kind
// or namespace cannot be used as one subject token.
var ErrInvalidToken = errors.New("invalid subject token")

// ApplyDefaults returns c with every zero field set to its default, so the
// config loader can show the effective values.
func ApplyDefaults(c config.NATS) config.NATS {
	if c.Namespace == "" {
		c.Namespace = DefaultNamespace
	}
	if c.MaxMemory == 0 {
		c.MaxMemory = DefaultMaxMemory
	}
	if c.MaxStore == 0 {
		c.MaxStore = DefaultMaxStore
	}
	if c.DuplicateWindow == 0 {
		c.DuplicateWindow = config.Duration(DefaultDuplicateWindow)
	}
	if c.MaxAge == 0 {
		c.MaxAge = config.Duration(DefaultMaxAge)
	}
	if c.Replicas == 0 {
		c.Replicas = DefaultReplicas
	}
	if c.MaxDeliver == 0 {
		c.MaxDeliver = DefaultMaxDeliver
	}
	if c.AckWait == 0 {
		c.AckWait = config.Duration(DefaultAckWait)
	}
	if c.SyncInterval == 0 {
		c.SyncInterval = config.Duration(DefaultSyncInterval)
	}
	return c
}

// validateConfig checks a defaulted configuration for values the server
// would reject with a less helpful message.
func validateConfig(c config.NATS) error {
	var errs []error
	if err := ValidateToken(c.Namespace); err != nil {
		errs = append(errs, fmt.Errorf("namespace: %w", err))
	}
	if c.DuplicateWindow > c.MaxAge {
		errs = append(errs, fmt.Errorf("duplicate_window %s is longer than max_age %s", c.DuplicateWindow, c.MaxAge))
	}
	if c.Replicas < 1 || c.Replicas > 5 {
		errs = append(errs, fmt.Errorf("replicas %d out of range 1..5", c.Replicas))
	}
	if c.MaxDeliver < 1 {
		errs = append(errs, fmt.Errorf("max_deliver %d must be at least 1", c.MaxDeliver))
	}
	if c.MaxMemory < 0 || c.MaxStore < 0 || c.AckWait < 0 {
		errs = append(errs, errors.New("max_memory, max_store and ack_wait must not be negative"))
	}
	return errors.Join(errs...)
}

// ValidateToken reports whether s can be one subject token: 1 to 128
// characters of [a-z0-9_-]. That rules out the subject separator ".", the
// wildcards "*" and ">", white space and anything outside ASCII.
func ValidateToken(s string) error {
	if s == "" {
		return fmt.Errorf("%w: empty", ErrInvalidToken)
	}
	if len(s) > maxTokenLen {
		return fmt.Errorf("%w: %d bytes, at most %d allowed", ErrInvalidToken, len(s), maxTokenLen)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '_', c == '-':
			continue
		case c >= utf8.RuneSelf:
			return fmt.Errorf("%w: %q is not ASCII (allowed: a-z 0-9 _ -)", ErrInvalidToken, s)
		default:
			return fmt.Errorf("%w: %q has %q at byte %d (allowed: a-z 0-9 _ -)", ErrInvalidToken, s, rune(c), i)
		}
	}
	return nil
}

// streamName is NAMESPACE_KIND with the namespace upper-cased and every
// character other than A-Z and 0-9 replaced by "_".
func streamName(namespace, kind string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(namespace) {
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	b.WriteByte('_')
	b.WriteString(strings.ToUpper(kind))
	return b.String()
}

// subject joins namespace, kind and token; the caller has validated token.
func subject(namespace, kind, token string) string {
	return namespace + "." + kind + "." + token
}
