package main

import (
	"fmt"
	mrand "math/rand/v2"
	"time"

	"podium/contest/entry"
	"podium/uscc"
)

// The demo's generated field: about 120 organizations of a city like
// Dandong (丹东), each with one entry in one of the seven tracks, generated
// from a fixed seed so that every demo database tells the same story.
const (
	demoGeneratedCount = 114 // with the six written by hand: 120 entries
	demoGeneratedSeed  = 2026
	demoGeneratedDraft = 6 // every demoGeneratedDraft-th entry stays a draft (nobody finishes on time)
)

// demoTrackWords are, per track key, what its projects are made of: an
// approach and a product, combined into a title, and the keywords experts
// of the field declare.
var demoTrackWords = map[string]struct {
	approaches, products, keywords []string
	industry                       string // the company name's industry word (without 科技: the name's suffix may add it)
}{
	"manufacturing": {[]string{"基于机器视觉的", "面向汽车零部件的", "5G 工业互联网", "数字孪生驱动的", "高精度"},
		[]string{"焊接机器人工作站", "表面缺陷检测系统", "柔性装配产线", "数控机床远程运维平台", "智能仓储 AGV"},
		[]string{"工业机器人", "机器视觉"}, "智能装备"},
	"materials": {[]string{"高性能", "低成本", "可降解", "耐高温", "纳米改性"},
		[]string{"碳纤维复合材料", "石墨烯导热膜", "硼基阻燃材料", "镁合金轻量化部件", "陶瓷膜过滤材料"},
		[]string{"复合材料", "石墨烯"}, "新材料"},
	"biomed": {[]string{"靶向", "新型", "中药现代化", "基于合成生物学的", "长效"},
		[]string{"抗肿瘤小分子药物", "基因工程疫苗", "人参皂苷提取工艺", "益生菌制剂", "多肽缓释注射剂"},
		[]string{"创新药", "生物制剂"}, "生物医药"},
	"instruments": {[]string{"在线式", "便携式", "高精度", "无线组网", "智能"},
		[]string{"X射线探伤仪", "粉尘浓度监测仪", "超声波流量计", "电力设备局放检测仪", "水质多参数分析仪"},
		[]string{"传感器", "检测仪器"}, "仪器仪表"},
	"textiles": {[]string{"阻燃", "防静电", "抗菌", "耐切割", "轻量化"},
		[]string{"消防防护服面料", "柞蚕丝功能纤维", "医用防护口罩滤材", "电力作业防护服", "高温工况隔热手套"},
		[]string{"功能纺织", "防护装备"}, "防护用品"},
	"agriculture": {[]string{"智慧", "绿色", "设施", "无人化", "可追溯"},
		[]string{"草莓立体种植系统", "蓝莓冷链保鲜技术", "水稻病虫害监测平台", "板栗深加工生产线", "海参生态养殖"},
		[]string{"智慧农业", "农产品加工"}, "现代农业"},
	"medtech": {[]string{"AI 辅助", "可穿戴", "微创", "远程", "一次性"},
		[]string{"眼底影像筛查系统", "心电监测贴", "骨科手术导航设备", "康复训练机器人", "血液透析耗材"},
		[]string{"医疗器械", "医学影像"}, "医疗器械"},
}

// demoTracks is the tracks' order, as the contest lists them.
var demoTracks = []string{"manufacturing", "materials", "biomed", "instruments", "textiles", "agriculture", "medtech"}

