//! Every word the console shows, in one catalogue per language. Pages and templates take their
//! text from a `Messages`; adding a language is adding one more value of it.

use actix_web::http::StatusCode;
use liaison_domain::deputy::DeputyLevel;
use liaison_domain::region::RegionLevel;
use liaison_domain::station::StationKind;
use liaison_domain::vocabulary::Vocabulary;

/// The console's text in one language.
pub struct Messages {
    pub lang: &'static str,
    pub app_name: &'static str,
    pub nav_label: &'static str,
    pub nav_home: &'static str,
    pub nav_queue: &'static str,
    pub nav_stations: &'static str,
    pub logout: &'static str,
    pub skip_to_content: &'static str,

    pub login_title: &'static str,
    pub login_intro: &'static str,
    pub phone: &'static str,
    pub password: &'static str,
    pub login_submit: &'static str,
    pub login_wrong: &'static str,
    pub login_resident: &'static str,
    pub login_expired: &'static str,
    pub login_logged_out: &'static str,
    pub login_required: &'static str,

    pub home_title: &'static str,
    pub home_open: &'static str,
    pub home_overdue: &'static str,
    pub home_due_soon: &'static str,
    pub home_flagged: &'static str,
    pub home_unread: &'static str,
    pub home_mine_open: &'static str,
    pub home_see_queue: &'static str,

    pub queue_title: &'static str,
    pub filter_scope: &'static str,
    pub filter_station: &'static str,
    pub filter_status: &'static str,
    pub filter_overdue: &'static str,
    pub filter_q: &'static str,
    pub filter_sort: &'static str,
    pub filter_any: &'static str,
    pub filter_apply: &'static str,
    pub filter_reset: &'static str,
    pub overdue_only: &'static str,
    pub overdue_none: &'static str,
    pub sort_newest: &'static str,
    pub sort_deadline: &'static str,
    pub next_page: &'static str,
    pub first_page: &'static str,
    pub queue_empty: &'static str,

    pub col_number: &'static str,
    pub col_title: &'static str,
    pub col_status: &'static str,
    pub col_station: &'static str,
    pub col_category: &'static str,
    pub col_resolve_by: &'static str,
    pub col_created: &'static str,
    pub tag_overdue: &'static str,
    pub tag_flagged: &'static str,
    pub tag_escalated: &'static str,

    pub case_back: &'static str,
    pub case_details: &'static str,
    pub case_content: &'static str,
    pub case_location: &'static str,
    pub case_resident: &'static str,
    pub case_anonymous: &'static str,
    pub case_contact: &'static str,
    pub case_respond_by: &'static str,
    pub case_rating: &'static str,
    pub case_photos: &'static str,
    pub case_timeline: &'static str,
    pub case_internal: &'static str,
    pub case_steps: &'static str,
    pub case_no_steps: &'static str,
    pub case_changed: &'static str,
    pub case_refused: &'static str,
    pub case_done: &'static str,
    pub none: &'static str,

    pub field_reason: &'static str,
    pub field_content: &'static str,
    pub field_note: &'static str,
    pub field_summary: &'static str,
    pub field_department: &'static str,
    pub field_resolve_by: &'static str,
    pub field_resolve_by_hint: &'static str,
    pub field_deputy: &'static str,
    pub choose: &'static str,

    pub stations_title: &'static str,
    pub stations_empty: &'static str,
    pub col_name: &'static str,
    pub col_address: &'static str,
    pub col_opening_hours: &'static str,
    pub stations_roster: &'static str,
    pub stations_poster: &'static str,

