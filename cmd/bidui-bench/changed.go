package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/xuri/excelize/v2"
)

// changedInbox copies inbox into dir with one file given new bytes but the same rows, as when a department
// sends its roster again: the largest file that is not a 全国系统 export. It returns the file changed.
func changedInbox(inbox, dir string) (string, error) {
	entries, err := os.ReadDir(inbox)
	if err != nil {
		return "", err
	}
	changed, size := "", int64(-1)
	var names []string
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		names = append(names, e.Name())
		info, err := e.Info()
		if err != nil {
			return "", err
		}
		if !strings.Contains(e.Name(), "全国系统") && info.Size() > size {
			changed, size = e.Name(), info.Size()
		}
	}
	if changed == "" {
		return "", fmt.Errorf("%s has no department file to change", inbox)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join(inbox, name))
		if err != nil {
			return "", err
		}
		if name == changed {
			if b, err = sameRowsOtherBytes(name, b); err != nil {
				return "", fmt.Errorf("%s: %w", name, err)
			}
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			return "", err
		}
	}
	return changed, nil
}

// sameRowsOtherBytes returns the file named name, whose bytes are b, written again: a CSV file with a line
// break at its end (a blank last line is no row), an xlsx file saved again by excelize with a note in its
// properties.
func sameRowsOtherBytes(name string, b []byte) ([]byte, error) {
	if !strings.HasSuffix(name, ".xlsx") {
		return append(b, "\r\n"...), nil
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if err := f.SetDocProps(&excelize.DocProperties{Description: "bidui-bench: saved again"}); err != nil {
		return nil, err
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
