-- The reads of GET /api/v1/cases/{id}: the case, its photos and its timeline.
-- pgbench -D: first, last (case ids).
\set id random(:first, :last)
SELECT * FROM cases WHERE id = :id;
SELECT * FROM attachments WHERE case_id = :id ORDER BY id;
SELECT * FROM case_events WHERE case_id = :id ORDER BY id;
