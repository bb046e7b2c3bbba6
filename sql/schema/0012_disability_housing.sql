-- src_disability: the 残联 持证残疾人名单 (sources/kind_disability.go), one row per card. cert_no is the 残疾人证号
-- normalised (18, 20 or 22 characters); id_number is the ID column's, else the 证号's first 18 characters (then
-- id_raw is the 证号). category (视力 … 多重) and grade (1–4) are the columns', else the 证号's digits.
-- status: active | inactive (正常/有效/blank → active).
CREATE TABLE src_disability (
    file_id BIGINT NOT NULL, sheet VARCHAR, row_no INTEGER NOT NULL,
    county VARCHAR, town VARCHAR, village VARCHAR,
    name VARCHAR, cert_no VARCHAR, id_raw VARCHAR, id_number VARCHAR,
    category VARCHAR, grade INTEGER,
    issued_on DATE, issued_on_precision VARCHAR,
    valid_until DATE, valid_until_precision VARCHAR,
    status VARCHAR,
    cancelled_on DATE, cancelled_on_precision VARCHAR, cancel_reason VARCHAR,
    extra JSON
);

-- src_housing: the 住建 农村房屋安全鉴定表 / 危房改造台账 (sources/kind_housing.go), one row per house and
-- appraisal. id_number is the contract's head_id (户主身份证号, though it may be any member's), head_name the
-- 户主. grade: A | B | C | D (局部危房 → C, 整栋危房 → D). reno_status: not_started | in_progress | done
-- (blank → not_started).
CREATE TABLE src_housing (
    file_id BIGINT NOT NULL, sheet VARCHAR, row_no INTEGER NOT NULL,
    town VARCHAR, village VARCHAR,
    head_name VARCHAR, id_raw VARCHAR, id_number VARCHAR,
    grade VARCHAR,
    appraised_on DATE, appraised_on_precision VARCHAR,
    reno_status VARCHAR, reno_mode VARCHAR,
    completed_on DATE, completed_on_precision VARCHAR,
    object_type VARCHAR,
    extra JSON
);
