package opencv

import (
	"fmt"

	"gocv.io/x/gocv"

	"gradphoto/capture"
	"gradphoto/imaging/ocr"
)

// ReadCard decodes a flattened portrait side and reads it (imaging/ocr);
// the reader starts on first use and stays for the next graduates.
func (h *Host) ReadCard(img []byte) (capture.CardText, error) {
	m, err := gocv.IMDecode(img, gocv.IMReadColor)
	if err != nil {
		return capture.CardText{}, fmt.Errorf("capture: read card: %w", err)
	}
	defer m.Close()
	h.ocrMu.Lock()
	defer h.ocrMu.Unlock()
	if h.ocr == nil {
		if h.ocr, err = ocr.NewReader(); err != nil {
			return capture.CardText{}, fmt.Errorf("capture: read card: %w", err)
		}
	}
	f, err := h.ocr.ReadFront(m)
	if err != nil {
		return capture.CardText{}, fmt.Errorf("capture: read card: %w", err)
	}
	return capture.CardText{Number: f.Number, Name: f.Name}, nil
}

// closeOCR stops the reader, if it started.
func (h *Host) closeOCR() {
	h.ocrMu.Lock()
	defer h.ocrMu.Unlock()
	if h.ocr != nil {
		h.ocr.Close()
		h.ocr = nil
	}
}
