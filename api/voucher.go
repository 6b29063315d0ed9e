package api

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Vouchers settle a fee without paying at the kiosk (a school or a
// department hands them out). A voucher is a 12-character code a graduate
// types on the keypad. The server signs each voucher with its Ed25519 key
// over the code's hash, the school, the amount and the expiry; kiosks
// keep the signed entries (the voucher book, pulled like the roster) and
// verify a typed code offline. A voucher is used once: the server refuses
// a second submission with the same one when it syncs.
//
//	GET /v1/vouchers?since=   → VoucherBook

// PaymentVoucher is Submission.Payment for a fee settled by a voucher;
// Submission.OrderRef is then the voucher's hash.
const PaymentVoucher = "voucher"

// PathVouchers is the voucher book's call.
const PathVouchers = "/v1/vouchers"

// VoucherLen is the length of a voucher code, without separators.
const VoucherLen = 12

// ErrVoucherFormat: not 12 characters of the code alphabet.
var ErrVoucherFormat = errors.New("a voucher code is 12 letters and digits")

// Voucher is one signed entry of the voucher book. The code itself is not
// in it: only its hash, so the book does not give vouchers away.
type Voucher struct {
	Hash      string    `json:"hash"`   // hex SHA-256 of the normalised code
	School    string    `json:"school"` // "" any school
	AmountFen int64     `json:"amount_fen"`
	Expires   time.Time `json:"expires"`
	Sig       string    `json:"sig"` // base64 Ed25519 signature of VoucherMessage
}

// VoucherBook is a page of the voucher book after a cursor, and the
// server's public key that signs it.
type VoucherBook struct {
	Key      string    `json:"key"` // base64 Ed25519 public key
	Vouchers []Voucher `json:"vouchers"`
	Next     string    `json:"next"`
	More     bool      `json:"more"`
}

// NewVoucherCode makes a random voucher code.
func NewVoucherCode() string {
	b := make([]byte, VoucherLen)
	rand.Read(b)
	for i := range b {
		b[i] = CodeAlphabet[int(b[i])%len(CodeAlphabet)]
	}
	return string(b)
}

// NormalizeVoucher upper-cases a typed voucher and drops spaces and
// hyphens; ErrVoucherFormat unless 12 characters of the alphabet are left.
func NormalizeVoucher(s string) (string, error) {
	s = strings.ToUpper(strings.NewReplacer(" ", "", "-", "").Replace(strings.TrimSpace(s)))
	if len(s) != VoucherLen || !inAlphabet(s) {
		return "", ErrVoucherFormat
	}
	return s, nil
}

// FormatVoucher writes a voucher in three groups of four.
func FormatVoucher(c string) string {
	if len(c) != VoucherLen {
		return c
	}
	return c[:4] + "-" + c[4:8] + "-" + c[8:]
}

// VoucherHash is the hex SHA-256 of a normalised voucher code.
func VoucherHash(code string) string {
	h := sha256.Sum256([]byte("gradphoto-voucher\x00" + code))
	return hex.EncodeToString(h[:])
}

// VoucherMessage is what the server signs for a voucher.
func VoucherMessage(v Voucher) []byte {
	return fmt.Appendf(nil, "gradphoto-voucher-v1\n%s\n%s\n%d\n%s\n", v.Hash, v.School, v.AmountFen,
		v.Expires.UTC().Format(time.RFC3339))
}

// SignVoucher signs v with the server's private key.
func SignVoucher(key ed25519.PrivateKey, v Voucher) Voucher {
	v.Sig = base64.StdEncoding.EncodeToString(ed25519.Sign(key, VoucherMessage(v)))
	return v
}

// VerifyVoucher reports whether v carries a good signature of the key
// (base64, as the book gives it).
func VerifyVoucher(key string, v Voucher) bool {
	pub, err := base64.StdEncoding.DecodeString(key)
	if err != nil || len(pub) != ed25519.PublicKeySize {
		return false
	}
	sig, err := base64.StdEncoding.DecodeString(v.Sig)
	return err == nil && ed25519.Verify(ed25519.PublicKey(pub), VoucherMessage(v), sig)
}
