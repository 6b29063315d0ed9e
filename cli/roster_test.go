package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"gradphoto/app"
	"gradphoto/internal/testfile"
	"gradphoto/store"
)

// rid makes a valid resident ID number (GB 11643 check character).
func rid(region, birth string, seq int) string {
	s := fmt.Sprintf("%s%s%03d", region, birth, seq)
	return s + string(app.CheckChar(s))
}

var (
	idZhang = rid("110105", "20010312", 123)
	idLi    = rid("310104", "20000229", 45)
	idWang  = rid("440305", "20020715", 7)
)

// wrongCheck gives n a wrong check character.
func wrongCheck(n string) string {
	if n[17] == '0' {
		return n[:17] + "1"
	}
	return n[:17] + "0"
}

const rosterCSV = "姓名,身份证号,证件类型,学号,学校,学院,专业,学位,毕业年份,已缴费\n" +
	"张三,ID1,居民身份证,2021001,北京理工大学,计算机学院,计算机科学与技术,工学学士,2025,是\n" +
	"李四,ID2,,2021002,北京理工大学,外国语学院,英语,文学学士,2025,否\n" +
	"王五,ID3,,2021003,北京理工大学,化学学院,应用化学,理学学士,2025,\n"

func rosterText() string {
	return strings.NewReplacer("ID1", idZhang, "ID2", idLi, "ID3", idWang).Replace(rosterCSV)
}

