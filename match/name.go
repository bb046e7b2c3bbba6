package match

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// Names as the departments type them differ in ways that do not make them different names: surrounding and
// inner spaces, full-width letters, the middle dot of minority names typed as one of its look-alikes,
// traditional characters, and a rare character that the input method could not produce, typed as `?`, `？`,
// `□` or in pinyin. NormalizeName removes the first four and turns the last into the wildcard `?`.
// The same normalisation exists in SQL as the macro name_norm(s), created by Link from the same tables, so
// that matching runs as set operations in DuckDB; TestNameNormSQLAgreesWithGo keeps the two in step.

// Wildcard stands for a character the source could not type; it agrees with any character.
const Wildcard = '?'

// nameDot is the middle dot of minority names (GB 18030 U+00B7) that every look-alike becomes.
const nameDot = '·'

// dotLookAlikes are the characters typed for the middle dot: bullet, hyphenation point, katakana middle dot
// (full and half width), full-width full stop, full stop, dot operator, bullet operator, Greek ano teleia,
// and the hyphens some systems put in its place (the hyphen-minus last: the SQL uses the string as a
// bracket expression).
const dotLookAlikes = "·•‧・･．.⋅∙·‐‑-"

// rareMarks are what clerks type for a character their input method lacks.
const rareMarks = "?？□■"