    pub roster_title: &'static str,
    pub roster_week: &'static str,
    pub roster_prev: &'static str,
    pub roster_this_week: &'static str,
    pub roster_next: &'static str,
    pub roster_deputy: &'static str,
    pub roster_starts: &'static str,
    pub roster_ends: &'static str,
    pub roster_save: &'static str,
    pub roster_remove: &'static str,
    pub roster_add: &'static str,
    pub roster_empty_day: &'static str,
    pub roster_no_deputies: &'static str,
    /// Monday first, as the grid's columns.
    pub weekdays: [&'static str; 7],

    // County admin: webhooks, dead letters, outbox
    pub nav_webhooks: &'static str,
    pub nav_deliveries: &'static str,
    pub webhooks_title: &'static str,
    pub webhooks_intro: &'static str,
    pub webhooks_empty: &'static str,
    pub webhook_new: &'static str,
    pub webhook_edit: &'static str,
    pub webhook_url: &'static str,
    pub webhook_url_hint: &'static str,
    pub webhook_events: &'static str,
    pub webhook_active: &'static str,
    pub webhook_on: &'static str,
    pub webhook_off: &'static str,
    pub webhook_create: &'static str,
    pub webhook_save: &'static str,
    pub webhook_change: &'static str,
    pub webhook_delete: &'static str,
    pub webhook_delete_confirm: &'static str,
    pub webhook_delete_submit: &'static str,
    pub webhook_cancel: &'static str,
    pub webhook_created: &'static str,
    pub webhook_secret: &'static str,
    pub webhook_secret_once: &'static str,
    pub webhook_saved: &'static str,
    pub webhook_deleted: &'static str,
    pub deliveries_title: &'static str,
    pub backlog_title: &'static str,
    pub backlog_pending: &'static str,
    pub backlog_dead: &'static str,
    pub backlog_oldest: &'static str,
    pub backlog_oldest_since: &'static str,
    pub dead_title: &'static str,
    pub dead_intro: &'static str,
    pub dead_empty: &'static str,
    pub col_channel: &'static str,
    pub col_event: &'static str,
    pub col_case: &'static str,
    pub col_webhook: &'static str,
    pub col_attempts: &'static str,
    pub col_last_error: &'static str,
    pub col_finished: &'static str,
    pub delivery_retry: &'static str,
    pub delivery_retried: &'static str,
    pub delivery_already_retried: &'static str,

    pub error_back: &'static str,
    pub error_csrf: &'static str,
    pub error_not_found: &'static str,
    pub error_forbidden: &'static str,
    pub error_conflict: &'static str,
    pub error_rate_limited: &'static str,
    pub error_unavailable: &'static str,
    pub error_internal: &'static str,
    pub error_bad_request: &'static str,

    pub org: &'static Organisation,

    // Station poster
    pub poster_title: &'static str,
    pub poster_print: &'static str,
    pub poster_png: &'static str,
    pub poster_heading: &'static str,
    pub poster_caption: &'static str,
    pub poster_deputies: &'static str,
    pub poster_print_hint: &'static str,
    pub poster_back: &'static str,
    pub poster_font_missing: &'static str,

    // Public station page
    pub public_app_name: &'static str,
    pub public_address: &'static str,
    pub public_opening_hours: &'static str,
    pub public_on_duty: &'static str,
    pub public_nobody_on_duty: &'static str,
    pub public_deputies: &'static str,
    pub public_no_deputies: &'static str,
    pub public_office_hours: &'static str,
    pub public_open: &'static str,
    pub public_open_hint: &'static str,
    pub public_scan_hint: &'static str,
    pub public_deputy_level: &'static str,
    pub public_deputy_station: &'static str,
    pub public_deputy_open_hint: &'static str,
    pub public_deputy_scan_hint: &'static str,
}

/// The words of the organisation's pages: regions, stations, deputies, departments and
/// categories, accounts.
pub struct Organisation {
    pub nav_regions: &'static str,
    pub nav_deputies: &'static str,
    pub nav_departments: &'static str,
    pub nav_accounts: &'static str,
    pub save: &'static str,
    pub create: &'static str,
    pub edit: &'static str,
    pub saved: &'static str,
    pub yes: &'static str,
    pub no: &'static str,

    pub regions_title: &'static str,
    pub regions_add: &'static str,
    pub region_name: &'static str,
    pub region_level_label: &'static str,
    pub region_parent: &'static str,
    pub region_code: &'static str,
    pub region_code_hint: &'static str,

