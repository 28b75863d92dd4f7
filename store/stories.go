package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/yuqing/yuqing/model"
)

// storyLockKey is the pg_advisory_xact_lock key that serialises story
// assignment across processes ("story" in ASCII): two near-copies arriving
// at once on two workers would otherwise both start a story. On SQLite the
// single writer connection serialises it already.
const storyLockKey int64 = 0x73746f7279

// AssignStory puts an article into a story (see analyze.StoryStore): the
// story of the earliest candidate match accepts, or a new one. Candidates
// share an index band with the article and belong to a story seen at or
// after since. An article already assigned gets its story back unchanged.
func (s *Store) AssignStory(ctx context.Context, m model.StoryMember, since time.Time, match func([]byte) bool) (model.StorySpread, error) {
	if m.ItemID == "" {
		return model.StorySpread{}, errors.New("store: assign story: empty item id")
	}
	var sp model.StorySpread
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if s.dialect == DialectPostgres {
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, storyLockKey); err != nil {
				return fmt.Errorf("lock: %w", err)
			}
		}
		var story string
		err := tx.QueryRowContext(ctx, `SELECT story_id FROM story_members WHERE item_id = $1`, m.ItemID).Scan(&story)
		switch {
		case err == nil:
			sp, err = readSpread(ctx, tx, story)
			return err
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("find member: %w", err)
		}
		story, err = findStory(ctx, tx, m, since, match)
		if err != nil {
			return err
		}
		isNew := story == ""
		if isNew {
			story = model.NewStoryID(m.ItemID)
		}
		if err := addMember(ctx, tx, story, isNew, m); err != nil {
			return err
		}
		sp, err = readSpread(ctx, tx, story)
		sp.New = isNew
		return err
	})
	if err != nil {
		return model.StorySpread{}, fmt.Errorf("store: assign story of %q: %w", m.ItemID, err)
	}
	return sp, nil
}

// storyCandidate is a member that shares a band with a new article.
type storyCandidate struct {
	story     string
	signature []byte
}

// bandCandidates bounds the members read per band: the newest ones of a
// bucket suffice to recognise a story, and a viral story's thousands of
// reprints must not make every lookup read them all.
const bandCandidates = 16

// findStory returns the story of the earliest accepted candidate among the
// recent members (item_at ≥ since) that share a band with m, or "".
func findStory(ctx context.Context, tx *sql.Tx, m model.StoryMember, since time.Time, match func([]byte) bool) (string, error) {
	if len(m.Bands) == 0 || len(m.Signature) == 0 {
		return "", nil
	}
	var w whereBuilder
	from := w.arg(ms(since))
	perBand := make([]string, len(m.Bands))
	for i, h := range m.Bands {
		perBand[i] = `SELECT item_id FROM (SELECT item_id FROM story_bands
    WHERE band = ` + w.arg(i) + ` AND hash = ` + w.arg(h) + ` AND item_at >= ` + from + `
    ORDER BY item_at DESC, item_id DESC LIMIT ` + strconv.Itoa(bandCandidates) + `) b` + strconv.Itoa(i)
	}
	rows, err := tx.QueryContext(ctx, `
SELECT m.story_id, m.signature, s.first_seen, m.item_at, m.item_id
FROM (`+strings.Join(perBand, "\nUNION ")+`) h
JOIN story_members m ON m.item_id = h.item_id
JOIN stories s ON s.id = m.story_id
ORDER BY s.first_seen, m.item_at, m.item_id`, w.args...)
	if err != nil {
		return "", fmt.Errorf("find candidates: %w", err)
	}
	var cands []storyCandidate
	for rows.Next() {
		var c storyCandidate
		var first, at int64
		var id string
		if err := rows.Scan(&c.story, &c.signature, &first, &at, &id); err != nil {
			rows.Close()
			return "", fmt.Errorf("find candidates: %w", err)
		}
		cands = append(cands, c)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return "", fmt.Errorf("find candidates: %w", err)
	}
	for _, c := range cands {
		if match(c.signature) {
			return c.story, nil
		}
	}
	return "", nil
}

