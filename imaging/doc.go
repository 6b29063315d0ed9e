// Package imaging is GradPhoto's photo engine: photo profiles, the live
// checks run on every camera frame, the standardisation of a still into a
// compliant photo, and ID-card rectification. It is pure: a Mat or image in,
// a result out, no files, no clocks, no global state beyond the embedded
// models. Every gocv.Mat it makes is closed before it returns.
package imaging
