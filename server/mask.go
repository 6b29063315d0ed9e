package server

import "strings"

// maskNumber shows a document number as the kiosk does: the first six and
// the last four characters (110105********002X); short numbers keep less.
func maskNumber(n string) string {
	r := []rune(n)
	keepHead, keepTail := 6, 4
	if len(r) <= keepHead+keepTail {
		keepHead, keepTail = len(r)/3, len(r)/4
	}
	return string(r[:keepHead]) + strings.Repeat("*", len(r)-keepHead-keepTail) + string(r[len(r)-keepTail:])
}

// maskName shows a name as the kiosk does: 张*明, 李*, for Latin names the
// first letter of each word.
func maskName(n string) string {
	if strings.ContainsRune(n, ' ') {
		var out []string
		for _, w := range strings.Fields(n) {
			r := []rune(w)
			out = append(out, string(r[0])+strings.Repeat("*", len(r)-1))
		}
		return strings.Join(out, " ")
	}
	r := []rune(n)
	switch len(r) {
	case 0:
		return ""
	case 1:
		return "*"
	case 2:
		return string(r[0]) + "*"
	}
	return string(r[0]) + strings.Repeat("*", len(r)-2) + string(r[len(r)-1])
}
