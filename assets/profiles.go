package assets

import "embed"

// Profiles holds the shipped photo profiles (profiles/*.json), one file per
// profile; spec.LoadProfiles reads and validates them.
//
//go:embed profiles/*.json
var Profiles embed.FS

// Models holds the face detector (BlazeFace ONNX) and the OpenCV Haar eye
// cascades; see models/SOURCES.
//
//go:embed models/*.onnx models/*.xml
var Models embed.FS
