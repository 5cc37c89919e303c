//! `/console/regions`: the county's regions as a tree (county, townships, villages), and for
//! county admins a form to add a township or a village under one of them.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use liaison_domain::region::RegionLevel;
use liaison_domain::FieldError;
use liaison_infra::store::reference::Kind;
use sea_orm::ConnectionTrait;

use crate::app_error::AppResult;
use crate::console::error::ConsoleResult;
use crate::console::form::{checked, Field, Form, Input, Posted};
use crate::console::messages::Messages;
use crate::console::once::{once, outcome, Outcome};
use crate::console::pages::{choices, every, html, see_other, Done, Layout};
use crate::console::session::Staff;
use crate::departments::service::administered_county;
use crate::regions::dto::{NewRegion, Region, RegionFilter};
use crate::regions::service as regions;
use crate::state::AppState;

/// A region in the tree: how deep it lies (the county 0) and what it is.
pub struct Node {
    pub region: Region,
    pub depth: usize,
    pub level: &'static str,
}

/// The regions of `county_id` in tree order: each region followed by those under it,
/// siblings in the order they were made.
pub async fn tree(db: &impl ConnectionTrait, county_id: i64) -> AppResult<Vec<Node>> {
    let filter = RegionFilter {
        county_id: Some(county_id),
        parent_id: None,
        level: None,
    };
    let m = Messages::current();
    let mut under: BTreeMap<Option<i64>, Vec<Region>> = BTreeMap::new();
    // The list comes by id, so each parent's children come in the order they were made.
    for region in every(|page| regions::list(db, &filter, page)).await? {
        under.entry(region.parent_id).or_default().push(region);
    }
    let mut pending: Vec<(usize, Region)> = Vec::new();
    let push = |pending: &mut Vec<(usize, Region)>, depth, children: Vec<Region>| {
        // Reversed onto the stack, so that the first child is taken first.
        pending.extend(children.into_iter().rev().map(|r| (depth, r)));
    };
    push(&mut pending, 0, under.remove(&None).unwrap_or_default());
    let mut nodes = Vec::new();
    while let Some((depth, region)) = pending.pop() {
        if let Some(children) = under.remove(&Some(region.id)) {
            push(&mut pending, depth + 1, children);
        }
        let level =
            RegionLevel::parse(&region.level).map_or(m.none, |level| m.org.region_level(level));
        nodes.push(Node {
            region,
            depth,
            level,
        });
    }
    Ok(nodes)
}

#[derive(Template)]
#[template(path = "console/regions.html")]
struct RegionsPage {
    m: &'static Messages,
    layout: Layout,
    nodes: Vec<Node>,
    /// The form to add a region, for those who may.
    form: Option<Form>,
    notice: Option<&'static str>,
}

/// The form to add a region under one of `nodes` (a county or a township).
fn add_form(m: &'static Messages, nodes: &[Node]) -> Form {
    let o = m.org;
    let levels = [RegionLevel::Township, RegionLevel::Village]
        .map(|level| (level.as_str().to_owned(), o.region_level(level).to_owned()));
    let parents = nodes
        .iter()
        .filter(|n| n.region.level != RegionLevel::Village.as_str())
        .map(|n| (n.region.id.to_string(), indented(n)));
    Form::new("region", "/console/regions", o.create)
        .creating()
        .field("name", o.region_name, Input::Text, Field::required)
        .field("level", o.region_level_label, Input::Select, |f| {
            f.required().options(choices(levels, "", m.choose))
        })
        .field("parent_id", o.region_parent, Input::Select, |f| {
            f.required().options(choices(parents, "", m.choose))
        })
        .field("code", o.region_code, Input::Text, |f| {
            f.hint(o.region_code_hint)
        })
}

/// A region's name set in by its depth, as a select shows a tree.
pub fn indented(node: &Node) -> String {
    format!("{}{}", "\u{3000}".repeat(node.depth), node.region.name)
}

async fn render(
    state: &AppState,
    staff: &Staff,
    posted: Option<(&Posted, Vec<FieldError>)>,
    notice: Option<&'static str>,
) -> ConsoleResult<HttpResponse> {
    let m = Messages::current();
    let Some(county_id) = staff.actor.county_id else {
        return Err(crate::app_error::AppError::Forbidden("no county").into());
    };
    let nodes = tree(&state.db, county_id).await?;
    let form = administered_county(&staff.actor).is_ok().then(|| {
        let form = add_form(m, &nodes);
        match &posted {
            Some((sent, errors)) => form.again(sent, errors, m),
            None => form,
        }
    });
    let status = if posted.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = RegionsPage {
        m,
        layout: Layout::of(staff, m, "regions"),
        nodes,
        form,
        notice,
    };
    Ok(html(status, &page))
}

pub async fn show(
    state: web::Data<AppState>,
    staff: Staff,
    query: web::Query<Done>,
) -> ConsoleResult<HttpResponse> {
    render(&state, &staff, None, query.saved()).await
}

pub async fn create(
    state: web::Data<AppState>,
    staff: Staff,
    form: web::Form<Vec<(String, String)>>,
) -> ConsoleResult<HttpResponse> {
    let sent = checked(&state, &staff, form)?;
    let work = async {
        let parent_id = match sent.id("parent_id") {
            Ok(id) => id,
            Err(error) => return Ok(Outcome::Refused(vec![error])),
        };
        let new = NewRegion {
            name: sent.one("name").to_owned(),
            level: sent.one("level").to_owned(),
            parent_id: Some(parent_id),
            code: sent.optional("code"),
        };
        let created = regions::create(&state.db, &staff.actor, new).await;
        if created.is_ok() {
            state.reference.changed(Kind::Organisation).await;
        }
        outcome(created)
    };
    match once(&state, &staff, sent.once(), work).await? {
        Outcome::Done => Ok(see_other("/console/regions?done=1")),
        Outcome::Refused(errors) => render(&state, &staff, Some((&sent, errors)), None).await,
    }
}
