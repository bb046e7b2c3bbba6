-- src_death: the death lists of 公安 (户籍注销), 民政 (殡葬火化) and 卫健 (死亡医学证明), see sources/kind_death.go.
-- One row per row of the list; is_death is false for a 注销 for another reason (迁出, 宣告失踪 …), which feeds
-- nothing. source_dept is 数据来源 as the list says it, else 民政 for a list with 火化日期, 公安 for one with a
-- 注销日期, 卫健 otherwise.
CREATE TABLE src_death (
    file_id BIGINT NOT NULL, sheet VARCHAR, row_no INTEGER NOT NULL,
    county VARCHAR, town VARCHAR, village VARCHAR, address VARCHAR,
    name VARCHAR, id_raw VARCHAR, id_number VARCHAR,
    death_date DATE, death_date_precision VARCHAR,
    cremated_on DATE, cremated_on_precision VARCHAR,
    deregistered_on DATE, deregistered_on_precision VARCHAR,
    dereg_reason VARCHAR,
    source_dept VARCHAR,
    is_death BOOLEAN,
    extra JSON
);

-- src_pension: 人社's 城乡居民基本养老保险 exports (参保花名册, 年度缴费明细, 待遇领取名单, 代缴名单), see
-- sources/kind_pension.go.
CREATE TABLE src_pension (
    file_id BIGINT NOT NULL, sheet VARCHAR, row_no INTEGER NOT NULL,
    county VARCHAR, town VARCHAR, village VARCHAR,
    name VARCHAR, id_raw VARCHAR, id_number VARCHAR,
    insured_status VARCHAR,         -- paying | receiving | suspended | ended | none
    benefit_status VARCHAR,         -- paid | stopped
    subsidy_category VARCHAR,       -- the 代缴类别 as written; 'none' for 无/否/blank; NULL: the file has no such column
    year INTEGER,
    level DOUBLE,                   -- the 缴费档次 in yuan (100元档 -> 100)
    personal_paid DOUBLE, subsidy_amount DOUBLE,
    scheme VARCHAR,                 -- resident | employee
    stopped_on DATE, stopped_on_precision VARCHAR, stop_reason VARCHAR,
    extra JSON
);
