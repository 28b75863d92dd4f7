package analyze

import (
	"reflect"
	"strings"
	"testing"

	"github.com/yuqing/yuqing/model"
)

// These tests run the shipped configuration (configs/) with gse's embedded
// dictionary: what production runs.

func TestDefaultConfigSentences(t *testing.T) {
	a := defaultAnalyzer(t)
	tests := []struct {
		title, content string
		topic          string   // the expected top topic
		regions        []string // exactly
	}{
		{"通城县隽水镇一小区业主反映开发商延期交房", "物业至今没有回应业主诉求。", "real_estate", []string{"隽水镇", "通城县"}},
		{"咸安区今年秋季义务教育招生报名启动", "家长关心学区如何划分，多所小学将扩班。", "education", []string{"咸安区"}},
		{"嘉鱼警方破获一起非法集资案", "涉案金额超过一千万元，受害群众多为老年人。", "financial_risk", []string{"嘉鱼县"}},
		{"群众举报崇阳县一化工厂夜间偷排废水", "附近河水发黑发臭，鱼虾死亡。", "ecology", []string{"崇阳县"}},
		{"赤壁市一煤矿发生透水事故", "3名工人被困井下，救援正在进行。", "work_safety", []string{"赤壁市"}},
		{"城乡居民医疗保险缴费标准调整", "大病保险报销比例同步提高。", "social_security", nil},
		{"九宫山镇养老院护理人员不足", "入住老人吃饭成问题，家属希望民政部门关注。", "elderly_care", []string{"九宫山镇", "通山县"}},
		{"市民拨打12345热线反映办证来回跑", "办理营业执照要交的材料太多，窗口还推诿扯皮。", "business_services", nil},
		{"咸宁高新区企业反映留抵退税到账慢", "企业希望税务部门加快减税降费政策落实。", "tax_fee_cuts", []string{"咸宁高新区"}},
		{"高校毕业生专场招聘会在咸宁举行", "现场提供就业岗位三千余个。", "employment", []string{"咸宁市"}},
		{"通城油茶亮相农产品博览会", "当地以品牌强农助力乡村振兴。", "rural", []string{"通城县"}},
		{"超市销售过期食品", "市场监管部门抽检发现多批次不合格食品。", "food_drug", nil},
		{"扫黑除恶：崇阳警方打掉一个恶势力团伙", "抓获犯罪嫌疑人12名。", "public_security", []string{"崇阳县"}},
		{"乡镇卫生院看病难", "患者反映门诊医生太少，挂号要排长队。", "health", nil},
		{"通山县脱贫攻坚回头看", "对建档立卡贫困户逐户走访，防止返贫。", "poverty", []string{"通山县"}},
		{"国务院出台新规加强公正监管", "推行双随机一公开，严查乱罚款。", "fair_regulation", nil},
	}
	for _, tt := range tests {
		t.Run(tt.title, func(t *testing.T) {
			an := a.Analyze(model.Item{Title: tt.title, Content: tt.content})
			if len(an.Topics) == 0 || an.Topics[0].ID != tt.topic {
				t.Errorf("topics = %+v, want %s first", an.Topics, tt.topic)
			}
			if !reflect.DeepEqual(an.Regions, tt.regions) {
				t.Errorf("regions = %v, want %v", an.Regions, tt.regions)
			}
			if len(an.Topics) > 0 && len(an.Departments) == 0 {
				t.Errorf("topics without departments: %+v", an)
			}
		})
	}
}

// Sports, games, entertainment and science are not hot-topic areas.
func TestDefaultConfigQuietOnOtherNews(t *testing.T) {
	a := defaultAnalyzer(t)
	for _, text := range []string{
		"中国女排3比0横扫对手晋级决赛",
		"湖人主场击败勇士 詹姆斯砍下35分",
		"中超第十轮：申花客场逼平国安",
		"《王者荣耀》新英雄上线，玩家热议平衡性",
		"年度最受期待的角色扮演游戏公布发售日期",
		"歌手新专辑发布首周销量破百万",
		"电影《赤壁》重映 票房表现亮眼",
		"科学家在火星发现液态水存在的新证据",
		"新款手机搭载自研芯片 续航大幅提升",
		"天文学家拍到黑洞周围的磁场结构",
	} {
		an := a.Analyze(model.Item{Title: text})
		if len(an.Topics) > 0 || len(an.Regions) > 0 {
			t.Errorf("%s: topics %+v, regions %v, want none", text, an.Topics, an.Regions)
		}
	}
}

// Every term, place name and dictionary word must come out of the embedded
// segmenter as one word, or the matcher can never see it.
func TestDefaultWordsStayWhole(t *testing.T) {
	a := defaultAnalyzer(t)
	entries, err := parseDictionary(defaults.opts.Dictionary, "dictionary.txt")
	if err != nil {
		t.Fatal(err)
	}
	words := append(a.tax.Terms(), a.places.Names()...)
	for _, e := range entries {
		words = append(words, e.word)
	}
	for _, w := range words {
		if got := a.seg.Words(w); len(got) != 1 || got[0] != w {
			t.Errorf("Words(%q) = %q, want it whole", w, got)
		}
	}
	// The motivating cases of the task, in context.
	got := strings.Join(a.seg.Words("西凉湖桂花鱼和减税降费、非法集资、通城县"), "|")
	if want := "西凉湖桂花鱼|和|减税降费|非法集资|通城县"; got != want {
		t.Errorf("Words() = %s, want %s", got, want)
	}
}

// A word of the dictionary, or a taxonomy term, that contains a term or a
// place name hides it from the matchers (words are matched whole). That is
// allowed only when the longer word is itself a term or name of the same
// kind, e.g. 非法校园贷 and 校园贷, or the brand 通城油茶, an alias of 通城县.
func TestDefaultWordsHideNothing(t *testing.T) {
	a := defaultAnalyzer(t)
	entries, err := parseDictionary(defaults.opts.Dictionary, "dictionary.txt")
	if err != nil {
		t.Fatal(err)
	}
	terms, names := a.tax.Terms(), a.places.Names()
	isTerm, isName := setOf(terms), setOf(names)
	for _, e := range entries {
		for _, inner := range append(terms, names...) {
			if e.word != inner && strings.Contains(e.word, inner) && !isTerm[e.word] && !isName[e.word] {
				t.Errorf("dictionary word %s hides %s", e.word, inner)
			}
		}
	}
	for _, term := range terms {
		for _, name := range names {
			if strings.Contains(term, name) && !isName[term] {
				t.Errorf("term %s hides the place name %s", term, name)
			}
		}
	}
}

func setOf(list []string) map[string]bool {
	m := make(map[string]bool, len(list))
	for _, s := range list {
		m[s] = true
	}
	return m
}
