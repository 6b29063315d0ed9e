package ui

import (
	"context"
	"fmt"
	"log"
	"path/filepath"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"gradphoto/api"
	"gradphoto/app"
	"gradphoto/export"
	"gradphoto/remote"
	"gradphoto/roster"
	"gradphoto/store"
)

// operatorStore is what operator mode needs of the kiosk's store.
type operatorStore interface {
	Health(ctx context.Context) (store.Health, error)
	OutboxLen(ctx context.Context) (int, error)
	SessionCounts(ctx context.Context, since time.Time) (started, confirmed int, err error)
	KioskSettings(ctx context.Context) (app.KioskSettings, error)
	SaveKioskSettings(ctx context.Context, ks app.KioskSettings) error
	ImportRoster(ctx context.Context, entries []app.RosterEntry) (store.ImportStats, error)
	RosterSchools(ctx context.Context) ([]string, error)
	Audit(ctx context.Context, actor, action, detail string) error
	ServerConfig(ctx context.Context) (store.ServerConfig, error)
	// Enrol registers the kiosk with a server by its one-time code.
	Enrol(ctx context.Context, url, code, name string) (api.Enrolment, error)
	export.Source
}

// kioskStore is the kiosk's store as operator mode uses it: the store,
// and enrolment through the sync client.
type kioskStore struct{ *store.Store }

func (s kioskStore) Enrol(ctx context.Context, url, code, name string) (api.Enrolment, error) {
	return remote.Enrol(ctx, s.Store, url, code, name, "")
}

// operatorScreen is the assistant's operator mode: the dashboard,
// settings, backdrop calibration, roster import and export, behind the
// operator PIN. Every action is audited as "operator".
type operatorScreen struct {
	k       *shell
	tabs    *container.AppTabs
	note    *widget.Label     // the outcome of the last action
	noteBox fyne.CanvasObject // its card, hidden while there is none

	settings *settingsForm
	calib    *calibration
	tab      int // the tab showing, kept when the screen is built again

	// export filters
	school, status, period *widget.Select

	// pickFile and pickFolder show the file dialogs (tests replace them).
	pickFile   func(onChosen func(path string))
	pickFolder func(onChosen func(path string))
}

func newOperatorScreen(k *shell) *operatorScreen {
	s := &operatorScreen{k: k, note: widget.NewLabel("")}
	s.note.Wrapping = fyne.TextWrapWord
	s.pickFile = func(onChosen func(string)) {
		d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
			if err == nil && r != nil {
				r.Close()
				onChosen(r.URI().Path())
			}
		}, k.win)
		d.SetFilter(storage.NewExtensionFileFilter([]string{".csv", ".xlsx", ".CSV", ".XLSX"}))
		d.Resize(fyne.NewSize(900, 600))
		d.Show()
	}
	s.pickFolder = func(onChosen func(string)) {
		d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
			if err == nil && u != nil {
				onChosen(u.Path())
			}
		}, k.win)
		d.Resize(fyne.NewSize(900, 600))
		d.Show()
	}
	return s
}

// openOperator shows operator mode in place of the kiosk's screens.
func (k *shell) openOperator() {
	k.leaveCurrent()
	k.operator = newOperatorScreen(k)
	k.operatorAudit("operator.open", "")
	k.show()
}

// closeOperator goes back to the Welcome screen.
func (k *shell) closeOperator() {
	if k.operator == nil {
		return
	}
	k.operator.calib.stop()
	k.operator = nil
	k.operatorAudit("operator.close", "")
	k.clear()
}

// operatorAudit writes an operator action to the audit log.
func (k *shell) operatorAudit(action, detail string) {
	if err := k.ops.Audit(k.ctx, "operator", action, detail); err != nil {
		log.Print(err)
	}
}

