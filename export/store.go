package export

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"gradphoto/assets"
	"gradphoto/internal/atomicfile"
	"gradphoto/store"
)

// Source is where the photos come from: the kiosk's store.
type Source interface {
	Export(ctx context.Context, f store.ExportFilter, fn func(store.ExportRow) error) error
}

// ToFile writes the batch of what f selects to path, atomically: a
// temporary file beside it, renamed once complete (a failed export leaves
// nothing). It returns how many photos it holds.
func ToFile(ctx context.Context, src Source, f store.ExportFilter, path string) (int, error) {
	words, err := registryWords()
	if err != nil {
		return 0, err
	}
	var b *Batch
	err = atomicfile.Write(path, 0o600, func(w io.Writer) error {
		b = New(w)
		if err := src.Export(ctx, f, func(r store.ExportRow) error { return b.Add(entryOf(r, words)) }); err != nil {
			return err
		}
		return b.Close()
	})
	if err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	return b.Len(), nil
}

// entryOf is the manifest's view of a stored submission.
func entryOf(r store.ExportRow, words map[string]string) Entry {
	e := Entry{Name: r.Identity.Name, Number: r.Identity.Number, StudentNo: r.Roster.StudentNo,
		School: r.Roster.School, Profile: r.Profile, ConfirmedAt: r.ConfirmedAt, JPEG: r.Standard.Data,
		DocType: word(words, "doc."+string(r.Identity.Doc)), Status: word(words, "status."+string(r.Status))}
	if e.Name == "" {
		e.Name = r.Roster.Name
	}
	return e
}

// word is the word for key ("doc.passport"), or its code when there is none.
func word(words map[string]string, key string) string {
	if w, ok := words[key]; ok {
		return w
	}
	_, code, _ := strings.Cut(key, ".")
	return code
}

// registryWords are the kiosk's Chinese words for document types and
// statuses, which the registry reads.
func registryWords() (map[string]string, error) {
	data, err := assets.Translations.ReadFile("translations/zh-CN.json")
	if err != nil {
		return nil, fmt.Errorf("export: words: %w", err)
	}
	var words map[string]string
	if err := json.Unmarshal(data, &words); err != nil {
		return nil, fmt.Errorf("export: words: %w", err)
	}
	return words, nil
}
