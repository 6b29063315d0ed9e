package api

import (
	"crypto/ed25519"
	"encoding/base64"
	"testing"
	"time"
)

// A signed voucher verifies; any change to it, or another key, does not.
func TestVoucherSignature(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	key := base64.StdEncoding.EncodeToString(pub)
	code := NewVoucherCode()
	v := SignVoucher(priv, Voucher{Hash: VoucherHash(code), School: "华东示范大学", AmountFen: 1500,
		Expires: time.Date(2027, 6, 30, 16, 0, 0, 0, time.UTC)})
	if !VerifyVoucher(key, v) {
		t.Fatal("a good voucher does not verify")
	}
	for name, change := range map[string]func(v *Voucher){
		"amount": func(v *Voucher) { v.AmountFen = 150000 },
		"school": func(v *Voucher) { v.School = "" },
		"expiry": func(v *Voucher) { v.Expires = v.Expires.AddDate(1, 0, 0) },
		"code":   func(v *Voucher) { v.Hash = VoucherHash(NewVoucherCode()) },
		"sig":    func(v *Voucher) { v.Sig = v.Sig[:10] },
	} {
		w := v
		change(&w)
		if VerifyVoucher(key, w) {
			t.Errorf("a voucher with another %s verifies", name)
		}
	}
	other, _, _ := ed25519.GenerateKey(nil)
	if VerifyVoucher(base64.StdEncoding.EncodeToString(other), v) || VerifyVoucher("not base64!", v) {
		t.Error("verifies under another key")
	}
	typed := "  " + FormatVoucher(code)[:5] + " " + FormatVoucher(code)[5:] + " "
	if n, err := NormalizeVoucher(typed); err != nil || n != code {
		t.Errorf("NormalizeVoucher(%q) = %q, %v", typed, n, err)
	}
	for _, bad := range []string{"", "ABC", code + "2", "0OOO-1III-LLLL"} {
		if _, err := NormalizeVoucher(bad); err == nil {
			t.Errorf("NormalizeVoucher(%q) accepted", bad)
		}
	}
}

func FuzzNormalizeVoucher(f *testing.F) {
	f.Add("K7QX-9M2F-3HPT")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		n, err := NormalizeVoucher(s)
		if err == nil && (len(n) != VoucherLen || !inAlphabet(n)) {
			t.Fatalf("NormalizeVoucher(%q) = %q", s, n)
		}
	})
}
