package roster

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"gradphoto/app"
)

// today is fixed so that birth dates and graduation years do not drift.
var today = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

// id makes a valid resident ID number.
func id(region, birth string, seq int) string {
	s := fmt.Sprintf("%s%s%03d", region, birth, seq%1000)
	return s + string(app.CheckChar(s))
}

// badCheck returns n with a wrong check character.
func badCheck(n string) string {
	c := byte('0')
	if n[17] == '0' {
		c = '1'
	}
	return n[:17] + string(c)
}

var (
	regions   = []string{"110105", "110108", "310104", "310115", "440305", "440106", "320102", "330106", "420111", "510107", "610113", "370102"}
	surnames  = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
	givens    = []rune("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红玉萍文辉鹏飞宇浩然子轩欣怡梓涵雨彤思远嘉怡一诺俊杰晨阳佳琪")
	colleges  = []string{"计算机学院", "外国语学院", "经济管理学院", "机械工程学院", "化学学院", "数学科学学院"}
	majors    = []string{"计算机科学与技术", "英语", "会计学", "机械设计制造及其自动化", "应用化学", "数学与应用数学"}
	degrees   = []string{"工学学士", "文学学士", "管理学学士", "理学学士"}
	headerZh  = []string{"姓名", "身份证号", "证件类型", "学号", "学校", "学院", "专业", "学位", "毕业年份", "已缴费"}
	headerEn  = []string{"name", "id_number", "id_type", "student_no", "school", "college", "major", "degree", "grad_year", "prepaid"}
	schoolZh  = "北京理工大学"
	yesNo     = []string{"是", "否", ""}
	birthDays = 365 * 6
)

// genRows makes n realistic, valid, distinct roster rows in headerZh order.
func genRows(n int, seed uint64) [][]string {
	r := rand.New(rand.NewPCG(seed, 1))
	rows := make([][]string, 0, n)
	base := time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC)
	seen := make(map[string]bool, n)
	for i := 0; i < n; i++ {
		var num string
		for num == "" || seen[num] {
			birth := base.AddDate(0, 0, r.IntN(birthDays)).Format("20060102")
			num = id(regions[r.IntN(len(regions))], birth, r.IntN(1000))
		}
		seen[num] = true
		name := string(surnames[r.IntN(len(surnames))]) + string(givens[r.IntN(len(givens))])
		if r.IntN(2) == 0 {
			name += string(givens[r.IntN(len(givens))])
		}
		k := r.IntN(len(colleges))
		rows = append(rows, []string{
			name, num, "", fmt.Sprintf("2021%06d", i), schoolZh, colleges[k], majors[k],
			degrees[r.IntN(len(degrees))], "2025", yesNo[r.IntN(3)],
		})
	}
	return rows
}

// csvText joins rows into CSV text (no quoting needed for generated data).
func csvText(header []string, rows [][]string) string {
	var b strings.Builder
	b.WriteString(strings.Join(header, ","))
	b.WriteString("\r\n")
	for _, r := range rows {
		b.WriteString(strings.Join(r, ","))
		b.WriteString("\r\n")
	}
	return b.String()
}
