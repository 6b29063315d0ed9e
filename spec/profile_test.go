package spec

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gradphoto/assets"
)

func shipped(t *testing.T) Profiles { return shippedTB(t) }

func shippedTB(t testing.TB) Profiles {
	t.Helper()
	ps, err := LoadProfiles(assets.Profiles, "profiles")
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

func TestShippedProfiles(t *testing.T) {
	ps := shipped(t)
	want := []string{"chsi", "degree-2009", "print-1in", "print-2in", "xinhua"}
	if got := strings.Join(ps.Names(), ","); got != strings.Join(want, ",") {
		t.Fatalf("profiles %s, want %s", got, strings.Join(want, ","))
	}
	chsi, err := ps.Get("")
	if err != nil {
		t.Fatal(err)
	}
	if chsi.Width != 480 || chsi.Height != 640 || chsi.DPI != 300 || chsi.MinKB != 20 || chsi.MaxKB != 40 ||
		*chsi.HeadTop != (Range{50, 110}) || *chsi.EyeLine != (Range{200, 300}) || *chsi.FaceWidth != (Range{180, 300}) {
		t.Errorf("chsi profile differs from the 2017 spec: %+v", chsi)
	}
	blue, err := chsi.Colour("")
	if err != nil || blue != (RGB{100, 197, 255}) {
		t.Errorf("chsi default background = %v, %v; want light blue 100,197,255", blue, err)
	}
	for _, opt := range []string{"white", "grey"} {
		if _, err := chsi.Colour(opt); err != nil {
			t.Errorf("chsi must allow %s: %v", opt, err)
		}
	}
	if _, err := chsi.Colour("red"); !errors.Is(err, ErrBadProfile) {
		t.Errorf("red on chsi: %v, want ErrBadProfile", err)
	}
}

func TestOperatorProfileOverridesAndAdds(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("school.json", `{"name":"school","width":358,"height":441,"dpi":300,"min_quality":70,
		"backgrounds":{"white":[255,255,255]},"default_background":"white",
		"head_top":[20,60],"face_width":[150,220],"centre_tolerance":0.05}`)
	write("xinhua.json", `{"name":"xinhua","width":480,"height":640,"dpi":300,"min_kb":35,"max_kb":60,"min_quality":60,
		"backgrounds":{"blue":[100,197,255]},"default_background":"blue",
		"head_top":[50,110],"eye_line":[200,300],"face_width":[180,300],"centre_tolerance":0.05}`)
	ps, err := LoadProfiles(assets.Profiles, "profiles", dir, filepath.Join(dir, "missing"))
	if err != nil {
		t.Fatal(err)
	}
	if p, err := ps.Get("school"); err != nil || p.Width != 358 {
		t.Errorf("operator profile not added: %+v %v", p, err)
	}
	if p, _ := ps.Get("xinhua"); p.MinKB != 35 {
		t.Errorf("operator file did not replace the shipped xinhua: min_kb %d", p.MinKB)
	}
}

func TestBadProfilesRefused(t *testing.T) {
	good := `{"name":"x","width":480,"height":640,"dpi":300,"min_quality":60,"backgrounds":{"blue":[1,2,3]},
		"default_background":"blue","head_top":[50,110],"face_width":[180,300],"centre_tolerance":0.05`
	cases := map[string]string{
		"not json":            `{`,
		"unknown field":       good + `,"colour":1}`,
		"no name":             strings.Replace(good, `"name":"x"`, `"name":""`, 1) + `}`,
		"tiny":                strings.Replace(good, `"width":480`, `"width":10`, 1) + `}`,
		"bad default bg":      strings.Replace(good, `"default_background":"blue"`, `"default_background":"red"`, 1) + `}`,
		"range backwards":     strings.Replace(good, `"head_top":[50,110]`, `"head_top":[110,50]`, 1) + `}`,
		"range outside":       strings.Replace(good, `"head_top":[50,110]`, `"head_top":[50,900]`, 1) + `}`,
		"colour overflow":     strings.Replace(good, `[1,2,3]`, `[1,2,300]`, 1) + `}`,
		"no scale rule":       strings.Replace(good, `,"face_width":[180,300]`, ``, 1) + `}`,
		"kb backwards":        good + `,"min_kb":50,"max_kb":40}`,
		"quality zero":        strings.Replace(good, `"min_quality":60`, `"min_quality":0`, 1) + `}`,
		"no centre tolerance": strings.Replace(good, `,"centre_tolerance":0.05`, ``, 1) + `}`,
	}
	for name, body := range cases {
		if _, err := ParseProfile([]byte(body)); !errors.Is(err, ErrBadProfile) {
			t.Errorf("%s: err = %v, want ErrBadProfile", name, err)
		}
	}
	if _, err := ParseProfile([]byte(good + `}`)); err != nil {
		t.Errorf("good profile refused: %v", err)
	}
}

func FuzzParseProfile(f *testing.F) {
	data, err := assets.Profiles.ReadFile("profiles/chsi.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte(`{"name":"x","head_top":[1e308,-1e308]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ParseProfile(b)
		if err == nil {
			if verr := p.Validate(); verr != nil {
				t.Fatalf("parsed profile does not validate: %v", verr)
			}
		}
	})
}
