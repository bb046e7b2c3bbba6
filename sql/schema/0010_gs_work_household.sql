-- src_gs_work: the 全国系统's 务工月监测 exports (see sources/kind_gs_work.go), one row per work spell; planned is
-- true for the rows of a 计划外出务工信息 file (working is then its 是否计划务工). work_county is the 务工所在县, or
-- the 计划务工所在县 of a planned row.
CREATE TABLE src_gs_work (
    file_id BIGINT NOT NULL, sheet VARCHAR, row_no INTEGER NOT NULL,
    county VARCHAR, town VARCHAR, village VARCHAR,
    household_no VARCHAR, person_no VARCHAR,
    name VARCHAR, id_raw VARCHAR, id_number VARCHAR,
    household_type VARCHAR, monitor_type VARCHAR,
    working BOOLEAN,
    start_on DATE, start_on_precision VARCHAR,
    end_on DATE, end_on_precision VARCHAR,
    work_county VARCHAR, channel VARCHAR, monthly_wage DOUBLE, employer VARCHAR, industry VARCHAR,
    point_to_point VARCHAR, transport_subsidy DOUBLE, service_need VARCHAR,
    planned BOOLEAN,
    extra JSON
);

-- src_gs_household: the 全国系统's （乡村建设）户信息 export (see sources/kind_gs_household.go), one row per
-- household, named by its 户主.
CREATE TABLE src_gs_household (
    file_id BIGINT NOT NULL, sheet VARCHAR, row_no INTEGER NOT NULL,
    county VARCHAR, town VARCHAR, village VARCHAR,
    household_no VARCHAR,
    name VARCHAR, id_raw VARCHAR, id_number VARCHAR,
    household_type VARCHAR, monitor_type VARCHAR,
    toilet VARCHAR, toilet_usable BOOLEAN,
    housing_safe BOOLEAN, water_safe BOOLEAN, road_hardened BOOLEAN, electricity BOOLEAN,
    extra JSON
);
