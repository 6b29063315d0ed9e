package payment

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/wechatpay-apiv3/wechatpay-go/core"
	"github.com/wechatpay-apiv3/wechatpay-go/core/auth/verifiers"
	"github.com/wechatpay-apiv3/wechatpay-go/core/notify"
	"github.com/wechatpay-apiv3/wechatpay-go/core/option"
	"github.com/wechatpay-apiv3/wechatpay-go/services/payments"
	"github.com/wechatpay-apiv3/wechatpay-go/services/payments/native"
	"github.com/wechatpay-apiv3/wechatpay-go/utils"
)

// WeChatConfig is a merchant's WeChat Pay settings.
type WeChatConfig struct {
	AppID, MchID  string
	MchCertSerial string          // the serial number of the merchant's API certificate
	MchKey        *rsa.PrivateKey // the merchant's API private key: signs requests
	APIv3Key      string          // 32 bytes: decrypts notifications
	// PayKeyID and PayKey are WeChat Pay's public key (PUB_KEY_ID_…):
	// every answer and notification must be signed with its private half.
	PayKeyID  string
	PayKey    *rsa.PublicKey
	NotifyURL string // where WeChat Pay posts payment notifications (this server's)
	// APIBase replaces https://api.mch.weixin.qq.com (a stand-in, in tests).
	APIBase    string
	HTTPClient *http.Client
}

// WeChat is WeChat Pay Native through the official SDK
// (github.com/wechatpay-apiv3/wechatpay-go): prepay gives the code_url the
// kiosk shows as its QR code; answers are checked against WeChat Pay's
// public key; notifications are verified and decrypted by the SDK.
type WeChat struct {
	cfg    WeChatConfig
	native native.NativeApiService
	notify *notify.Handler
}

// NewWeChat makes the provider for a merchant.
func NewWeChat(ctx context.Context, cfg WeChatConfig) (*WeChat, error) {
	if cfg.AppID == "" || cfg.MchID == "" || cfg.MchKey == nil || cfg.PayKey == nil || len(cfg.APIv3Key) != 32 || cfg.NotifyURL == "" {
		return nil, errors.New("payment: wechat: app id, merchant id and key, WeChat Pay's public key, a 32-byte API v3 key and the notify URL are needed")
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.APIBase != "" {
		base, err := url.Parse(cfg.APIBase)
		if err != nil || base.Host == "" {
			return nil, fmt.Errorf("payment: wechat: API base %q: not a URL", cfg.APIBase)
		}
		rt := hc.Transport
		if rt == nil {
			rt = http.DefaultTransport
		}
		hc = &http.Client{Timeout: hc.Timeout, Transport: rebase{to: base, next: rt}}
	}
	client, err := core.NewClient(ctx,
		option.WithWechatPayPublicKeyAuthCipher(cfg.MchID, cfg.MchCertSerial, cfg.MchKey, cfg.PayKeyID, cfg.PayKey),
		option.WithHTTPClient(hc))
	if err != nil {
		return nil, fmt.Errorf("payment: wechat: %w", err)
	}
	h, err := notify.NewRSANotifyHandler(cfg.APIv3Key, verifiers.NewSHA256WithRSAPubkeyVerifier(cfg.PayKeyID, *cfg.PayKey))
	if err != nil {
		return nil, fmt.Errorf("payment: wechat: notify handler: %w", err)
	}
	return &WeChat{cfg: cfg, native: native.NativeApiService{Client: client}, notify: h}, nil
}

// rebase sends requests for WeChat Pay's API to another base URL.
type rebase struct {
	to   *url.URL
	next http.RoundTripper
}

func (r rebase) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.URL.Scheme, req.URL.Host = r.to.Scheme, r.to.Host
	req.Host = r.to.Host
	return r.next.RoundTrip(req)
}

// Name is "wechat".
func (w *WeChat) Name() string { return "wechat" }

// Prepay opens a Native order: its code_url is the QR code's payload.
func (w *WeChat) Prepay(ctx context.Context, o Order) (string, error) {
	resp, _, err := w.native.Prepay(ctx, native.PrepayRequest{
		Appid: core.String(w.cfg.AppID), Mchid: core.String(w.cfg.MchID),
		Description: core.String(o.Description), OutTradeNo: core.String(TradeNo(o.ID)),
		TimeExpire: core.Time(o.ExpiresAt), NotifyUrl: core.String(w.cfg.NotifyURL),
		Amount: &native.Amount{Total: core.Int64(o.AmountFen), Currency: core.String("CNY")},
	})
	if err != nil {
		return "", fmt.Errorf("payment: wechat: prepay %s: %w", o.ID, err)
	}
	if resp.CodeUrl == nil || *resp.CodeUrl == "" {
		return "", fmt.Errorf("payment: wechat: prepay %s: no code_url", o.ID)
	}
	return *resp.CodeUrl, nil
}

// Query asks for the order by its trade number.
func (w *WeChat) Query(ctx context.Context, id string) (Result, error) {
	tx, _, err := w.native.QueryOrderByOutTradeNo(ctx, native.QueryOrderByOutTradeNoRequest{
		OutTradeNo: core.String(TradeNo(id)), Mchid: core.String(w.cfg.MchID)})
	if err != nil {
		return Result{}, fmt.Errorf("payment: wechat: query %s: %w", id, err)
	}
	return w.result(tx)
}

