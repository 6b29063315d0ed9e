package ui

import "testing"

func TestDegreeEN(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"工学学士", "Bachelor of Engineering"},
		{"文学学士", "Bachelor of Arts"},
		{"理学硕士", "Master of Science"},
		{"硕士", "Master's degree"},
		{"学士", "Bachelor's degree"},
		{"工程硕士（专业学位）", "Master of Engineering (professional)"},
		{"医学博士", "Doctor of Medicine"},
		{"交叉学科学士", "Bachelor of Interdisciplinary Studies"},
		{"双学位", "双学位"},
		{"Bachelor of Arts", "Bachelor of Arts"},
		{"", ""},
	} {
		if got := degreeEN(c.in); got != c.want {
			t.Errorf("degreeEN(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
