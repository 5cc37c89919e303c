//! One generated case: what a resident wrote, and how far its life got by now, every step
//! decided by the domain's case machine so that the row obeys the same rules as a real one.

use chrono::{DateTime, Duration, Utc};
use liaison_domain::actor::Actor;
use liaison_domain::case::access::Scope;
use liaison_domain::case::deadline::{self, Deadline};
use liaison_domain::case::machine::Event;
use liaison_domain::case::{
    apply, By, Case, CaseStatus, Command, EventKind, Outcome, Rating, Rules,
};
use liaison_domain::region::ReassignBy;
use rand::rngs::StdRng;
use rand::Rng;

/// The texts of a case, from templates over a county's roads and places, so that words occur
/// as unevenly as in real cases: some in a fifth of them, some in a handful.
pub struct Texts {
    pub title: String,
    pub content: String,
    pub location: String,
}

const ROADS: [&str; 16] = [
    "人民路",
    "新华路",
    "建设路",
    "解放路",
    "文化路",
    "和平路",
    "西大街",
    "东大街",
    "柏亭路",
    "嫘祖大道",
    "棠溪路",
    "迎宾大道",
    "淮河路",
    "健康路",
    "工业路",
    "仪封路",
];

const PLACES: [&str; 20] = [
    "幸福", "阳光", "金色", "翠苑", "锦绣", "康乐", "和谐", "盛世", "书香", "丽景", "滨河", "龙湖",
    "凤凰", "绿城", "御景", "嘉禾", "桂馨", "银河", "紫薇", "恒通",
];
const PLACE_KINDS: [&str; 6] = ["小区", "家园", "花园", "新村", "名苑", "雅居"];
/// Village names are a surname and a kind of settlement: rare words, as real names are.
const SURNAMES: &str = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章云苏潘葛奚范彭郎鲁韦昌马苗凤花方俞任袁柳鲍史唐费廉岑薛雷贺倪汤";
const SETTLEMENTS: [&str; 8] = ["庄", "营", "寨", "店", "岗", "湾", "桥", "楼"];

/// Title and content, with `{road}`, `{place}` and `{n}` filled in.
const MATTERS: [(&str, &str); 18] = [
    (
        "{road}路灯不亮",
        "{road}{n}号附近的路灯一直不亮，晚上出行很不安全，希望尽快维修。",
    ),
    (
        "{place}井盖丢失",
        "{place}门口的井盖丢了，路过的人容易掉下去，请尽快处理。",
    ),
    (
        "{place}施工噪音扰民",
        "{place}附近每天晚上施工到十一点以后，噪音很大，影响老人孩子休息。",
    ),
    (
        "{road}道路坑洼",
        "{road}路面坑洼不平，下雨天积水严重，电动车经常摔倒。",
    ),
    (
        "{place}垃圾清运不及时",
        "{place}的垃圾桶经常满了没人清运，气味很大。",
    ),
    (
        "{place}自来水水压低",
        "{place}早晚用水高峰时水压很低，{n}楼以上几乎没水。",
    ),
    (
        "{road}停车难",
        "{road}两边乱停车，早晚高峰堵得走不动，希望规划停车位。",
    ),
    (
        "{place}广场舞噪音",
        "{place}广场跳舞的音响开得太大，晚上九点以后还不停。",
    ),
    (
        "{road}违章搭建",
        "{road}{n}号旁边有人私搭乱建，占了人行道。",
    ),
    (
        "{place}下水道堵塞",
        "{place}的下水道堵了一个星期，污水漫到路上。",
    ),
    (
        "{place}学校门口交通拥堵",
        "{place}小学门口上下学时车辆拥堵，孩子过马路很危险，希望安排护学岗。",
    ),
    (
        "医保报销手续繁琐",
        "在{place}办理医保报销要跑好几趟，材料也多，希望简化手续。",
    ),
    (
        "{place}缺少养老服务",
        "{place}老年人多，子女都在外地，希望建一个日间照料中心。",
    ),
    (
        "{place}饮水安全",
        "{place}的自来水有时发黄，担心饮水安全，希望检测水质。",
    ),
    (
        "{road}公交站台破损",
        "{road}的公交站台顶棚破了，下雨没处躲。",
    ),
    (
        "{place}河道污染",
        "{place}旁边的河道有人倾倒垃圾，夏天臭味很重。",
    ),
    (
        "{place}绿化带缺乏管护",
        "{place}的绿化带很久没人修剪，杂草丛生。",
    ),
    (
        "{place}健身器材损坏",
        "{place}广场上的{n}台健身器材坏了，容易伤人。",
    ),
];