func (s *operatorScreen) content() fyne.CanvasObject {
	s.settings = newSettingsForm(s)
	s.calib = newCalibration(s)
	s.tabs = container.NewAppTabs(
		container.NewTabItem(lang.L("operator.tab.dashboard"), s.dashboard()),
		container.NewTabItem(lang.L("operator.tab.settings"), newTouchScroll(s.settings.content())),
		container.NewTabItem(lang.L("operator.tab.calibration"), s.calib.content()),
		container.NewTabItem(lang.L("operator.tab.roster"), s.rosterTab()),
		container.NewTabItem(lang.L("operator.tab.export"), s.exportTab()),
	)
	s.tabs.SelectIndex(s.tab)
	s.tabs.OnSelected = func(t *container.TabItem) {
		s.k.touch()
		s.tab = s.tabs.SelectedIndex()
		if t.Text != lang.L("operator.tab.calibration") {
			s.calib.stop()
		}
	}
	leave := touchButton(lang.L("operator.leave"), true, s.k.closeOperator)
	window := touchButton(lang.L("operator.window"), false, s.onWindow)
	top := container.NewBorder(nil, nil, heading(lang.L("operator.title")), container.NewHBox(sized(window), sized(leave)))
	s.noteBox = card(s.note)
	if s.note.Text == "" {
		s.noteBox.Hide()
	}
	return container.NewBorder(container.NewVBox(top, widget.NewSeparator()), s.noteBox, nil, nil, s.tabs)
}

// say shows the outcome of an action.
func (s *operatorScreen) say(msg string) {
	s.note.SetText(msg)
	if s.noteBox != nil {
		s.noteBox.Show()
	}
}

// onWindow leaves full screen (or goes back to it).
func (s *operatorScreen) onWindow() {
	s.k.touch()
	full := !s.k.win.FullScreen()
	s.k.win.SetFullScreen(full)
	s.k.operatorAudit("operator.fullscreen", strconv.FormatBool(full))
}

