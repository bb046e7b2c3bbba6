package sources

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/richardlehane/mscfb"
)

// ConvertTimeout bounds one LibreOffice conversion of a legacy .xls workbook. A conversion that takes
// longer is killed (with every process it started) and the file fails with ErrConversion. Callers may
// change it before reading files; it is not meant to change while files are being read.
var ConvertTimeout = 2 * time.Minute

// installHint is what an operator must do when no LibreOffice is found.
const installHint = "install it with `apt-get install libreoffice-calc-nogui` (or put soffice on PATH)"

// sofficePaths are tried after PATH: where distribution and upstream packages install LibreOffice.
var sofficePaths = []string{
	"/usr/bin/soffice",
	"/usr/lib/libreoffice/program/soffice",
	"/opt/libreoffice/program/soffice",
	"/usr/local/bin/soffice",
}

// sofficeGlob finds upstream packages, which install under a versioned directory.
var sofficeGlob = "/opt/libreoffice*/program/soffice"

// findSoffice returns the LibreOffice binary, or an ErrNoConverter error that says how to install it.
func findSoffice() (string, error) {
	for _, name := range []string{"soffice", "libreoffice"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	for _, p := range sofficePaths {
		if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	matches, _ := filepath.Glob(sofficeGlob)
	if len(matches) > 0 {
		return matches[len(matches)-1], nil
	}
	return "", fmt.Errorf("%w: a legacy .xls (BIFF) or XML Spreadsheet 2003 workbook needs LibreOffice to be read; %s",
		ErrNoConverter, installHint)
}

// convertXLS turns a legacy .xls (BIFF8, OLE2) workbook into xlsx bytes with headless LibreOffice.
//
// Every call runs its own soffice with its own user profile (-env:UserInstallation) in a fresh temporary
// directory: two instances sharing a profile refuse to run side by side, and a profile left locked by a
// killed instance would block the next one. The process runs in its own process group, which is killed when
// ctx is cancelled, when ConvertTimeout passes, and after it exits (soffice leaves helpers behind).
func convertXLS(ctx context.Context, data []byte, tempDir string) ([]byte, error) {
	if err := checkOLE2(data); err != nil {
		return nil, err
	}
	return convertWorkbook(ctx, data, "in.xls", tempDir)
}

// convertXMLSpreadsheet turns an Excel 2003 XML Spreadsheet (SpreadsheetML, often saved as .xls) into xlsx
// bytes with headless LibreOffice, as convertXLS does.
func convertXMLSpreadsheet(ctx context.Context, data []byte, tempDir string) ([]byte, error) {
	return convertWorkbook(ctx, data, "in.xml", tempDir)
}

// convertWorkbook runs soffice on data saved as inName and returns the xlsx it writes.
func convertWorkbook(ctx context.Context, data []byte, inName, tempDir string) ([]byte, error) {
	bin, err := findSoffice()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp(tempDir, "bidui-xls-") // mode 0700: the copy holds personal data
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrConversion, err)
	}
	defer os.RemoveAll(dir)
	// The input is copied under a plain name: the real one may hold characters soffice's command line
	// parsing takes for options, and the output's name follows the input's.
	in := filepath.Join(dir, inName)
	if err := os.WriteFile(in, data, 0o600); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrConversion, err)
	}
	outDir := filepath.Join(dir, "out")
	profile := (&url.URL{Scheme: "file", Path: filepath.Join(dir, "profile")}).String()

	runCtx, cancel := context.WithTimeout(ctx, ConvertTimeout)
	defer cancel()
	cmd := exec.CommandContext(runCtx, bin,
		"-env:UserInstallation="+profile,
		"--headless", "--invisible", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
		"--convert-to", "xlsx", "--outdir", outDir, in)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HOME="+dir) // nothing of the service account's home is touched
	var output bytes.Buffer
	cmd.Stdout = &output
	cmd.Stderr = &output
	ownProcessGroup(cmd)
	cmd.Cancel = func() error { return killGroup(cmd) }
	cmd.WaitDelay = 5 * time.Second
	runErr := cmd.Run()
	_ = killGroup(cmd)

	if err := ctx.Err(); err != nil {
		return nil, err // the run is being cancelled: not a problem with the file
	}
	if runCtx.Err() != nil {
		return nil, fmt.Errorf("%w: soffice did not finish within %s and was killed", ErrConversion, ConvertTimeout)
	}
	out, err := os.ReadFile(filepath.Join(outDir, strings.TrimSuffix(inName, filepath.Ext(inName))+".xlsx"))
	if err != nil || len(out) == 0 {
		detail := strings.TrimSpace(output.String())
		if len(detail) > 300 {
			detail = detail[:300] + "…"
		}
		switch {
		case runErr != nil && detail != "":
			return nil, fmt.Errorf("%w: soffice: %v: %s", ErrConversion, runErr, detail)
		case runErr != nil:
			return nil, fmt.Errorf("%w: soffice: %v", ErrConversion, runErr)
		case detail != "":
			return nil, fmt.Errorf("%w: soffice wrote no workbook (the file may be damaged): %s", ErrConversion, detail)
		default:
			return nil, fmt.Errorf("%w: soffice wrote no workbook (the file may be damaged)", ErrConversion)
		}
	}
	return out, nil
}

// checkOLE2 looks inside an OLE2 compound file before LibreOffice is started on it: LibreOffice imports
// anything it cannot read as a workbook as text, so a damaged file or a Word document would come back as a
// sheet of garbage rather than as an error.
func checkOLE2(data []byte) (err error) {
	defer func() {
		if r := recover(); r != nil { // a hostile file must not take the importer down
			err = fmt.Errorf("%w: damaged OLE2 compound file", ErrUnreadable)
		}
	}()
	doc, err := mscfb.New(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("%w: damaged OLE2 compound file: %v", ErrUnreadable, err)
	}
	var names []string
	for entry, err := doc.Next(); err == nil; entry, err = doc.Next() {
		switch entry.Name {
		case "Workbook", "Book":
			return nil
		case "EncryptedPackage", "EncryptionInfo":
			return fmt.Errorf("%w: the workbook is password-protected; save it again without a password",
				ErrUnreadable)
		case "WordDocument":
			return fmt.Errorf("%w: the file is a Word document", ErrNotTabular)
		case "PowerPoint Document":
			return fmt.Errorf("%w: the file is a PowerPoint presentation", ErrNotTabular)
		}
		if len(names) < 8 {
			names = append(names, entry.Name)
		}
	}
	if len(names) == 0 {
		return fmt.Errorf("%w: damaged OLE2 compound file (no streams)", ErrUnreadable)
	}
	return fmt.Errorf("%w: an OLE2 compound file without a workbook stream (it holds %s)", ErrNotTabular,
		strings.Join(names, ", "))
}
