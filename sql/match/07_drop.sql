-- The cascade's temporary tables.

DROP TABLE m_chars;
DROP TABLE m_names;
DROP TABLE m_rows;
DROP TABLE m_known;
DROP TABLE m_suspect;
DROP TABLE m_cand;
DROP TABLE m_conf;
DROP TABLE m_corrected;
DROP TABLE m_byname;
DROP TABLE m_link;
