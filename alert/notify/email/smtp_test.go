package email_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/textproto"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// mailbox is a real SMTP server (github.com/emersion/go-smtp) on a random
// loopback port that keeps what it receives.
type mailbox struct {
	host string
	port int
	// caFile is the PEM of the server's self-signed certificate (TLS only).
	caFile string

	mu   sync.Mutex
	got  []delivered
	fail func(stage string) error // refuse at "auth", "rcpt" or "data"
	user string                   // last authenticated user
}

type delivered struct {
	from string
	to   []string
	data []byte
}

type serverOptions struct {
	tls      bool
	password string // "" accepts no AUTH at all
}

func startMailbox(t *testing.T, o serverOptions) *mailbox {
	t.Helper()
	mb := &mailbox{host: "127.0.0.1"}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &session{mb: mb, password: o.password}, nil
	}))
	srv.Domain = "mail.xianning.test"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.AllowInsecureAuth = !o.tls
	if o.tls {
		cert, caFile := selfSigned(t)
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
		mb.caFile = caFile
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mb.port = ln.Addr().(*net.TCPAddr).Port
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return mb
}

func (mb *mailbox) received() []delivered {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	return append([]delivered(nil), mb.got...)
}

func (mb *mailbox) refuse(stage string) error {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	if mb.fail == nil {
		return nil
	}
	return mb.fail(stage)
}

type session struct {
	mb       *mailbox
	password string
	authed   bool
	from     string
	to       []string
}

func (s *session) AuthMechanisms() []string {
	if s.password == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (s *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if err := s.mb.refuse("auth"); err != nil {
			return err
		}
		if user != "yuqing" || pass != s.password {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication credentials invalid"}
		}
		s.authed = true
		s.mb.mu.Lock()
		s.mb.user = user
		s.mb.mu.Unlock()
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.password != "" && !s.authed {
		return smtp.ErrAuthRequired
	}
	s.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if err := s.mb.refuse("rcpt"); err != nil {
		return err
	}
	s.to = append(s.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if err := s.mb.refuse("data"); err != nil {
		return err
	}
	s.mb.mu.Lock()
	defer s.mb.mu.Unlock()
	s.mb.got = append(s.mb.got, delivered{from: s.from, to: s.to, data: data})
	return nil
}

func (s *session) Reset()        { s.from, s.to = "", nil }
func (s *session) Logout() error { return nil }

// selfSigned makes a certificate for 127.0.0.1 and writes it as the CA
// file a receiver would be configured with.
func selfSigned(t *testing.T) (tls.Certificate, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mail.xianning.test"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:   time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, IsCA: true, BasicConstraintsValid: true,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := tls.X509KeyPair(certPEM, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}))
	if err != nil {
		t.Fatal(err)
	}
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	return cert, caFile
}

// parsed is a received email, decoded.
type parsed struct {
	header mail.Header
	// parts by content type (without parameters), decoded bodies.
	parts map[string][][]byte
	names []string // attachment file names
	// leaves are the single parts in order, with where they sit.
	leaves []leaf
}

// leaf is one single (not multipart) part of a received email.
type leaf struct {
	contentType string
	contentID   string // the Content-ID header as sent, e.g. <x@y>
	disposition string // inline or attachment, without parameters
	// parents are the multipart types around it, outermost first.
	parents []string
	data    []byte
}

func parse(t *testing.T, data []byte) parsed {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not an email: %v\n%s", err, data)
	}
	p := parsed{header: msg.Header, parts: map[string][][]byte{}}
	p.walk(t, textproto.MIMEHeader(msg.Header), nil, msg.Body)
	return p
}

func (p *parsed) walk(t *testing.T, h textproto.MIMEHeader, parents []string, body io.Reader) {
	t.Helper()
	contentType, encoding, disposition := h.Get("Content-Type"), h.Get("Content-Transfer-Encoding"), h.Get("Content-Disposition")
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		t.Fatalf("content type %q: %v", contentType, err)
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		inner := append(slices.Clone(parents), mt)
		for {
			part, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			p.walk(t, part.Header, inner, part)
		}
	}
	switch strings.ToLower(encoding) {
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	}
	data, err := io.ReadAll(body)
	if err != nil {
		t.Fatal(err)
	}
	disp, dp, err := mime.ParseMediaType(disposition)
	if err == nil && dp["filename"] != "" && disp == "attachment" {
		name, _ := new(mime.WordDecoder).DecodeHeader(dp["filename"])
		p.names = append(p.names, name)
	}
	p.parts[mt] = append(p.parts[mt], data)
	p.leaves = append(p.leaves, leaf{contentType: mt, contentID: h.Get("Content-ID"), disposition: disp, parents: parents, data: data})
}

func (p parsed) subject(t *testing.T) string {
	s, err := new(mime.WordDecoder).DecodeHeader(p.header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func portString(p int) string { return strconv.Itoa(p) }
