package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"gradphoto/app"
	"gradphoto/assets"
	"gradphoto/capture"
	"gradphoto/capture/opencv"
	"gradphoto/internal/jpegmark"
	"gradphoto/internal/kioskflow"
	"gradphoto/spec"
	"gradphoto/store"
)

const demoUsage = "usage: gradphoto demo seed [--db PATH] --submissions N"

func runDemo(args []string, stdout, stderr io.Writer) int {
	return dispatch("demo", demoUsage, map[string]command{"seed": demoSeed}, args, stdout, stderr)
}

// demoSchool is the made-up school of the demo graduates.
const demoSchool = "华东示范大学"

// demoSeed runs "gradphoto demo seed --submissions N": N made-up graduates
// put on the roster and walked through the kiosk's whole flow (consent,
// identity with both card sides, capture with the demo camera's photo,
// confirm), so the database holds N confirmed submissions waiting to sync.
// Each photo's bytes are made unique with a JPEG comment naming its
// submission; the pictures are the demo camera's.
func demoSeed(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("demo seed", flag.ContinueOnError)
	db := fs.String("db", "", "database file")
	n := fs.Int("submissions", 0, "how many submissions")
	pos, code, ok := flagsOf(fs, demoUsage, args, stdout, stderr)
	if !ok {
		return code
	}
	if len(pos) > 0 || *n <= 0 {
		fmt.Fprintln(stderr, demoUsage)
		return ExitUnreadable
	}
	ctx := context.Background()
	st, err := openDB(ctx, *db)
	if err != nil {
		fmt.Fprintf(stderr, "demo seed: %v\n", err)
		return ExitFailed
	}
	defer st.Close()
	start := time.Now()
	if err := seed(ctx, st, *n); err != nil {
		fmt.Fprintf(stderr, "demo seed: %v\n", err)
		return ExitFailed
	}
	fmt.Fprintf(stdout, "seeded %d submissions in %.1f s\n", *n, time.Since(start).Seconds())
	return ExitOK
}

// demoPictures are the photos every demo submission uses.
type demoPictures struct {
	shot        capture.Shot
	front, back []byte
}

func loadDemoPictures() (demoPictures, error) {
	ps, err := spec.LoadProfiles(assets.Profiles, "profiles")
	if err != nil {
		return demoPictures{}, err
	}
	p, err := ps.Get("")
	if err != nil {
		return demoPictures{}, err
	}
	cam := opencv.NewHost(capture.Config{Profile: p})
	defer cam.Close()
	var d demoPictures
	if d.shot, err = cam.DemoShot(); err != nil {
		return d, err
	}
	if d.front, err = cam.DemoCard(app.CardFront); err != nil {
		return d, err
	}
	d.back, err = cam.DemoCard(app.CardBack)
	return d, err
}

func seed(ctx context.Context, st *store.Store, n int) error {
	pics, err := loadDemoPictures()
	if err != nil {
		return err
	}
	grads := make([]app.RosterEntry, n)
	for i := range grads {
		grads[i] = demoGraduate(i)
	}
	if _, err := st.ImportRoster(ctx, grads); err != nil {
		return err
	}
	svc := app.NewService(app.Deps{Roster: st, Statuses: st, Sessions: st, Captures: st, Audit: st,
		Policy: app.Policy{RequireCards: true}})
	for i, g := range grads {
		if err := walk(ctx, svc, g, pics, i); err != nil {
			return fmt.Errorf("graduate %d: %w", i+1, err)
		}
	}
	return nil
}

// walk takes one graduate through the kiosk, with the demo pictures
// marked as theirs (each file its own bytes).
func walk(ctx context.Context, svc *app.Service, g app.RosterEntry, pics demoPictures, i int) error {
	tag := fmt.Sprintf("gradphoto demo %d %s", i, g.Number)
	sh := pics.shot.App()
	sh.Raw, sh.Standard = jpegmark.Comment(sh.Raw, tag), jpegmark.Comment(sh.Standard, tag)
	_, err := kioskflow.Walk(ctx, svc, g, kioskflow.Pictures{
		Front: jpegmark.Comment(pics.front, tag), Back: jpegmark.Comment(pics.back, tag), Shot: sh})
	return err
}

// demoGraduate is the i-th made-up graduate: a valid resident ID number
// (born 2001–2004), a two- or three-character name.
func demoGraduate(i int) app.RosterEntry {
	birth := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i/900)
	d17 := fmt.Sprintf("110105%s%03d", birth.Format("20060102"), 100+i%900)
	family := []rune("张王李赵刘陈杨黄周吴徐孙马朱胡郭何林罗高")
	given := []rune("晓明华丽伟芳敏静强磊洋艳勇军杰娟涛超霞平刚桂英")
	name := string(family[i%len(family)]) + string(given[(i/len(family))%len(given)])
	if i%3 == 0 {
		name += string(given[(i/7)%len(given)])
	}
	majors := []string{"计算机科学与技术", "英语", "应用化学", "机械工程", "汉语言文学"}
	return app.RosterEntry{Doc: app.DocResidentID, Number: d17 + string(app.CheckChar(d17)), Name: name,
		StudentNo: fmt.Sprintf("2022%06d", i), School: demoSchool, College: "示范学院", Major: majors[i%len(majors)],
		Degree: "学士", GradYear: 2026}
}
