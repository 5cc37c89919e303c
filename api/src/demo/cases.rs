//! Demo cases in every state, raised and worked through the real use-cases, so the console and
//! the mini-program have something to show and the data obeys every rule.

use anyhow::{anyhow, Context};
use chrono::{Duration, Utc};
use liaison_domain::case::{Channel, Command, Outcome, Rating, ReassignTo};
use liaison_domain::reception::ReceptionKind;
use liaison_infra::store::accounts;
use liaison_infra::store::cases;
use liaison_infra::store::organisation::receptions::{self, Filter};
use liaison_infra::store::organisation::{categories, counties, stations};
use liaison_infra::store::Page;

use super::COUNTY;
use crate::auth::Caller;
use crate::cases::actions::act;
use crate::cases::appraisal::rate_department;
use crate::cases::dto::NewCase;
use crate::cases::submit::submit;
use crate::state::AppState;

/// The demo deputy at the first station, who works the demo's cases, the handler, the
/// station's admin who records visitors' cases, and the county admin who keeps the
/// re-assignment queue (see the accounts `seed` creates): logged in as any, one finds cases in
/// every state to work.
const STATION_ADMIN_PHONE: &str = "13800000002";
const COUNTY_ADMIN_PHONE: &str = "13800000001";
const DEPUTY_PHONE: &str = "13800000004";
const HANDLER_PHONE: &str = "13800000005";

/// What a resident wrote, and how far the case got.
struct Story {
    title: &'static str,
    content: &'static str,
    location: &'static str,
    anonymous: bool,
    /// `mini_program` for a resident's own; any other is a visitor's, recorded by the first
    /// station's admin, who then also records the visitor's rating given by phone.
    channel: Channel,
    steps: &'static [Step],
}

