package sources

import "errors"

func openHTML(path, text string) (*book, error) {
	return &book{format: "html"}, errors.New("html not supported yet")
}
