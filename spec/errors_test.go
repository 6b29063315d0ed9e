package spec

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// A turned face is ErrTurned, and its message and hint say which way to
// turn back: a face turned to the picture's right (the person's own left)
// turns back to the person's right.
func TestTurnedError(t *testing.T) {
	for _, c := range []struct {
		yaw  float64
		hint Hint
		says string
	}{
		{14, HintTurnRight, "to the person's left: turn back to the right"},
		{-21, HintTurnLeft, "to the person's right: turn back to the left"},
	} {
		err := fmt.Errorf("imaging: standardise: %w", &TurnedError{Yaw: c.yaw})
		var te *TurnedError
		if !errors.Is(err, ErrTurned) || !errors.As(err, &te) {
			t.Fatalf("yaw %v: %v is not ErrTurned", c.yaw, err)
		}
		if te.Hint() != c.hint || !strings.Contains(err.Error(), c.says) {
			t.Errorf("yaw %v: %q, hint %s; want %q, %s", c.yaw, err, te.Hint(), c.says, c.hint)
		}
	}
}
