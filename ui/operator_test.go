package ui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"gradphoto/app"
	"gradphoto/internal/argonhash"
)

// newOperatorRig is a kiosk with operator mode and an operator PIN.
func newOperatorRig(t *testing.T) *rig {
	t.Helper()
	r := newRig(t, config{})
	r.k.ops = kioskStore{r.st}
	if err := r.st.SetOperatorPIN(context.Background(), argonhash.Hash("246810")); err != nil {
		t.Fatal(err)
	}
	old := longPressFor
	longPressFor = 30 * time.Millisecond
	t.Cleanup(func() { longPressFor = old })
	r.k.show()
	return r
}

// findLongPress is the long-press area on the window, or nil.
func findLongPress(r *rig) *longPress {
	for _, o := range test.LaidOutObjects(r.win.Canvas().Content()) {
		if l, ok := o.(*longPress); ok {
			return l
		}
	}
	return nil
}

// typeOperatorPIN types pin on the operator PIN dialog and taps OK.
func typeOperatorPIN(r *rig, pin string) {
	d := r.k.opPIN
	for _, c := range pin {
		test.Tap(d.keys.button(string(c)))
	}
	test.Tap(d.ok)
}

// Operator mode: only a long press on the title at Welcome asks for the
// PIN (a short tap does nothing, and no other screen has it); wrong PINs
// are told and make the next try wait; the right one opens operator mode,
// audited; "back to the kiosk" closes it.
func TestOperatorGate(t *testing.T) {
	r := newOperatorRig(t)
	l := startUILoop(t)
	var lp *longPress
	l.run(func() { lp = findLongPress(r) })
	if lp == nil {
		t.Fatal("no long-press area on Welcome")
	}
	l.run(func() { lp.MouseDown(&desktop.MouseEvent{}); lp.MouseUp(&desktop.MouseEvent{}) })
	time.Sleep(100 * time.Millisecond)
	l.run(func() {
		if r.k.opPIN != nil {
			t.Error("a short tap asked for the PIN")
		}
		lp.MouseDown(&desktop.MouseEvent{})
	})
	l.until(t, "the PIN question", 2*time.Second, func() bool { return r.k.opPIN != nil })
	l.run(func() {
		for range 3 {
			typeOperatorPIN(r, "135790")
			if !strings.Contains(r.k.opPIN.why.Text, "密码不对") {
				t.Errorf("a wrong PIN: %q", r.k.opPIN.why.Text)
			}
		}
		typeOperatorPIN(r, "246810")
		if r.k.operator != nil || !strings.Contains(r.k.opPIN.why.Text, "秒后再试") {
			t.Errorf("the fourth try did not wait: %q", r.k.opPIN.why.Text)
		}
	})
	time.Sleep(1100 * time.Millisecond)
	l.run(func() {
		typeOperatorPIN(r, "246810")
		if r.k.operator == nil || !strings.Contains(r.texts(), "管理模式") {
			t.Fatalf("the right PIN did not open operator mode:\n%s", r.texts())
		}
		if !strings.Contains(r.texts(), "待上传") || !strings.Contains(r.texts(), "剩余磁盘") {
			t.Errorf("dashboard:\n%s", r.texts())
		}
	})
	l.run(func() {
		test.Tap(findButton(t, r, "返回采集"))
		if r.k.operator != nil || r.step() != app.StepWelcome {
			t.Error("operator mode did not close")
		}
	})
	l.run(func() {
		r.walkToIdentity(t)
		r.k.opPIN = nil
		r.k.onOperatorRequest()
		if r.k.opPIN != nil || findLongPress(r) != nil {
			t.Error("operator mode can be asked for away from Welcome")
		}
	})
	log, err := r.st.AuditLog(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, e := range log {
		got[e.Action]++
	}
	if got["operator.pin_wrong"] != 3 || got["operator.open"] != 1 || got["operator.close"] != 1 {
		t.Errorf("audit: %v", got)
	}
}

// findButton is the button labelled label on the window.
func findButton(t *testing.T, r *rig, label string) *widget.Button {
	t.Helper()
	for _, o := range test.LaidOutObjects(r.win.Canvas().Content()) {
		if b, ok := o.(*widget.Button); ok && b.Text == label {
			return b
		}
	}
	t.Fatalf("no button %q:\n%s", label, r.texts())
	return nil
}

// writeFile writes a test file.
func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// Settings: what is chosen is saved, read back by the next operator
// screen, and language and inactivity apply at once; the save is audited.
func TestOperatorSettingsRoundTrip(t *testing.T) {
	r := newOperatorRig(t)
	l := startUILoop(t)
	l.run(func() {
		r.k.openOperator()
		f := r.k.operator.settings
		f.name.SetText("图书馆一楼")
		f.lang.SetSelectedIndex(1)
		f.idle.SetSelectedIndex(indexOf(idleChoices, 120))
		f.rot.SetSelectedIndex(1)
		f.res.SetSelectedIndex(1)
		f.prof.SetSelectedIndex(indexOfString(f.profiles.Names(), "xinhua"))
		if len(f.bg.Options) != 1 {
			t.Errorf("xinhua offers backgrounds %v, want blue only", f.bg.Options)
		}
		f.prof.SetSelectedIndex(indexOfString(f.profiles.Names(), "chsi"))
		f.bg.SetSelectedIndex(indexOfString(f.bg.Options, "white"))
		test.Tap(f.save)
		if !strings.Contains(r.k.operator.note.Text, "设置已保存") {
			t.Errorf("after save: %q", r.k.operator.note.Text)
		}
	})
	ks, err := r.st.KioskSettings(context.Background())
	want := app.KioskSettings{Name: "图书馆一楼", Lang: langEN, IdleSeconds: 120, Rotate: 90, Width: 1920, Height: 1080,
		Profile: "chsi", Background: "white"}
	if err != nil || ks != want {
		t.Fatalf("stored %+v (%v),\nwant %+v", ks, err, want)
	}
	if r.k.cfg.Lang != langEN || r.k.idle.Timeout != 120*time.Second {
		t.Errorf("not applied: lang %s, timeout %v", r.k.cfg.Lang, r.k.idle.Timeout)
	}
	l.run(func() {
		r.k.closeOperator() // the next graduate starts in English
		if r.k.lang != langEN {
			t.Errorf("after closing, the kiosk is in %s", r.k.lang)
		}
		r.k.openOperator()
		f := r.k.operator.settings
		if got := f.settings(); got != want {
			t.Errorf("the form reads back %+v", got)
		}
	})
	if n := r.auditCount(t, "settings.save"); n != 1 {
		t.Errorf("%d saves audited", n)
	}
}

func (r *rig) auditCount(t *testing.T, action string) int {
	t.Helper()
	log, err := r.st.AuditLog(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range log {
		if e.Action == action {
			n++
		}
	}
	return n
}

// Export from the operator screen: the folder picked gets the batch of
// what the lists select; the roster tab imports a file picked.
func TestOperatorExportAndRoster(t *testing.T) {
	r := newOperatorRig(t)
	r.toReceipt(t)
	if err := r.k.svc.Finish(context.Background()); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	l := startUILoop(t)
	l.run(func() {
		r.k.clear()
		r.k.openOperator()
		s := r.k.operator
		s.pickFolder = func(done func(string)) { done(dir) }
		s.status.SetSelectedIndex(1 + indexOfStatus(app.StatusQueued))
		s.period.SetSelectedIndex(1) // today
		s.onExportFolder(dir)
		if !strings.Contains(s.note.Text, "已导出 1 张照片") {
			t.Errorf("export: %q", s.note.Text)
		}
		s.status.SetSelectedIndex(1 + indexOfStatus(app.StatusApproved))
		s.onExportFolder(dir)
		if !strings.Contains(s.note.Text, "已导出 0 张照片") {
			t.Errorf("export of approved ones: %q", s.note.Text)
		}
	})
	zips, _ := filepath.Glob(filepath.Join(dir, "gradphoto-*.zip"))
	if len(zips) == 0 {
		t.Fatal("no ZIP written")
	}
	csv := filepath.Join(dir, "roster.csv")
	writeFile(t, csv, "姓名,证件类型,证件号码,学号,学校,学院,专业,学位,毕业年份\n"+
		"李四,居民身份证,"+demoNumber("11010520020202004")+",2022009,北京理工大学,计算机学院,软件工程,学士,2026\n"+
		"王五,居民身份证,12345,2022010,北京理工大学,计算机学院,软件工程,学士,2026\n")
	l.run(func() {
		s := r.k.operator
		s.pickFile = func(done func(string)) { done(csv) }
		s.onRosterFile(csv)
		if !strings.Contains(s.note.Text, "新增 1 人") || !strings.Contains(s.note.Text, "有问题 1 行") {
			t.Errorf("roster import: %q", s.note.Text)
		}
	})
	if r.auditCount(t, "export.batch") != 2 || r.auditCount(t, "roster.import") != 1 {
		t.Error("export and import not audited")
	}
}

func indexOfStatus(s app.Status) int {
	for i, x := range exportStatuses {
		if x == s {
			return i
		}
	}
	return -1
}

// A full disk: starting fails with a plain message that says what to do,
// the kiosk stays at Welcome, and works again once there is room.
func TestStorageFullMessage(t *testing.T) {
	r := newRig(t, config{})
	ctx := context.Background()
	if err := r.st.LimitPages(ctx, 1); err != nil { // no page more than it has
		t.Fatal(err)
	}
	for i := 0; ; i++ { // and those it has filled up with sessions begun and declined
		err := r.k.svc.Start(ctx)
		if errors.Is(err, app.ErrStorageFull) {
			break
		}
		if err == nil {
			err = r.k.svc.DeclineConsent(ctx)
		}
		if err != nil || i > 100000 {
			t.Fatalf("filling the database: %v", err)
		}
	}
	l := startUILoop(t)
	l.run(func() {
		test.Tap(r.k.welcome.start)
		if !strings.Contains(r.texts(), "存储空间已满") || r.step() != app.StepWelcome {
			t.Errorf("on a full disk: step %s\n%s", r.step(), r.texts())
		}
	})
	if err := r.st.LimitPages(ctx, 0); err != nil {
		t.Fatal(err)
	}
	l.run(func() {
		test.Tap(r.k.welcome.start)
		if r.step() != app.StepConsent {
			t.Errorf("with room again: step %s", r.step())
		}
	})
	if err := r.st.IntegrityCheck(ctx); err != nil {
		t.Error(err)
	}
}
