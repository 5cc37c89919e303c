-- The read of GET /api/v1/cases?limit=20 for a county admin: a page, newest first.
-- pgbench -D: county.
SELECT * FROM cases WHERE county_id = :county ORDER BY id DESC LIMIT 21;
