package server

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gradphoto/api"
	"gradphoto/internal/wxstandin"
	"gradphoto/server/payment"
)

// wechatRig is the server with WeChat Pay Native against the local
// stand-in of WeChat Pay's endpoints.
func wechatRig(t *testing.T) (*rig, *wxstandin.Server) { return wechatRigKeys(t, nil) }

// wechatRigKeys is wechatRig; change, when set, alters the keys the
// server is configured with (not the stand-in's).
func wechatRigKeys(t *testing.T, change func(k *wxstandin.Keys)) (*rig, *wxstandin.Server) {
	t.Helper()
	keys, err := wxstandin.NewKeys()
	if err != nil {
		t.Fatal(err)
	}
	wx := wxstandin.Start(keys)
	if change != nil {
		change(&keys)
	}
	t.Cleanup(wx.Close)
	r := newRigAt(t, func(url string) Config {
		p, err := payment.NewWeChat(context.Background(), payment.WeChatConfig{
			AppID: "wxd678efh567hg6787", MchID: "1230000109", MchCertSerial: keys.MchSerial, MchKey: keys.MchKey,
			APIv3Key: keys.APIv3Key, PayKeyID: keys.PayKeyID, PayKey: &keys.PayKey.PublicKey,
			NotifyURL: url + api.PathPayNotify, APIBase: wx.URL})
		if err != nil {
			t.Fatal(err)
		}
		return Config{Payment: p}
	})
	return r, wx
}

// Prepay gives WeChat's code_url; a signed notification marks the order
// paid, the same notification again changes nothing (one payment); a
// notification with a bad signature is refused.
func TestWeChatPrepayAndNotify(t *testing.T) {
	r, wx := wechatRig(t)
	token := r.enrol("")
	st, o, e := r.order(token, "s/1", photoOnly)
	if st != http.StatusCreated || !strings.HasPrefix(o.QR, "weixin://wxpay/bizpayurl?pr=") || o.Provider != "wechat" {
		t.Fatalf("prepay: %d %+v %+v", st, o, e)
	}
	no := payment.TradeNo(o.ID)
	if err := wx.Pay(no); err != nil {
		t.Fatal(err)
	}
	if st, err := wx.Notify(context.Background(), no, true); err != nil || st != http.StatusUnauthorized {
		t.Errorf("forged notification: %d %v, want 401", st, err)
	}
	if got, _ := r.db.Order(context.Background(), o.ID); got.Status != api.OrderPending {
		t.Fatalf("after a forged notification the order is %s", got.Status)
	}
	for range 2 {
		if st, err := wx.Notify(context.Background(), no, false); err != nil || st != http.StatusNoContent {
			t.Fatalf("notification: %d %v, want 204", st, err)
		}
	}
	got, err := r.db.Order(context.Background(), o.ID)
	if err != nil || got.Status != api.OrderPaid || !strings.HasPrefix(got.TransactionID, "42000") {
		t.Fatalf("after the notification: %+v %v", got, err)
	}
	var polled api.Order
	if r.call(token, "GET", api.PathOrders+"/"+o.ID, nil, &polled); polled.Status != api.OrderPaid {
		t.Errorf("the kiosk's poll: %+v", polled)
	}
	if n := wx.Calls("POST /v3/pay/transactions/native"); n != 1 {
		t.Errorf("%d prepay calls, want 1", n)
	}
}

// A notification that never came: the kiosk's poll queries WeChat Pay and
// finds the payment. Closing an unpaid order closes it with WeChat Pay (it
// can no longer be paid); closing one paid meanwhile records it paid.
func TestWeChatQueryAndClose(t *testing.T) {
	r, wx := wechatRig(t)
	token := r.enrol("")
	_, o, _ := r.order(token, "s/1", photoOnly)
	var polled api.Order
	if r.call(token, "GET", api.PathOrders+"/"+o.ID, nil, &polled); polled.Status != api.OrderPending {
		t.Fatalf("before paying: %+v", polled)
	}
	if err := wx.Pay(payment.TradeNo(o.ID)); err != nil {
		t.Fatal(err)
	}
	if r.call(token, "GET", api.PathOrders+"/"+o.ID, nil, &polled); polled.Status != api.OrderPaid {
		t.Errorf("the poll after a lost notification: %+v", polled)
	}

	_, o2, _ := r.order(token, "s/2", photoOnly)
	if st := r.call(token, "POST", api.PathOrders+"/"+o2.ID+"/close", nil, &polled); st != 200 || polled.Status != api.OrderClosed {
		t.Fatalf("close: %d %+v", st, polled)
	}
	if err := wx.Pay(payment.TradeNo(o2.ID)); err == nil {
		t.Error("WeChat Pay still takes a payment for a closed order")
	}

	_, o3, _ := r.order(token, "s/3", photoOnly)
	if err := wx.Pay(payment.TradeNo(o3.ID)); err != nil {
		t.Fatal(err)
	}
	// the server has not been told: closing finds it paid (ORDERPAID)
	stored, _ := r.db.Order(context.Background(), o3.ID)
	if stored.Status != api.OrderPending {
		t.Fatalf("o3 stored as %s before the close", stored.Status)
	}
	if st := r.call(token, "POST", api.PathOrders+"/"+o3.ID+"/close", nil, &polled); st != 200 || polled.Status != api.OrderPaid {
		t.Errorf("closing an order paid meanwhile: %d %+v, want paid", st, polled)
	}
}

