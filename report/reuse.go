package report

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"hash"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// A village workbook whose inputs did not change since the previous output folder is copied from that folder
// instead of being built again (Options.Previous): building the 460 workbooks of a county is most of a rerun's
// report. Each output folder lists its workbooks in manifestFile with the fingerprint of what built each and the
// size and SHA-256 of the file written; a workbook is copied only when the previous folder's manifest has the
// same fingerprint for the same path and the previous file still has the recorded size and hash, so a workbook
// that someone edited or truncated in the published folder is built again, never passed on.

// workbookFormat is the version of what writeWorkbook makes of its inputs. Bump it whenever the same findings
// give another file (a column, a sheet, a text, a style, an excelize upgrade), so that no older layout is
// copied forward.
const workbookFormat = 1

// manifestFile lists the village workbooks of an output folder (manifest). Hidden, so that it is not taken
// for one of the files people open.
const manifestFile = ".workbooks.json"

// manifest is the content of manifestFile: each village workbook, by its slash-separated path in the folder.
type manifest struct {
	Workbooks map[string]workbookRecord `json:"workbooks"`
}

// workbookRecord is what manifest says about one village workbook: the fingerprint of its inputs
// (workbookFingerprint) and the size and SHA-256 of the file as written.
type workbookRecord struct {
	Fingerprint string `json:"fingerprint"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
}

// previousFolder is the output folder of an earlier run that workbooks can be copied from. The zero value, or
// one whose folder or manifest could not be read, offers nothing.
type previousFolder struct {
	root      *os.Root
	workbooks map[string]workbookRecord
}

// openPrevious opens the output folder dir for copying workbooks from, or returns an empty previousFolder when
// dir is "", missing, or has no readable manifest: then every workbook is built, which is never wrong.
func openPrevious(dir string) previousFolder {
	if dir == "" {
		return previousFolder{}
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return previousFolder{}
	}
	b, err := root.ReadFile(manifestFile)
	var m manifest
	if err != nil || json.Unmarshal(b, &m) != nil || len(m.Workbooks) == 0 {
		root.Close()
		return previousFolder{}
	}
	return previousFolder{root: root, workbooks: m.Workbooks}
}

func (p previousFolder) close() {
	if p.root != nil {
		p.root.Close()
	}
}

// errChanged says that a previous workbook is no longer the file its manifest recorded.
var errChanged = errors.New("previous workbook changed since it was written")

// copyWorkbook copies the workbook rel of the previous folder to rel under root when the previous manifest has
// the fingerprint fp for it and the file still has the recorded size and hash. It reports whether it did, and
// the record of the copy; on false nothing is left at rel, and the caller builds the workbook.
func (p previousFolder) copyWorkbook(root *os.Root, rel, fp string) (workbookRecord, bool) {
	want, ok := p.workbooks[rel]
	if p.root == nil || !ok || want.Fingerprint != fp {
		return workbookRecord{}, false
	}
	in, err := p.root.Open(filepath.FromSlash(rel))
	if err != nil {
		return workbookRecord{}, false
	}
	defer in.Close()
	if st, err := in.Stat(); err != nil || !st.Mode().IsRegular() || st.Size() != want.Size {
		return workbookRecord{}, false
	}
	err = writeFile(root, rel, func(w io.Writer) error {
		sw := newSummingWriter(w)
		if _, err := io.Copy(sw, in); err != nil {
			return err
		}
		if got := sw.record(fp); got != want {
			return errChanged
		}
		return nil
	})
	return want, err == nil
}

// writeManifest writes manifestFile under root, listing the workbooks by their slash-separated paths.
func writeManifest(root *os.Root, workbooks map[string]workbookRecord) error {
	b, err := json.Marshal(manifest{Workbooks: workbooks})
	if err != nil {
		return err
	}
	return writeFile(root, manifestFile, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}

// summingWriter passes what is written on to w and keeps its size and SHA-256.
type summingWriter struct {
	w    io.Writer
	h    hash.Hash
	size int64
}

func newSummingWriter(w io.Writer) *summingWriter {
	return &summingWriter{w: w, h: sha256.New()}
}

func (s *summingWriter) Write(p []byte) (int, error) {
	n, err := s.w.Write(p)
	s.h.Write(p[:n])
	s.size += int64(n)
	return n, err
}

// record is the manifest record of the file written so far, built from inputs with fingerprint fp.
func (s *summingWriter) record(fp string) workbookRecord {
	return workbookRecord{Fingerprint: fp, Size: s.size, SHA256: hex.EncodeToString(s.h.Sum(nil))}
}

// workbookFingerprint is the SHA-256 of everything writeWorkbook reads to build village v's workbook at rel:
// the workbook format and the build of bidui, the path, as_of, the options that change the file, the village's
// findings, the catalogue rows of the rules they name (or that a rule is missing from it) and the heads of
// their households. Each value is written with its length, so that no two inputs run together alike.
func workbookFingerprint(rel string, v *village, rules map[string]rule, heads map[string]string, asOf time.Time,
	opt Options) string {
	var f fingerprinter
	f.text(strconv.Itoa(workbookFormat), opt.Build, rel)
	f.time(asOf)
	f.text(strconv.FormatBool(opt.MaskIDs), v.town, v.name, strconv.Itoa(len(v.findings)))
	for _, fd := range v.findings {
		f.text(fd.id, fd.rule, fd.title, fd.severity, fd.category, fd.householdNo, fd.name, fd.idNumber,
			fd.detail, fd.action, fd.status, fd.feedback)
		f.time(fd.firstSeen)
	}
	// The 说明 sheet lists the rules in the order they first appear, the visit sheet the heads of the
	// households; anything else in the catalogue or among the heads does not touch this workbook.
	seenRule, seenHousehold := map[string]bool{}, map[string]bool{}
	for _, fd := range v.findings {
		if !seenRule[fd.rule] {
			seenRule[fd.rule] = true
			if r, ok := rules[fd.rule]; ok {
				f.text("rule", r.code, r.title, r.severity, r.description, r.action, r.basis)
			} else {
				f.text("no rule", fd.rule)
			}
		}
		if !seenHousehold[fd.householdNo] {
			seenHousehold[fd.householdNo] = true
			if head, ok := heads[fd.householdNo]; ok {
				f.text("head", fd.householdNo, head)
			} else {
				f.text("no head", fd.householdNo)
			}
		}
	}
	sum := sha256.Sum256(f.buf)
	return hex.EncodeToString(sum[:])
}

// fingerprinter collects the values of a fingerprint, each preceded by its length, to be hashed at once.
type fingerprinter struct {
	buf []byte
}

func (f *fingerprinter) text(values ...string) {
	for _, s := range values {
		f.buf = binary.LittleEndian.AppendUint64(f.buf, uint64(len(s)))
		f.buf = append(f.buf, s...)
	}
}

// time adds t with its zone, as a date cell shows it.
func (f *fingerprinter) time(t time.Time) {
	at := len(f.buf)
	f.buf = binary.LittleEndian.AppendUint64(f.buf, 0)
	f.buf = t.AppendFormat(f.buf, time.RFC3339Nano)
	binary.LittleEndian.PutUint64(f.buf[at:], uint64(len(f.buf)-at-8))
}