// writeTemp writes data to a file in a fresh temporary directory.
func writeTemp(t testing.TB, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// tempDB is a database path in a fresh temporary directory.
func tempDB(t testing.TB) string {
	t.Helper()
	return filepath.Join(t.TempDir(), "gradphoto.db")
}

type runResult struct {
	code           int
	stdout, stderr string
}

// lastLine is the last line of stdout.
func (r runResult) lastLine() string {
	lines := strings.Split(strings.TrimRight(r.stdout, "\n"), "\n")
	return lines[len(lines)-1]
}

// runCLI runs "gradphoto ARGS…" through Main; opening the kiosk fails the test.
func runCLI(t *testing.T, args ...string) runResult {
	t.Helper()
	var out, errOut bytes.Buffer
	gui := GUI{
		Open:    func(GUIOptions) error { t.Fatal("the kiosk was opened"); return nil },
		Screens: func() []string { return []string{"welcome", "consent"} },
	}
	code := Main(args, &out, &errOut, gui)
	return runResult{code, out.String(), errOut.String()}
}

func importFile(t *testing.T, db, file string) runResult {
	t.Helper()
	return runCLI(t, "roster", "import", "--db", db, file)
}

// openStore opens the database a test imported into; closed at cleanup.
func openStore(t *testing.T, db string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func rosterCount(t *testing.T, st *store.Store) int {
	t.Helper()
	n, err := st.RosterCount(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func findRoster(t *testing.T, st *store.Store, number string) app.RosterEntry {
	t.Helper()
	e, err := st.FindRoster(context.Background(), number)
	if err != nil {
		t.Fatalf("find %s: %v", app.MaskID(number), err)
	}
	return e
}

func TestRosterImportFormats(t *testing.T) {
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(rosterText())
	if err != nil {
		t.Fatal(err)
	}
	english := "Major,Prepaid,ID_Number,School,Name,Grad Year\n" +
		"计算机科学与技术,yes," + idZhang + ",北京理工大学,张三,2025\n" +
		"英语,no," + idLi + ",北京理工大学,李四,2025\n" +
		"应用化学,,\"" + idWang + "\",北京理工大学,王五,2025\n"
	xlsx := testfile.XLSX(t, [][]any{
		{"学校", "姓名", "身份证号", "毕业年份", "已缴费", "专业"},
		{"北京理工大学", "张三", idZhang, 2025, true, "计算机科学与技术"},
		{"北京理工大学", "李四", idLi, 2025, false, "英语"},
		{},
		{"北京理工大学", "王五", idWang, 2025, false, "应用化学"},
	})
	for _, c := range []struct {
		name string
		data []byte
	}{
		{"utf8.csv", []byte(rosterText())},
		{"bom.csv", append([]byte("\uFEFF"), rosterText()...)},
		{"gbk.csv", []byte(gbk)},
		{"english-reordered.csv", []byte(english)},
		{"roster.xlsx", xlsx},
		{"xlsx-named.csv", xlsx}, // content decides, not the name
	} {
		t.Run(c.name, func(t *testing.T) {
			db := tempDB(t)
			r := importFile(t, db, writeTemp(t, c.name, c.data))
			if r.code != ExitOK || r.stdout != "imported 3, rejected 0\n" || r.stderr != "" {
				t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
			}
			st := openStore(t, db)
			if n := rosterCount(t, st); n != 3 {
				t.Fatalf("roster count %d", n)
			}
			e := findRoster(t, st, idZhang)
			if e.Name != "张三" || e.School != "北京理工大学" || e.Major != "计算机科学与技术" ||
				e.GradYear != 2025 || !e.Prepaid || e.Doc != app.DocResidentID {
				t.Fatalf("entry %+v", e)
			}
			if e := findRoster(t, st, idWang); e.Name != "王五" || e.Prepaid {
				t.Fatalf("entry %+v", e)
			}
		})
	}
}

func TestRosterImportBadRows(t *testing.T) {
	badDate := rid("110105", "20010230", 1)
	text := "姓名,身份证号,证件类型,学校\n" + // row 1
		"张三," + idZhang + ",,北京理工大学\n" + // 2
		"李四," + wrongCheck(idLi) + ",,北京理工大学\n" + // 3
		"\n" + // 4 blank
		"王五," + badDate + ",,北京理工大学\n" + // 5
		"," + idWang + ",,北京理工大学\n" + // 6
		"赵六," + idWang + ",驾驶证,北京理工大学\n" + // 7
		"张三," + idZhang + ",,北京理工大学\n" + // 8
		"孙七," + idWang + ",,北京理工大学\n" // 9 good (row 6 and 7 were rejected)
	db := tempDB(t)
	r := importFile(t, db, writeTemp(t, "bad.csv", []byte(text)))
	want := fmt.Sprintf("row 3: bad check character (%s)\n"+
		"row 5: invalid birth date (%s)\n"+
		"row 6: missing field name (%s)\n"+
		"row 7: unknown document type \"驾驶证\" (%s)\n"+
		"row 8: duplicate of row 2 (%s)\n"+
		"imported 2, rejected 5\n",
		app.MaskID(wrongCheck(idLi)), app.MaskID(badDate), app.MaskID(idWang), app.MaskID(idWang), app.MaskID(idZhang))
	if r.code != ExitOK || r.stdout != want {
		t.Fatalf("exit %d\nstdout:\n%s\nwant:\n%s\nstderr: %s", r.code, r.stdout, want, r.stderr)
	}
	// No other person's full number appears in clear.
	for _, n := range []string{wrongCheck(idLi), badDate, idWang, idZhang} {
		if strings.Contains(r.stdout, n) {
			t.Errorf("stdout shows %s in clear", n)
		}
	}
	st := openStore(t, db)
	if n := rosterCount(t, st); n != 2 {
		t.Fatalf("roster count %d", n)
	}
	log, err := st.AuditLog(context.Background(), 1)
	if err != nil || len(log) != 1 {
		t.Fatalf("audit log %v %v", log, err)
	}
	if a := log[0]; a.Actor != "operator" || a.Action != "roster.import" ||
		!strings.HasPrefix(a.Detail, "imported 2, rejected 5 from ") || !strings.HasSuffix(a.Detail, "bad.csv") {
		t.Fatalf("audit entry %+v", a)
	}
}

func TestRosterReimportUpdates(t *testing.T) {
	db := tempDB(t)
	if r := importFile(t, db, writeTemp(t, "a.csv", []byte(rosterText()))); r.code != ExitOK {
		t.Fatalf("first import: %+v", r)
	}
	// The same graduates again, one with another major and school-paid,
	// one with spaces in the number: updated, never duplicated.
	changed := strings.Replace(rosterText(), "外国语学院,英语,文学学士,2025,否", "外国语学院,翻译,文学学士,2025,是", 1)
	changed = strings.Replace(changed, idWang, idWang[:6]+" "+idWang[6:14]+" "+idWang[14:], 1)
	r := importFile(t, db, writeTemp(t, "b.csv", []byte(changed)))
	if r.code != ExitOK || r.lastLine() != "imported 3, rejected 0" {
		t.Fatalf("second import: %+v", r)
	}
	st := openStore(t, db)
	if n := rosterCount(t, st); n != 3 {
		t.Fatalf("roster count after re-import %d, want 3", n)
	}
	if e := findRoster(t, st, idLi); e.Major != "翻译" || !e.Prepaid || e.Name != "李四" {
		t.Fatalf("updated entry %+v", e)
	}
}

func TestRosterImportFileErrors(t *testing.T) {
	bin := make([]byte, 1024)
	for i := range bin {
		bin[i] = byte(i * 7)
	}
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde")
	for _, c := range []struct {
		name, data, want string
	}{
		{"empty", "", "empty roster file"},
		{"blank lines", "\n\r\n,,\n", "empty roster file"},
		{"binary", string(bin), "unreadable roster file"},
		{"png", string(png), "unreadable roster file"},
		{"corrupt zip", "PK\x03\x04garbage", "unreadable roster file"},
		{"missing column", "姓名,身份证号\n张三," + idZhang + "\n", "missing required column: school (学校)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := tempDB(t)
			r := importFile(t, db, writeTemp(t, "roster.csv", []byte(c.data)))
			if r.code != ExitUnreadable || r.stdout != "" || strings.Count(r.stderr, "\n") != 1 ||
				!strings.HasPrefix(r.stderr, "roster import: ") || !strings.Contains(r.stderr, c.want) {
				t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
			}
			if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("a bad file created the database: %v", err)
			}
		})
	}
}

func TestRosterImportUsage(t *testing.T) {
	db := tempDB(t)
	file := writeTemp(t, "r.csv", []byte(rosterText()))
	for _, c := range []struct {
		args []string
		code int
	}{
		{[]string{"roster"}, ExitUnreadable},
		{[]string{"roster", "export"}, ExitUnreadable},
		{[]string{"roster", "import"}, ExitUnreadable},
		{[]string{"roster", "import", "--db", db}, ExitUnreadable},
		{[]string{"roster", "import", "--bogus", file}, ExitUnreadable},
		{[]string{"roster", "import", "--db", db, file, file}, ExitUnreadable},
		{[]string{"roster", "import", "--db", db, filepath.Join(t.TempDir(), "missing.csv")}, ExitUnreadable},
	} {
		r := runCLI(t, c.args...)
		if r.code != c.code || r.stdout != "" || strings.Count(r.stderr, "\n") < 1 {
			t.Errorf("%q: exit %d, stdout %q, stderr %q", c.args, r.code, r.stdout, r.stderr)
		}
	}
	// Flags may follow the file.
	if r := runCLI(t, "roster", "import", file, "--db", db); r.code != ExitOK || r.lastLine() != "imported 3, rejected 0" {
		t.Fatalf("flag after file: %+v", r)
	}
	if r := runCLI(t, "roster", "help"); r.code != ExitOK || !strings.Contains(r.stdout, "roster import") {
		t.Fatalf("help: %+v", r)
	}
}

func TestRosterImportNoEscapes(t *testing.T) {
	db := tempDB(t)
	// Control bytes in the first 64 KB make the file "binary"; further on
	// they reach the rows, and must not reach the terminal.
	text := "name,id_number,school\n" + strings.Repeat(",,\n", 30000) +
		"Li Lei,11\x1b[2J\x1b]0;pwned\x07xx,BIT\nHan,1101052001031212\x1b3,BIT\n"
	r := importFile(t, db, writeTemp(t, "esc.csv", []byte(text)))
	if strings.ContainsAny(r.stdout, "\x1b\x07") || r.lastLine() != "imported 0, rejected 2" {
		t.Fatalf("stdout %q", r.stdout)
	}
}

func TestRosterImportNothingGood(t *testing.T) {
	db := tempDB(t)
	text := "name,id_number,school\n" +
		"Li Lei," + wrongCheck(idLi) + ",BIT\n" +
		"Han Meimei,,BIT\n"
	r := importFile(t, db, writeTemp(t, "bad.csv", []byte(text)))
	if r.code != ExitFailed || r.lastLine() != "imported 0, rejected 2" || r.stderr != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "row 3: missing field id_number\n") {
		t.Fatalf("stdout %q", r.stdout)
	}
	// A header without rows imports nothing either.
	r = importFile(t, db, writeTemp(t, "head.csv", []byte("name,id_number,school\n")))
	if r.code != ExitFailed || r.stdout != "imported 0, rejected 0\n" {
		t.Fatalf("header only: %+v", r)
	}
	if n := rosterCount(t, openStore(t, db)); n != 0 {
		t.Fatalf("roster count %d", n)
	}
}
