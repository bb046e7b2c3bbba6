package main

import (
	"github.com/bidui/bidui"
	"github.com/bidui/bidui/rules"
)

// statusWords are the words the text summary shows for the status codes of files and rules; --json and the
// database keep the codes, which other tools read.
var statusWords = map[string]string{
	bidui.FileLoaded:       "已读入",
	bidui.FileFailed:       "失败",
	bidui.FileUnrecognised: "未识别",
	bidui.FileCarried:      "沿用上次",
	bidui.FileIgnored:      "已忽略",
	rules.Ran:              "已运行",
	rules.Skipped:          "已跳过",
}

// statusWord is the word for a status code, or the code itself when it has none, so that a status added
// later still shows.
func statusWord(code string) string {
	if w, ok := statusWords[code]; ok {
		return w
	}
	return code
}
