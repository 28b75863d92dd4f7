package alert

import (
	"slices"
	"time"

	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
)

// Router is a compiled routing tree. It is immutable: every method is a pure
// function of its arguments, safe for concurrent use.
type Router struct {
	root *routeNode
	// topicDefaults holds each topic's default departments from the
	// taxonomy, lead first.
	topicDefaults map[string][]string
	departments   []string
}

// routeNode is one compiled config.Route with everything inherited from its
// ancestors already resolved, so matching never looks up the tree.
type routeNode struct {
	matchers     []*Matcher
	department   string
	coResponders []string
	topicDepts   string
	grouping     Grouping
	cont         bool
	children     []*routeNode
	path         []string
	pos          config.Pos
}

// Grouping is the message timing of a route, inherited down the tree (see
// config.Route).
type Grouping struct {
	By       []string
	Wait     time.Duration
	Interval time.Duration
	Repeat   time.Duration
}

// Timing defaults when the root sets none: Alertmanager's group interval
// and repeat interval; no group wait, because the statutory clock is
// running.
const (
	DefaultGroupWait      = 0
	DefaultGroupInterval  = 5 * time.Minute
	DefaultRepeatInterval = 4 * time.Hour
)

// rootStep and taxonomyStep name the steps of a Decision's Path that are not
// route nodes.
const (
	rootStep     = "root"
	taxonomyStep = "taxonomy:"
)

// MatchedRoute is one route node a label set ended at.
type MatchedRoute struct {
	Department   string
	CoResponders []string
	// TopicDepartments is the route's config.Route.TopicDepartments.
	TopicDepartments string
	Grouping         Grouping
	// Path names the nodes from the root to this one, e.g.
	// ["root", `routes[2]{topic="real_estate"}`].
	Path []string
	Pos  config.Pos
	// Root is true when no child route matched and the walk ended at the
	// root: the caller then falls back to the taxonomy's departments.
	Root bool
}

// Decision is one department an item goes to.
type Decision struct {
	Department string
	// Lead is true for the responsible department (谁主管谁负责), false for
	// a co-responder.
	Lead bool
	// Topics are the item's topics that brought the department in, in the
	// item's order.
	Topics []string
	// Path explains the decision: the route nodes walked to reach the
	// department (for its lead role if it has one), ending in
	// "taxonomy:<topic>" when the topic's default departments were used.
	Path []string
	// Grouping is the timing of the route that chose the department.
	Grouping Grouping
}

// Match walks the tree depth-first and returns the nodes l ends at: the
// first matching child of each node wins unless it has continue set, in
// which case later siblings are tried too; a node none of whose children
// match is itself the result. The root always matches.
func (r *Router) Match(l Labels) []MatchedRoute {
	nodes := r.root.match(l)
	out := make([]MatchedRoute, len(nodes))
	for i, n := range nodes {
		g := n.grouping
		g.By = slices.Clone(g.By)
		out[i] = MatchedRoute{
			Department:       n.department,
			CoResponders:     slices.Clone(n.coResponders),
			TopicDepartments: n.topicDepts,
			Grouping:         g,
			Path:             slices.Clone(n.path),
			Pos:              n.pos,
			Root:             n == r.root,
		}
	}
	return out
}

func (n *routeNode) match(l Labels) []*routeNode {
	if !matchAll(n.matchers, l) {
		return nil
	}
	var all []*routeNode
	for _, child := range n.children {
		found := child.match(l)
		all = append(all, found...)
		if len(found) > 0 && !child.cont {
			break
		}
	}
	if len(all) == 0 {
		return []*routeNode{n}
	}
	return all
}

// Route decides which departments answer for t. Each topic of t is routed
// on its own (see ItemLabels); the results are merged so that a department
// appears once, as lead if it leads for any topic. Leads come first, then
// co-responders, each in the order they were found. An item without topics
// goes nowhere.
func (r *Router) Route(t model.TaggedItem) []Decision {
	var set decisionSet
	seen := map[string]bool{}
	for _, topic := range t.Analysis.TopicIDs() {
		if topic == "" || seen[topic] {
			continue
		}
		seen[topic] = true
		for _, c := range r.routeTopic(topic, ItemLabels(t, topic)) {
			set.add(c, topic)
		}
	}
	return set.sorted()
}

// candidate is one department chosen for one topic.
type candidate struct {
	department string
	lead       bool
	path       []string
	grouping   Grouping
}

func (r *Router) routeTopic(topic string, l Labels) []candidate {
	matches := r.Match(l)
	defaults := r.topicDefaults[topic]
	if len(matches) == 1 && matches[0].Root && len(defaults) > 0 {
		m := matches[0]
		return departmentCandidates(defaults[0], defaults[1:], append(m.Path, taxonomyStep+topic), m.Grouping)
	}
	var out []candidate
	for _, m := range matches {
		taxPath := append(slices.Clone(m.Path), taxonomyStep+topic)
		switch {
		case m.TopicDepartments == config.TopicDepartmentsLead && len(defaults) > 0:
			// The topic's department leads (分级负责 for major incidents);
			// the route's departments respond with it.
			co := append(slices.Clone(defaults[1:]), m.Department)
			out = append(out, departmentCandidates(defaults[0], append(co, m.CoResponders...), taxPath, m.Grouping)...)
		case m.TopicDepartments == config.TopicDepartmentsCoRespond:
			out = append(out, departmentCandidates(m.Department, m.CoResponders, m.Path, m.Grouping)...)
			for _, d := range defaults {
				out = append(out, candidate{department: d, path: taxPath, grouping: m.Grouping})
			}
		default:
			out = append(out, departmentCandidates(m.Department, m.CoResponders, m.Path, m.Grouping)...)
		}
	}
	return out
}

func departmentCandidates(lead string, co []string, path []string, g Grouping) []candidate {
	out := []candidate{{department: lead, lead: true, path: path, grouping: g}}
	for _, d := range co {
		out = append(out, candidate{department: d, path: path, grouping: g})
	}
	return out
}

// decisionSet merges candidates into decisions, one per department.
type decisionSet struct {
	list  []Decision
	index map[string]int
}

func (s *decisionSet) add(c candidate, topic string) {
	if s.index == nil {
		s.index = map[string]int{}
	}
	i, ok := s.index[c.department]
	if !ok {
		s.index[c.department] = len(s.list)
		s.list = append(s.list, Decision{Department: c.department, Lead: c.lead,
			Topics: []string{topic}, Path: slices.Clone(c.path), Grouping: c.grouping})
		return
	}
	d := &s.list[i]
	if c.lead && !d.Lead {
		// The path and timing should be those of the strongest role.
		d.Lead, d.Path, d.Grouping = true, slices.Clone(c.path), c.grouping
	}
	if !slices.Contains(d.Topics, topic) {
		d.Topics = append(d.Topics, topic)
	}
}

func (s *decisionSet) sorted() []Decision {
	slices.SortStableFunc(s.list, func(a, b Decision) int {
		switch {
		case a.Lead == b.Lead:
			return 0
		case a.Lead:
			return -1
		}
		return 1
	})
	return s.list
}

// Departments returns the codes of every department the router can choose,
// sorted: the departments of all routes, their co-responders and the
// taxonomy's defaults.
func (r *Router) Departments() []string { return slices.Clone(r.departments) }
