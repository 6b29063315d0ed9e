// Package opencv is the kiosk's camera side on OpenCV (gocv): it implements
// capture.Camera. A Host owns the camera loop (package camera) and the photo
// engines (packages imaging and imaging/card); a face run shows every frame
// in its View, runs the live checks on the newest one, lets a
// capture.Decider decide, counts down, takes the burst and standardises the
// sharpest frame; a card run finds one side of the ID card and flattens it.
// Everything it hands out is a plain value: pictures, states, JPEG bytes.
package opencv
