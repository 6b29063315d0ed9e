package camera

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gocv.io/x/gocv"
)

// folderSource shows the images of a directory as frames.
type folderSource struct {
	dir string
	o   Options

	files []string // listed on Open, name order
	next  int
	open  bool
	rot   *rotation
	pace  pacer
}

// NewFolder returns a source that shows the *.jpg, *.jpeg and *.png files
// of dir (any case) in name order, one per frame; the folder is listed again
// on every Open. With o.Pace images come at o.FPS (default 30) per second.
func NewFolder(dir string, o Options) Source { return &folderSource{dir: dir, o: o} }

func (s *folderSource) Name() string { return "folder " + s.dir }

func (s *folderSource) Open() error {
	s.Close()
	rot, err := newRotation(s.o.Rotate)
	if err != nil {
		return err
	}
	files, err := listImages(s.dir)
	if err != nil {
		rot.close()
		return err
	}
	s.files, s.next, s.open, s.rot = files, 0, true, rot
	s.pace.start(periodOf(float64(s.o.FPS)))
	return nil
}

// listImages returns the image files of dir in name order.
func listImages(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("camera: %w", err)
	}
	var files []string
	for _, e := range ents {
		switch strings.ToLower(filepath.Ext(e.Name())) {
		case ".jpg", ".jpeg", ".png":
			if e.Type().IsRegular() || e.Type()&os.ModeSymlink != 0 {
				files = append(files, filepath.Join(dir, e.Name()))
			}
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("camera: %s: no .jpg or .png images", dir)
	}
	sort.Strings(files)
	return files, nil
}

func (s *folderSource) Read(dst *gocv.Mat) error {
	if !s.open {
		return disconnected(s.Name(), "not open")
	}
	if s.next >= len(s.files) {
		if !s.o.Loop {
			return io.EOF
		}
		s.next = 0
	}
	path := s.files[s.next]
	img := gocv.IMRead(path, gocv.IMReadColor)
	defer img.Close()
	if img.Empty() {
		return disconnected(s.Name(), "cannot read %s", filepath.Base(path))
	}
	s.next++
	if s.rot.on {
		gocv.Rotate(img, dst, s.rot.flag)
	} else {
		img.CopyTo(dst)
	}
	if s.o.Pace {
		s.pace.wait()
	}
	return nil
}

func (s *folderSource) setStop(stop <-chan struct{}) { s.pace.stop = stop }

func (s *folderSource) Close() error {
	s.open, s.files = false, nil
	if s.rot != nil {
		s.rot.close()
		s.rot = nil
	}
	return nil
}
