package imaging

import (
	"gradphoto/spec"
)

// bound returns a pointer for Check.Min/Max.
func bound(v float64) *float64 { return &v }

// within makes a check of v against [lo, hi].
func within(id spec.CheckID, v, lo, hi float64, unit string, hint spec.Hint) spec.Check {
	return spec.Check{ID: id, Pass: v >= lo && v <= hi, Value: round(v), Min: bound(lo), Max: bound(hi), Unit: unit, Hint: hint}
}

// atMost makes a check of v ≤ hi.
func atMost(id spec.CheckID, v, hi float64, unit string, hint spec.Hint) spec.Check {
	return spec.Check{ID: id, Pass: v <= hi, Value: round(v), Max: bound(hi), Unit: unit, Hint: hint}
}

// atLeast makes a check of v ≥ lo.
func atLeast(id spec.CheckID, v, lo float64, unit string, hint spec.Hint) spec.Check {
	return spec.Check{ID: id, Pass: v >= lo, Value: round(v), Min: bound(lo), Unit: unit, Hint: hint}
}

// round keeps two decimals: reports are read by people.
func round(v float64) float64 {
	if v < 0 {
		return -round(-v)
	}
	return float64(int64(v*100+0.5)) / 100
}
