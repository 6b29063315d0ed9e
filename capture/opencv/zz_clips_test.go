package opencv

import (
	"os"
	"testing"
)

func TestDebugMakeClips(t *testing.T) {
	if os.Getenv("KEEP_CLIPS") == "" {
		t.Skip()
	}
	for _, p := range stillPeople(t, 2) {
		t.Log(p.name)
	}
}
