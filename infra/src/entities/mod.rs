//! sea-orm entities: one file per table, shaped like the schema and holding no behaviour.
//! Rules live in `liaison-domain`; use-cases in `liaison-api`.

pub mod attachments;
pub mod audit_entries;
pub mod audit_entry_stations;
pub mod case_counters;
pub mod case_events;
pub mod cases;
pub mod categories;
pub mod deadline_marks;
pub mod deliveries;
pub mod department_ratings;
pub mod departments;
pub mod deputies;
pub mod deputy_group_members;
pub mod deputy_groups;
pub mod deputy_stations;
pub mod duty_shifts;
pub mod figure_days;
pub mod figure_durations;
pub mod figure_month_durations;
pub mod figure_months;
pub mod figure_restated_days;
pub mod figure_rollup;
pub mod idempotency_keys;
pub mod leases;
pub mod notifications;
pub mod reception_days;
pub mod reception_deputies;
pub mod receptions;
pub mod refresh_tokens;
pub mod regions;
pub mod register_entries;
pub mod reply_templates;
pub mod scoring_schemes;
pub mod shift_check_ins;
pub mod stations;
pub mod subscription_grants;
pub mod user_stations;
pub mod users;
pub mod webhooks;
pub mod word;

pub use word::Word;