    pub station_new: &'static str,
    pub station_edit: &'static str,
    pub station_name: &'static str,
    pub station_kind: &'static str,
    pub station_region: &'static str,
    pub station_address: &'static str,
    pub station_opening_hours: &'static str,
    pub station_opening_hours_hint: &'static str,
    pub stations_back: &'static str,
    pub col_kind: &'static str,
    pub col_actions: &'static str,

    pub deputies_title: &'static str,
    pub deputies_empty: &'static str,
    pub deputies_back: &'static str,
    pub deputy_new: &'static str,
    pub deputy_edit: &'static str,
    pub deputy_name: &'static str,
    pub deputy_level: &'static str,
    pub deputy_stations: &'static str,
    pub deputy_office_hours: &'static str,
    pub deputy_public_contact: &'static str,
    pub deputy_public_contact_hint: &'static str,
    pub deputy_photo_url: &'static str,

    pub departments_title: &'static str,
    pub departments_back: &'static str,
    pub departments_empty: &'static str,
    pub department_add: &'static str,
    pub department_name: &'static str,
    pub categories_title: &'static str,
    pub categories_empty: &'static str,
    pub category_add: &'static str,
    pub category_name: &'static str,
    pub category_department: &'static str,
    pub category_respond: &'static str,
    pub category_respond_hint: &'static str,
    pub category_resolve: &'static str,
    pub category_resolve_hint: &'static str,
    pub category_active: &'static str,