#[derive(Clone, Copy)]
enum Step {
    Accept,
    Reply(&'static str),
    Assign,
    Handle(&'static str),
    Resolve(&'static str, Outcome),
    Rate(Rating),
    /// The county admin gives a case from the re-assignment queue to the department again.
    Reassign,
    /// The deputy rates the department's handling of the round.
    RateDepartment(Rating),
    Decline(&'static str),
    Note(&'static str),
}

const STORIES: &[Story] = &[
    Story {
        title: "人民路路灯不亮",
        content: "人民路88号到新华路口的三盏路灯一周都不亮了，晚上出行不安全。",
        location: "柏城街道人民路88号",
        anonymous: false,
        channel: Channel::MiniProgram,
        steps: &[],
    },
    Story {
        title: "小区门口积水",
        content: "每次下雨小区门口都积水，老人孩子出门很不方便。",
        location: "柏城街道幸福小区南门",
        anonymous: false,
        channel: Channel::MiniProgram,
        steps: &[Step::Accept, Step::Reply("已收到，明天到现场查看。")],
    },
    Story {
        title: "村道坑洼需修补",
        content: "出山镇到村里的水泥路坑洼很多，农用车经常颠坏。",
        location: "出山镇西街村村道",
        anonymous: true,
        channel: Channel::MiniProgram,
        steps: &[
            Step::Accept,
            Step::Assign,
            Step::Note("请住建局尽快派人勘察"),
        ],
    },
    Story {
        title: "老旧小区楼道灯",
        content: "3号楼楼道灯坏了很久，晚上上下楼看不见。",
        location: "柏城街道机械厂家属院3号楼",
        anonymous: false,
        channel: Channel::MiniProgram,
        steps: &[
            Step::Accept,
            Step::Assign,
            Step::Handle("已安排物业更换楼道灯，本周内完成。"),
        ],
    },
    Story {
        title: "健身器材损坏",
        content: "广场上的两台健身器材坏了，容易伤人。",
        location: "柏城街道文化广场",
        anonymous: false,
        channel: Channel::MiniProgram,
        steps: &[
            Step::Accept,
            Step::Assign,
            Step::Handle("已拆除损坏器材并订购新器材。"),
            Step::Resolve("损坏器材已更换，感谢反映。", Outcome::Implemented),
        ],
    },
    Story {
        title: "垃圾清运不及时",
        content: "菜市场旁边的垃圾桶经常满了没人清。",
        location: "柏城街道菜市场东侧",
        anonymous: false,
        channel: Channel::MiniProgram,
        steps: &[
            Step::Accept,
            Step::Resolve("已协调环卫每天清运两次。", Outcome::Implemented),
            Step::Rate(Rating::Satisfied),
        ],
    },
    Story {
        title: "邻里宅基地纠纷",
        content: "和邻居的宅基地界线有争议，已经起诉到法院，希望代表帮忙。",
        location: "专探乡",
        anonymous: false,
        channel: Channel::MiniProgram,
        steps: &[Step::Decline(
            "该事项已进入诉讼程序，请依法通过人民法院解决；如需法律援助可联系县法律援助中心。",
        )],
    },
    Story {
        title: "自来水水压低",
        content: "早晚用水高峰时水压很低，楼上几乎没水。",
        location: "柏城街道建设路小区",
        anonymous: false,
        channel: Channel::MiniProgram,
        steps: &[
            Step::Accept,
            Step::Resolve("已请供水公司调整加压时段。", Outcome::Explained),
            Step::Rate(Rating::Unsatisfied),
        ],
    },
    Story {
        title: "集市摊位占道",
        content: "赶集日摊位摆到了机动车道上，车辆和行人挤在一起，存在安全隐患。",
        location: "柏城街道农贸市场外",
        anonymous: false,
        channel: Channel::MarketDay,
        steps: &[Step::Accept],
    },
    Story {
        title: "低保申请进度",
        content: "来访群众反映上月提交的低保申请一直没有消息，希望了解进度。",
        location: "柏城街道",
        anonymous: false,
        channel: Channel::WalkIn,
        steps: &[
            Step::Accept,
            Step::Resolve(
                "已联系民政部门，申请已进入公示，本月底出结果。",
                Outcome::Explained,
            ),
            Step::Rate(Rating::Satisfied),
        ],
    },
    Story {
        title: "路口缺少减速带",
        content: "学校门口路口车速太快，上次修的减速带没几天就坏了。",
        location: "柏城街道实验小学门口",
        anonymous: false,
        channel: Channel::MiniProgram,
        steps: &[
            Step::Accept,
            Step::Assign,
            Step::Handle("已安装临时减速带。"),
            Step::Resolve("已安装减速带。", Outcome::Implemented),
            Step::RateDepartment(Rating::BasicallySatisfied),
            Step::Rate(Rating::Unsatisfied),
            Step::Reassign,
        ],
    },
];

/// Raises the demo stories once; answers how many cases it raised (0 when cases exist).
pub async fn seed_cases(state: &AppState) -> anyhow::Result<usize> {
    if cases::any(&state.db).await? {
        return Ok(0);
    }
    let county = counties::holder_of_code(&state.db, COUNTY.1)
        .await?
        .ok_or_else(|| anyhow!("the demo county is not seeded"))?;
    let station = stations::of_county(&state.db, county.id)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| anyhow!("the demo county has no station"))?;
    let category = categories::active_in(&state.db, county.id)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| anyhow!("the demo county has no category"))?;
    let county_admin = staff(state, COUNTY_ADMIN_PHONE).await?;
    let deputy = staff(state, DEPUTY_PHONE).await?;
    let handler = staff(state, HANDLER_PHONE).await?;
    let department_id = handler
        .actor
        .department_id
        .context("the demo handler has no department")?;

    let recorder = staff(state, STATION_ADMIN_PHONE).await?;
    // The market day `seed` records at the first station: its visitor's case was raised there.
    let market_day = Filter {
        station_ids: vec![station.id],
        kind: Some(ReceptionKind::MarketDay),
        ..Filter::default()
    };
    let first = Page {
        limit: 1,
        after: None,
    };
    let market_day = receptions::list(&state.db, market_day, first)
        .await?
        .first()
        .map(|r| r.reception.id);
    for (index, story) in STORIES.iter().enumerate() {
        let visitor = story.channel.recorded_by_staff();
        let resident = match visitor {
            true => recorder.clone(),
            false => resident(state, index).await?,
        };
        let phone = (index % 2 == 0).then(|| format!("1390000{:04}", index));
        let new = NewCase {
            scene: None,
            station_id: Some(station.id),
            category_id: category.id,
            title: story.title.to_owned(),
            content: story.content.to_owned(),
            location: Some(story.location.to_owned()),
            attachment_ids: Vec::new(),
            anonymous: story.anonymous,
            contact_phone: phone.clone().filter(|_| !visitor),
            channel: Some(story.channel.as_str().to_owned()),
            visitor_name: visitor.then(|| "王大爷".to_owned()),
            visitor_phone: phone.filter(|_| visitor),
            reception_id: market_day.filter(|_| story.channel == Channel::MarketDay),
            // Those who stay anonymous would not have their matter on the public board.
            publishable: !story.anonymous,
        };
        let case_id = submit(&state.cases(), &resident.actor, &resident.name, new, None)
            .await
            .map_err(|e| anyhow!("demo case {:?}: {e}", story.title))?
            .submitted
            .id;
        for step in story.steps {
            let (who, command) = match *step {
                Step::Accept => (&deputy, Command::Accept),
                Step::Reply(content) => (
                    &deputy,
                    Command::Reply {
                        content: content.to_owned(),
                    },
                ),
                Step::Assign => (
                    &deputy,
                    Command::Assign {
                        department_id,
                        resolve_by: None,
                        note: None,
                    },
                ),
                Step::Handle(content) => (
                    &handler,
                    Command::Handle {
                        content: content.to_owned(),
                    },
                ),
                Step::Resolve(summary, outcome) => (
                    &deputy,
                    Command::Resolve {
                        summary: summary.to_owned(),
                        outcome,
                        planned_on: None,
                        reason: None,
                    },
                ),
                Step::Reassign => (
                    &county_admin,
                    Command::Reassign {
                        to: ReassignTo::Department {
                            id: department_id,
                            resolve_by: Some(Utc::now() + Duration::days(10)),
                        },
                    },
                ),
                Step::RateDepartment(rating) => {
                    rate_department(&state.cases(), &deputy.actor, case_id, rating)
                        .await
                        .map_err(|e| anyhow!("demo case {:?}: {e}", story.title))?;
                    continue;
                }
                Step::Rate(rating) => (
                    &resident,
                    Command::Rate {
                        rating,
                        comment: None,
                    },
                ),
                Step::Decline(reason) => (
                    &deputy,
                    Command::Decline {
                        reason: reason.to_owned(),
                    },
                ),
                Step::Note(content) => (
                    &deputy,
                    Command::Note {
                        content: content.to_owned(),
                    },
                ),
            };
            act(&state.cases(), &who.actor, &who.name, case_id, command)
                .await
                .map_err(|e| anyhow!("demo case {:?}: {e}", story.title))?;
        }
    }
    Ok(STORIES.len())
}

async fn staff(state: &AppState, phone: &str) -> anyhow::Result<Caller> {
    let user = accounts::find_by_phone(&state.db, phone)
        .await?
        .ok_or_else(|| anyhow!("the demo account {phone} is missing"))?;
    caller(state, user.id).await
}

/// The demo resident `index`, created on first use like a first mini-program login.
async fn resident(state: &AppState, index: usize) -> anyhow::Result<Caller> {
    let openid = format!("demo-resident-{}", index + 1);
    let name = format!("居民{}", index + 1);
    let user = accounts::resident_of_openid(&state.db, &openid, &name, Utc::now()).await?;
    caller(state, user.id).await
}

async fn caller(state: &AppState, user_id: i64) -> anyhow::Result<Caller> {
    let (user, actor) = accounts::actor(&state.db, user_id)
        .await?
        .context("a demo account vanished")?;
    Ok(Caller {
        actor,
        name: user.name,
        session: String::new(),
        password_change_required: false,
    })
}