/// A resident's texts at `township`.
pub fn texts(rng: &mut StdRng, township: &str) -> Texts {
    let road = ROADS[rng.gen_range(0..ROADS.len())];
    let place = if rng.gen_bool(0.3) {
        let surnames: Vec<char> = SURNAMES.chars().collect();
        format!(
            "{}{}村",
            surnames[rng.gen_range(0..surnames.len())],
            SETTLEMENTS[rng.gen_range(0..SETTLEMENTS.len())]
        )
    } else {
        format!(
            "{}{}",
            PLACES[rng.gen_range(0..PLACES.len())],
            PLACE_KINDS[rng.gen_range(0..PLACE_KINDS.len())]
        )
    };
    let n = rng.gen_range(1..200).to_string();
    let (title, content) = MATTERS[rng.gen_range(0..MATTERS.len())];
    let fill = |text: &str| {
        text.replace("{road}", road)
            .replace("{place}", &place)
            .replace("{n}", &n)
    };
    Texts {
        title: fill(title),
        content: fill(content),
        location: format!("{township}{place}"),
    }
}

/// Who may act on a generated case.
pub struct Cast<'a> {
    pub resident: &'a Actor,
    /// A station admin of the case's station.
    pub admin: &'a Actor,
    /// A handler of the department the case's category hands to.
    pub handler: &'a Actor,
}

/// One step of the timeline, with the role that took it (`None`: the system).
pub struct Step {
    pub event: Event,
    pub by: Option<StepBy>,
    pub at: DateTime<Utc>,
}

#[derive(Clone, Copy)]
pub enum StepBy {
    Resident,
    Admin,
    Handler,
}

/// A deadline the case missed, as the deadline watcher would have recorded it.
pub struct Mark {
    pub deadline: Deadline,
    pub due_at: DateTime<Utc>,
    pub overdue_at: DateTime<Utc>,
    pub escalated_at: Option<DateTime<Utc>>,
}

/// Where a case's life stands at `now`.
pub struct Life {
    pub case: Case,
    pub respond_by: DateTime<Utc>,
    pub rating: Option<Rating>,
    pub steps: Vec<Step>,
    pub marks: Vec<Mark>,
}

/// The rules a generated case lives by, as the server is configured, and the present.
pub struct Rulebook {
    pub rules: Rules,
    /// What the deadline watcher waits before sending a missed deadline to the county.
    pub escalate_after: Duration,
    pub now: DateTime<Utc>,
}

/// Lives a case raised at `raised`, with deadlines `respond_by`/`resolve_by`, forward to `now`:
/// most cases are answered and resolved in time, some late, a few declined; resolved cases are
/// rated within a week or closed unrated; an unsatisfied rating leaves the case waiting in the
/// county's re-assignment queue.
pub fn live(
    rng: &mut StdRng,
    scope: Scope,
    cast: &Cast<'_>,
    (raised, respond_by, resolve_by): (DateTime<Utc>, DateTime<Utc>, DateTime<Utc>),
    book: &Rulebook,
) -> Life {
    let (now, rules) = (book.now, &book.rules);
    let resolve_within = resolve_by - raised;
    let department_id = cast.handler.department_id.unwrap_or_default();
    let mut life = Life {
        case: Case {
            status: CaseStatus::Submitted,
            scope,
            reopen_count: 0,
            escalated: false,
            resolve_by,
            resolve_within,
            first_response_at: None,
            resolved_at: None,
            closed_at: None,
            for_visitor: false,
            reassign_by: ReassignBy::County,
        },
        respond_by,
        rating: None,
        steps: vec![Step {
            event: Event::new(EventKind::Submitted, None, 1),
            by: Some(StepBy::Resident),
            at: raised,
        }],
        marks: Vec::new(),
    };
    // One in seven answers late, one in six resolves late: the overdue queue is never empty.
    let respond_within = respond_by - raised;
    let late = rng.gen_bool(1.0 / 7.0);
    let answer = fraction(rng, respond_within, late);
    let mut at = raised + answer;
    if rng.gen_bool(0.04) {
        life.act(
            cast,
            StepBy::Admin,
            Command::Decline {
                reason: "该事项不属于人大代表联络站受理范围，请通过信访渠道反映。".to_owned(),
            },
            at,
            now,
            rules,
        );
        return life.marked(book);
    }
    let mut plan = vec![(StepBy::Admin, Command::Accept, answer)];
    if rng.gen_bool(0.3) {
        plan.push((
            StepBy::Admin,
            Command::Reply {
                content: "已收到，我们会尽快到现场了解情况。".to_owned(),
            },
            Duration::hours(2),
        ));
    }
    let late = rng.gen_bool(1.0 / 6.0);
    let resolve = fraction(rng, resolve_within, late);
    if rng.gen_bool(0.6) {
        plan.push((
            StepBy::Admin,
            Command::Assign {
                department_id,
                resolve_by: None,
                note: None,
            },
            Duration::hours(4),
        ));
        plan.push((
            StepBy::Handler,
            Command::Handle {
                content: "已安排人员现场处理。".to_owned(),
            },
            (resolve - answer) / 2,
        ));
    }
    plan.push((
        StepBy::Admin,
        Command::Resolve {
            summary: "问题已处理完毕，感谢反映。".to_owned(),
            outcome: Outcome::Implemented,
            planned_on: None,
            reason: None,
        },
        resolve,
    ));
    for (by, command, after) in plan {
        at = (raised + after).max(at + Duration::minutes(10));
        if !life.act(cast, by, command, at, now, rules) {
            return life.marked(book);
        }
    }
    // Rated within a week, or closed unrated once the week is up.
    let rated = rng.gen_bool(0.8);
    at += Duration::minutes(rng.gen_range(10..(6 * 24 * 60)));
    if rated {
        let rating = match rng.gen_range(0..100) {
            0..=74 => Rating::Satisfied,
            75..=93 => Rating::BasicallySatisfied,
            _ => Rating::Unsatisfied,
        };
        let command = Command::Rate {
            rating,
            comment: None,
        };
        if !life.act(cast, StepBy::Resident, command, at, now, rules) {
            return life.marked(book);
        }
        life.rating = Some(rating);
        // Satisfied, the case is closed; unsatisfied, it waits for the county to re-assign it.
        return life.marked(book);
    }
    let closes = life.case.resolved_at.unwrap_or(at) + rules.close_unrated_after;
    life.act(cast, StepBy::Admin, Command::AutoClose, closes, now, rules);
    life.marked(book)
}

