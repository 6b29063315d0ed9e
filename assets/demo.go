package assets

import "embed"

// Demo holds the demo camera clips (demo/*.mp4: capture.mp4, card-front.mp4,
// card-back.mp4), played when no webcam is found; see demo/SOURCES and
// camera.DemoClip. tools/democlip makes them.
//
//go:embed demo/*.mp4
var Demo embed.FS
