package ui

import (
	"encoding/json"
	"gradphoto/spec"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"gradphoto/app"
	"gradphoto/assets"
)

func translations(t *testing.T, code string) map[string]string {
	t.Helper()
	data, err := assets.Translations.ReadFile("translations/" + code + ".json")
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s.json: %v", code, err)
	}
	return m
}

// Every key the UI asks for exists in both languages, and both files hold
// the same keys: no screen can fall back to a raw key or to the other language.
func TestTranslationsComplete(t *testing.T) {
	zh, en := translations(t, langZH), translations(t, langEN)
	for k := range zh {
		if _, ok := en[k]; !ok {
			t.Errorf("%q in zh-CN.json, missing in en.json", k)
		}
	}
	for k := range en {
		if _, ok := zh[k]; !ok {
			t.Errorf("%q in en.json, missing in zh-CN.json", k)
		}
	}
	for _, k := range usedKeys(t) {
		if zh[k] == "" || en[k] == "" {
			t.Errorf("key %q is used by the UI but not translated", k)
		}
	}
}

// usedKeys are the literal keys in lang.L calls plus the keys built at run time.
func usedKeys(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	literal := regexp.MustCompile(`lang\.L\("([a-z_.]+)"[),]`)
	// keys kept in variables and maps: "card.blurry", "refuse.no_face"…
	named := regexp.MustCompile(`"((?:card|refuse|payment|check|hint|capture)\.[a-z_]+)"`)
	keys := map[string]bool{}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, re := range []*regexp.Regexp{literal, named} {
			for _, m := range re.FindAllStringSubmatch(string(src), -1) {
				if !strings.HasSuffix(m[1], "_") { // a prefix completed at run time (below)
					keys[m[1]] = true
				}
			}
		}
	}
	for _, d := range app.DocTypes {
		keys["doc."+string(d)] = true
	}
	for _, s := range []app.Status{app.StatusQueued, app.StatusUnpaid, app.StatusInReview, app.StatusRejected, app.StatusApproved, app.StatusPublished} {
		keys["status."+string(s)] = true
		keys["status."+string(s)+"_text"] = true
	}
	for _, k := range []string{"not_found", "mismatch", "in_review", "locked", "unknown"} {
		keys["eligibility."+k+"_title"] = true
		keys["eligibility."+k+"_text"] = true
	}
	for _, h := range []spec.Hint{spec.HintOneFace, spec.HintNoFace, spec.HintCloser, spec.HintBack,
		spec.HintLeft, spec.HintRight, spec.HintSeat, spec.HintStraight, spec.HintEyes,
		spec.HintLight, spec.HintStill, spec.HintBackground} {
		keys[string(h)] = true
	}
	for _, id := range append(append([]spec.CheckID{}, spec.LiveOrder...), spec.CheckSize, spec.CheckFileSize,
		spec.CheckDPI, spec.CheckFaceWidth, spec.CheckEyeLine, spec.CheckHeadTop, spec.CheckHeadHeight,
		spec.CheckBgColour, spec.CheckClean) {
		keys["check."+string(id)+"_ok"] = true
		keys["check."+string(id)+"_bad"] = true
	}
	for _, k := range unitKeys {
		keys[k] = true
	}
	for _, p := range []app.Payment{app.PaymentNone, app.PaymentPending, app.PaymentPaid, app.PaymentSchool,
		app.PaymentVoucher, app.PaymentCash, app.PaymentDeferred, app.PaymentLater, app.PaymentRetake} {
		keys[paymentKey(p)] = true
		if p.Settled() {
			keys["steps.payment."+string(p)] = true // how the step bar says it was settled
		}
	}
	for _, side := range []app.CardSide{app.CardFront, app.CardBack} {
		keys["card.title_"+string(side)] = true
		keys["card.instructions_"+string(side)] = true
	}
	for _, st := range indicatorStages(true) {
		keys[st.key] = true
	}
	for _, family := range []string{"id", "other"} {
		for _, w := range []string{"card.name_", "card.front_", "card.back_"} {
			keys[w+family] = true
		}
	}
	for _, err := range []error{app.ErrIDEmpty, app.ErrIDLength, app.ErrIDFormat, app.ErrIDRegion,
		app.ErrIDDate, app.ErrIDChecksum, app.ErrNameEmpty, app.ErrNameLong, app.ErrNameChars, os.ErrClosed} {
		keys[problemKey(err)] = true
	}
	out := make([]string, 0, len(keys))
	for k := range keys {
		out = append(out, k)
	}
	sort.Strings(out)
	if len(out) < 50 {
		t.Fatalf("found only %d keys: the scan is broken", len(out))
	}
	return out
}
