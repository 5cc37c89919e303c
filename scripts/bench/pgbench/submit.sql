-- The writes of one submit, as the server makes them: the day's counter, the case with its
-- search terms (a number that grows wider past 9999, as the server's does), its first event
-- and a notification, in one transaction.
-- pgbench -D: station, county, category, resident_first, resident_last, staff.
\set resident random(:resident_first, :resident_last)
BEGIN;
INSERT INTO case_counters (prefix, day, seq) VALUES ('PB', to_char(now(), 'YYYYMMDD'), 1)
  ON CONFLICT (prefix, day) DO UPDATE SET seq = case_counters.seq + 1 RETURNING seq \gset
INSERT INTO cases (number, station_id, county_id, category_id, resident_id, assignee_id,
    department_id, title, content, location, anonymous, contact_phone, status, flagged,
    reopen_count, escalated, respond_by, resolve_by, first_response_at, resolved_at, closed_at,
    rating, rating_comment, version, created_at, updated_at, search_terms)
  VALUES ('PB-' || to_char(now(), 'YYYYMMDD') || '-' || lpad(:seq::text, greatest(4, length(:seq::text)), '0'), :station,
    :county, :category, :resident, NULL, NULL, '人民路路灯不亮',
    '人民路88号附近的路灯一直不亮，晚上出行很不安全，希望尽快维修。', '柏城街道人民路', false,
    NULL, 'submitted', false, 0, false, now() + interval '48 hours', now() + interval '15 days',
    NULL, NULL, NULL, NULL, NULL, 0, now(), now(),
    'pb 人 人民 民 民路 路 路路 路灯 灯 灯不 不 不亮 亮 88 号 号附 附 附近 近')
  RETURNING id, number \gset
INSERT INTO case_events (case_id, kind, actor_id, actor_role, actor_name, text, internal,
    created_at)
  VALUES (:id, 'submitted', :resident, 'resident', '居民', NULL, false, now());
INSERT INTO notifications (user_id, case_id, kind, title, body, read_at, created_at)
  VALUES (:staff, :id, 'submitted', :number || ' 新诉求', '人民路路灯不亮', NULL, now());
COMMIT;