    pub account_new: &'static str,
    pub account_intro: &'static str,
    pub account_role: &'static str,
    pub account_name: &'static str,
    pub account_phone: &'static str,
    pub account_password: &'static str,
    pub account_password_hint: &'static str,
    pub account_stations: &'static str,
    pub account_stations_hint: &'static str,
    pub account_department: &'static str,
    pub account_deputy: &'static str,
    pub account_created: &'static str,
}

static ORGANISATION_ZH: Organisation = Organisation {
    nav_regions: "行政区划",
    nav_deputies: "代表名录",
    nav_departments: "承办单位与分类",
    nav_accounts: "新建账号",
    save: "保存",
    create: "创建",
    edit: "编辑",
    saved: "已保存。",
    yes: "是",
    no: "否",

    regions_title: "行政区划",
    regions_add: "添加乡镇（街道）或村（社区）",
    region_name: "名称",
    region_level_label: "级别",
    region_parent: "上级地区",
    region_code: "编号缩写",
    region_code_hint: "2–8位字母或数字，以字母开头；用于受理编号，可不填。",

    station_new: "新建联络站",
    station_edit: "编辑联络站",
    station_name: "名称",
    station_kind: "类型",
    station_region: "所在地区",
    station_address: "地址",
    station_opening_hours: "开放时间",
    station_opening_hours_hint: "如：周一至周五 9:00-17:00；可不填。",
    stations_back: "返回联络站列表",
    col_kind: "类型",
    col_actions: "操作",

    deputies_title: "代表名录",
    deputies_empty: "还没有代表。",
    deputies_back: "返回代表名录",
    deputy_new: "添加代表",
    deputy_edit: "编辑代表",
    deputy_name: "姓名",
    deputy_level: "代表级别",
    deputy_stations: "进驻的联络站",
    deputy_office_hours: "接待时间",
    deputy_public_contact: "公开联系方式",
    deputy_public_contact_hint: "群众可以看到，只填代表同意公开的方式。",
    deputy_photo_url: "照片链接",

    departments_title: "承办单位与诉求分类",
    departments_back: "返回承办单位与分类",
    departments_empty: "还没有承办单位。",
    department_add: "添加承办单位",
    department_name: "单位名称",
    categories_title: "诉求分类",
    categories_empty: "还没有诉求分类。",
    category_add: "添加诉求分类",
    category_name: "分类名称",
    category_department: "默认承办单位",
    category_respond: "响应时限（小时）",
    category_respond_hint: "1–720小时，且不超过办结时限。",
    category_resolve: "办结时限（天）",
    category_resolve_hint: "1–365天。",
    category_active: "启用",

    account_new: "新建账号",
    account_intro: "为工作人员开设登录工作台的账号。密码请当面告知本人。",
    account_role: "角色",
    account_name: "姓名",
    account_phone: "手机号（登录名）",
    account_password: "初始密码",
    account_password_hint: "8–128个字符。",
    account_stations: "管理的联络站",
    account_stations_hint: "站长账号须选择至少一个联络站。",
    account_department: "所属承办单位",
    account_deputy: "对应的代表",
    account_created: "账号已创建，可用手机号和初始密码登录：",
};

/// Simplified Chinese, the console's language.
pub static ZH_CN: Messages = Messages {
    lang: "zh-CN",
    app_name: "码上说事 · 工作台",
    nav_label: "主导航",
    nav_home: "首页",
    nav_queue: "诉求队列",
    nav_stations: "联络站",
    logout: "退出登录",
    skip_to_content: "跳到正文",

    login_title: "工作人员登录",
    login_intro: "站长、代表、承办单位和县人大工作人员请用手机号和密码登录。",
    phone: "手机号",
    password: "密码",
    login_submit: "登录",
    login_wrong: "手机号或密码错误。",
    login_resident: "群众请使用“码上说事”微信小程序，工作台仅供工作人员登录。",
    login_expired: "登录已过期，请重新登录。",
    login_logged_out: "您已退出登录。",
    login_required: "请先登录。",

    home_title: "首页",
    home_open: "办理中",
    home_overdue: "已超期",
    home_due_soon: "24小时内到期",
    home_flagged: "待审核",
    home_unread: "未读通知",
    home_mine_open: "我的办理中诉求",
    home_see_queue: "查看全部",

    queue_title: "诉求队列",
    filter_scope: "范围",
    filter_station: "联络站",
    filter_status: "状态",
    filter_overdue: "超期",
    filter_q: "关键词",
    filter_sort: "排序",
    filter_any: "全部",
    filter_apply: "筛选",
    filter_reset: "清除",
    overdue_only: "仅超期",
    overdue_none: "未超期",
    sort_newest: "最新提交",
    sort_deadline: "最近到期",
    next_page: "下一页",
    first_page: "回到第一页",
    queue_empty: "没有符合条件的诉求。",

    col_number: "受理编号",
    col_title: "标题",
    col_status: "状态",
    col_station: "联络站",
    col_category: "分类",
    col_resolve_by: "办结时限",
    col_created: "提交时间",
    tag_overdue: "超期",
    tag_flagged: "待审核",
    tag_escalated: "已上报",

    case_back: "返回队列",
    case_details: "诉求详情",
    case_content: "内容",
    case_location: "地点",
    case_resident: "反映人",
    case_anonymous: "匿名",
    case_contact: "联系电话",
    case_respond_by: "响应时限",
    case_rating: "满意度",
    case_photos: "照片",
    case_timeline: "办理记录",
    case_internal: "内部",
    case_steps: "办理",
    case_no_steps: "当前没有您可以办理的步骤。",
    case_changed: "这件诉求刚被他人处理过，以下是最新状态，请确认后再操作。",
    case_refused: "这件诉求的当前状态不允许这一步，以下是最新状态。",
    case_done: "已保存。",
    none: "—",

    field_reason: "不予受理的理由及应走的渠道",
    field_content: "内容",
    field_note: "说明",
    field_summary: "办结情况",
    field_department: "承办单位",
    field_resolve_by: "办结时限（可不填）",
    field_resolve_by_hint: "格式 2026-12-31",
    field_deputy: "改由代表",
    choose: "请选择",

    stations_title: "联络站",
    stations_empty: "没有由您管理的联络站。",
    col_name: "名称",
    col_address: "地址",
    col_opening_hours: "开放时间",
    stations_roster: "值班表",
    stations_poster: "海报",

    roster_title: "值班表",
    roster_week: "周",
    roster_prev: "上一周",
    roster_this_week: "本周",
    roster_next: "下一周",
    roster_deputy: "代表",
    roster_starts: "开始",
    roster_ends: "结束",
    roster_save: "保存",
    roster_remove: "删除",
    roster_add: "添加班次",
    roster_empty_day: "无人值班",
    roster_no_deputies: "本联络站还没有代表，先为联络站添加代表后再排班。",
    weekdays: ["周一", "周二", "周三", "周四", "周五", "周六", "周日"],

    // County admin: webhooks, dead letters, outbox
    nav_webhooks: "推送接口",
    nav_deliveries: "消息投递",
    webhooks_title: "推送接口",
    webhooks_intro: "本县诉求的办理事件以签名的 POST 请求推送到这些地址（如12345热线、信访系统）。",
    webhooks_empty: "还没有推送接口。",
    webhook_new: "新建推送接口",
    webhook_edit: "修改推送接口",
    webhook_url: "接收地址",
    webhook_url_hint: "http 或 https 开头的完整地址",
    webhook_events: "推送的事件",
    webhook_active: "启用",
    webhook_on: "启用中",
    webhook_off: "已停用",
    webhook_create: "创建",
    webhook_save: "保存",
    webhook_change: "修改",
    webhook_delete: "删除",
    webhook_delete_confirm: "确定删除这个推送接口吗？它的投递记录（已发出的和等待发出的）将一并删除，且不能恢复。",
    webhook_delete_submit: "确认删除",
    webhook_cancel: "取消",
    webhook_created: "推送接口已创建。",
    webhook_secret: "签名密钥",
    webhook_secret_once: "请现在复制并妥善保存：密钥只显示这一次，刷新或离开本页后无法再查看。如需更换，请删除后重新创建。",
    webhook_saved: "已保存。",
    webhook_deleted: "推送接口已删除。",
    deliveries_title: "消息投递",
    backlog_title: "待投递积压",
    backlog_pending: "等待投递",
    backlog_dead: "投递失败",
    backlog_oldest: "最久等待（分钟）",
    backlog_oldest_since: "最早一条写入于",
    dead_title: "投递失败的消息",
    dead_intro: "这些消息多次尝试后仍未送达。排除原因（如对方系统故障）后，可重新投递。",
    dead_empty: "没有投递失败的消息。",
    col_channel: "渠道",
    col_event: "事件",
    col_case: "诉求",
    col_webhook: "推送接口",
    col_attempts: "尝试次数",
    col_last_error: "最后一次错误",
    col_finished: "失败时间",
    delivery_retry: "重新投递",
    delivery_retried: "已重新排队，稍后投递。",
    delivery_already_retried: "这条消息已经重新投递过了，不会再投递一次。",

    error_back: "返回首页",
    error_csrf: "页面已失效（安全校验未通过），请返回刷新后再提交。您填写的内容未被保存。",
    error_not_found: "没有找到这个页面，或您无权查看。",
    error_forbidden: "您的角色不能进行这项操作。",
    error_conflict: "操作与当前状态冲突，请刷新后再试。",
    error_rate_limited: "尝试次数过多，请稍后再试。",
    error_unavailable: "服务暂时不可用，请稍后再试。",
    error_internal: "系统出了点问题，我们已记录，请稍后再试。",
    error_bad_request: "请求无效。",

    org: &ORGANISATION_ZH,

    // Station poster
    poster_title: "联络站海报",
    poster_print: "打印海报",
    poster_png: "海报图片",
    poster_heading: "码上说事",
    poster_caption: "微信扫一扫，向人大代表反映问题",
    poster_deputies: "进站代表",
    poster_print_hint: "用浏览器的“打印”（Ctrl+P）打印本页，纸张选A4、纵向。",
    poster_back: "返回联络站",
    poster_font_missing: "海报字体未安装，暂时无法生成PNG图片（打印页仍可使用）。请系统管理员安装字体或修改设置：",

    // Public station page
    public_app_name: "码上说事",
    public_address: "地址",
    public_opening_hours: "开放时间",
    public_on_duty: "现在在岗的代表",
    public_nobody_on_duty: "现在没有代表在岗，您反映的问题由联络站转交代表办理。",
    public_deputies: "进站代表",
    public_no_deputies: "本站暂无进站代表。",
    public_office_hours: "接待时间",
    public_open: "打开“码上说事”小程序",
    public_open_hint: "在小程序里向本站代表反映问题，随时查看办理进度。",
    public_scan_hint: "请用微信“扫一扫”扫描联络站张贴的二维码，在“码上说事”小程序里向本站代表反映问题，随时查看办理进度。",
    public_deputy_level: "代表层级",
    public_deputy_station: "所在联络站",
    public_deputy_open_hint: "在小程序里直接向这位代表反映问题，随时查看办理进度。",
    public_deputy_scan_hint: "请用微信“扫一扫”扫描这位代表的代表码，在“码上说事”小程序里直接向代表反映问题，随时查看办理进度。",
};

impl Messages {
    /// The catalogue of the language the console speaks.
    pub fn current() -> &'static Messages {
        &ZH_CN
    }

