// Package wxstandin is a local stand-in for WeChat Pay's Native payment
// endpoints, for tests: it checks each request's merchant signature, keeps
// orders in memory, signs every answer and notification with a test key
// of its own (WeChat Pay's "public key" mode), and encrypts notifications
// with the merchant's API v3 key, as WeChat Pay does. Pay stands for the
// payer's phone: it pays an order and sends the notification.
package wxstandin

import (
	"bytes"
	"context"
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Keys are the test keys of a merchant and of the stand-in.
type Keys struct {
	MchKey    *rsa.PrivateKey // the merchant's (the server under test signs with it)
	MchSerial string
	PayKey    *rsa.PrivateKey // the stand-in's: WeChat Pay's key pair
	PayKeyID  string
	APIv3Key  string // 32 bytes
}

// NewKeys makes fresh test keys.
func NewKeys() (Keys, error) {
	mch, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return Keys{}, err
	}
	pay, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return Keys{}, err
	}
	return Keys{MchKey: mch, MchSerial: "5157F09EFDC096DE15EBE81A47057A72", PayKey: pay,
		PayKeyID: "PUB_KEY_ID_0114232134912410000000000000", APIv3Key: "0123456789abcdefghijklmnopqrstuv"}, nil
}

// order is one order as the stand-in holds it.
type order struct {
	mchID, appID, notifyURL string
	amount                  int64
	state                   string // NOTPAY, SUCCESS, CLOSED
	transactionID           string
	paidAt                  time.Time
}

// Server is the stand-in, listening on loopback.
type Server struct {
	URL  string
	keys Keys
	srv  *httptest.Server

	mu     sync.Mutex
	orders map[string]*order // by out_trade_no
	calls  map[string]int    // by "METHOD /path pattern"
	seq    int
}

// Start starts a stand-in with keys.
func Start(keys Keys) *Server {
	s := &Server{keys: keys, orders: map[string]*order{}, calls: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v3/pay/transactions/native", s.handlePrepay)
	mux.HandleFunc("GET /v3/pay/transactions/out-trade-no/{no}", s.handleQuery)
	mux.HandleFunc("POST /v3/pay/transactions/out-trade-no/{no}/close", s.handleClose)
	s.srv = httptest.NewServer(s.checkSignature(mux))
	s.URL = s.srv.URL
	return s
}

// Close stops the stand-in.
func (s *Server) Close() { s.srv.Close() }

// Calls counts the requests made to a pattern ("POST /v3/pay/transactions/native").
func (s *Server) Calls(pattern string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[pattern]
}

// checkSignature refuses a request whose Authorization is not the
// merchant's signature over method, path, timestamp, nonce and body.
func (s *Server) checkSignature(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		fields := authFields(r.Header.Get("Authorization"))
		msg := fmt.Sprintf("%s\n%s\n%s\n%s\n%s\n", r.Method, r.URL.RequestURI(), fields["timestamp"], fields["nonce_str"], body)
		sig, _ := base64.StdEncoding.DecodeString(fields["signature"])
		sum := sha256.Sum256([]byte(msg))
		if fields["serial_no"] != s.keys.MchSerial ||
			rsa.VerifyPKCS1v15(&s.keys.MchKey.PublicKey, crypto.SHA256, sum[:], sig) != nil {
			s.answer(w, http.StatusUnauthorized, map[string]string{"code": "SIGN_ERROR", "message": "签名错误"})
			return
		}
		next.ServeHTTP(w, r)
		s.mu.Lock()
		s.calls[r.Pattern]++
		s.mu.Unlock()
	})
}

// authFields parses `WECHATPAY2-SHA256-RSA2048 k="v",k="v"`.
func authFields(h string) map[string]string {
	out := map[string]string{}
	_, rest, _ := strings.Cut(h, " ")
	for _, kv := range strings.Split(rest, ",") {
		k, v, ok := strings.Cut(kv, "=")
		if ok {
			out[strings.TrimSpace(k)] = strings.Trim(v, `"`)
		}
	}
	return out
}