// A payment of another amount, or to another merchant, does not pay the
// order: neither its notification (refused, so WeChat Pay sends it again
// and someone looks) nor the kiosk's poll records it.
func TestWeChatWrongPaymentNotTaken(t *testing.T) {
	r, wx := wechatRig(t)
	token := r.enrol("")
	for _, c := range []struct {
		name   string
		amount int64
		mch    string
	}{{"one fen", 1, ""}, {"another merchant", 0, "1900000109"}} {
		_, o, _ := r.order(token, "s/"+c.name, photoOnly)
		no := payment.TradeNo(o.ID)
		if err := wx.Pay(no); err != nil {
			t.Fatal(err)
		}
		if err := wx.Misreport(no, c.amount, c.mch); err != nil {
			t.Fatal(err)
		}
		if st, err := wx.Notify(context.Background(), no, false); err != nil || st < 400 {
			t.Errorf("%s: notification answered %d %v, want a refusal", c.name, st, err)
		}
		var polled api.Order
		if st := r.call(token, "GET", api.PathOrders+"/"+o.ID, nil, &polled); polled.Status == api.OrderPaid {
			t.Errorf("%s: poll answered %d, paid", c.name, st)
		}
		if got, _ := r.db.Order(context.Background(), o.ID); got.Status != api.OrderPending || got.TransactionID != "" {
			t.Errorf("%s: the order is %s (%q) after a wrong payment", c.name, got.Status, got.TransactionID)
		}
	}
}

// The provider refuses to be made with missing settings, and a trade
// number that is not one of ours is not turned into an order id.
func TestWeChatSettingsAndTradeNumbers(t *testing.T) {
	if _, err := payment.NewWeChat(context.Background(), payment.WeChatConfig{AppID: "wx"}); err == nil {
		t.Error("a provider without keys")
	}
	id := newUUID()
	no := payment.TradeNo(id)
	back, err := payment.OrderID(no)
	if len(no) != 32 || err != nil || back != id {
		t.Errorf("TradeNo(%s) = %s, back %s %v", id, no, back, err)
	}
	for _, bad := range []string{"", "123", strings.Repeat("g", 32), strings.Repeat("A", 32)} {
		if _, err := payment.OrderID(bad); err == nil {
			t.Errorf("OrderID(%q) accepted", bad)
		}
	}
}

// Answers not signed with WeChat Pay's key are not believed (the SDK
// checks them): with another key configured, prepay fails as the
// provider's failure (502), and so does a merchant signature the stand-in
// does not accept.
func TestWeChatUnsignedAnswersRefused(t *testing.T) {
	other, err := wxstandin.NewKeys()
	if err != nil {
		t.Fatal(err)
	}
	for name, change := range map[string]func(k *wxstandin.Keys){
		"another WeChat Pay key": func(k *wxstandin.Keys) { k.PayKey = other.PayKey },
		"another merchant key":   func(k *wxstandin.Keys) { k.MchKey = other.MchKey },
	} {
		r, _ := wechatRigKeys(t, change)
		st, o, e := r.order(r.enrol(""), "s/1", photoOnly)
		if st != http.StatusBadGateway || e.Code != api.CodeProvider || o.QR != "" {
			t.Errorf("%s: %d %+v %+v, want 502 provider", name, st, e, o)
		}
	}
}

// The merchant settings file: keys read from PEM files beside it; serve
// refuses --payment wechat without it, and an unknown provider.
func TestWeChatSettingsFile(t *testing.T) {
	keys, err := wxstandin.NewKeys()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	mch, _ := x509.MarshalPKCS8PrivateKey(keys.MchKey)
	pub, _ := x509.MarshalPKIXPublicKey(&keys.PayKey.PublicKey)
	os.WriteFile(filepath.Join(dir, "apiclient_key.pem"), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: mch}), 0o600)
	os.WriteFile(filepath.Join(dir, "pub_key.pem"), pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}), 0o600)
	settings := filepath.Join(dir, "wechat.json")
	os.WriteFile(settings, []byte(`{"app_id":"wxd678efh567hg6787","mch_id":"1230000109","mch_cert_serial":"`+keys.MchSerial+
		`","mch_key_file":"apiclient_key.pem","api_v3_key":"`+keys.APIv3Key+`","pay_key_id":"`+keys.PayKeyID+
		`","pay_key_file":"pub_key.pem","notify_url":"https://photo.example.edu.cn/v1/payments/notify"}`), 0o600)
	cfg, err := payment.LoadWeChat(settings)
	if err != nil || !cfg.MchKey.Equal(keys.MchKey) || !cfg.PayKey.Equal(&keys.PayKey.PublicKey) {
		t.Fatalf("LoadWeChat: %v", err)
	}
	if _, err := payment.NewWeChat(context.Background(), cfg); err != nil {
		t.Errorf("NewWeChat from the file: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "bad.json"), []byte(`{"app_id":"x","mch_key":"inline?"}`), 0o600)
	if _, err := payment.LoadWeChat(filepath.Join(dir, "bad.json")); err == nil {
		t.Error("a settings file with an unknown field was accepted")
	}
	data := t.TempDir()
	if code, _, stderr := runMain("serve", "--data", data, "--payment", "wechat"); code != exitUsage || !strings.Contains(stderr, "--wechat") {
		t.Errorf("wechat without settings: %d %q", code, stderr)
	}
	if code, _, stderr := runMain("serve", "--data", data, "--payment", "alipay"); code != exitUsage || !strings.Contains(stderr, "unknown payment provider") {
		t.Errorf("an unknown provider: %d %q", code, stderr)
	}
}