    pub fn status(&self, status: &str) -> &'static str {
        match status {
            "submitted" => "待受理",
            "accepted" => "已受理",
            "assigned" => "已交办",
            "handled" => "已承办",
            "resolved" => "已办结",
            "closed" => "已关闭",
            "declined" => "不予受理",
            _ => "未知",
        }
    }

    pub fn role(&self, role: &str) -> &'static str {
        match role {
            "resident" => "群众",
            "deputy" => "人大代表",
            "station_admin" => "站长",
            "handler" => "承办单位",
            "county_admin" => "县人大常委会",
            "system" => "系统",
            _ => "未知",
        }
    }

    pub fn event(&self, kind: &str) -> &'static str {
        match kind {
            "submitted" => "提交诉求",
            "accepted" => "受理",
            "declined" => "不予受理",
            "replied" => "答复",
            "assigned" => "交办",
            "handled" => "承办反馈",
            "urged" => "督办",
            "reassigned" => "改派",
            "noted" => "内部备注",
            "resolved" => "办结",
            "rated" => "满意度测评",
            "reopened" => "重新交办",
            "escalated" => "上报县人大",
            "closed" => "关闭",
            "overdue" => "超期",
            _ => "其他",
        }
    }

    pub fn rating(&self, rating: &str) -> &'static str {
        match rating {
            "satisfied" => "满意",
            "basically_satisfied" => "基本满意",
            "unsatisfied" => "不满意",
            _ => "未知",
        }
    }

    pub fn scope(&self, scope: &str) -> &'static str {
        match scope {
            "mine" => "我的",
            "assigned" => "交给我的",
            "station" => "某联络站",
            _ => "全部",
        }
    }

    /// The name of a step as its button says it.
    pub fn step(&self, step: &str) -> &'static str {
        match step {
            "accept" => "受理",
            "decline" => "不予受理",
            "reply" => "答复群众",
            "assign" => "交办承办单位",
            "handle" => "承办反馈",
            "urge" => "督办",
            "reassign" => "改派代表",
            "note" => "内部备注",
            "resolve" => "办结",
            _ => "办理",
        }
    }

    /// A deputy's level (五级代表) as stored, as residents say it.
    pub fn deputy_level(&self, level: &str) -> &'static str {
        DeputyLevel::parse(level).map_or("人大代表", |level| self.org.deputy_level(level))
    }

    /// What a field error of `code` means, said to the person who typed it.
    pub fn field_error(&self, code: &str) -> &'static str {
        match code {
            "too_short" | "required" => "请填写此项。",
            "too_long" => "内容过长，请精简。",
            "invalid_characters" => "含有不允许的字符。",
            "invalid_phone" => "请输入11位手机号。",
            "unknown" | "unknown_value" => "请从列表中选择。",
            "not_a_number" => "请输入数字。",
            code if code == "taken" || code.ends_with("_taken") => "已被占用，请换一个。",
            "user.deputy_has_account" => "这位代表已有账号。",
            "invalid_url" => "请填写以 https:// 开头的网址。",
            "other_county" => "须在本县之内。",
            "mixed_counties" => "所选联络站须在同一个县。",
            "not_staff" => "群众从小程序登录，无需开设账号。",
            "wrong_level" | "must_be_absent" => "上级地区与级别不符。",
            "invalid_code" => "须为2–8位字母或数字，以字母开头。",
            "exceeds_resolve_limit" => "响应时限不能超过办结时限。",
            "not_at_station" => "这位代表不在本联络站。",
            "unchanged" => "诉求已在这位代表处。",
            "in_past" => "时限须晚于现在。",
            "invalid_date" => "请按 2026-12-31 的格式填写日期。",
            "invalid_cursor" => "分页已失效，请回到第一页。",
            "out_of_range" => "超出允许的范围。",
            "content_rejected" => "内容未通过审核，请修改后再提交。",
            "overlapping_shift" => "这位代表在这个时段已有班次。",
            "before_start" => "结束时间须晚于开始时间。",
            "outside_period" => "班次须在本周之内。",
            "invalid_time" => "请按 09:00 的格式填写时间。",
            "too_many" => "班次过多，请分周排班。",
            _ => "此项无效。",
        }
    }

    /// What an error page says for `status`.
    pub fn error_for(&self, status: StatusCode) -> &'static str {
        match status {
            StatusCode::NOT_FOUND => self.error_not_found,
            StatusCode::FORBIDDEN => self.error_forbidden,
            StatusCode::CONFLICT => self.error_conflict,
            StatusCode::TOO_MANY_REQUESTS => self.error_rate_limited,
            StatusCode::SERVICE_UNAVAILABLE => self.error_unavailable,
            s if s.is_server_error() => self.error_internal,
            _ => self.error_bad_request,
        }
    }
}

