package store

import (
	"context"
	"fmt"
	"path/filepath"
	"syscall"
)

// Health is what the kiosk's start-up self-check learns of its database.
type Health struct {
	Path      string
	FreeBytes uint64 // free space on the database's file system
}

// settingSelfCheck records when the self-check last wrote to the database.
const settingSelfCheck = "selfcheck.at"

// Health writes to the database (so a read-only or full disk shows now,
// not when a graduate's photo is saved) and measures the free space.
func (s *Store) Health(ctx context.Context) (Health, error) {
	h := Health{Path: s.path}
	if err := s.SetSetting(ctx, settingSelfCheck, formatTime(s.now())); err != nil {
		return h, fmt.Errorf("store: health: %w", err)
	}
	var fs syscall.Statfs_t
	if err := syscall.Statfs(filepath.Dir(s.path), &fs); err != nil {
		return h, fmt.Errorf("store: health: free space: %w", err)
	}
	h.FreeBytes = fs.Bavail * uint64(fs.Bsize)
	return h, nil
}
