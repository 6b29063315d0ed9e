package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gradphoto/app"
	"gradphoto/store"
)

// Demo graduates: real-format numbers (GB 11643 check characters), made-up people.
var (
	demoGraduate = app.RosterEntry{Doc: app.DocResidentID, Number: demoNumber("11010520030315001"),
		Name: "李晓明", StudentNo: "2022010123", School: "华东示范大学", College: "信息科学与技术学院",
		Major: "计算机科学与技术", Degree: "工学学士", GradYear: 2026}
	demoRejected = app.RosterEntry{Doc: app.DocResidentID, Number: demoNumber("31010420040822002"),
		Name: "王芳", StudentNo: "2022030456", School: "华东示范大学", College: "外国语学院",
		Major: "英语", Degree: "文学学士", GradYear: 2026, Prepaid: true}
	demoPassport = app.RosterEntry{Doc: app.DocPassport, Number: "E12345678", Name: "Anna Schmidt",
		StudentNo: "2022090007", School: "华东示范大学", College: "国际教育学院", Major: "汉语言",
		Degree: "文学学士", GradYear: 2026}
)

func demoNumber(d17 string) string { return d17 + string(app.CheckChar(d17)) }

// demoScreens opens each named screen in the state it shows.
var demoScreens = map[string]func(ctx context.Context, k *shell) error{
	"welcome":              func(context.Context, *shell) error { return nil },
	"operator":             func(_ context.Context, k *shell) error { return demoOperator(k, 0) },
	"operator-settings":    func(_ context.Context, k *shell) error { return demoOperator(k, 1) },
	"operator-calibration": func(_ context.Context, k *shell) error { return demoOperator(k, 2) },
	"operator-export":      func(_ context.Context, k *shell) error { return demoOperator(k, 4) },
	"consent":              func(ctx context.Context, k *shell) error { return k.svc.Start(ctx) },
	"identity":             demoIdentity,
	"identity-scan": func(ctx context.Context, k *shell) error {
		if err := demoIdentity(ctx, k); err != nil {
			return err
		}
		k.identity.input.number = ""
		k.identity.scanning = k.identity.canScan()
		return nil
	},
	"identity-error": func(ctx context.Context, k *shell) error {
		if err := demoIdentity(ctx, k); err != nil {
			return err
		}
		k.identity.input.number = demoGraduate.Number[:17] + "5"
		k.identity.onNext()
		return nil
	},
	"eligibility":          func(ctx context.Context, k *shell) error { return demoSubmit(ctx, k, demoGraduate) },
	"eligibility-notfound": demoNotFound,
	"status":               func(ctx context.Context, k *shell) error { return k.svc.OpenStatus(ctx) },
	"status-rejected": func(ctx context.Context, k *shell) error {
		if err := k.svc.OpenStatus(ctx); err != nil {
			return err
		}
		k.status.input.number = demoRejected.Number
		k.status.onSearch()
		return nil
	},
	"cards": func(ctx context.Context, k *shell) error {
		if err := demoSubmit(ctx, k, demoGraduate); err != nil {
			return err
		}
		return k.svc.ConfirmRecord(ctx)
	},
	"capture":  demoCapture,
	"services": demoCapture, // with a server taking payment, the catalog comes after the cards
	"payment": func(ctx context.Context, k *shell) error {
		if err := demoCapture(ctx, k); err != nil {
			return err
		}
		return k.svc.ChooseServices(ctx, []string{app.ServiceDegreePhoto})
	},
	"standardise": demoStandardise,
	"confirm": func(ctx context.Context, k *shell) error {
		if err := demoStandardise(ctx, k); err != nil {
			return err
		}
		return k.svc.AcceptStandard(ctx)
	},
	"submitted": func(ctx context.Context, k *shell) error {
		if err := demoStandardise(ctx, k); err != nil {
			return err
		}
		if err := k.svc.AcceptStandard(ctx); err != nil {
			return err
		}
		_, err := k.svc.Confirm(ctx)
		return err
	},
	"idle-warning": func(ctx context.Context, k *shell) error {
		if err := demoIdentity(ctx, k); err != nil {
			return err
		}
		k.show()
		k.onIdleWarn()
		return nil
	},
}

// openDemo fills the store with demo data and puts the kiosk on screen name.
func openDemo(ctx context.Context, k *shell, st *store.Store, name string) error {
	open, ok := demoScreens[name]
	if !ok {
		return fmt.Errorf("ui: unknown screen %q (one of: %s)", name, strings.Join(Screens(), ", "))
	}
	if err := seedDemo(ctx, st); err != nil {
		return err
	}
	if err := open(ctx, k); err != nil {
		return fmt.Errorf("ui: demo screen %s: %w", name, err)
	}
	k.show()
	return nil
}

// demoOperator opens operator mode at one of its tabs (no PIN: a demo).
func demoOperator(k *shell, tab int) error {
	k.openOperator()
	k.operator.tab = tab
	return nil
}

func seedDemo(ctx context.Context, st *store.Store) error {
	if _, err := st.ImportRoster(ctx, []app.RosterEntry{demoGraduate, demoRejected, demoPassport}); err != nil {
		return err
	}
	return st.PutStatus(ctx, app.StatusRecord{SubmissionID: app.NewID(), Number: demoRejected.Number,
		Status: app.StatusRejected, Reason: "背景不是纯色，头部过小 (background not plain, head too small)",
		UpdatedAt: time.Now().Add(-26 * time.Hour)})
}

// demoIdentity opens the Identity screen half filled in.
func demoIdentity(ctx context.Context, k *shell) error {
	if err := k.svc.Start(ctx); err != nil {
		return err
	}
	if err := k.svc.AcceptConsent(ctx); err != nil {
		return err
	}
	k.identity.input.number = demoGraduate.Number[:10]
	k.identity.scanning = false // the keypad, as after "手动输入号码"
	return nil
}

func demoSubmit(ctx context.Context, k *shell, e app.RosterEntry) error {
	if err := demoIdentity(ctx, k); err != nil {
		return err
	}
	_, err := k.svc.SubmitIdentity(ctx, e.Doc, e.Number, "")
	return err
}

// demoCards stores the sides of the demo ID card still needed, found in
// the settled end of the card clips (as the card screens would), and goes on.
func demoCards(ctx context.Context, k *shell) error {
	for _, side := range k.svc.CardsNeeded() {
		img, err := k.cam.DemoCard(side)
		if err != nil {
			return err
		}
		if err := k.svc.AddCard(ctx, side, img); err != nil {
			return err
		}
	}
	return k.svc.CardsDone(ctx)
}

func demoNotFound(ctx context.Context, k *shell) error {
	e := demoGraduate
	e.Number = demoNumber("44030519990101003")
	return demoSubmit(ctx, k, e)
}

// demoCapture opens the camera screen for the demo graduate.
func demoCapture(ctx context.Context, k *shell) error {
	if err := demoSubmit(ctx, k, demoGraduate); err != nil {
		return err
	}
	if err := k.svc.ConfirmRecord(ctx); err != nil {
		return err
	}
	if k.svc.Session().Step != app.StepCards {
		return nil
	}
	return demoCards(ctx, k)
}

// demoStandardise takes a still from the settled end of the demo clip,
// standardises it and stores the capture.
func demoStandardise(ctx context.Context, k *shell) error {
	if err := demoCapture(ctx, k); err != nil {
		return err
	}
	sh, err := k.cam.DemoShot()
	if err != nil {
		return err
	}
	k.shot = sh
	return k.svc.Capture(ctx, sh.App())
}
