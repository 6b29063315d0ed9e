package piilog

import "testing"

func TestFind(t *testing.T) {
	text := "ui: ok\n" +
		"app: number 11010519491231002X not on the roster\n" + // a valid number: a leak
		"store: 110105********002X masked\n" +
		"order 11010519491231002 is 17 digits\n" +
		"session 110105194912310021 has a wrong check character\n" +
		"name 李晓明 here\n"
	got := Find(text, "李晓明")
	if len(got) != 2 || got[0] != "app: number 11010519491231002X not on the roster" || got[1] != "name 李晓明 here" {
		t.Errorf("Find = %q", got)
	}
}
