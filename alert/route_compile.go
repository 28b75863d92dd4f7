package alert

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
)

// CompileRoutes checks the routing tree against the departments, the
// taxonomy and the receivers and compiles it into a Router. Receivers is
// needed only to check that every department's receivers exist.
//
// Every problem is reported at once, each with the place of the route,
// department or topic it concerns; the error wraps config.Problems.
//
// Rules beyond matcher syntax: the root route has no matchers and no
// continue, and names a department (the coordinating office that answers
// for what nothing else claims). A route without a department takes its
// parent's department, and its parent's co-responders too unless it lists
// its own; a route that names a department starts with only the
// co-responders it lists; topic_departments is inherited with the
// department. group_by, group_wait, group_interval and repeat_interval are
// inherited one by one (the root's default to no grouping, 0, 5m and 4h).
// `topic = x` must name a topic of the taxonomy and
// `severity = x` a statutory tier (any form model.ParseSeverity reads, or
// "" for "not assessed"). Every department used anywhere must exist and
// have at least one receiver, and every receiver it names must exist.
func CompileRoutes(root config.Route, departments []config.Department, topics []config.Topic, receivers []config.Receiver) (*Router, error) {
	c := &compiler{
		departments: map[string]bool{},
		topics:      map[string]bool{},
		used:        map[string]bool{},
	}
	c.addDepartments(departments, receivers)
	defaults := c.addTopics(topics)
	rootNode := c.compileRoot(root)
	if err := c.problems.Err(); err != nil {
		return nil, fmt.Errorf("alert: compile routes: %w", err)
	}
	used := make([]string, 0, len(c.used))
	for code := range c.used {
		used = append(used, code)
	}
	slices.Sort(used)
	return &Router{root: rootNode, topicDefaults: defaults, departments: used}, nil
}

type compiler struct {
	departments map[string]bool
	topics      map[string]bool
	used        map[string]bool
	problems    config.Problems
}