var (
	demoBrands = []string{"鸭绿", "凤凰", "锦江", "东港", "宽甸", "振兴", "元宝", "凤城", "青山", "瑞普",
		"华晨", "辽东", "北黄海", "虎山", "大孤", "天桥", "金泉", "恒远", "晨曦", "同创"}
	// demoCompanySuffixes end a company's name after its industry word.
	demoCompanySuffixes = []string{"科技有限公司", "有限公司", "技术有限公司"}
	demoSurnames        = []string{"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "高", "罗"}
	demoGiven           = []string{"海涛", "丽娜", "建华", "志强", "晓东", "婷婷", "明轩", "雪梅", "子涵", "国庆", "思远", "欣怡", "宏伟", "静", "磊", "佳琪"}
	// demoAreas are Dandong's administrative division codes (元宝区, 振兴区,
	// 振安区, 宽甸, 东港, 凤城): a credit code's third to eighth characters.
	demoAreas = []string{"210602", "210603", "210604", "210624", "210681", "210682"}
)

// demoGenerated is one generated entrant.
type demoGenerated struct {
	demoEntrant
	quality float64 // the share of each criterion's maximum the panel gives, before a judge's leniency
}

// demoGenerate makes the generated entrants, the same every time. Entrants
// of the enterprise groups get a credit code (some with letters, some all
// digits) and the company facts the national eligibility rules read: a
// startup established since 1 January of refYear−1, a growth company before,
// with a certificate; revenue below the ¥200 million limit.
func demoGenerate(refYear int) []demoGenerated {
	r := mrand.New(mrand.NewPCG(demoGeneratedSeed, 15))
	out := make([]demoGenerated, 0, demoGeneratedCount)
	counts := map[string]int{}
	for i := range demoGeneratedCount {
		track := demoTracks[i%len(demoTracks)]
		words := demoTrackWords[track]
		n := counts[track]
		counts[track]++
		title := words.approaches[n%len(words.approaches)] + words.products[(n/len(words.approaches)+n)%len(words.products)]
		if n >= len(words.approaches)*len(words.products) {
			title += fmt.Sprintf("（%d期）", n)
		}
		// Within a track each entrant has its own brand (n < len(demoBrands)),
		// and tracks differ by their industry word: every name is unique by
		// construction, and none needs a number to tell it apart.
		brand := demoBrands[(n+3*(i%len(demoTracks)))%len(demoBrands)]
		person := demoSurnames[r.IntN(len(demoSurnames))] + demoGiven[r.IntN(len(demoGiven))]
		deputy := demoSurnames[r.IntN(len(demoSurnames))] + demoGiven[r.IntN(len(demoGiven))]
		g := demoGenerated{quality: 0.5 + r.Float64()*0.4}
		g.email = fmt.Sprintf("entrant%03d@demo.podium.local", i+1)
		g.person = person
		g.submit = i%demoGeneratedDraft != demoGeneratedDraft-1
		stage := entry.Stages[1+r.IntN(len(entry.Stages)-1)]
		var group string
		switch i % 3 {
		case 0: // a team: no company yet
			group = "team"
			g.org = entry.OrganizationInput{Kind: entry.OrgTeam, Name: fmt.Sprintf("%s%s团队", brand, words.industry),
				ContactName: person, ContactPhone: fmt.Sprintf("139%08d", 41000000+i),
				Members: []entry.Member{{Name: person, Role: "队长"}, {Name: deputy, Role: "技术负责人"}}}
			stage = entry.Stages[r.IntN(2)]
		default:
			group = "startup"
			if i%3 == 2 {
				group = "growth"
			}
			g.org = entry.OrganizationInput{Kind: entry.OrgEnterprise, Name: "丹东" + brand + words.industry + demoCompanySuffixes[n%len(demoCompanySuffixes)],
				USCC: demoUSCC(r, i%2 == 0), ContactName: person, ContactPhone: fmt.Sprintf("138%08d", 41000000+i),
				ContactEmail: g.email,
				Members:      []entry.Member{{Name: person, Role: "总经理"}, {Name: deputy, Role: "技术总监"}},
				CompanyFacts: demoFacts(r, group, refYear, i)}
		}
		g.entry = entry.Input{Track: track, Group: group, Title: title, Fields: entry.Fields{
			Summary:    fmt.Sprintf("%s：面向东北老工业基地转型升级的%s项目，已完成关键技术验证。", title, words.industry),
			Stage:      stage,
			Technology: fmt.Sprintf("自主研发核心工艺，已申请发明专利 %d 项、实用新型专利 %d 项。", 1+r.IntN(6), 2+r.IntN(10)),
			Market:     fmt.Sprintf("目标市场规模约 %d 亿元，已与 %d 家客户签订意向协议。", 5+r.IntN(200), 1+r.IntN(20)),
			Team:       fmt.Sprintf("核心团队 %d 人，其中硕士及以上 %d 人。", 5+r.IntN(30), 1+r.IntN(8)),
			Financing:  fmt.Sprintf("拟融资 %d 万元，用于产线建设与市场推广。", 100*(5+r.IntN(60))),
			Keywords:   words.keywords,
		}}
		g.plan = []string{title + " 商业计划书", "一、项目概述：" + g.entry.Fields.Summary, "二、核心技术：" + g.entry.Fields.Technology,
			"三、市场分析：" + g.entry.Fields.Market, "四、团队情况：" + g.entry.Fields.Team, "五、融资计划：" + g.entry.Fields.Financing}
		out = append(out, g)
	}
	return out
}

// demoFacts are a company's facts as its group needs them.
func demoFacts(r *mrand.Rand, group string, refYear, i int) entry.CompanyFacts {
	cutoff := time.Date(refYear-1, time.January, 1, 0, 0, 0, 0, time.UTC)
	var established time.Time
	var capital, revenue int64
	f := entry.CompanyFacts{}
	if group == "startup" {
		established = cutoff.AddDate(0, 0, 10+r.IntN(300))
		capital = int64(50+r.IntN(450)) * 10_000
		revenue = int64(r.IntN(300)) * 10_000
	} else {
		established = cutoff.AddDate(-2-r.IntN(12), -r.IntN(12), -r.IntN(28))
		capital = int64(500+r.IntN(5000)) * 10_000
		revenue = int64(300+r.IntN(15000)) * 10_000
		if i%2 == 0 {
			f.HighTechCertNumber = fmt.Sprintf("GR%d2100%04d", refYear-2, 100+i)
		}
		f.TechSMENumber = fmt.Sprintf("%d2106%02dA%07d", refYear-1, 2+i%4, 1000+i*37)
	}
	f.EstablishedOn = established.Format(time.DateOnly)
	f.RegisteredCapital, f.RevenuePrevYear = &capital, &revenue
	return f
}

// demoUSCC is a valid unified social credit code of a Dandong company: with
// letters (an "MA…" code, issued since 2015) or all digits (an older
// organization code kept in it). The check characters are the ones
// uscc.Valid accepts.
func demoUSCC(r *mrand.Rand, letters bool) string {
	const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	for {
		body := "91" + demoAreas[r.IntN(len(demoAreas))]
		if letters {
			body += "MA"
			for range 6 {
				body += string(alphabet[r.IntN(len(alphabet))])
			}
		} else {
			body += fmt.Sprintf("%08d", r.IntN(100_000_000))
		}
		for _, org := range "0123456789X" {
			for _, last := range alphabet {
				code := body + string(org) + string(last)
				if !uscc.Valid(code) {
					continue
				}
				if !letters && (org == 'X' || last > '9') {
					break // an all-digit code wanted: try another body
				}
				return code
			}
		}
	}
}
