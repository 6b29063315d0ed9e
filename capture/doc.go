// Package capture is what the kiosk's camera screens are told and how the
// capture is decided, with no OpenCV and no window: the Camera interface the
// screens drive (a face run that coaches, counts down and shoots; a card run
// that finds one side of the ID card), the plain values it hands back (a
// picture to paint through a View, a guide state, a hint key, a countdown
// digit, a finished Shot), and the Decider that turns live checks into
// "count down" and "shoot". Package capture/opencv implements Camera with
// gocv; main wires it in, so the UI never reaches OpenCV.
package capture
