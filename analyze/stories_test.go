package analyze

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/yuqing/yuqing/model"
)

// The original article and its reprints, edited as reprints are: another
// headline, a dateline, a sentence added or cut, punctuation changed.
const original = `通城县隽水镇锦绣华庭商品房项目原定2025年12月交房，至今工地仍处于停工状态，三百余户业主多次到售楼部和县住建部门反映，担心楼盘变成烂尾楼。县住建局表示已约谈开发商，督促落实预售资金监管，协调推动项目复工，并将每周向业主通报进展。`

var storyArticles = []struct {
	id, source, title, content string
	story                      string // id of the article whose story it should join
}{
	{"orig", "city", "通城县一楼盘交房延期近一年 三百余户业主集体维权", original, "orig"},
	{"reprint", "portal", "通城一楼盘延期交房近一年，业主集体维权", original, "orig"},
	{"edited", "county", "三百余户业主盼交房：通城县锦绣华庭项目停工近一年",
		"本报讯（记者 李明）" + strings.Replace(original, "，并将每周向业主通报进展", "", 1) + "记者将持续关注。", "orig"},
	{"punct", "forum", "转：通城县一楼盘交房延期近一年!!", strings.NewReplacer("，", ",", "。", ". ").Replace(original), "orig"},
	// Same place, same kind of complaint, many shared words: another story.
	{"other", "city", "崇阳县一小区业主反映物业费上涨", `崇阳县天城镇某小区业主反映，物业公司未经业主大会同意将物业费从每平方米1.2元上调至1.8元，电梯经常故障，楼道垃圾无人清理。县住建局表示将督促物业公司整改，并组织召开业主大会。`, "other"},
	{"other2", "forum", "通城县又一楼盘停工 业主担心烂尾", `通城县某商品房项目因开发商资金链断裂停工半年，二百余户业主担心楼盘烂尾，多次到县住建部门反映，要求政府介入协调复工，县住建局称正在核查预售资金使用情况。`, "other2"},
	{"short", "forum", "楼盘停工", "", "short"},
}

func TestStoryGrouping(t *testing.T) {
	a := newTestAnalyzer(t)
	stories := NewMemoryStories()
	assigned := map[string]model.StorySpread{}
	at := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	for i, art := range storyArticles {
		it := model.Item{ID: art.id, SourceID: art.source, Title: art.title, Content: art.content,
			PublishedAt: at.Add(time.Duration(i) * time.Hour)}
		ex := a.examine(it)
		sp, err := stories.AssignStory(context.Background(), ex.member(), it.PublishedAt.Add(-7*24*time.Hour), a.matcher(ex))
		if err != nil {
			t.Fatal(err)
		}
		assigned[art.id] = sp
		if want := model.NewStoryID(art.story); sp.StoryID != want {
			t.Errorf("%s: story %s, want the story of %s", art.id, sp.StoryID, art.story)
		}
	}
	if sp := assigned["punct"]; sp.Articles != 4 || sp.Sources != 4 || sp.New {
		t.Errorf("the fourth copy: %+v, want 4 articles from 4 sources", sp)
	}
	// Redelivery counts nothing twice.
	ex := a.examine(model.Item{ID: "reprint", SourceID: "portal", Title: storyArticles[1].title, Content: original})
	sp, _ := stories.AssignStory(context.Background(), ex.member(), time.Time{}, a.matcher(ex))
	if sp.Articles != 4 {
		t.Errorf("after a redelivery: %+v", sp)
	}
}

func TestFingerprintSimilarity(t *testing.T) {
	sig := func(title, body string) signature {
		s, ok := fingerprint(normalizeWord(title), normalizeWord(body))
		if !ok {
			t.Fatalf("no fingerprint for %q", title)
		}
		return s
	}
	a := sig(storyArticles[0].title, original)
	b := sig(storyArticles[2].title, storyArticles[2].content)
	c := sig(storyArticles[5].title, storyArticles[5].content)
	if s := a.similarity(&b); s < 0.5 {
		t.Errorf("edited reprint similarity %.2f, want ≥ 0.5", s)
	}
	if s := a.similarity(&c); s >= 0.3 {
		t.Errorf("another story with shared words: similarity %.2f, want < 0.3", s)
	}
	if s := a.similarity(&a); s != 1 {
		t.Errorf("self similarity %.2f", s)
	}
	if _, ok := fingerprint("楼盘停工", ""); ok {
		t.Error("a bare headline got a fingerprint")
	}
	back, ok := signatureFrom(a.bytes())
	if !ok || back != a {
		t.Error("a signature does not survive storage")
	}
	if _, ok := signatureFrom([]byte{1, 2}); ok {
		t.Error("a truncated signature was accepted")
	}
	shared := 0
	ab, bb := a.bands(), b.bands()
	for i := range ab {
		if ab[i] == bb[i] {
			shared++
		}
		if ab[i] < 0 {
			t.Errorf("band %d is negative", i)
		}
	}
	if shared == 0 {
		t.Error("an edited reprint shares no band: the index would never find it")
	}
}
