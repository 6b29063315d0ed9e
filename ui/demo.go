package ui

import (
	"context"
	"fmt"
	"sort"
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
)

func demoNumber(d17 string) string { return d17 + string(app.CheckChar(d17)) }

// demoScreens opens each named screen in the state it shows.
var demoScreens = map[string]func(ctx context.Context, k *Kiosk) error{
	"welcome":  func(context.Context, *Kiosk) error { return nil },
	"consent":  func(ctx context.Context, k *Kiosk) error { return k.svc.Start(ctx) },
	"identity": demoIdentity,
	"identity-error": func(ctx context.Context, k *Kiosk) error {
		if err := demoIdentity(ctx, k); err != nil {
			return err
		}
		k.identity.input.number = demoGraduate.Number[:17] + "5"
		k.identity.onNext()
		return nil
	},
	"eligibility":          func(ctx context.Context, k *Kiosk) error { return demoSubmit(ctx, k, demoGraduate) },
	"eligibility-notfound": demoNotFound,
	"pending": func(ctx context.Context, k *Kiosk) error {
		if err := demoSubmit(ctx, k, demoGraduate); err != nil {
			return err
		}
		return k.svc.EnterCapture(ctx)
	},
	"status": func(ctx context.Context, k *Kiosk) error { return k.svc.OpenStatus(ctx) },
	"status-rejected": func(ctx context.Context, k *Kiosk) error {
		if err := k.svc.OpenStatus(ctx); err != nil {
			return err
		}
		k.status.input.number = demoRejected.Number
		k.status.onSearch()
		return nil
	},
	"idle-warning": func(ctx context.Context, k *Kiosk) error {
		if err := demoIdentity(ctx, k); err != nil {
			return err
		}
		k.show()
		k.onIdleWarn()
		return nil
	},
}

// DemoScreens lists the screen names --screen accepts.
func DemoScreens() []string {
	names := make([]string, 0, len(demoScreens))
	for n := range demoScreens {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// openDemo fills the store with demo data and puts the kiosk on screen name.
func openDemo(ctx context.Context, k *Kiosk, st *store.Store, name string) error {
	open, ok := demoScreens[name]
	if !ok {
		return fmt.Errorf("ui: unknown screen %q (one of: %s)", name, strings.Join(DemoScreens(), ", "))
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

func seedDemo(ctx context.Context, st *store.Store) error {
	if _, err := st.ImportRoster(ctx, []app.RosterEntry{demoGraduate, demoRejected}); err != nil {
		return err
	}
	return st.PutStatus(ctx, app.StatusRecord{SubmissionID: app.NewID(), Number: demoRejected.Number,
		Status: app.StatusRejected, Reason: "背景不是纯色，头部过小 (background not plain, head too small)",
		UpdatedAt: time.Now().Add(-26 * time.Hour)})
}

// demoIdentity opens the Identity screen half filled in.
func demoIdentity(ctx context.Context, k *Kiosk) error {
	if err := k.svc.Start(ctx); err != nil {
		return err
	}
	if err := k.svc.AcceptConsent(ctx); err != nil {
		return err
	}
	k.identity.input.number = demoGraduate.Number[:10]
	k.identity.name = demoGraduate.Name
	return nil
}

func demoSubmit(ctx context.Context, k *Kiosk, e app.RosterEntry) error {
	if err := demoIdentity(ctx, k); err != nil {
		return err
	}
	_, err := k.svc.SubmitIdentity(ctx, e.Doc, e.Number, e.Name)
	return err
}

func demoNotFound(ctx context.Context, k *Kiosk) error {
	e := demoGraduate
	e.Number = demoNumber("44030519990101003")
	return demoSubmit(ctx, k, e)
}
