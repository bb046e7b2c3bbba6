package report

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"

	"github.com/xuri/excelize/v2"
)

// The exported files hold personal data (names, ID numbers): whatever the umask, only the owner may read them.
const (
	fileMode fs.FileMode = 0o600
	dirMode  fs.FileMode = 0o700
)

// openOutput creates dir when it is missing (mode 0700; an existing dir keeps its mode, since the caller may
// share it) and returns an os.Root on it, through which every output file is created.
func openOutput(dir string) (*os.Root, error) {
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(dir, dirMode); err != nil {
			return nil, fmt.Errorf("create output folder: %w", err)
		}
		// MkdirAll honours the umask; chmod states the mode outright.
		if err := os.Chmod(dir, dirMode); err != nil {
			return nil, fmt.Errorf("create output folder: %w", err)
		}
	} else if err != nil {
		return nil, fmt.Errorf("output folder: %w", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("open output folder: %w", err)
	}
	return root, nil
}

// makeFolder creates the folder rel (slash-separated) under root with mode 0700.
func makeFolder(root *os.Root, rel string) error {
	if rel == "." || rel == "" {
		return nil
	}
	name := filepath.FromSlash(rel)
	if err := root.MkdirAll(name, dirMode); err != nil {
		return fmt.Errorf("create folder: %w", err)
	}
	if err := root.Chmod(name, dirMode); err != nil {
		return fmt.Errorf("create folder: %w", err)
	}
	return nil
}

// tempName is the hidden temporary file beside rel that a file is written to before it is renamed into place.
func tempName(rel string) string {
	return filepath.Join(filepath.FromSlash(path.Dir(rel)), "."+path.Base(rel)+".tmp")
}

// writeFile writes rel under root (slash-separated; its folder is created) with what write produces: first to a
// hidden temporary file in the same folder, mode 0600, then renamed over rel, so that rel is either absent or
// complete. root confines both to the output folder.
func writeFile(root *os.Root, rel string, write func(io.Writer) error) error {
	if err := makeFolder(root, path.Dir(rel)); err != nil {
		return err
	}
	tmp := tempName(rel)
	out, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, fileMode)
	if err != nil {
		return fmt.Errorf("create file: %w", err)
	}
	if err := out.Chmod(fileMode); err != nil {
		out.Close()
		root.Remove(tmp)
		return fmt.Errorf("create file: %w", err)
	}
	if err := write(out); err != nil {
		out.Close()
		root.Remove(tmp)
		return fmt.Errorf("write file: %w", err)
	}
	if err := out.Close(); err != nil {
		root.Remove(tmp)
		return fmt.Errorf("write file: %w", err)
	}
	return moveIntoPlace(root, tmp, rel)
}

// saveWorkbook writes the workbook f to rel under root as writeFile does, with the cell grid of the sheets
// gridlines printed. It returns the size and SHA-256 of the file written, as a manifest records them.
func saveWorkbook(root *os.Root, rel string, f *excelize.File, gridlines gridlineSheets) (workbookRecord, error) {
	var written workbookRecord
	err := writeFile(root, rel, func(w io.Writer) error {
		sw := newSummingWriter(w)
		if len(gridlines) == 0 {
			if _, err := f.WriteTo(sw); err != nil {
				return err
			}
		} else {
			var buf bytes.Buffer
			if _, err := f.WriteTo(&buf); err != nil {
				return err
			}
			if err := printGridlines(sw, buf.Bytes(), gridlines.parts(f)); err != nil {
				return err
			}
		}
		written = sw.record("")
		return nil
	})
	return written, err
}

// moveIntoPlace renames the finished temporary file tmp over rel.
func moveIntoPlace(root *os.Root, tmp, rel string) error {
	if err := root.Rename(tmp, filepath.FromSlash(rel)); err != nil {
		root.Remove(tmp)
		return fmt.Errorf("rename file into place: %w", err)
	}
	return nil
}
