package main

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// payQR reads the QR code on the screenshot and pays it as the graduate's
// phone would on the sandbox provider's page: open it, tap "pay".
func payQR(shot string) error {
	img, err := decodePNG(shot)
	if err != nil {
		return err
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return err
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		return fmt.Errorf("no QR code on the screen: %w", err)
	}
	page := res.GetText()
	if !strings.HasPrefix(page, "http") {
		return fmt.Errorf("the QR code %q is not the sandbox's pay page", page)
	}
	resp, err := http.PostForm(page, url.Values{})
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("paying %s: HTTP %d", page, resp.StatusCode)
	}
	fmt.Printf("%-15s paid on the phone: %s\n", "", page)
	return nil
}
