package analyze

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/yuqing/yuqing/config"
)

// parseDictionary reads a project dictionary: one word a line, optionally
// followed by a frequency and a part-of-speech tag; # starts a comment line.
// Every bad line is reported, with its place.
func parseDictionary(data []byte, file string) ([]dictEntry, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	var entries []dictEntry
	var problems []error
	for i, line := range strings.Split(string(data), "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		e, err := parseDictLine(fields)
		if err != nil {
			pos := config.Pos{File: file, Line: i + 1}
			problems = append(problems, fmt.Errorf("analyze: read dictionary %s: %w", pos, err))
			continue
		}
		entries = append(entries, e)
	}
	return entries, errors.Join(problems...)
}

func parseDictLine(fields []string) (dictEntry, error) {
	if len(fields) > 3 {
		return dictEntry{}, fmt.Errorf("%d fields, want `word [frequency [pos]]`", len(fields))
	}
	e := dictEntry{word: normalizeWord(fields[0])}
	if strings.IndexFunc(e.word, isWordRune) < 0 {
		return dictEntry{}, fmt.Errorf("word %q has no letter or digit", fields[0])
	}
	if len(fields) > 1 {
		f, err := strconv.ParseFloat(fields[1], 64)
		if err != nil || !(f > 0) || math.IsInf(f, 1) {
			return dictEntry{}, fmt.Errorf("word %s: frequency %q is not a positive number", e.word, fields[1])
		}
		e.freq = f
	}
	if len(fields) > 2 {
		e.pos = fields[2]
	}
	return e, nil
}
