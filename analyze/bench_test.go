package analyze

import (
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/yuqing/yuqing/model"
)

// benchSentences are the building blocks of the generated news text: local
// news in the hot-topic areas mixed with everyday news that matches nothing.
var benchSentences = []string{
	"通城县隽水镇一小区业主反映开发商延期交房，物业至今没有回应。",
	"咸安区今年秋季义务教育招生报名启动，家长关心学区如何划分。",
	"嘉鱼警方破获一起非法集资案，涉案金额超过一千万元。",
	"群众举报崇阳县一化工厂夜间偷排废水，附近河水发黑发臭。",
	"赤壁市一煤矿发生透水事故，救援人员连夜赶到现场。",
	"城乡居民医疗保险缴费标准调整，大病保险报销比例同步提高。",
	"市民拨打12345热线反映办理营业执照要来回跑，窗口推诿扯皮。",
	"咸宁高新区企业反映留抵退税到账慢，希望加快减税降费政策落实。",
	"高校毕业生专场招聘会在咸宁举行，现场提供就业岗位三千余个。",
	"通城油茶亮相农产品博览会，当地以品牌强农助力乡村振兴。",
	"今天上午天气晴朗，市民纷纷走出家门到公园散步。",
	"这场比赛双方打得非常激烈，最终主队以两分的优势取胜。",
	"新款手机搭载自研芯片，续航和拍照能力都有明显提升。",
	"据介绍，该项目总投资约二十亿元，预计明年年底建成投产。",
	"会议要求各地各部门认真贯彻落实上级决策部署，确保各项工作取得实效。",
	"记者从有关部门获悉，今年前三季度全市经济运行总体平稳、稳中有进。",
}

// benchItems generates about size bytes of news, split into items of about
// one kilobyte, always the same.
func benchItems(size int) ([]model.Item, int) {
	rng := rand.New(rand.NewPCG(1, 2))
	var items []model.Item
	total := 0
	for total < size {
		var body strings.Builder
		for body.Len() < 1000 {
			body.WriteString(benchSentences[rng.IntN(len(benchSentences))])
		}
		it := model.Item{Title: benchSentences[rng.IntN(len(benchSentences))], Content: body.String()}
		total += len(it.Title) + len(it.Content)
		items = append(items, it)
	}
	return items, total
}

// BenchmarkAnalyze measures the whole analysis with the shipped
// configuration and gse's embedded dictionary over about 1 MB of text; its
// MB/s is the throughput of one core.
func BenchmarkAnalyze(b *testing.B) {
	a := defaultAnalyzer(b)
	items, total := benchItems(1 << 20)
	b.SetBytes(int64(total))
	runtime.GC() // the garbage of loading the dictionary is not the benchmark's
	b.ResetTimer()
	for b.Loop() {
		for _, it := range items {
			a.Analyze(it)
		}
	}
}

// BenchmarkSegment measures segmentation alone, the bulk of the analysis.
func BenchmarkSegment(b *testing.B) {
	a := defaultAnalyzer(b)
	items, total := benchItems(1 << 20)
	b.SetBytes(int64(total))
	runtime.GC() // the garbage of loading the dictionary is not the benchmark's
	b.ResetTimer()
	for b.Loop() {
		for _, it := range items {
			a.Segment(it)
		}
	}
}
