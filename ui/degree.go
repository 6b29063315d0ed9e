package ui

import "strings"

// Degrees as rosters write them (门类 + 学士/硕士/博士, as the degree
// regulations name them), in English for the English screens. Other roster
// values — school, college, major — are names of Chinese institutions and
// programmes with no one official translation: the English screens leave
// them in Chinese on purpose.

// degreeLevels are the levels a degree name ends with.
var degreeLevels = []struct{ zh, en string }{
	{"学士", "Bachelor"}, {"硕士", "Master"}, {"博士", "Doctor"},
}

// degreeFields are the disciplines (学科门类) a degree name starts with.
var degreeFields = map[string]string{
	"哲学": "Philosophy", "经济学": "Economics", "法学": "Law", "教育学": "Education",
	"文学": "Arts", "历史学": "History", "理学": "Science", "工学": "Engineering",
	"农学": "Agriculture", "医学": "Medicine", "军事学": "Military Science", "管理学": "Management",
	"艺术学": "Fine Arts", "交叉学科": "Interdisciplinary Studies",
}

// degreeEN writes a roster's degree in English — "工学学士" as "Bachelor of
// Engineering", "硕士" as "Master's degree", "工程硕士（专业学位）" as
// "Master of Engineering (professional)"; what it does not know stays as
// the roster wrote it.
func degreeEN(zh string) string {
	s := strings.TrimSpace(zh)
	professional := false
	for _, mark := range []string{"（专业学位）", "(专业学位)", "专业学位"} {
		if strings.Contains(s, mark) {
			s, professional = strings.TrimSpace(strings.Replace(s, mark, "", 1)), true
		}
	}
	for _, l := range degreeLevels {
		field, ok := strings.CutSuffix(s, l.zh)
		if !ok {
			continue
		}
		var out string
		switch en, known := degreeFields[field]; {
		case field == "":
			out = l.en + "'s degree"
		case known:
			out = l.en + " of " + en
		case field == "工程":
			out = l.en + " of Engineering"
		default:
			return zh
		}
		if professional {
			out += " (professional)"
		}
		return out
	}
	return zh
}

// degreeShown is the roster's degree in the screen's language.
func (k *shell) degreeShown(zh string) string {
	if k.lang == langEN {
		return degreeEN(zh)
	}
	return zh
}