func (s *Server) handlePrepay(w http.ResponseWriter, r *http.Request) {
	var req struct {
		AppID       string `json:"appid"`
		MchID       string `json:"mchid"`
		Description string `json:"description"`
		OutTradeNo  string `json:"out_trade_no"`
		NotifyURL   string `json:"notify_url"`
		Amount      struct {
			Total int64 `json:"total"`
		} `json:"amount"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.OutTradeNo == "" || req.Amount.Total <= 0 || req.NotifyURL == "" {
		s.answer(w, http.StatusBadRequest, map[string]string{"code": "PARAM_ERROR", "message": "参数错误"})
		return
	}
	s.mu.Lock()
	o, ok := s.orders[req.OutTradeNo]
	if !ok {
		o = &order{mchID: req.MchID, appID: req.AppID, notifyURL: req.NotifyURL, amount: req.Amount.Total, state: "NOTPAY"}
		s.orders[req.OutTradeNo] = o
	}
	same := o.amount == req.Amount.Total
	s.mu.Unlock()
	if !same {
		s.answer(w, http.StatusBadRequest, map[string]string{"code": "INVALID_REQUEST", "message": "订单号重复"})
		return
	}
	s.answer(w, http.StatusOK, map[string]string{"code_url": "weixin://wxpay/bizpayurl?pr=" + req.OutTradeNo[:10]})
}

func (s *Server) handleQuery(w http.ResponseWriter, r *http.Request) {
	no := r.PathValue("no")
	s.mu.Lock()
	o, ok := s.orders[no]
	var tx map[string]any
	if ok {
		tx = s.transaction(no, o)
	}
	s.mu.Unlock()
	if !ok {
		s.answer(w, http.StatusNotFound, map[string]string{"code": "ORDER_NOT_EXIST", "message": "订单不存在"})
		return
	}
	s.answer(w, http.StatusOK, tx)
}

func (s *Server) handleClose(w http.ResponseWriter, r *http.Request) {
	no := r.PathValue("no")
	s.mu.Lock()
	o, ok := s.orders[no]
	state := ""
	if ok {
		state = o.state
		if state == "NOTPAY" {
			o.state = "CLOSED"
		}
	}
	s.mu.Unlock()
	switch {
	case !ok:
		s.answer(w, http.StatusNotFound, map[string]string{"code": "ORDER_NOT_EXIST", "message": "订单不存在"})
	case state == "SUCCESS":
		s.answer(w, http.StatusBadRequest, map[string]string{"code": "ORDERPAID", "message": "订单已支付"})
	default:
		s.answer(w, http.StatusNoContent, nil)
	}
}

// transaction is an order as WeChat Pay describes it (s.mu held).
func (s *Server) transaction(no string, o *order) map[string]any {
	tx := map[string]any{"appid": o.appID, "mchid": o.mchID, "out_trade_no": no, "trade_state": o.state,
		"trade_type": "NATIVE", "amount": map[string]any{"total": o.amount, "currency": "CNY"}}
	if o.state == "SUCCESS" {
		tx["transaction_id"] = o.transactionID
		tx["success_time"] = o.paidAt.Format(time.RFC3339)
		tx["payer"] = map[string]string{"openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}
	}
	return tx
}

// answer writes v as JSON, signed with the stand-in's key.
func (s *Server) answer(w http.ResponseWriter, status int, v any) {
	var body []byte
	if v != nil {
		body, _ = json.Marshal(v)
	}
	for k, vs := range s.signed(body, false) {
		w.Header()[k] = vs
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(body)
}

// signed are the Wechatpay-* headers of a message body; forged signs it
// with another key.
func (s *Server) signed(body []byte, forged bool) http.Header {
	nonce := strconv.FormatInt(time.Now().UnixNano(), 36)
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	key := s.keys.PayKey
	if forged {
		key, _ = rsa.GenerateKey(rand.Reader, 2048)
	}
	sum := sha256.Sum256([]byte(ts + "\n" + nonce + "\n" + string(body) + "\n"))
	sig, _ := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	h := http.Header{}
	h.Set("Wechatpay-Serial", s.keys.PayKeyID)
	h.Set("Wechatpay-Signature", base64.StdEncoding.EncodeToString(sig))
	h.Set("Wechatpay-Timestamp", ts)
	h.Set("Wechatpay-Nonce", nonce)
	h.Set("Request-Id", "standin-"+nonce)
	return h
}

// Pay pays an order, as the payer's phone would; the notification is not
// sent yet (see Notify).
func (s *Server) Pay(tradeNo string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orders[tradeNo]
	switch {
	case !ok:
		return fmt.Errorf("wxstandin: no order %s", tradeNo)
	case o.state == "CLOSED":
		return fmt.Errorf("wxstandin: order %s is closed", tradeNo)
	case o.state == "NOTPAY":
		s.seq++
		o.state, o.paidAt = "SUCCESS", time.Now().Truncate(time.Second)
		o.transactionID = fmt.Sprintf("42000%023d", s.seq)
	}
	return nil
}

// Misreport makes the stand-in describe an order as paid with another
// amount (fen, when above 0) or to another merchant (when not ""), as a
// forged or confused payment would: the merchant must not take it.
func (s *Server) Misreport(tradeNo string, amountFen int64, mchID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orders[tradeNo]
	if !ok {
		return fmt.Errorf("wxstandin: no order %s", tradeNo)
	}
	if amountFen > 0 {
		o.amount = amountFen
	}
	if mchID != "" {
		o.mchID = mchID
	}
	return nil
}

// Notify sends the payment notification of a paid order to its notify
// URL (forged: signed with a key that is not WeChat Pay's) and returns
// the HTTP status the merchant answered.
func (s *Server) Notify(ctx context.Context, tradeNo string, forged bool) (int, error) {
	s.mu.Lock()
	o, ok := s.orders[tradeNo]
	var tx map[string]any
	if ok {
		tx = s.transaction(tradeNo, o)
	}
	s.mu.Unlock()
	if !ok || o.state != "SUCCESS" {
		return 0, fmt.Errorf("wxstandin: order %s is not paid", tradeNo)
	}
	plain, _ := json.Marshal(tx)
	nonce := make([]byte, 6)
	rand.Read(nonce)
	nonceStr := base64.RawStdEncoding.EncodeToString(nonce)[:8]
	block, err := aes.NewCipher([]byte(s.keys.APIv3Key))
	if err != nil {
		return 0, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return 0, err
	}
	sealed := gcm.Seal(nil, []byte(nonceStr[:8]+"abcd"), plain, []byte("transaction"))
	body, _ := json.Marshal(map[string]any{
		"id": "EV-" + tradeNo[:8], "create_time": time.Now().Format(time.RFC3339),
		"event_type": "TRANSACTION.SUCCESS", "resource_type": "encrypt-resource", "summary": "支付成功",
		"resource": map[string]string{"algorithm": "AEAD_AES_256_GCM", "original_type": "transaction",
			"ciphertext": base64.StdEncoding.EncodeToString(sealed), "associated_data": "transaction",
			"nonce": nonceStr[:8] + "abcd"},
	})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, o.notifyURL, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header = s.signed(body, forged)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}