// tradSimp lists traditional characters that occur in names, each followed by its simplified form. Surnames
// that are distinct characters in simplified use too (於, 甯, 乾, 後) are deliberately left out.
const tradSimp = `張张 陳陈 劉刘 楊杨 黃黄 趙赵 吳吴 週周 孫孙 馬马 鄭郑 謝谢 韓韩 馮冯 許许 鄧邓 蕭萧 葉叶 呂吕 蘇苏
盧卢 蔣蒋 賈贾 閻阎 鍾钟 譚谭 陸陆 錢钱 龍龙 萬万 顧顾 賴赖 鄒邹 羅罗 韋韦 湯汤 費费 倫伦 範范 嚴严 龔龚 鳳凤 華华
國国 強强 軍军 偉伟 東东 紅红 麗丽 靜静 傑杰 濤涛 輝辉 鵬鹏 飛飞 劍剑 鋒锋 詩诗 夢梦 蘭兰 雲云 貴贵 興兴 榮荣 寶宝
發发 義义 禮礼 廣广 慶庆 賢贤 勝胜 蓮莲 鳴鸣 豔艳 艷艳 嬌娇 靈灵 嵐岚 瑩莹 愛爱 聰聪 銘铭 錦锦 剛刚 學学 寧宁 長长
歡欢 樂乐 亞亚 進进 順顺 濱滨 維维 銀银 錫锡 鐵铁 純纯 緒绪 綠绿 紹绍 經经 絲丝 綺绮 練练 結结 緣缘 繼继 續续 會会
軒轩 輪轮 連连 運运 遠远 達达 邁迈 邊边 選选 遜逊 鄺邝 顏颜 顥颢 頌颂 須须 頤颐 願愿 顯显 風风 颯飒 馳驰 駿骏 騰腾
驍骁 魯鲁 鯤鲲 鴻鸿 鶴鹤 鷹鹰 麥麦 黨党 齊齐 齡龄 嶺岭 峯峰 島岛 崗岗 幫帮 彥彦 徹彻 徵征 憲宪 懷怀 戰战 擁拥 敘叙
曉晓 暉晖 曄晔 書书 棟栋 楨桢 樑梁 標标 樺桦 橋桥 機机 權权 歐欧 滬沪 潔洁 潤润 澤泽 濟济 瀅滢 灣湾 煒炜 燁烨 爾尔
獻献 玨珏 瑋玮 璣玑 環环 瓊琼 畢毕 盡尽 碩硕 祿禄 禎祯 穎颖 競竞 節节 簡简 紀纪 紋纹 納纳 絢绚 統统 綱纲 綿绵 總总
繽缤 聖圣 聞闻 聯联 臨临 與与 莊庄 葦苇 蒼苍 蔭荫 薈荟 藝艺 藍蓝 蘋苹 衛卫 覺觉 親亲 詠咏 誠诚 諾诺 謙谦 譽誉 護护
讓让 豐丰 貞贞 財财 賓宾 賞赏 贏赢 躍跃 軼轶 輔辅 農农 遙遥 鄰邻 釗钊 鈞钧 鈺钰 銓铨 鋼钢 錚铮 鍵键 鎔镕 鏡镜 鐘钟
鑒鉴 閃闪 開开 閣阁 闊阔 陽阳 隨随 雙双 韻韵 響响 頂顶 項项 領领 頡颉 額额 鷗鸥 點点 傳传 億亿 儀仪 優优 兒儿 兩两
凱凯 創创 勵励 勻匀 協协 厲厉 參参 嘯啸 團团 園园 圓圆 圖图 堅坚 場场 壯壮 壽寿 奮奋 嬋婵 寬宽 實实 寵宠 將将 專专
岡冈 嶽岳 巖岩 帥帅 師师 廟庙 彎弯 從从 復复 恆恒 悅悦 態态 憶忆 應应 戀恋 擇择 據据 擴扩 攜携 數数 斕斓 時时 晉晋
暢畅 曆历 極极 樹树 橫横 櫻樱 歸归 歲岁 氣气 漢汉 滿满 漁渔 潛潜 澗涧 濃浓 瀋沈 灝灏 燈灯 營营 爭争 爺爷 獎奖 現现
琿珲 瑤瑶 產产 異异 畫画 當当 盤盘 眾众 礦矿 禪禅 穩稳 竇窦 築筑 篤笃 簫箫 紗纱 紳绅 細细 組组 絡络 給给 綜综 網网
緯纬 緻致 縱纵 習习 翹翘 聲声 肅肃 脈脉 興兴 艱艰 蕓芸 螢萤 補补 視视 訊讯 記记 評评 詞词 誼谊 諸诸 謀谋 證证 議议
讚赞 貝贝 貢贡 貫贯 貿贸 賀贺 資资 賦赋 質质 購购 趨趋 較较 輕轻 載载 辭辞 釋释 針针 鈴铃 鉅钜 錄录 鍊炼 鎖锁 閩闽
隱隐 雜杂 頁页 預预 頭头 顆颗 飄飘 養养 餘余 館馆 驗验 體体 鬆松 鬱郁 魚鱼 鮮鲜 鳥鸟 鷺鹭 齒齿 龐庞 瑪玛 瑯琅 壩坝
壇坛 奧奥 婁娄 尋寻 嶸嵘 巒峦 幟帜 廬庐 彌弥 徑径 懸悬 擺摆 斷断 棲栖 檸柠 溫温 滄沧 漣涟 潯浔 灑洒 爐炉 獨独 璽玺
甌瓯 皚皑 盞盏 矯矫 禦御 穌稣 籌筹 簽签 紐纽 絨绒 綏绥 緹缇 縉缙 繡绣 纓缨 翺翱 聶聂 臺台 舉举 萊莱 蒔莳 蓋盖 蕪芜
薑姜 薦荐 藥药 蘆芦 襲袭 覽览 誌志 謹谨 贊赞 跡迹 蹤踪 軾轼 轟轰 遲迟 鄔邬 酈郦 釵钗 鈕钮 鉑铂 銳锐 鋪铺 鎧铠 鑄铸
閔闵 闞阚 陝陕 隴陇 靚靓 韌韧 頗颇 顓颛 饒饶 駱骆 騏骐 驥骥 鮑鲍 鯉鲤 鵑鹃 鶯莺 鸞鸾 齋斋 儉俭 勳勋 匯汇 壺壶 奐奂
崑昆 巔巅 帶带 廳厅 彈弹 徠徕 惲恽 戶户 擊击 攬揽 曇昙 楓枫 樓楼 樸朴 歷历 湧涌 滎荥 瀟潇 灤滦 烏乌 無无 燦灿 燭烛
爍烁 牆墙 獅狮 璉琏 瓏珑 疊叠 荊荆 薊蓟 蘊蕴 覓觅 詢询 誦诵 諒谅 諧谐 譯译 讀读 賽赛 贈赠 輩辈 轉转 辯辩 遺遗 鄲郸
銅铜 鋁铝 鐸铎 閏闰 陰阴 險险 雋隽 靄霭 韜韬 頓顿 騎骑 驕骄 鱗鳞 鴿鸽 鵝鹅 鳩鸠 門门 闖闯 陳陈 隊队 階阶 難难 雞鸡
離离 電电 霧雾 題题 頻频 龜龟 冊册 劃划 勞劳 區区 報报 塵尘 墾垦 夠够 奪夺 婦妇 媽妈 屆届 屬属 帳帐 幣币 幹干 庫库
廠厂 彙汇 懇恳 戲戏 敗败 斂敛 殘残 犧牺 療疗 碼码 稅税 窮穷 範范 罰罚 腳脚 臉脸 虧亏 蝦虾 託托 試试 謠谣 負负 辦办
邏逻 醫医 鑫鑫`

