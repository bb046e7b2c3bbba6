package bidui

// The 全国系统's exports beside the person table that the data-quality rules read. They are registered here, in
// the vocabulary, rather than by the importer (sources/kind_gs_work.go, kind_gs_household.go describe their
// columns): a rule file names its kinds in `needs:`, and the rule catalogue is parsed by packages (rules, and
// its tests) that never link the importer.
var (
	KindGSWork      = RegisterKind("gs_work", "务工监测")         // 已外出务工信息 and 计划外出务工信息, one row per spell
	KindGSHousehold = RegisterKind("gs_household", "乡村建设户信息") // （乡村建设）户信息, one row per household
)
