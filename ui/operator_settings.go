package ui

import (
	"fmt"
	"log"
	"os"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"gradphoto/app"
	"gradphoto/assets"
	"gradphoto/spec"
)

// Choices the settings offer.
var (
	idleChoices   = []int{0, 60, 90, 120, 180, 300} // seconds; 0: the default
	rotateChoices = []int{0, 90, 180, 270}
)

// settingsForm is the settings tab: camera, photo profile, language,
// inactivity, the kiosk's name, and the server enrolment.
type settingsForm struct {
	s        *operatorScreen
	ks       app.KioskSettings
	profiles spec.Profiles
	devices  []string // device paths; "" the first webcam

	name                                *widget.Entry
	lang, idle, cam, res, rot, prof, bg *widget.Select
	save                                *widget.Button

	serverURL, code *widget.Entry
	enrol           *widget.Button
}

func newSettingsForm(s *operatorScreen) *settingsForm {
	f := &settingsForm{s: s}
	ks, err := s.k.ops.KioskSettings(s.k.ctx)
	if err != nil {
		log.Print(err)
	}
	f.ks = ks
	if f.profiles, err = spec.LoadProfiles(assets.Profiles, "profiles"); err != nil {
		log.Print(err)
	}
	f.devices = []string{""}
	if s.k.cam != nil {
		if devs, err := s.k.cam.Devices(); err == nil {
			for _, d := range devs {
				f.devices = append(f.devices, d.Path)
			}
		}
	}
	if ks.Camera != "" && !contains(f.devices, ks.Camera) {
		f.devices = append(f.devices, ks.Camera)
	}
	return f
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// choose makes a list showing labels, with the entry at index sel chosen.
func (f *settingsForm) choose(labels []string, sel int) *widget.Select {
	w := widget.NewSelect(labels, func(string) { f.s.k.touch() })
	w.SetSelectedIndex(max(0, sel))
	return w
}

func (f *settingsForm) content() fyne.CanvasObject {
	ks := f.ks
	f.name = widget.NewEntry()
	f.name.SetText(ks.Name)
	f.name.OnChanged = func(string) { f.s.k.touch() }
	f.lang = f.choose([]string{"中文", "English"}, map[bool]int{true: 1}[ks.Lang == langEN])
	var idle []string
	for _, sec := range idleChoices {
		idle = append(idle, idleLabel(sec))
	}
	f.idle = f.choose(idle, indexOf(idleChoices, ks.IdleSeconds))
	var cams []string
	for _, d := range f.devices {
		cams = append(cams, cameraLabel(d))
	}
	f.cam = f.choose(cams, indexOfString(f.devices, ks.Camera))
	var res []string
	sel := 0
	for i, r := range app.Resolutions {
		res = append(res, fmt.Sprintf("%d × %d", r[0], r[1]))
		if r[0] == ks.Width && r[1] == ks.Height {
			sel = i
		}
	}
	f.res = f.choose(res, sel)
	var rot []string
	for _, d := range rotateChoices {
		rot = append(rot, fmt.Sprintf("%d°", d))
	}
	f.rot = f.choose(rot, indexOf(rotateChoices, ks.Rotate))
	names := f.profiles.Names()
	var titles []string
	for _, n := range names {
		p, _ := f.profiles.Get(n)
		titles = append(titles, p.Title[langOf(f.s.k.lang)])
	}
	current := ks.Profile
	if current == "" {
		current = spec.DefaultProfile
	}
	f.prof = f.choose(titles, indexOfString(names, current))
	f.bg = widget.NewSelect(nil, func(string) { f.s.k.touch() })
	f.prof.OnChanged = func(string) { f.s.k.touch(); f.fillBackgrounds("") }
	f.fillBackgrounds(ks.Background)
	f.save = touchButton(lang.L("operator.save"), true, f.onSave)

	form := container.New(layout.NewFormLayout(),
		widget.NewLabel(lang.L("operator.name")), f.name,
		widget.NewLabel(lang.L("operator.lang")), f.lang,
		widget.NewLabel(lang.L("operator.idle")), f.idle,
		widget.NewLabel(lang.L("operator.camera")), f.cam,
		widget.NewLabel(lang.L("operator.resolution")), f.res,
		widget.NewLabel(lang.L("operator.rotation")), f.rot,
		widget.NewLabel(lang.L("operator.profile")), f.prof,
		widget.NewLabel(lang.L("operator.background")), f.bg)
	return container.NewVBox(form, paragraph(lang.L("operator.restart_note")), sized(f.save),
		widget.NewSeparator(), f.serverPart())
}

// fillBackgrounds lists the chosen profile's background options.
func (f *settingsForm) fillBackgrounds(want string) {
	p, err := f.profiles.Get(f.profileName())
	if err != nil {
		return
	}
	opts := p.BackgroundOptions()
	if want == "" {
		want = p.Background
	}
	f.bg.Options = opts
	f.bg.SetSelectedIndex(max(0, indexOfString(opts, want)))
	f.bg.Refresh()
}

func (f *settingsForm) profileName() string {
	names := f.profiles.Names()
	if i := f.prof.SelectedIndex(); i >= 0 && i < len(names) {
		return names[i]
	}
	return spec.DefaultProfile
}

// settings reads the form.
func (f *settingsForm) settings() app.KioskSettings {
	ks := app.KioskSettings{Name: strings.TrimSpace(f.name.Text), Lang: langZH,
		IdleSeconds: idleChoices[max(0, f.idle.SelectedIndex())],
		Camera:      f.devices[max(0, f.cam.SelectedIndex())],
		Rotate:      rotateChoices[max(0, f.rot.SelectedIndex())],
		Profile:     f.profileName(), Background: f.bg.Selected}
	if f.lang.SelectedIndex() == 1 {
		ks.Lang = langEN
	}
	r := app.Resolutions[max(0, f.res.SelectedIndex())]
	ks.Width, ks.Height = r[0], r[1]
	return ks
}

// onSave keeps the settings; language and inactivity apply at once, the
// camera and photo settings at the next start.
func (f *settingsForm) onSave() {
	k := f.s.k
	k.touch()
	ks := f.settings()
	if err := k.ops.SaveKioskSettings(k.ctx, ks); err != nil {
		log.Print(err)
		f.s.say(lang.L("operator.settings_bad", map[string]any{"Why": err.Error()}))
		return
	}
	f.ks = ks
	k.cfg.Lang = ks.Lang
	k.idle.Warn, k.idle.Timeout = ks.IdleTimeout()
	k.cfg.IdleWarn, k.cfg.IdleTimeout = k.idle.Warn, k.idle.Timeout
	k.operatorAudit("settings.save", fmt.Sprintf("lang=%s idle=%d camera=%q size=%dx%d rotate=%d profile=%s background=%s",
		ks.Lang, ks.IdleSeconds, ks.Camera, ks.Width, ks.Height, ks.Rotate, ks.Profile, ks.Background))
	f.s.say(lang.L("operator.settings_saved"))
}

// serverPart enrols the kiosk with a server by its one-time code.
func (f *settingsForm) serverPart() fyne.CanvasObject {
	f.serverURL, f.code = widget.NewEntry(), widget.NewEntry()
	f.serverURL.SetPlaceHolder("https://photo.example.edu.cn")
	f.code.SetPlaceHolder("ABCD-EFGH-JKLM")
	status := lang.L("operator.not_enrolled")
	if cfg, err := f.s.k.ops.ServerConfig(f.s.k.ctx); err == nil {
		status = lang.L("operator.enrolled", map[string]any{"URL": cfg.URL})
		f.serverURL.SetText(cfg.URL)
	}
	f.enrol = touchButton(lang.L("operator.enrol"), false, f.onEnrol)
	form := container.New(layout.NewFormLayout(),
		widget.NewLabel(lang.L("operator.server")), f.serverURL,
		widget.NewLabel(lang.L("operator.code")), f.code)
	return container.NewVBox(heading(lang.L("operator.server_title")), widget.NewLabel(status), form, sized(f.enrol))
}

// onEnrol registers the kiosk with the server (applies at the next start).
func (f *settingsForm) onEnrol() {
	k := f.s.k
	k.touch()
	name := f.ks.Name
	if name == "" {
		name, _ = os.Hostname()
	}
	en, err := k.ops.Enrol(k.ctx, strings.TrimSpace(f.serverURL.Text), strings.TrimSpace(f.code.Text), name)
	if err != nil {
		log.Print(err)
		f.s.say(lang.L("operator.enrol_failed", map[string]any{"Why": err.Error()}))
		return
	}
	k.operatorAudit("server.enrol", "device "+en.DeviceID)
	f.s.say(lang.L("operator.enrol_done", map[string]any{"Device": en.DeviceID}))
}

func idleLabel(sec int) string {
	if sec == 0 {
		return lang.L("operator.default")
	}
	return lang.L("operator.seconds", map[string]any{"N": sec})
}

func cameraLabel(path string) string {
	if path == "" {
		return lang.L("operator.first_camera")
	}
	return path
}

func indexOf(list []int, v int) int {
	for i, x := range list {
		if x == v {
			return i
		}
	}
	return 0
}

func indexOfString(list []string, v string) int {
	for i, x := range list {
		if x == v {
			return i
		}
	}
	return 0
}

// langOf is the profile titles' language key for a UI language.
func langOf(code string) string {
	if code == langEN {
		return "en"
	}
	return "zh-CN"
}
