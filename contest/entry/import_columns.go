package entry

import "podium/tabular"

// importSchema is the columns of an entries file, in the order RowErrors of one row
// are reported, with the header texts that name them.
var importSchema = tabular.NewSchema(tabular.CodeMissingColumn,
	tabular.Column{Key: "title", Names: []string{"项目名称", "title"}, Required: true},
	tabular.Column{Key: "track", Names: []string{"赛道", "track"}, Required: true},
	tabular.Column{Key: "group", Names: []string{"组别", "group"}, Required: true},
	tabular.Column{Key: "organization", Names: []string{"单位名称", "企业名称", "团队名称", "organization"}, Required: true},
	tabular.Column{Key: "kind", Names: []string{"主体类型", "kind"}},
	tabular.Column{Key: "uscc", Names: []string{"统一社会信用代码", "uscc"}},
	tabular.Column{Key: "contact_name", Names: []string{"联系人", "联系人姓名", "contact", "contact_name"}},
	tabular.Column{Key: "contact_phone", Names: []string{"联系电话", "手机", "手机号", "手机号码", "联系人电话", "联系人手机", "phone", "contact_phone"}},
	tabular.Column{Key: "contact_email", Names: []string{"邮箱", "电子邮箱", "联系邮箱", "联系人邮箱", "email", "contact_email"}},
	tabular.Column{Key: "summary", Names: []string{"项目简介", "summary"}},
	tabular.Column{Key: "stage", Names: []string{"发展阶段", "stage"}},
	tabular.Column{Key: "technology", Names: []string{"核心技术", "technology"}},
	tabular.Column{Key: "market", Names: []string{"市场", "市场前景", "market"}},
	tabular.Column{Key: "team", Names: []string{"团队", "团队情况", "team"}},
	tabular.Column{Key: "financing", Names: []string{"融资", "融资情况", "融资情况与需求", "financing"}},
	tabular.Column{Key: "members", Names: []string{"团队成员", "members"}},
	// The company facts the higher contests' eligibility rules read (amounts in 万元).
	tabular.Column{Key: "established_on", Names: []string{"成立日期", "注册日期", "成立时间", "established_on"}},
	tabular.Column{Key: "registered_capital", Names: []string{"注册资本", "注册资本（万元）", "注册资本(万元)", "registered_capital"}},
	tabular.Column{Key: "revenue_prev_year", Names: []string{"上一年度营业收入", "上年度营业收入", "上一年度营业收入（万元）", "上一年度营业收入(万元)", "revenue_prev_year"}},
	tabular.Column{Key: "listed", Names: []string{"是否上市", "listed"}},
	tabular.Column{Key: "tech_sme_number", Names: []string{"科技型中小企业入库登记编号", "科技型中小企业编号", "tech_sme_number"}},
	tabular.Column{Key: "high_tech_cert_number", Names: []string{"高新技术企业证书编号", "高企证书编号", "high_tech_cert_number"}},
	tabular.Column{Key: "national_top3_before", Names: []string{"是否获得过全国赛前三名", "全国赛前三名", "national_top3_before"}},
)
