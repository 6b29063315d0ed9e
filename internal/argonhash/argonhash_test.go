package argonhash

import (
	"strings"
	"testing"
)

// A hash checks its secret only, keeps salt and parameters, and a
// malformed one is an error, not a match.
func TestHashCheck(t *testing.T) {
	h := Hash("246810")
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=4$") || Hash("246810") == h {
		t.Errorf("hash %q (or not salted)", h)
	}
	if ok, err := Check(h, "246810"); !ok || err != nil {
		t.Errorf("the right secret: %v %v", ok, err)
	}
	if ok, _ := Check(h, "246811"); ok {
		t.Error("a wrong secret checks")
	}
	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=x$AA$AA"} {
		if ok, err := Check(bad, "x"); ok || err == nil {
			t.Errorf("Check(%q) = %v, %v", bad, ok, err)
		}
	}
}