// pinyinGroups lists common name characters by their reading (tone ignored, the usual reading in names for
// characters with several). Characters of one group sound the same: a clerk who typed 张伟 as 章伟 or 张玮
// made a homophone typo, not a different name. The table is hand-made for names; github.com/mozillazg/go-pinyin
// is not available here.
const pinyinGroups = `a:阿 ai:爱艾蔼霭 an:安岸 ang:昂 ao:奥傲敖 ba:巴八芭霸 bai:白柏百佰 ban:班斑 bang:邦帮榜
bao:宝保葆鲍包豹 bei:贝北蓓倍 bi:碧必毕璧弼 bian:边卞汴 biao:彪标 bin:斌彬宾滨 bing:冰兵炳秉 bo:波博伯勃
bu:步卜 cai:才彩财蔡采 can:灿璨 cang:苍仓 cao:曹草 ce:策 cen:岑 chang:昌长常畅 chao:超朝潮巢
chen:陈晨辰琛臣沉宸 cheng:成程诚承城澄橙 chi:驰池迟 chong:崇冲 chu:楚初储 chuan:川传 chun:春纯淳
cong:聪丛 cui:翠崔 cun:存 da:达大 dai:戴黛岱代 dan:丹单旦 dang:党 dao:道 de:德 deng:邓登 di:迪笛娣帝
dian:典 ding:丁定鼎 dong:东冬栋董 dou:窦 du:杜都笃 duan:段端 dun:敦 e:娥鄂 en:恩 er:尔 fa:发法
fan:凡帆范樊繁 fang:方芳放房 fei:飞菲斐费 fen:芬 feng:峰风丰凤锋冯枫 fu:福富甫付傅符芙 gang:刚钢 gao:高
ge:歌葛戈格 geng:耿 gong:功宫龚巩恭 gu:古谷顾固 guan:冠关管 guang:光广 gui:贵桂 guo:国郭果 hai:海
han:汉涵晗寒翰韩含 hang:杭航 hao:浩豪昊皓郝好 he:和河贺何禾荷赫鹤 heng:恒衡亨 hong:红洪鸿宏弘虹
hou:侯厚 hu:虎胡湖 hua:华花桦 huai:怀 huan:欢焕环 huang:黄煌凰皇 hui:辉慧惠会晖蕙卉 huo:霍
ji:吉纪姬季骥冀继佶 jia:佳家嘉贾甲 jian:健建剑坚俭鉴 jiang:江姜蒋将疆 jiao:娇姣焦 jie:杰洁婕捷
jin:金锦晋瑾津进近 jing:静晶京景敬菁婧靖井 jiu:久玖 ju:菊居举聚 juan:娟鹃 jun:军君俊骏钧峻 kai:凯开楷
kang:康 ke:可科克珂柯 kun:坤昆 lai:来莱赖 lan:兰岚蓝澜 lang:朗郎 lei:雷磊蕾 li:丽立莉李力黎理利礼俐
lian:莲连廉 liang:亮良梁靓 lin:林琳霖麟临 ling:玲灵凌岭铃龄 liu:刘柳流六 long:龙隆 lu:鲁路露陆卢鹿璐
lv:吕绿律 lun:伦 luo:罗洛骆 ma:马 mai:麦迈 man:曼满蔓 mao:毛茂 mei:美梅玫媚 meng:孟梦萌蒙 mi:米秘蜜
miao:苗妙 min:敏民闽 ming:明鸣铭名 mo:莫墨 mu:穆木牧慕 na:娜纳 nan:南楠 ni:倪妮霓 ning:宁凝 niu:牛 nuo:诺
ou:欧鸥 pan:潘盼攀 pei:培佩裴沛 peng:鹏彭朋 ping:平萍坪 qi:琪奇齐祺启琦麒 qian:倩谦钱茜千 qiang:强
qiao:乔巧桥 qin:秦琴勤钦沁 qing:青清庆晴卿 qiu:秋邱丘 quan:全权泉 qun:群 ran:然冉 rong:荣蓉容融 ru:如茹儒
rui:瑞睿蕊锐 run:润 ruo:若 shan:山珊善杉 shang:尚上 shao:少邵绍韶 shen:申沈深慎 sheng:生胜盛圣升
shi:石诗世施史仕士 shu:淑书舒树 shuang:双爽 shun:顺舜 si:思斯丝 song:松宋颂嵩 su:苏素 sui:穗 sun:孙
tai:太泰 tan:谭坦 tang:唐堂棠汤 tao:涛陶桃韬 teng:腾 tian:天田甜 ting:婷亭庭廷 tong:桐同童彤 wan:万婉琬宛
wang:王旺望汪 wei:伟卫薇维魏韦威巍蔚玮 wen:文雯温闻 wu:武吴五伍午悟 xi:喜西希熙曦溪 xia:霞夏侠
xian:贤仙先娴显 xiang:祥翔香向湘项 xiao:小晓孝萧笑 xin:新欣心鑫馨信昕 xing:星兴幸杏邢 xiong:雄熊 xiu:秀修
xu:旭许徐栩 xuan:轩萱宣璇炫 xue:雪学薛 xun:勋迅寻 ya:雅亚娅 yan:燕艳严岩颜彦妍延言闫阎 yang:杨阳洋扬
yao:瑶姚耀尧 ye:叶业烨晔 yi:一怡依艺毅义益宜亿逸仪 yin:银音殷尹茵 ying:英莹颖迎盈应鹰 yong:勇永咏庸
you:友有尤游优佑 yu:玉宇雨俞余于钰语郁渝瑜豫羽 yuan:元媛园源远袁苑 yue:月悦岳跃越 yun:云芸韵运允 ze:泽则
zeng:曾增 zhan:展詹战 zhang:张章彰璋 zhao:赵昭照兆钊 zhe:哲喆 zhen:珍真振贞震 zheng:正郑政峥征铮
zhi:志智芝之治致枝 zhong:中忠钟仲 zhou:周舟洲州 zhu:朱珠竹祝柱诸 zhuang:庄壮 zhuo:卓 zi:子紫梓自姿 zong:宗
zou:邹 zuo:左佐`

