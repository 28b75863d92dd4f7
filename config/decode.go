package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Problem is one thing wrong with the configuration, with its place.
type Problem struct {
	Pos Pos
	Msg string
}

func (p Problem) Error() string { return p.Pos.String() + ": " + p.Msg }

// Problems is every problem found in a configuration. Loading never stops at
// the first one: a user fixes them all in one go.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

// sort orders problems by file, then line, keeping the order of problems
// on one line.
func (ps Problems) sort() {
	slices.SortStableFunc(ps, func(a, b Problem) int {
		if c := strings.Compare(a.Pos.File, b.Pos.File); c != 0 {
			return c
		}
		return a.Pos.Line - b.Pos.Line
	})
}

// Err returns nil when there are no problems.
func (ps Problems) Err() error {
	if len(ps) == 0 {
		return nil
	}
	return ps
}

// doc is one decoded YAML file: its node tree, kept to find the line of any
// value when validation finds a problem.
type doc struct {
	file string
	root *yaml.Node
}

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// decodeStrict decodes data into out, rejecting unknown keys, and returns
// every decoding problem with its line.
func decodeStrict(data []byte, file string, out any) (*doc, Problems) {
	d := &doc{file: file, root: &yaml.Node{}}
	if err := yaml.Unmarshal(data, d.root); err != nil {
		return d, Problems{yamlProblem(file, err.Error())}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	err := dec.Decode(out)
	if err == nil || errors.Is(err, io.EOF) {
		return d, nil
	}
	var te *yaml.TypeError
	if errors.As(err, &te) {
		ps := make(Problems, 0, len(te.Errors))
		for _, e := range te.Errors {
			ps = append(ps, yamlProblem(file, e))
		}
		return d, ps
	}
	return d, Problems{yamlProblem(file, err.Error())}
}

func yamlProblem(file, msg string) Problem {
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return Problem{Pos{file, line}, m[2]}
	}
	return Problem{Pos{File: file}, strings.TrimPrefix(msg, "yaml: ")}
}

// pos returns the place of the value at path (map keys as strings, sequence
// indexes as ints). When the path does not exist (a default was used) it
// returns the place of the deepest parent that does.
func (d *doc) pos(path ...any) Pos {
	if d == nil {
		return Pos{}
	}
	n := d.root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	best := n
	for _, step := range path {
		next := child(n, step)
		if next == nil {
			break
		}
		n, best = next, next
	}
	if best == nil || best.Line == 0 {
		return Pos{File: d.file}
	}
	return Pos{d.file, best.Line}
}

func child(n *yaml.Node, step any) *yaml.Node {
	switch s := step.(type) {
	case string:
		if n.Kind != yaml.MappingNode {
			return nil
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == s {
				return n.Content[i+1]
			}
		}
	case int:
		if n.Kind == yaml.SequenceNode && s >= 0 && s < len(n.Content) {
			return n.Content[s]
		}
	default:
		panic(fmt.Sprintf("config: path step of type %T", step))
	}
	return nil
}

// problem records a problem at path.
func (d *doc) problem(ps *Problems, msg string, path ...any) {
	*ps = append(*ps, Problem{d.pos(path...), msg})
}

// has reports whether the value at path is written in the file (as opposed
// to left to its default).
func (d *doc) has(path ...any) bool {
	if d == nil {
		return false
	}
	n := d.root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	for _, step := range path {
		if n = child(n, step); n == nil {
			return false
		}
	}
	return true
}