// addMember records the article in the story, creating the story when new,
// and updates its counts.
func addMember(ctx context.Context, tx *sql.Tx, story string, isNew bool, m model.StoryMember) error {
	at := ms(m.At)
	if isNew {
		if _, err := tx.ExecContext(ctx, `
INSERT INTO stories (id, item_id, title, url, first_seen, last_seen, articles, sources)
VALUES ($1, $2, $3, $4, $5, $5, 0, 0) ON CONFLICT (id) DO NOTHING`, story, m.ItemID, m.Title, m.URL, at); err != nil {
			return fmt.Errorf("insert story: %w", err)
		}
	}
	var same int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM story_members WHERE story_id = $1 AND source_id = $2`,
		story, m.SourceID).Scan(&same); err != nil {
		return fmt.Errorf("count sources: %w", err)
	}
	sig := m.Signature
	if sig == nil {
		sig = []byte{}
	}
	if _, err := tx.ExecContext(ctx, `
INSERT INTO story_members (item_id, story_id, source_id, title, url, item_at, signature)
VALUES ($1, $2, $3, $4, $5, $6, $7)`, m.ItemID, story, m.SourceID, m.Title, m.URL, at, sig); err != nil {
		return fmt.Errorf("insert member: %w", err)
	}
	var rows [][]any
	for i, h := range m.Bands {
		rows = append(rows, []any{i, h, at, m.ItemID})
	}
	if err := insertRows(ctx, tx, `INSERT INTO story_bands (band, hash, item_at, item_id) VALUES `, rows); err != nil {
		return fmt.Errorf("insert bands: %w", err)
	}
	newSource := 0
	if same == 0 {
		newSource = 1
	}
	if _, err := tx.ExecContext(ctx, `
UPDATE stories SET articles = articles + 1, sources = sources + $2,
    first_seen = CASE WHEN $3 < first_seen THEN $3 ELSE first_seen END,
    last_seen  = CASE WHEN $3 > last_seen THEN $3 ELSE last_seen END
WHERE id = $1`, story, newSource, at); err != nil {
		return fmt.Errorf("update story: %w", err)
	}
	return nil
}

func readSpread(ctx context.Context, q querier, story string) (model.StorySpread, error) {
	sp := model.StorySpread{StoryID: story}
	var first int64
	err := q.QueryRowContext(ctx, `SELECT articles, sources, first_seen FROM stories WHERE id = $1`, story).
		Scan(&sp.Articles, &sp.Sources, &first)
	if errors.Is(err, sql.ErrNoRows) {
		return sp, fmt.Errorf("story %q: %w", story, model.ErrNotFound)
	}
	if err != nil {
		return sp, fmt.Errorf("read story %q: %w", story, err)
	}
	sp.FirstSeen = fromMS(first)
	return sp, nil
}

// querier is what reads need from a *sql.DB or a *sql.Tx.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// StorySpread returns how far a story has reached, or an error wrapping
// model.ErrNotFound.
func (s *Store) StorySpread(ctx context.Context, storyID string) (model.StorySpread, error) {
	sp, err := readSpread(ctx, s.r, storyID)
	if err != nil {
		return sp, fmt.Errorf("store: %w", err)
	}
	return sp, nil
}

// StoryTitle returns the title of a story's first article.
func (s *Store) StoryTitle(ctx context.Context, storyID string) (string, error) {
	var title string
	err := s.r.QueryRowContext(ctx, `SELECT title FROM stories WHERE id = $1`, storyID).Scan(&title)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("store: story %q: %w", storyID, model.ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("store: story %q: %w", storyID, err)
	}
	return title, nil
}

// StoryLinks returns up to limit articles of a story, the earliest of each
// source first, then later ones, for alerts and reports.
func (s *Store) StoryLinks(ctx context.Context, storyID string, limit int) ([]model.Link, error) {
	links, err := s.storyLinks(ctx, []string{storyID}, limit)
	if err != nil {
		return nil, fmt.Errorf("store: story links of %q: %w", storyID, err)
	}
	return links[storyID], nil
}

func (s *Store) storyLinks(ctx context.Context, stories []string, limit int) (map[string][]model.Link, error) {
	out := map[string][]model.Link{}
	if len(stories) == 0 {
		return out, nil
	}
	args := make([]any, len(stories))
	for i, id := range stories {
		args[i] = id
	}
	rows, err := s.r.QueryContext(ctx, `
SELECT story_id, source_id, title, url FROM story_members
WHERE story_id IN (`+placeholders(1, len(stories))+`)
ORDER BY story_id, item_at, item_id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	seen := map[string]map[string]bool{}
	later := map[string][]model.Link{}
	for rows.Next() {
		var story string
		var l model.Link
		if err := rows.Scan(&story, &l.Source, &l.Title, &l.URL); err != nil {
			return nil, err
		}
		if seen[story] == nil {
			seen[story] = map[string]bool{}
		}
		if seen[story][l.Source] {
			later[story] = append(later[story], l)
			continue
		}
		seen[story][l.Source] = true
		out[story] = append(out[story], l)
	}
	for story := range out {
		out[story] = append(out[story], later[story]...)
		if limit > 0 && len(out[story]) > limit {
			out[story] = out[story][:limit]
		}
	}
	return out, rows.Err()
}
