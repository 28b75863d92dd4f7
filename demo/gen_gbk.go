//go:build ignore

// Command gen_gbk writes feeds/county-gbk.rss, the county feed encoded in
// GB2312 (a subset of GBK), from its UTF-8 source testdata/county-utf8.rss.
// The encoded bytes are committed so that the demo serves a real legacy
// feed; run this (go generate ./demo) after editing the source. A test checks
// that the two files agree.
package main

import (
	"fmt"
	"log"
	"os"

	"golang.org/x/text/encoding/simplifiedchinese"
)

func main() {
	src, err := os.ReadFile("testdata/county-utf8.rss")
	if err != nil {
		log.Fatal(err)
	}
	out, err := simplifiedchinese.GBK.NewEncoder().Bytes(src)
	if err != nil {
		log.Fatalf("encode: %v", err)
	}
	// The prolog promises gb2312: refuse characters that only GBK has.
	if err := checkGB2312(out); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile("feeds/county-gbk.rss", out, 0o644); err != nil {
		log.Fatal(err)
	}
}

// checkGB2312 walks the encoded bytes: ASCII, or a pair of bytes in the
// EUC-CN range 0xA1–0xF7 / 0xA1–0xFE.
func checkGB2312(b []byte) error {
	for i := 0; i < len(b); i++ {
		if b[i] < 0x80 {
			continue
		}
		if i+1 >= len(b) || b[i] < 0xA1 || b[i] > 0xF7 || b[i+1] < 0xA1 || b[i+1] > 0xFE {
			return fmt.Errorf("byte %d: % x is outside GB2312", i, b[i:min(i+2, len(b))])
		}
		i++
	}
	return nil
}