var (
	toSimplified = map[rune]rune{}
	// soundOf maps a character to the first character of its pinyin group: two names sound alike when they
	// are equal after this mapping.
	soundOf = map[rune]rune{}
)

func init() {
	for _, pair := range strings.Fields(tradSimp) {
		r := []rune(pair)
		if len(r) == 2 && r[0] != r[1] {
			toSimplified[r[0]] = r[1]
		}
	}
	for _, g := range strings.Fields(pinyinGroups) {
		_, chars, _ := strings.Cut(g, ":")
		rs := []rune(chars)
		for _, r := range rs {
			if _, dup := soundOf[r]; !dup {
				soundOf[r] = rs[0]
			}
		}
	}
}

// NormalizeName returns the form of a person's name that matching compares: no white space anywhere,
// full-width letters folded, every middle-dot look-alike made `·`, traditional characters made simplified,
// and a rare character typed as `?`, `？`, `□` or as a run of pinyin letters made the Wildcard.
func NormalizeName(s string) string {
	var b strings.Builder
	inLatin := false
	for _, r := range width.Fold.String(s) {
		switch {
		case unicode.IsSpace(r) || r == '\u3000' || r == '\u00a0' || r == '\u200b' || r == '\ufeff':
			continue
		case r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'):
			if !inLatin {
				b.WriteRune(Wildcard)
			}
			inLatin = true
			continue
		case strings.ContainsRune(dotLookAlikes, r):
			r = nameDot
		case strings.ContainsRune(rareMarks, r):
			r = Wildcard
		default:
			if t, ok := toSimplified[r]; ok {
				r = t
			}
		}
		inLatin = false
		b.WriteRune(r)
	}
	return b.String()
}

// NameSound returns a normalised name with every character replaced by a representative of the characters
// that sound the same; characters the table does not know stay as they are.
func NameSound(norm string) string {
	return strings.Map(func(r rune) rune {
		if s, ok := soundOf[r]; ok {
			return s
		}
		return r
	}, norm)
}

// Name agreement levels, strongest first, as NameAgreement returns them and the names_agree SQL macro too.
const (
	NamesSame      = "same"      // equal after normalisation
	NamesRare      = "rare"      // equal where neither has a Wildcard
	NamesHomophone = "homophone" // they sound the same, character by character
	NamesDiffer    = "differ"
)

// NameAgreement compares two normalised names; it returns "" when either is empty (nothing to compare).
func NameAgreement(a, b string) string {
	if a == "" || b == "" {
		return ""
	}
	// The middle dot is often left out (艾力买买提 for 艾力·买买提), or a space stood for it.
	if a == b || strings.ReplaceAll(a, string(nameDot), "") == strings.ReplaceAll(b, string(nameDot), "") {
		return NamesSame
	}
	if wildEqual([]rune(a), []rune(b)) {
		return NamesRare
	}
	if wildEqual([]rune(NameSound(a)), []rune(NameSound(b))) {
		return NamesHomophone
	}
	return NamesDiffer
}

func wildEqual(a, b []rune) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] && a[i] != Wildcard && b[i] != Wildcard {
			return false
		}
	}
	return true
}

// NameSimilarity is 1 minus the Levenshtein distance of a and b counted in characters (runes), divided by
// the longer length: 1 for equal names, 0 for nothing in common. DuckDB's levenshtein counts bytes, which
// makes one different Chinese character cost three.
func NameSimilarity(a, b string) float64 {
	ra, rb := []rune(a), []rune(b)
	if len(ra) == 0 && len(rb) == 0 {
		return 1
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] || ra[i-1] == Wildcard || rb[j-1] == Wildcard {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return 1 - float64(prev[len(rb)])/float64(max(len(ra), len(rb)))
}