/// Part of `within`: up to all of it in time, or up to as much again when `late`.
fn fraction(rng: &mut StdRng, within: Duration, late: bool) -> Duration {
    let minutes = within.num_minutes().max(20);
    if late {
        Duration::minutes(rng.gen_range(minutes + 10..minutes * 2 + 20))
    } else {
        Duration::minutes(rng.gen_range(10..minutes))
    }
}

impl Life {
    /// Applies `command` at `at` if that is not in the future; `false` when the case's life
    /// stops here (the time has not come, or the machine refuses).
    fn act(
        &mut self,
        cast: &Cast<'_>,
        by: StepBy,
        command: Command,
        at: DateTime<Utc>,
        now: DateTime<Utc>,
        rules: &Rules,
    ) -> bool {
        if at > now {
            return false;
        }
        let who = match (by, &command) {
            (_, Command::AutoClose) => By::System,
            (StepBy::Resident, _) => By::Person(cast.resident),
            (StepBy::Admin, _) => By::Person(cast.admin),
            (StepBy::Handler, _) => By::Person(cast.handler),
        };
        let Ok(transition) = apply(&self.case, &command, who, at, rules) else {
            return false;
        };
        let by = matches!(who, By::Person(_)).then_some(by);
        self.steps.extend(
            transition
                .events
                .into_iter()
                .map(|event| Step { event, by, at }),
        );
        self.case = transition.case;
        true
    }

    /// Adds what the deadline watcher would have recorded: each deadline that passed while the
    /// case was in progress is marked (and stepped) when it passed, and escalated a day later
    /// if still missed then.
    fn marked(mut self, book: &Rulebook) -> Self {
        let now = book.now;
        let settled = |deadline: Deadline| match deadline {
            Deadline::Respond => self.case.first_response_at,
            Deadline::Resolve => self.case.resolved_at.or(self.case.closed_at),
        };
        let due = [
            (Deadline::Respond, self.respond_by),
            (Deadline::Resolve, self.case.resolve_by),
        ];
        let mut marks = Vec::new();
        for (deadline, due_at) in due {
            let until = settled(deadline).unwrap_or(now).min(now);
            if due_at >= until {
                continue;
            }
            let escalate_at = due_at + book.escalate_after;
            let escalated_at = (escalate_at < until).then_some(escalate_at);
            marks.push(Mark {
                deadline,
                due_at,
                overdue_at: due_at,
                escalated_at,
            });
        }
        for mark in &marks {
            let overdue = deadline::overdue(&self.case, mark.deadline);
            self.record(overdue.events, mark.overdue_at);
            if let Some(at) = mark.escalated_at {
                let escalation = deadline::escalate(&self.case, mark.deadline);
                self.case.escalated = escalation.case.escalated;
                self.record(escalation.events, at);
            }
        }
        self.steps.sort_by_key(|step| step.at);
        self.marks = marks;
        self
    }

    fn record(&mut self, events: Vec<Event>, at: DateTime<Utc>) {
        self.steps.extend(events.into_iter().map(|event| Step {
            event,
            by: None,
            at,
        }));
    }
}