// dashboard: today's sessions, the queue, sync, camera and disk.
func (s *operatorScreen) dashboard() fyne.CanvasObject {
	ctx := s.k.ctx
	now := time.Now()
	midnight := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	rows := []fyne.CanvasObject{}
	add := func(key string, value string) {
		rows = append(rows, widget.NewLabelWithStyle(lang.L(key), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
			widget.NewLabel(value))
	}
	if started, confirmed, err := s.k.ops.SessionCounts(ctx, midnight); err == nil {
		add("operator.today", lang.L("operator.today_value", map[string]any{"Started": started, "Confirmed": confirmed}))
	}
	if n, err := s.k.ops.OutboxLen(ctx); err == nil {
		add("operator.queue", lang.L("operator.queue_value", map[string]any{"N": n}))
	}
	add("operator.sync", s.syncText())
	camera := lang.L("operator.camera_unknown")
	if s.k.check != nil {
		camera = s.k.check.line()
	}
	add("operator.check", camera)
	if h, err := s.k.ops.Health(ctx); err == nil {
		add("operator.disk", lang.L("operator.disk_value", gb(h.FreeBytes)))
	} else {
		add("operator.disk", err.Error())
	}
	return newTouchScroll(container.New(layout.NewFormLayout(), rows...))
}

// syncText says how the sync stands.
func (s *operatorScreen) syncText() string {
	if s.k.sync == nil {
		return lang.L("operator.sync_none")
	}
	st := *s.k.sync
	last := lang.L("operator.never")
	if !st.LastSuccess.IsZero() {
		last = st.LastSuccess.Local().Format("2006-01-02 15:04")
	}
	text := lang.L("operator.sync_value", map[string]any{"Pending": st.Pending, "Last": last})
	if st.Offline {
		text += " · " + lang.L("sync.offline")
	}
	if st.Problem != "" {
		text += " · " + st.Problem
	}
	return text
}

// rosterTab imports a roster file picked from the kiosk's disks.
func (s *operatorScreen) rosterTab() fyne.CanvasObject {
	pick := touchButton(lang.L("operator.roster_pick"), true, func() {
		s.k.touch()
		s.pickFile(s.onRosterFile)
	})
	return container.NewVBox(paragraph(lang.L("operator.roster_help")), sized(pick))
}

// onRosterFile parses and imports a roster file.
func (s *operatorScreen) onRosterFile(path string) {
	s.k.touch()
	res, err := roster.ParseFile(path, time.Now())
	if err != nil {
		log.Print(err)
		s.say(lang.L("operator.roster_unreadable", map[string]any{"File": filepath.Base(path), "Why": err.Error()}))
		return
	}
	st, err := s.k.ops.ImportRoster(s.k.ctx, res.Entries)
	if err != nil {
		s.k.fail(err)
		return
	}
	s.k.operatorAudit("roster.import", fmt.Sprintf("file=%s inserted=%d updated=%d rejected=%d",
		filepath.Base(path), st.Inserted, st.Updated, len(res.Problems)))
	msg := lang.L("operator.roster_done", map[string]any{"Inserted": st.Inserted, "Updated": st.Updated,
		"Rejected": len(res.Problems)})
	for i, p := range res.Problems {
		if i == 5 {
			msg += "\n…"
			break
		}
		msg += "\n" + lang.L("operator.roster_problem", map[string]any{"Row": p.Row, "Why": p.Reason})
	}
	s.say(msg)
}

// Export periods offered: all, today, the last 7 and 30 days.
var exportPeriods = []int{0, 1, 7, 30}

// exportTab writes the registry's batch to a folder picked.
func (s *operatorScreen) exportTab() fyne.CanvasObject {
	schools, err := s.k.ops.RosterSchools(s.k.ctx)
	if err != nil {
		log.Print(err)
	}
	all := lang.L("operator.all")
	s.school = widget.NewSelect(append([]string{all}, schools...), func(string) { s.k.touch() })
	s.school.SetSelectedIndex(0)
	statuses := []string{all}
	for _, st := range exportStatuses {
		statuses = append(statuses, lang.L("status."+string(st)))
	}
	s.status = widget.NewSelect(statuses, func(string) { s.k.touch() })
	s.status.SetSelectedIndex(0)
	var periods []string
	for _, days := range exportPeriods {
		periods = append(periods, lang.L(fmt.Sprintf("operator.period.%d", days)))
	}
	s.period = widget.NewSelect(periods, func(string) { s.k.touch() })
	s.period.SetSelectedIndex(0)
	form := container.New(layout.NewFormLayout(),
		widget.NewLabel(lang.L("operator.school")), s.school,
		widget.NewLabel(lang.L("operator.status")), s.status,
		widget.NewLabel(lang.L("operator.period")), s.period)
	run := touchButton(lang.L("operator.export_pick"), true, func() {
		s.k.touch()
		s.pickFolder(s.onExportFolder)
	})
	return container.NewVBox(paragraph(lang.L("operator.export_help")), form, sized(run))
}

// exportStatuses are the statuses an export can select, in the list's order.
var exportStatuses = []app.Status{app.StatusApproved, app.StatusInReview, app.StatusQueued, app.StatusUnpaid,
	app.StatusRejected, app.StatusPublished}

// exportFilter is what the export tab's lists select.
func (s *operatorScreen) exportFilter() store.ExportFilter {
	var f store.ExportFilter
	if i := s.school.SelectedIndex(); i > 0 {
		f.School = s.school.Selected
	}
	if i := s.status.SelectedIndex(); i > 0 {
		f.Status = exportStatuses[i-1]
	}
	if days := exportPeriods[max(0, s.period.SelectedIndex())]; days > 0 {
		now := time.Now()
		f.Since = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location()).AddDate(0, 0, 1-days)
	}
	return f
}

// onExportFolder writes the batch into folder.
func (s *operatorScreen) onExportFolder(folder string) {
	s.k.touch()
	f := s.exportFilter()
	path := filepath.Join(folder, "gradphoto-"+time.Now().Format("20060102-1504")+".zip")
	n, err := export.ToFile(s.k.ctx, s.k.ops, f, path)
	if err != nil {
		log.Print(err)
		s.say(lang.L("operator.export_failed", map[string]any{"Why": err.Error()}))
		return
	}
	s.k.operatorAudit("export.batch", fmt.Sprintf("photos=%d school=%q status=%q since=%s", n, f.School, f.Status,
		f.Since.Format("2006-01-02")))
	s.say(lang.L("operator.export_done", map[string]any{"N": n, "File": path}))
}
