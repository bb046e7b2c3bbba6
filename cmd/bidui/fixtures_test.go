package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bidui/bidui/fixtures"
)

// sha256Tree maps every file under dir (relative path) to its SHA-256.
func sha256Tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		rel, _ := filepath.Rel(dir, p)
		out[rel] = hex.EncodeToString(sum[:])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestFixturesDeterministic runs `bidui fixtures --size town --seed 1` twice and compares the SHA-256 of
// every file; the answer key is beside the inbox, never in it, and covers the rules.
func TestFixturesDeterministic(t *testing.T) {
	var dirs []string
	for range 2 {
		dir := filepath.Join(t.TempDir(), "town")
		var out strings.Builder
		if err := Run(context.Background(), []string{"fixtures", "--size", "town", "--seed", "1", "--out", dir}, nil, &out, io.Discard); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "人") {
			t.Errorf("output %q", out.String())
		}
		dirs = append(dirs, dir)
	}
	a, b := sha256Tree(t, dirs[0]), sha256Tree(t, dirs[1])
	key, err := fixtures.ReadAnswerKey(dirs[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(key.Files) < 6 || len(a) != len(key.Files)+2 {
		t.Errorf("%d files, want the %d department files the key lists (at least 6) and 2 answer key files: %v", len(a), len(key.Files), a)
	}
	for _, f := range key.Files {
		if _, ok := a[f]; !ok {
			t.Errorf("%s: listed in the key, not written", f)
		}
	}
	for name, sum := range a {
		if b[name] != sum {
			t.Errorf("%s differs between two runs", name)
		}
		if strings.HasPrefix(name, "inbox"+string(filepath.Separator)+"answer_key") {
			t.Errorf("%s: answer key inside the inbox", name)
		}
	}
	for _, f := range []string{fixtures.FileAnswerKey, fixtures.FileAnswerRows} {
		if _, ok := a[f]; !ok {
			t.Errorf("%s not beside the inbox", f)
		}
	}
	if len(key.Rules) < len(fixtures.RuleCodes) {
		t.Errorf("answer key covers %d rules, want %d", len(key.Rules), len(fixtures.RuleCodes))
	}
}

func TestFixturesUsage(t *testing.T) {
	for _, args := range [][]string{
		{"fixtures"},
		{"fixtures", "--out", t.TempDir(), "--size", "village"},
		{"fixtures", "--out", t.TempDir(), "--size", "city", "--format", "xlsx"},
		{"fixtures", "--out", t.TempDir(), "--as-of", "10.6.2023"},
		{"fixtures", "--out", t.TempDir(), "extra"},
	} {
		err := Run(context.Background(), args, nil, io.Discard, io.Discard)
		if code := exitCode(err); code != 2 {
			t.Errorf("%v: exit %d (%v), want 2", args, code, err)
		}
	}
}
