package store

import (
	"context"
	"strings"
	"testing"

	"gradphoto/api"
)

// Receipt codes: never the same twice, across a restart too; after the
// enrolment they start with the server's prefix.
func TestNextCode(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openAt(t, dir)
	seen := map[string]bool{}
	take := func(s *Store, n int) string {
		var last string
		for range n {
			c, err := s.NextCode(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := api.NormalizeCode(c); err != nil || seen[c] {
				t.Fatalf("code %q: %v, seen before %v", c, err, seen[c])
			}
			seen[c], last = true, c
		}
		return last
	}
	first := take(s, 500)
	s.Close()
	s = openAt(t, dir)
	if again := take(s, 500); again[:api.CodePrefixLen] != first[:api.CodePrefixLen] {
		t.Errorf("the prefix changed across a restart: %q then %q", first, again)
	}
	if err := s.SetServerConfig(ctx, ServerConfig{URL: "http://x", DeviceID: "d", Token: "t", CodePrefix: "K9Z"}); err != nil {
		t.Fatal(err)
	}
	if c := take(s, 10); !strings.HasPrefix(c, "K9Z") {
		t.Errorf("after the enrolment: %q, want the server's prefix K9Z", c)
	}
}
