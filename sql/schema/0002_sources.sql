-- Normalised source rows, one table per source kind. Every row carries its provenance (file_id, sheet, row_no:
-- the 1-based row number in the sheet as a spreadsheet shows it). id_raw is the ID cell as found (trimmed);
-- id_number is its normalised form, NULL when it was rejected. Yes/no columns are BOOLEAN (NULL = blank or
-- unreadable). Every DATE column X has X_precision: 'day' or 'month' (month precision dates hold the 1st).
-- Headers the importer does not know are kept in extra (JSON object header -> value).

CREATE TABLE src_gs (
    file_id BIGINT NOT NULL, sheet VARCHAR, row_no INTEGER NOT NULL,
    county VARCHAR, town VARCHAR, village VARCHAR,
    household_no VARCHAR, person_no VARCHAR,
    name VARCHAR, id_raw VARCHAR, id_number VARCHAR, id_type VARCHAR,
    sex VARCHAR, birth_date DATE, birth_date_precision VARCHAR,
    relation VARCHAR,
    household_type VARCHAR, monitor_type VARCHAR, policy_status VARCHAR, poverty_exit_year INTEGER,
    school_status VARCHAR, out_of_school_reason VARCHAR, education_level VARCHAR,
    health VARCHAR, labour VARCHAR,
    resident_medical BOOLEAN, employee_medical BOOLEAN,
    dibao VARCHAR, tekun VARCHAR,
    no_labour_household BOOLEAN,
    risks VARCHAR[],
    risk_eliminated BOOLEAN,
    identified_on DATE, identified_on_precision VARCHAR,
    eliminated_on DATE, eliminated_on_precision VARCHAR,
    elimination_mode VARCHAR,
    income_per_capita DOUBLE, self_pay DOUBLE,
    dev_support VARCHAR,
    measures STRUCT(category VARCHAR, text VARCHAR)[],
    housing_unsafe BOOLEAN, water_safe BOOLEAN,
    extra JSON
);

CREATE TABLE src_dibao (
    file_id BIGINT NOT NULL, sheet VARCHAR, row_no INTEGER NOT NULL,
    county VARCHAR, town VARCHAR, village VARCHAR,
    head_name VARCHAR, head_id_raw VARCHAR, head_id VARCHAR,
    -- The dibao household: head_id, else the ID of the 户主 row that opens the member's group in file order,
    -- else the member's own ID, else 'row:<file sha256 prefix>:<sheet>:<row>'.
    household_key VARCHAR,
    name VARCHAR, id_raw VARCHAR, id_number VARCHAR,
    relation VARCHAR, family_size INTEGER, monthly_amount DOUBLE,
    approved_on DATE, approved_on_precision VARCHAR,
    status VARCHAR,                 -- active | stopped
    stopped_on DATE, stopped_on_precision VARCHAR, stop_reason VARCHAR,
    area_type VARCHAR,              -- 农村 | 城市 (default 农村)
    extra JSON
);

CREATE TABLE src_tekun (
    file_id BIGINT NOT NULL, sheet VARCHAR, row_no INTEGER NOT NULL,
    county VARCHAR, town VARCHAR, village VARCHAR,
    name VARCHAR, id_raw VARCHAR, id_number VARCHAR,
    support_mode VARCHAR,           -- 分散供养 | 集中供养
    approved_on DATE, approved_on_precision VARCHAR,
    status VARCHAR,                 -- active | stopped
    stopped_on DATE, stopped_on_precision VARCHAR, stop_reason VARCHAR,
    extra JSON
);

CREATE TABLE src_medical (
    file_id BIGINT NOT NULL, sheet VARCHAR, row_no INTEGER NOT NULL,
    name VARCHAR, id_raw VARCHAR, id_number VARCHAR,
    insured_status VARCHAR,         -- insured | not_insured
    insurance_type VARCHAR,         -- resident | employee
    insured_region VARCHAR, year INTEGER, subsidy_category VARCHAR,
    self_pay_inpatient DOUBLE, self_pay_outpatient DOUBLE,
    self_pay_total DOUBLE,          -- inpatient + outpatient when the file has no total
    total_cost DOUBLE,
    extra JSON
);

CREATE TABLE src_education (
    file_id BIGINT NOT NULL, sheet VARCHAR, row_no INTEGER NOT NULL,
    name VARCHAR, id_raw VARCHAR, id_number VARCHAR,
    school VARCHAR, stage VARCHAR, grade VARCHAR,
    enrollment VARCHAR,             -- enrolled | not_enrolled
    aid VARCHAR,
    extra JSON
);

CREATE TABLE src_review (
    file_id BIGINT NOT NULL, sheet VARCHAR, row_no INTEGER NOT NULL,
    town VARCHAR, village VARCHAR,
    head_name VARCHAR, id_raw VARCHAR, id_number VARCHAR,
    reviewed_on DATE, reviewed_on_precision VARCHAR,
    conclusion VARCHAR,             -- include | exclude
    reason VARCHAR, "trigger" VARCHAR, reviewer VARCHAR,
    extra JSON
);

CREATE TABLE src_verification (
    file_id BIGINT NOT NULL, sheet VARCHAR, row_no INTEGER NOT NULL,
    finding_id VARCHAR, result VARCHAR, note VARCHAR, verifier VARCHAR,
    verified_on DATE, verified_on_precision VARCHAR,
    extra JSON
);
