package ui

import "testing"

func TestPhraseBreaks(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"审核约需 2 个工作日，期间不能重复提交。可在首页查看。", "审核约需2个工作日， 期间不能重复提交。 可在首页查看。"},
		{"Review takes about 2 working days.", "Review takes about 2 working days."},
		{"请核对（居民身份证为 18 位）", "请核对（居民身份证为18位）"},
		{"提交编号 ABCD 2345", "提交编号ABCD 2345"},
		{"结果可在首页“查询审核状态”查看；重拍免费。", "结果可在首页“查询审核状态”查看； 重拍免费。"},
		{"1. 请先核对。\n2. 如果确认无误", "1. 请先核对。\n2. 如果确认无误"},
		{"请点“是我本人，继续”；不是请点“不是我”。", "请点“是我本人，继续”； 不是请点“不是我”。"},
		{"", ""},
	} {
		if got := phraseBreaks(tc.in); got != tc.want {
			t.Errorf("phraseBreaks(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzPhraseBreaks(f *testing.F) {
	f.Add("审核约需 2 个工作日，期间不能重复提交。")
	f.Fuzz(func(t *testing.T, s string) {
		once := phraseBreaks(s)
		if twice := phraseBreaks(once); twice != once {
			t.Fatalf("not stable: %q → %q → %q", s, once, twice)
		}
	})
}
