package ui

import (
	"context"
	"fmt"
	"log"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"gradphoto/api"
	"gradphoto/app"
)

// servicesScreen is the catalog: each service with its price, the required
// ones ticked for good, the total, and on to the payment. The catalog comes
// from the server (the last one it gave when it cannot be reached).
type servicesScreen struct {
	k       *shell
	catalog api.Catalog
	loading bool
	failed  bool               // no catalog could be had
	chosen  map[string]bool    // by service code
	rows    map[string]*tapRow // the catalog's rows, by service code (tests tap them)

	pay, retry, later *widget.Button
}

func newServicesScreen(k *shell) *servicesScreen {
	return &servicesScreen{k: k, chosen: map[string]bool{}}
}

func (s *servicesScreen) content() fyne.CanvasObject {
	back := touchButton(lang.L("button.back"), false, s.k.onBack)
	s.pay, s.retry = touchButton(lang.L("services.pay"), true, s.onPay), nil
	top := heading(lang.L("services.title"))
	switch {
	case s.loading:
		s.pay.Disable()
		return container.NewBorder(top, buttonRow([]fyne.CanvasObject{back}, s.pay), nil, nil,
			paragraph(lang.L("services.loading")))
	case s.failed:
		s.retry = touchButton(lang.L("services.retry"), true, s.onRetry)
		right, msg := []fyne.CanvasObject{s.retry}, "services.offline"
		if s.k.cfg.PayLater != nil { // never any catalog here yet: the degree photo, paid later
			s.retry.Importance = widget.MediumImportance
			s.later = touchButton(lang.L("paying.later"), true, s.onLater)
			right, msg = append(right, s.later), "services.offline_later"
		}
		return container.NewBorder(top, buttonRow([]fyne.CanvasObject{back}, right...), nil, nil,
			card(paragraph(lang.L(msg))))
	}
	list := container.NewVBox()
	s.rows = map[string]*tapRow{}
	for _, svc := range s.catalog.Services {
		list.Add(s.row(svc))
	}
	total := text(lang.L("services.total", map[string]any{"Amount": yuan(s.total())}), 30, colForeground, true)
	list.Add(container.NewHBox(layout.NewSpacer(), total))
	return container.NewBorder(top, buttonRow([]fyne.CanvasObject{back}, s.pay), nil, nil,
		newTouchScroll(card(list)))
}

// row is one service: a large tick box (always ticked for a required
// one), its name in the screen's language and its price; the whole row is
// the touch target.
func (s *servicesScreen) row(svc api.Service) fyne.CanvasObject {
	icon := theme.CheckButtonIcon()
	if s.chosen[svc.Code] {
		icon = theme.NewPrimaryThemedResource(theme.CheckButtonCheckedIcon())
	}
	box := atLeast(widget.NewIcon(icon), 40, 40)
	name := text(serviceName(svc, s.k.lang), 26, colForeground, false)
	price := text(yuan(svc.PriceFen), 26, colForeground, true)
	right := container.NewHBox(price)
	if svc.Required {
		right = container.NewHBox(container.NewCenter(text(lang.L("services.required"), 20, colMuted, false)), price)
	}
	row := newTapRow(container.NewHBox(box, container.NewCenter(name)), func() {
		if !svc.Required {
			s.onChoose(svc.Code, !s.chosen[svc.Code])
		}
	})
	s.rows[svc.Code] = row
	return atLeast(container.NewBorder(nil, nil, nil, container.NewCenter(right), row), 0, touchHeight)
}

// serviceName is a service's name in language l, else in Chinese.
func serviceName(svc api.Service, l string) string {
	if n := svc.Name[l]; n != "" {
		return n
	}
	if n := svc.Name[langZH]; n != "" {
		return n
	}
	return svc.Code
}

// enter fetches the catalog, off the UI goroutine.
func (s *servicesScreen) enter() { s.load() }

func (s *servicesScreen) leave() {}

func (s *servicesScreen) load() {
	s.loading, s.failed = true, false
	s.k.show()
	svc, ctx := s.k.svc, s.k.ctx
	do := uiDo
	s.k.calls.Add(1)
	go func() {
		defer s.k.calls.Done()
		c, err := svc.Catalog(ctx)
		do(func() { s.onCatalog(c, err) })
	}()
}

// onCatalog shows the catalog, the required services and those chosen
// before ticked.
func (s *servicesScreen) onCatalog(c api.Catalog, err error) {
	if s.k.current != s {
		return // the graduate left meanwhile
	}
	s.loading = false
	if err != nil {
		log.Print(err)
		s.failed = true
		s.k.show()
		return
	}
	s.catalog = c
	chosen := s.k.svc.Session().Services
	for _, svc := range c.Services {
		s.chosen[svc.Code] = svc.Required || slices.Contains(chosen, svc.Code) || s.chosen[svc.Code]
	}
	s.k.show()
}

func (s *servicesScreen) onChoose(code string, on bool) {
	s.k.touch()
	s.chosen[code] = on
	s.k.show() // the total
}

// onLater goes on with the degree photo, to be paid later from a phone:
// the kiosk has never had a catalog and cannot reach the server.
func (s *servicesScreen) onLater() {
	s.k.act(func(ctx context.Context) error {
		if err := s.k.svc.ChooseServices(ctx, []string{app.ServiceDegreePhoto}); err != nil {
			return err
		}
		return s.k.svc.PayLater(ctx)
	})
}

func (s *servicesScreen) onRetry() {
	s.k.touch()
	s.load()
}

// onPay goes on with the services chosen, in the catalog's order.
func (s *servicesScreen) onPay() {
	var codes []string
	for _, svc := range s.catalog.Services {
		if s.chosen[svc.Code] {
			codes = append(codes, svc.Code)
		}
	}
	s.k.act(func(ctx context.Context) error { return s.k.svc.ChooseServices(ctx, codes) })
}

// total is the price of what is chosen, in fen.
func (s *servicesScreen) total() int64 {
	var sum int64
	for _, svc := range s.catalog.Services {
		if s.chosen[svc.Code] {
			sum += svc.PriceFen
		}
	}
	return sum
}

// yuan writes fen as ¥15.00.
func yuan(fen int64) string { return fmt.Sprintf("¥%d.%02d", fen/100, fen%100) }
