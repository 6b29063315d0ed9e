package bundle

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"golang.org/x/crypto/argon2"
)

// magic starts every bundle: the format and its version.
const magic = "GRADPHOTO-BACKUP-1\n"

// saltLen is the length of the random salt after the magic.
const saltLen = 16

// chunkLen is the most plain bytes one sealed chunk holds.
const chunkLen = 1 << 20

// argon2id parameters of version 1 (RFC 9106's second recommended option).
const (
	kdfTime    = 3
	kdfMemory  = 64 << 10 // KiB
	kdfThreads = 4
)

// MinPassphrase is the shortest passphrase a bundle takes.
const MinPassphrase = 8

// Errors reading a bundle; test with errors.Is.
var (
	ErrNotBundle  = errors.New("bundle: not a GradPhoto backup (or another version)")
	ErrPassphrase = errors.New("bundle: wrong passphrase (or the file is damaged at its start)")
	ErrCorrupt    = errors.New("bundle: damaged or cut short")
)

// key derives the bundle's AES-256 key from the passphrase and salt.
func key(passphrase string, salt []byte) (cipher.AEAD, error) {
	if len(passphrase) < MinPassphrase {
		return nil, fmt.Errorf("bundle: a passphrase of at least %d characters is needed", MinPassphrase)
	}
	block, err := aes.NewCipher(argon2.IDKey([]byte(passphrase), salt, kdfTime, kdfMemory, kdfThreads, 32))
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// nonce is chunk n's nonce: chunks cannot be reordered.
func nonce(n uint64) []byte {
	b := make([]byte, 12)
	binary.BigEndian.PutUint64(b[4:], n)
	return b
}

// chunkAD binds a chunk to this bundle's header and says whether it is
// the last: a bundle cut short at a chunk boundary is found out.
func chunkAD(head []byte, last bool) []byte {
	ad := append([]byte{}, head...)
	if last {
		return append(ad, 1)
	}
	return append(ad, 0)
}

// sealer writes the plain stream as sealed chunks: a 4-byte length, then
// the chunk (AES-256-GCM). The last chunk, maybe empty, is marked.
type sealer struct {
	w    io.Writer
	aead cipher.AEAD
	head []byte
	buf  []byte
	n    uint64
}

func newSealer(w io.Writer, passphrase string) (*sealer, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return nil, err
	}
	aead, err := key(passphrase, salt)
	if err != nil {
		return nil, err
	}
	head := append([]byte(magic), salt...)
	if _, err := w.Write(head); err != nil {
		return nil, err
	}
	return &sealer{w: w, aead: aead, head: head, buf: make([]byte, 0, chunkLen)}, nil
}

func (s *sealer) Write(p []byte) (int, error) {
	written := 0
	for len(p) > 0 {
		k := min(len(p), chunkLen-len(s.buf))
		s.buf = append(s.buf, p[:k]...)
		p, written = p[k:], written+k
		if len(s.buf) == chunkLen {
			if err := s.flush(false); err != nil {
				return written, err
			}
		}
	}
	return written, nil
}

func (s *sealer) flush(last bool) error {
	sealed := s.aead.Seal(nil, nonce(s.n), s.buf, chunkAD(s.head, last))
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(sealed)))
	if _, err := s.w.Write(n[:]); err != nil {
		return err
	}
	if _, err := s.w.Write(sealed); err != nil {
		return err
	}
	s.n++
	s.buf = s.buf[:0]
	return nil
}

// Close writes the last chunk.
func (s *sealer) Close() error { return s.flush(true) }

// opener reads what a sealer wrote; a damaged, reordered or cut-short
// stream is an error, never wrong bytes.
type opener struct {
	r    io.Reader
	aead cipher.AEAD
	head []byte
	buf  []byte
	n    uint64
	done bool
}

func newOpener(r io.Reader, passphrase string) (*opener, error) {
	head := make([]byte, len(magic)+saltLen)
	if _, err := io.ReadFull(r, head); err != nil || string(head[:len(magic)]) != magic {
		return nil, ErrNotBundle
	}
	aead, err := key(passphrase, head[len(magic):])
	if err != nil {
		return nil, err
	}
	return &opener{r: r, aead: aead, head: head}, nil
}

func (o *opener) Read(p []byte) (int, error) {
	for len(o.buf) == 0 {
		if o.done {
			return 0, io.EOF
		}
		if err := o.next(); err != nil {
			return 0, err
		}
	}
	n := copy(p, o.buf)
	o.buf = o.buf[n:]
	return n, nil
}

// next opens the next chunk.
func (o *opener) next() error {
	var n [4]byte
	if _, err := io.ReadFull(o.r, n[:]); err != nil {
		return fmt.Errorf("%w: chunk %d: %v", ErrCorrupt, o.n, err)
	}
	size := binary.BigEndian.Uint32(n[:])
	if size < uint32(o.aead.Overhead()) || size > chunkLen+uint32(o.aead.Overhead()) {
		return fmt.Errorf("%w: chunk %d of %d bytes", ErrCorrupt, o.n, size)
	}
	sealed := make([]byte, size)
	if _, err := io.ReadFull(o.r, sealed); err != nil {
		return fmt.Errorf("%w: chunk %d: %v", ErrCorrupt, o.n, err)
	}
	for _, last := range []bool{false, true} {
		plain, err := o.aead.Open(nil, nonce(o.n), sealed, chunkAD(o.head, last))
		if err == nil {
			o.buf, o.done = plain, last
			o.n++
			return nil
		}
	}
	if o.n == 0 {
		return ErrPassphrase
	}
	return fmt.Errorf("%w: chunk %d does not open", ErrCorrupt, o.n)
}
