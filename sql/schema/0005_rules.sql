-- The villages' answers on each finding (from returned workbooks, src_verification) as Settle applied them.

ALTER TABLE findings_history ADD COLUMN feedback VARCHAR;          -- 已反馈修正仍存在: answered 已修正, still raised
ALTER TABLE findings_history ADD COLUMN verification VARCHAR;      -- the latest 核实结果 given for the finding
ALTER TABLE findings_history ADD COLUMN verification_note VARCHAR; -- the latest 核实说明 given with it
