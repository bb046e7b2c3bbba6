-- Each rule's category and the national 疑点数据 numbers it covers (the header fields category and
-- national_code of a .sql rule or a check-table entry). category is 部门比对 (a department's data against the
-- 全国系统 export), 数据质量 (the export against itself) or 研判程序 (the review procedure).
ALTER TABLE rule_catalogue ADD COLUMN category VARCHAR;
ALTER TABLE rule_catalogue ADD COLUMN national_code VARCHAR[];
