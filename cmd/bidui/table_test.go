package main

import (
	"bytes"
	"fmt"
	"testing"
)

func TestTableAlignsByDisplayWidth(t *testing.T) {
	var b bytes.Buffer
	tw := newTable(&b)
	fmt.Fprintln(tw, "类型\t文件\t行\t")
	fmt.Fprintln(tw, "gs\t全国系统.xlsx\t395\t")
	tw.Flush()
	want := "类型  文件           行   \n" +
		"gs    全国系统.xlsx  395  \n"
	if b.String() != want {
		t.Errorf("got\n%q\nwant\n%q", b.String(), want)
	}
}