// Close closes the order; ErrAlreadyPaid when WeChat Pay says it was paid.
func (w *WeChat) Close(ctx context.Context, id string) error {
	_, err := w.native.CloseOrder(ctx, native.CloseOrderRequest{
		OutTradeNo: core.String(TradeNo(id)), Mchid: core.String(w.cfg.MchID)})
	var apiErr *core.APIError
	if errors.As(err, &apiErr) && apiErr.Code == "ORDERPAID" {
		return ErrAlreadyPaid
	}
	if err != nil {
		return fmt.Errorf("payment: wechat: close %s: %w", id, err)
	}
	return nil
}

// ParseNotify verifies a notification's signature against WeChat Pay's
// public key and decrypts it with the API v3 key; an unsigned, forged or
// undecryptable one is an error.
func (w *WeChat) ParseNotify(ctx context.Context, r *http.Request) (Notice, error) {
	var tx payments.Transaction
	if _, err := w.notify.ParseNotifyRequest(ctx, r, &tx); err != nil {
		return Notice{}, fmt.Errorf("payment: wechat: notification: %w", err)
	}
	if tx.OutTradeNo == nil {
		return Notice{}, errors.New("payment: wechat: notification without out_trade_no")
	}
	id, err := OrderID(*tx.OutTradeNo)
	if err != nil {
		return Notice{}, err
	}
	res, err := w.result(&tx)
	return Notice{OrderID: id, Result: res}, err
}

// result reads a transaction: paid when its trade state is SUCCESS, and
// then only to this merchant and app (another's is an error).
func (w *WeChat) result(tx *payments.Transaction) (Result, error) {
	if tx == nil || tx.TradeState == nil || *tx.TradeState != "SUCCESS" {
		return Result{}, nil
	}
	if value(tx.Mchid) != w.cfg.MchID || value(tx.Appid) != w.cfg.AppID {
		return Result{}, fmt.Errorf("payment: wechat: a payment to merchant %q app %q, not ours",
			value(tx.Mchid), value(tx.Appid))
	}
	if tx.Amount == nil || tx.Amount.Total == nil {
		return Result{}, errors.New("payment: wechat: a paid transaction without its amount")
	}
	r := Result{Paid: true, PaidAt: time.Now(), AmountFen: *tx.Amount.Total}
	if tx.TransactionId != nil {
		r.TransactionID = *tx.TransactionId
	}
	if tx.SuccessTime != nil {
		t, err := time.Parse(time.RFC3339, *tx.SuccessTime)
		if err != nil {
			return Result{}, fmt.Errorf("payment: wechat: success_time %q: %w", *tx.SuccessTime, err)
		}
		r.PaidAt = t
	}
	if r.TransactionID == "" {
		return Result{}, errors.New("payment: wechat: a paid transaction without transaction_id")
	}
	return r, nil
}

// value is *s, or "" for nil.
func value(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// TradeNo is an order id as WeChat Pay's out_trade_no (6–32 letters and
// digits): the UUID without its dashes.
func TradeNo(orderID string) string { return strings.ReplaceAll(orderID, "-", "") }

// OrderID turns an out_trade_no back into the order id.
func OrderID(tradeNo string) (string, error) {
	if len(tradeNo) != 32 || strings.ContainsFunc(tradeNo, func(c rune) bool {
		return !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')
	}) {
		return "", fmt.Errorf("payment: wechat: out_trade_no %q is not one of ours", tradeNo)
	}
	t := tradeNo
	return t[:8] + "-" + t[8:12] + "-" + t[12:16] + "-" + t[16:20] + "-" + t[20:], nil
}

// WeChatFile is the merchant settings file `gradphoto-server serve
// --payment wechat --wechat FILE` reads (JSON). Key files are PEM; a
// relative path is taken from the file's folder.
type WeChatFile struct {
	AppID         string `json:"app_id"`
	MchID         string `json:"mch_id"`
	MchCertSerial string `json:"mch_cert_serial"`
	MchKeyFile    string `json:"mch_key_file"` // apiclient_key.pem
	APIv3Key      string `json:"api_v3_key"`
	PayKeyID      string `json:"pay_key_id"`   // PUB_KEY_ID_…
	PayKeyFile    string `json:"pay_key_file"` // pub_key.pem
	NotifyURL     string `json:"notify_url"`   // https://HOST/v1/payments/notify
}

// LoadWeChat reads a merchant settings file.
func LoadWeChat(path string) (WeChatConfig, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return WeChatConfig{}, fmt.Errorf("payment: wechat settings: %w", err)
	}
	var f WeChatFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return WeChatConfig{}, fmt.Errorf("payment: wechat settings %s: %w", path, err)
	}
	rel := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(filepath.Dir(path), p)
	}
	cfg := WeChatConfig{AppID: f.AppID, MchID: f.MchID, MchCertSerial: f.MchCertSerial, APIv3Key: f.APIv3Key,
		PayKeyID: f.PayKeyID, NotifyURL: f.NotifyURL}
	if cfg.MchKey, err = utils.LoadPrivateKeyWithPath(rel(f.MchKeyFile)); err != nil {
		return WeChatConfig{}, fmt.Errorf("payment: wechat settings: merchant key: %w", err)
	}
	if cfg.PayKey, err = utils.LoadPublicKeyWithPath(rel(f.PayKeyFile)); err != nil {
		return WeChatConfig{}, fmt.Errorf("payment: wechat settings: WeChat Pay's public key: %w", err)
	}
	return cfg, nil
}