func (c *compiler) problem(pos config.Pos, format string, args ...any) {
	c.problems = append(c.problems, config.Problem{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

func (c *compiler) addDepartments(departments []config.Department, receivers []config.Receiver) {
	known := map[string]bool{}
	for _, r := range receivers {
		known[r.Name] = true
	}
	for _, d := range departments {
		switch {
		case d.Code == "":
			c.problem(d.Pos, "department %q has no code", d.Name)
			continue
		case c.departments[d.Code]:
			c.problem(d.Pos, "department %s is defined twice", d.Code)
		}
		c.departments[d.Code] = true
		if len(d.Receivers) == 0 {
			c.problem(d.Pos, "department %s has no receivers: its alerts would go nowhere", d.Code)
		}
		for _, name := range d.Receivers {
			if !known[name] {
				c.problem(d.Pos, "department %s: receiver %q is not defined", d.Code, name)
			}
		}
	}
}

func (c *compiler) addTopics(topics []config.Topic) map[string][]string {
	defaults := map[string][]string{}
	for _, t := range topics {
		c.topics[t.ID] = true
		for _, code := range t.Departments {
			c.useDepartment(t.Pos, "topic "+t.ID, code)
		}
		defaults[t.ID] = slices.Clone(t.Departments)
	}
	return defaults
}

func (c *compiler) useDepartment(pos config.Pos, where, code string) {
	if !c.departments[code] {
		c.problem(pos, "%s: department %q is not defined", where, code)
		return
	}
	c.used[code] = true
}

func (c *compiler) compileRoot(r config.Route) *routeNode {
	const where = "root route"
	if len(r.Matchers) > 0 {
		c.problem(r.Pos, "%s: must not have matchers: it receives everything no other route claims", where)
	}
	if r.Continue {
		c.problem(r.Pos, "%s: cannot continue: it has no siblings", where)
	}
	if r.Department == "" {
		c.problem(r.Pos, "%s: needs a department (the coordinating office, which answers for what nothing else claims)", where)
	}
	root := &routeNode{path: []string{rootStep}, pos: r.Pos, grouping: Grouping{
		Wait: DefaultGroupWait, Interval: DefaultGroupInterval, Repeat: DefaultRepeatInterval}}
	c.fill(root, r, "")
	return root
}

// fillGrouping overrides the inherited timing with what the route sets.
func (c *compiler) fillGrouping(n *routeNode, r config.Route, where string) {
	if r.GroupBy != nil {
		n.grouping.By = nil
		for _, label := range r.GroupBy {
			switch {
			case !slices.Contains(knownLabels, label):
				c.problem(r.Pos, "%s: group_by: unknown label %q (known: %s)", where, label, strings.Join(knownLabels, ", "))
			case slices.Contains(n.grouping.By, label):
				c.problem(r.Pos, "%s: group_by: label %s is listed twice", where, label)
			default:
				n.grouping.By = append(n.grouping.By, label)
			}
		}
	}
	for _, d := range []struct {
		set *config.Duration
		to  *time.Duration
	}{{r.GroupWait, &n.grouping.Wait}, {r.GroupInterval, &n.grouping.Interval}, {r.RepeatInterval, &n.grouping.Repeat}} {
		if d.set != nil {
			*d.to = d.set.D()
		}
	}
}

// routeName names a route in messages by its place in the tree, since a
// built-in tree has no file and line: "routes[1].routes[0]".
func routeName(id string) string {
	if id == "" {
		return "root route"
	}
	return "route " + id
}

// fill resolves the node's department and co-responders (n starts with its
// parent's) and compiles its children.
func (c *compiler) fill(n *routeNode, r config.Route, id string) {
	where := routeName(id)
	if r.Department != "" {
		n.department, n.coResponders, n.topicDepts = r.Department, nil, ""
		c.useDepartment(r.Pos, where, r.Department)
	}
	switch r.TopicDepartments {
	case "":
	case config.TopicDepartmentsLead, config.TopicDepartmentsCoRespond:
		n.topicDepts = r.TopicDepartments
	default:
		c.problem(r.Pos, "%s: topic_departments %q: want lead or co_respond", where, r.TopicDepartments)
	}
	c.fillGrouping(n, r, where)
	if r.CoResponders != nil {
		n.coResponders = nil
		for _, code := range r.CoResponders {
			switch {
			case code == n.department:
				c.problem(r.Pos, "%s: department %s is both lead and co-responder", where, code)
			case slices.Contains(n.coResponders, code):
				c.problem(r.Pos, "%s: co-responder %s is listed twice", where, code)
			default:
				c.useDepartment(r.Pos, where, code)
				n.coResponders = append(n.coResponders, code)
			}
		}
	}
	for i, child := range r.Routes {
		childID := fmt.Sprintf("routes[%d]", i)
		if id != "" {
			childID = id + "." + childID
		}
		n.children = append(n.children, c.compileChild(n, child, childID, i))
	}
}

func (c *compiler) compileChild(parent *routeNode, r config.Route, id string, index int) *routeNode {
	n := &routeNode{
		department:   parent.department,
		coResponders: parent.coResponders,
		topicDepts:   parent.topicDepts,
		grouping:     parent.grouping,
		cont:         r.Continue,
		pos:          r.Pos,
	}
	for _, text := range r.Matchers {
		if m := c.compileMatcher(r.Pos, routeName(id), text); m != nil {
			n.matchers = append(n.matchers, m)
		}
	}
	n.path = append(slices.Clone(parent.path), fmt.Sprintf("routes[%d]{%s}", index, joinMatchers(n.matchers)))
	c.fill(n, r, id)
	return n
}

func (c *compiler) compileMatcher(pos config.Pos, where, text string) *Matcher {
	m, err := ParseMatcher(text)
	if err != nil {
		c.problem(pos, "%s: %v", where, err)
		return nil
	}
	if m.Op != MatchEqual && m.Op != MatchNotEqual || m.Value == "" {
		return m
	}
	switch m.Label {
	case LabelTopic:
		if !c.topics[m.Value] {
			c.problem(pos, "%s: matcher %q: topic %q is not in the taxonomy", where, text, m.Value)
			return nil
		}
	case LabelSeverity:
		s, err := model.ParseSeverity(m.Value)
		if err != nil {
			c.problem(pos, "%s: matcher %q: %v", where, text, err)
			return nil
		}
		// Items carry the ASCII code, so `severity = 重大` must compare as "II".
		return &Matcher{Label: m.Label, Op: m.Op, Value: s.String()}
	}
	return m
}

func joinMatchers(ms []*Matcher) string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = m.String()
	}
	return strings.Join(parts, ", ")
}