impl Organisation {
    pub fn station_kind(&self, kind: StationKind) -> &'static str {
        match kind {
            StationKind::Station => "联络站",
            StationKind::Point => "联络点",
            StationKind::Home => "代表之家",
            StationKind::Studio => "代表工作室",
        }
    }

    pub fn region_level(&self, level: RegionLevel) -> &'static str {
        match level {
            RegionLevel::County => "县（区）",
            RegionLevel::Township => "乡镇（街道）",
            RegionLevel::Village => "村（社区）",
        }
    }

    pub fn deputy_level(&self, level: DeputyLevel) -> &'static str {
        match level {
            DeputyLevel::National => "全国人大代表",
            DeputyLevel::Provincial => "省人大代表",
            DeputyLevel::City => "市人大代表",
            DeputyLevel::County => "县人大代表",
            DeputyLevel::Township => "乡镇人大代表",
        }
    }

    /// The words of vocabulary `V` with their labels, as a select's choices take them.
    pub fn labelled<V: Vocabulary>(
        &self,
        label: impl Fn(V) -> &'static str,
    ) -> Vec<(String, String)> {
        V::ALL
            .iter()
            .map(|v| (v.as_str().to_owned(), label(*v).to_owned()))
            .collect()
    }
}

// County admin: webhooks, dead letters, outbox
impl Messages {
    /// The channel a delivery goes by.
    pub fn channel(&self, channel: &str) -> &'static str {
        match channel {
            "wechat" => "微信订阅消息",
            "webhook" => "推送接口",
            _ => "未知",
        }
    }

    /// What a webhook form's error of `code` on `field` means; the common ones as elsewhere.
    pub fn webhook_error(&self, field: &str, code: &str) -> &'static str {
        match (field, code) {
            ("events", "required") => "请至少选择一个事件。",
            (_, "invalid_url") => "请填写完整的地址，如 https://12345.example.gov.cn/hook。",
            (_, "unsupported_scheme") => "只能推送到 http 或 https 地址。",
            (_, "private_target") => "不能推送到内网或本机地址。",
            _ => self.field_error(code),
        }
    }
}
