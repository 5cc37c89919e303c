//! The subscribe-message templates configured for this mini-program, checked once at start so
//! that a wrong key name fails the start, not every send.

use std::collections::BTreeMap;

use anyhow::{anyhow, bail};
use chrono::{DateTime, Utc};
use liaison_domain::case::EventKind;
use liaison_domain::subscribe::{self, KeyType, Source, Template};
use liaison_infra::entities::cases;
use liaison_infra::wechat::SubscribeMessage;

use crate::notifications::inbox::headline;
use crate::settings::TemplateSettings;

#[derive(Debug, Default)]
pub struct Templates {
    configured: BTreeMap<Template, Configured>,
}

#[derive(Debug)]
pub struct Configured {
    pub id: String,
    page: Option<String>,
    fields: Vec<Field>,
}

#[derive(Debug)]
struct Field {
    key: String,
    kind: KeyType,
    source: Source,
}

/// What a message says, read off the case and the step.
pub struct Facts<'a> {
    pub case: &'a cases::Model,
    pub event: EventKind,
    pub station: &'a str,
    pub at: DateTime<Utc>,
}

impl Templates {
    pub fn from_settings(settings: &BTreeMap<String, TemplateSettings>) -> anyhow::Result<Self> {
        let mut configured = BTreeMap::new();
        for (name, template) in settings {
            let which = Template::parse(name).map_err(|_| {
                anyhow!("wechat.templates.{name}: unknown template; use progress or resolved")
            })?;
            if template.id.trim().is_empty() {
                bail!("wechat.templates.{name}.id is empty");
            }
            let mut fields = Vec::new();
            for (key, source) in &template.fields {
                let kind = KeyType::of(key).ok_or_else(|| {
                    anyhow!("wechat.templates.{name}.fields.{key}: not a WeChat template key name")
                })?;
                let source = Source::parse(source).map_err(|_| {
                    anyhow!("wechat.templates.{name}.fields.{key}: unknown value {source:?}")
                })?;
                fields.push(Field {
                    key: key.clone(),
                    kind,
                    source,
                });
            }
            configured.insert(
                which,
                Configured {
                    id: template.id.clone(),
                    page: template.page.clone(),
                    fields,
                },
            );
        }
        Ok(Self { configured })
    }

    pub fn get(&self, template: Template) -> Option<&Configured> {
        self.configured.get(&template)
    }

    pub fn knows_id(&self, id: &str) -> bool {
        self.configured.values().any(|t| t.id == id)
    }
}

impl Configured {
    /// The message to `openid`, each value cut to its key's limit.
    pub fn message(&self, openid: &str, facts: &Facts<'_>, state: &str) -> SubscribeMessage {
        let data = self
            .fields
            .iter()
            .map(|field| {
                let value = match field.source {
                    Source::Number => facts.case.number.clone(),
                    Source::Title => facts.case.title.clone(),
                    Source::Status => subscribe::status_words(*facts.case.status).to_owned(),
                    Source::Headline => headline(facts.event).to_owned(),
                    Source::Time => subscribe::beijing_time(facts.at),
                    Source::Station => facts.station.to_owned(),
                };
                (field.key.clone(), subscribe::fit(field.kind, &value))
            })
            .collect();
        SubscribeMessage {
            touser: openid.to_owned(),
            template_id: self.id.clone(),
            page: self
                .page
                .as_ref()
                .map(|page| page.replace("{case_id}", &facts.case.id.to_string())),
            data,
            miniprogram_state: Some(state.to_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(fields: &[(&str, &str)]) -> BTreeMap<String, TemplateSettings> {
        BTreeMap::from([(
            "progress".to_owned(),
            TemplateSettings {
                id: "tmpl-1".to_owned(),
                page: Some("pages/case/detail?id={case_id}".to_owned()),
                fields: fields
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                    .collect(),
            },
        )])
    }

    #[test]
    fn wrong_names_fail_the_start_and_say_where() {
        let error = Templates::from_settings(&settings(&[("colour1", "title")])).unwrap_err();
        assert!(error.to_string().contains("fields.colour1"), "{error}");
        let error = Templates::from_settings(&settings(&[("thing1", "mood")])).unwrap_err();
        assert!(error.to_string().contains("\"mood\""), "{error}");
        let mut unknown = settings(&[]);
        let template = unknown.remove("progress").unwrap();
        unknown.insert("weather".to_owned(), template);
        let error = Templates::from_settings(&unknown).unwrap_err();
        assert!(error.to_string().contains("weather"), "{error}");
    }

    #[test]
    fn known_templates_are_found_by_id() {
        let templates =
            Templates::from_settings(&settings(&[("character_string1", "number")])).unwrap();
        assert!(templates.knows_id("tmpl-1"));
        assert!(!templates.knows_id("tmpl-2"));
        assert!(templates.get(Template::Progress).is_some());
        assert!(templates.get(Template::Resolved).is_none());
    }
}
