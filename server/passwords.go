package server

import "gradphoto/internal/argonhash"

// HashPassword encodes a reviewer's password (argon2id, see argonhash).
func HashPassword(password string) string { return argonhash.Hash(password) }

// CheckPassword reports whether password matches an encoded hash.
func CheckPassword(encoded, password string) (bool, error) { return argonhash.Check(encoded, password) }

// NewPassword is a random password for a new reviewer: 16 characters of
// the code alphabet, in groups of four.
func NewPassword() string { return newCode() + "-" + newCode()[:4] }
